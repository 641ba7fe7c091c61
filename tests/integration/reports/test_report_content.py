"""The report's expiring list, built in one pass over the valuation, is the list the per-client
event tables give (the way it was built before issue 7): same rows, same order, same values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest

from partnerkit.reports.content import expiring_frame
from tests.integration.reports.conftest import write_book


def expiring_from_client_events(standing, as_of: dt.date, days: int) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """Each client with sold points, its active sold events newest first, soonest expiry first."""
    cols = ["client_id", "client_name", "deal_type", "expires_on", "points"]
    limit = as_of + dt.timedelta(days=days)
    rows = []
    pc = standing.per_client
    for row in pc.itertuples(index=False):
        if Decimal(row.sold) <= 0:
            continue
        ev = standing.client_events(row.client_id)
        ev = ev[(ev["kind"] == "sold") & (ev["status"] == "active")]
        for e in ev.itertuples(index=False):
            if e.expires_on is not None and e.expires_on <= limit:
                rows.append((row.client_id, row.client_name, e.deal_type, e.expires_on, e.points))
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["expires_on", "client_name"]).reset_index(drop=True)


@pytest.mark.parametrize("book_kind", ["test book", "demo book"])
def test_the_expiring_list_is_each_clients_active_sold_events_that_expire_in_time(
    book_kind: str, tmp_path, as_of_today
):
    from partnerkit import load_rules
    from partnerkit.standing import compute_standing, valuate
    from partnerkit.store import open_store
    from partnerkit.store.demo import create_demo

    url = f"sqlite:///{tmp_path / 'book.sqlite3'}"
    if book_kind == "demo book":
        create_demo(url, seed=7, today=as_of_today)
    else:
        write_book(url, 3)
    rules = load_rules()
    checked = 0
    with open_store(url) as store:
        for pid in store.partner_ids():
            v = valuate(store.load_ledger(pid), rules)
            for on in (dt.date(2026, 10, 31), dt.date(2026, 3, 31), dt.date(2024, 1, 31)):
                s = compute_standing(v, on)
                for days in (30, 90, 400):
                    expected = expiring_from_client_events(s, on, days)
                    pd.testing.assert_frame_equal(expiring_frame(s, on, days), expected)
                    checked += len(expected)
    assert checked > 20  # the books do have points expiring in those windows
