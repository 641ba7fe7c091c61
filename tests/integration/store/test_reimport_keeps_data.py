"""Issue 15, items 3 and 7: a re-import with fewer columns keeps what it does not mention; a
client's currency cannot change under its subscriptions."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from partnerkit.store import open_store
from partnerkit.store import schema as t
from partnerkit.store.importer import ImportFileError, import_file
from tests.integration.store.builders import new_partner

FULL_CLIENTS = ("Client ID,Company name,Company Domain Name,Country/Region,Industry,"
                "Number of Employees,Hub ID,Relationship,Deal type,Currency\n"
                "c1,Acme,acme.example,PT,Retail,40,12345,sold,sourced,EUR\n")
FULL_SUBS = ("Client ID,Product line,Edition,MRR,Currency,Contact tier,Email send tier,"
             "Start date,Renewal date\n"
             "c1,Marketing Hub,Professional,920,EUR,2000 contacts,20000 emails,2025-01-01,"
             "2026-12-31\n")


def _file(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, "utf-8")
    return p


def _row(store, table: sa.Table) -> dict:
    with store.engine.connect() as conn:
        return dict(conn.execute(sa.select(table)).mappings().one())


@pytest.fixture
def store(db_url, tmp_path):
    with open_store(db_url) as s:
        new_partner(s, "acme")
        import_file(s, "acme", "clients", _file(tmp_path, "full.csv", FULL_CLIENTS))
        import_file(s, "acme", "subscriptions", _file(tmp_path, "subs.csv", FULL_SUBS))
        yield s


def test_a_clients_reimport_without_some_columns_leaves_their_stored_values(store, tmp_path):
    before = _row(store, t.clients)
    thin = _file(tmp_path, "thin.csv", "Client ID,Company name,Country/Region,Relationship,"
                 "Currency\nc1,Acme Renamed,PT,sold,EUR\n")
    import_file(store, "acme", "clients", thin)
    after = _row(store, t.clients)
    assert after["name"] == "Acme Renamed"
    for kept in ("domain", "industry", "employees", "portal_id", "deal_type"):
        assert after[kept] == before[kept], kept


def test_an_empty_cell_in_a_present_column_clears_the_stored_value(store, tmp_path):
    cleared = _file(tmp_path, "cleared.csv", "Client ID,Company name,Country/Region,Industry,"
                    "Relationship,Currency\nc1,Acme,PT,,sold,EUR\n")
    import_file(store, "acme", "clients", cleared)
    assert _row(store, t.clients)["industry"] == ""


def test_a_subscriptions_reimport_without_tiers_or_renewal_date_keeps_them(store, tmp_path):
    before = _row(store, t.subscriptions)
    thin = _file(tmp_path, "thin-subs.csv", "Client ID,Product line,Edition,MRR,Currency,"
                 "Start date\nc1,Marketing Hub,Enterprise,1500,EUR,2025-01-01\n")
    import_file(store, "acme", "subscriptions", thin)
    after = _row(store, t.subscriptions)
    assert after["edition"] == "Enterprise"
    for kept in ("renewal_date", "contact_tier", "email_send_tier"):
        assert after[kept] == before[kept], kept


def test_a_client_currency_cannot_change_under_its_subscriptions(store, tmp_path):
    usd = _file(tmp_path, "usd.csv", "Client ID,Company name,Country/Region,Relationship,"
                "Currency\nc1,Acme,PT,sold,USD\n")
    with pytest.raises(ImportFileError) as e:
        import_file(store, "acme", "clients", usd)
    text = str(e.value)
    assert "line 2, column 'Currency'" in text and "Marketing Hub" in text and "EUR" in text
    assert _row(store, t.clients)["currency"] == "EUR"
