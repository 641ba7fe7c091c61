"""Issue 3: views stay fast on a book of 5,000 clients and 10 years of ledger."""

from __future__ import annotations

import datetime as dt
import random
import time

import pytest
import sqlalchemy as sa

from partnerkit.store import open_store
from partnerkit.store import schema as t
from partnerkit.store.engine import write_tx
from tests.integration.conftest import TEST_TODAY
from tests.integration.store.builders import months, new_partner

CLIENTS = 5_000
YEARS = 10


def big_book(store) -> int:
    rnd = random.Random(5)
    new_partner(store, "big", currency="USD", country="US")
    clients, subs, ledger, usage, eng, ren = [], [], [], [], [], []
    all_months = months(dt.date(TEST_TODAY.year - YEARS, TEST_TODAY.month, 1), 12 * YEARS + 1)
    for n in range(CLIENTS):
        cid = f"c{n:05d}"
        country = rnd.choice(("US", "BR", "IN", "GB", "JP"))
        clients.append({"partner_id": "big", "client_id": cid, "name": f"Client {n} ção",
                        "country": country, "relationship": "both", "currency": "USD"})
        subs.append({"partner_id": "big", "client_id": cid, "product_line": "Marketing Hub",
                     "edition": "Professional", "mrr_units": 8_000_000, "currency": "USD",
                     "start_date": dt.date(2020, 1, 1), "renewal_date": None})
        ren.append({"partner_id": "big", "client_id": cid,
                    "renewal_date": TEST_TODAY + dt.timedelta(days=rnd.randint(1, 365))})
        for app in ("Email", "Forms", "Workflows"):
            usage.append({"partner_id": "big", "client_id": cid, "month": all_months[-1],
                          "product": "Marketing Hub", "app": app, "used": rnd.random() < 0.6})
        eng.append({"partner_id": "big", "client_id": cid, "month": all_months[-1],
                    "score": rnd.randint(0, 10), "drivers": "x"})
        for k in range(6):
            day = TEST_TODAY - dt.timedelta(days=rnd.randint(0, 365 * YEARS))
            ledger.append({"partner_id": "big", "event_id": f"{cid}-s{k}", "kind": "sold",
                           "client_id": cid, "client_name": "", "date": day,
                           "deal_type": "sourced", "amount_units": 5_000_000, "currency": "USD",
                           "country": country, "product_line": "Sales Hub", "first_sold": None,
                           "other_partners": 0})
    # managed snapshots: every month for 10 years, for a tenth of the clients (60k rows)
    for n in range(0, CLIENTS, 10):
        for m in all_months:
            ledger.append({"partner_id": "big", "event_id": f"c{n:05d}-m{m:%Y%m}",
                           "kind": "managed", "client_id": f"c{n:05d}", "client_name": "",
                           "date": m, "deal_type": "", "amount_units": 8_000_000,
                           "currency": "USD", "country": "US", "product_line": "",
                           "first_sold": None, "other_partners": 0})
    with write_tx(store.engine) as conn:
        for table, rows in ((t.clients, clients), (t.subscriptions, subs), (t.renewals, ren),
                            (t.portal_usage, usage), (t.engagement, eng), (t.ledger, ledger)):
            for i in range(0, len(rows), 5_000):
                conn.execute(sa.insert(table), rows[i:i + 5_000])
    store.analyze()  # as `partnerkit import` does after writing
    return len(ledger)


@pytest.mark.slow
def test_views_are_fast_on_5000_clients_and_10_years_of_ledger(db_url):
    with open_store(db_url) as store:
        start = time.perf_counter()
        rows = big_book(store)
        timings = {"build": time.perf_counter() - start}
        for name, call in {
            "client_table": lambda: store.client_table("big", TEST_TODAY),
            "renewals_due": lambda: store.renewals_due("big", TEST_TODAY),
            "load_ledger": lambda: store.load_ledger("big"),
            "client_details": lambda: store.client_details("big", "c00042"),
            "average_tool_usage": lambda: store.average_tool_usage("big", TEST_TODAY),
        }.items():
            start = time.perf_counter()
            result = call()
            timings[name] = time.perf_counter() - start
            if name == "client_table":
                assert len(result) == CLIENTS
            if name == "load_ledger":
                assert len(result) == rows
    print(f"\n{db_url.split(':')[0]} ({rows} ledger rows): "
          + ", ".join(f"{k} {v:.2f}s" for k, v in timings.items()))
    assert timings["client_table"] < 3
    assert timings["renewals_due"] < 1
    assert timings["load_ledger"] < 10  # generous: the test machine is shared (load ~10)
    assert timings["client_details"] < 0.5
