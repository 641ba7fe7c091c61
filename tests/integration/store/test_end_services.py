"""F1.3.4 End services: hides the client, stops future managed points, audit-logged, undoable."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from partnerkit.standing import compute_standing
from partnerkit.store import UnknownClientError, open_store
from partnerkit.store import schema as t
from tests.integration.conftest import TEST_TODAY
from tests.integration.store.builders import (
    add_ledger,
    add_subscription,
    ledger_row,
    months,
    new_client,
    new_partner,
)


def book(store):
    """Partner p1: client c1 sold in March and managed Jan..Nov 2026, client c2 managed."""
    new_partner(store)
    for cid in ("c1", "c2"):
        new_client(store, "p1", cid)
        add_subscription(store, "p1", cid)
    rows = [ledger_row("p1", "c1", "sold", dt.date(2026, 3, 10), "1000", deal_type="sourced")]
    rows += [ledger_row("p1", cid, "managed", m, "1000") for cid in ("c1", "c2")
             for m in months(dt.date(2026, 1, 1), 11)]
    add_ledger(store, rows)


def counts(store):
    with store.engine.connect() as conn:
        return {tb.name: conn.execute(sa.select(sa.func.count()).select_from(tb)).scalar()
                for tb in (t.clients, t.ledger, t.subscriptions)}


def test_ending_services_hides_the_client_but_keeps_its_points_and_rows(db_url):
    with open_store(db_url) as store:
        book(store)
        before = counts(store)
        store.end_services("p1", "c1", "moved in-house", by="Ana", on=dt.date(2026, 8, 20))
        assert store.client_table("p1", TEST_TODAY)["client_id"].tolist() == ["c2"]
        full = store.client_table("p1", TEST_TODAY, include_ended=True).set_index("client_id")
        assert full.loc["c1", "status"] == "ended" and full.loc["c1", "ended_by"] == "Ana"
        assert counts(store) == before  # nothing deleted
        ledger = store.load_ledger("p1")
        c1 = ledger.for_client("c1").frame
        # sold history stays; managed snapshots stop after the month services ended
        assert (c1["kind"] == "sold").sum() == 1
        assert c1[c1["kind"] == "managed"]["date"].max().date() == dt.date(2026, 8, 1)
        standing = compute_standing(ledger, TEST_TODAY, store.rules)
        per = standing.per_client.set_index("client_id")
        assert per.loc["c1", "sold"] > 0 and per.loc["c1", "managed"] == 0
        assert per.loc["c2", "managed"] > 0
        # before the end date the client was still active and managed
        assert "c1" in set(store.client_table("p1", dt.date(2026, 7, 31))["client_id"])


def test_ending_services_is_recorded_who_when_and_why(db_url):
    with open_store(db_url) as store:
        book(store)
        store.end_services("p1", "c1", "contract over", by="Ana")
        log = store.audit_log("p1")
        last = log.iloc[-1]
        assert (last["action"], last["entity"], last["entity_id"], last["actor"]) == (
            "end_services", "client", "c1", "Ana")
        assert json.loads(last["details"]) == {"reason": "contract over",
                                               "ended_on": TEST_TODAY.isoformat()}
        assert last["at"] is not None


def test_undo_end_services_brings_the_client_and_its_managed_points_back(db_url):
    with open_store(db_url) as store:
        book(store)
        full_before = store.load_ledger("p1").frame
        store.end_services("p1", "c1", "mistake", by="Ana", on=dt.date(2026, 6, 1))
        assert len(store.load_ledger("p1")) < len(full_before)
        store.undo_end_services("p1", "c1", by="Rui")
        assert set(store.client_table("p1", TEST_TODAY)["client_id"]) == {"c1", "c2"}
        assert len(store.load_ledger("p1")) == len(full_before)
        log = store.audit_log("p1")
        assert log["action"].tolist()[-2:] == ["end_services", "undo_end_services"]
        assert json.loads(log.iloc[-1]["details"])["was_ended_by"] == "Ana"


def test_end_services_refuses_twice_unknown_clients_and_missing_reasons(db_url):
    with open_store(db_url) as store:
        book(store)
        store.end_services("p1", "c1", "r", by="Ana")
        with pytest.raises(ValueError, match="already ended"):
            store.end_services("p1", "c1", "r", by="Ana")
        with pytest.raises(UnknownClientError):
            store.end_services("p1", "zz", "r", by="Ana")
        with pytest.raises(ValueError, match="reason"):
            store.end_services("p1", "c2", "  ", by="Ana")
        with pytest.raises(ValueError, match="not been ended"):
            store.undo_end_services("p1", "c2", by="Ana")
        assert store.audit_log("p1")["action"].tolist().count("end_services") == 1


def test_an_ended_client_has_no_renewal_alert(db_url):
    with open_store(db_url) as store:
        book(store)
        with store.engine.begin() as conn:
            conn.execute(sa.insert(t.renewals), [
                {"partner_id": "p1", "client_id": cid, "renewal_date": dt.date(2027, 1, 10)}
                for cid in ("c1", "c2")])
        assert len(store.renewals_due("p1", TEST_TODAY)) == 2
        store.end_services("p1", "c1", "gone", by="Ana")
        assert store.renewals_due("p1", TEST_TODAY)["client_id"].tolist() == ["c2"]
