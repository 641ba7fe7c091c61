"""Issue 3 views for F1 (clients, client panel, renewals), F2 (ledger, tool usage) and F4 (team)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from partnerkit.ledger import Ledger
from partnerkit.store import (
    PDM_ROLE,
    ClientDetails,
    Partner,
    TeamMember,
    UnknownClientError,
    UnknownPartnerError,
    open_store,
)
from partnerkit.store import schema as t
from tests.integration.conftest import TEST_TODAY
from tests.integration.store.builders import (
    add_ledger,
    add_subscription,
    ledger_row,
    new_client,
    new_partner,
)

HOSTILE = ["<img src=x onerror=alert(1)>", "Robert'); DROP TABLE clients;--",
           "=cmd|' /C calc'!A0", "株式会社さくら", "Ελληνική Α.Ε.", "شركة الخليج", "Zoë \"Q\" Ltd"]


@pytest.fixture
def store(demo_db_url):
    with open_store(demo_db_url) as s:
        yield s


def test_partners_lists_the_three_demo_partners_with_their_settings(store):
    f = store.partners()
    assert list(f.columns) == ["partner_id", "name", "country", "currency", "credited_tier",
                               "credited_since", "certified_until", "joined_on"]
    assert sorted(f["currency"]) == ["BRL", "EUR", "USD"]
    p = store.get_partner("br-paulista")
    assert isinstance(p, Partner) and p.country == "BR" and isinstance(p.joined_on, dt.date)


def test_an_unknown_partner_error_names_the_known_ones(store):
    with pytest.raises(UnknownPartnerError, match="pt-lusitania") as e:
        store.get_partner("nope")
    assert isinstance(e.value, ValueError)
    with pytest.raises(UnknownPartnerError):
        store.client_table("nope", TEST_TODAY)


def test_f4_each_partner_has_one_partner_development_manager(store):
    for pid in store.partner_ids():
        team = store.team(pid)
        assert len(team) == 1 and isinstance(team[0], TeamMember)
        assert team[0].role == PDM_ROLE and "@" in team[0].email and team[0].description


def test_f1_2_client_table_has_the_contract_columns_and_types(store):
    f = store.client_table("pt-lusitania", TEST_TODAY)
    for col in ("client_id", "name", "domain", "country", "market", "relationship", "deal_type",
                "products", "tools_used", "engagement_score", "mrr", "currency",
                "mrr_partner_currency", "status", "portal_id", "crm_record_id"):
        assert col in f.columns, col
    assert set(f["market"]) <= {"growth", "standard"} and set(f["status"]) == {"active"}
    assert set(f["relationship"]) <= {"sold", "managed", "both"}
    assert all(isinstance(v, Decimal) for v in f["mrr"])
    assert all(isinstance(v, str) for v in f["products"])
    assert f["engagement_score"].dropna().between(0, 10).all()
    assert f["client_id"].is_unique


def test_mrr_in_the_partner_currency_uses_the_program_amounts_of_the_rules(db_url):
    with open_store(db_url) as store:
        new_partner(store, "p1", currency="EUR")
        new_client(store, "p1", "br1", country="BR", currency="BRL")
        add_subscription(store, "p1", "br1", mrr="555", currency="BRL")
        add_subscription(store, "p1", "br1", product_line="Sales Hub", edition="Starter",
                         mrr="555", currency="BRL", start=dt.date(2026, 12, 1))
        row = store.client_table("p1", TEST_TODAY).iloc[0]
        per100 = {c: store.rules.currency_rule(c, TEST_TODAY).local_per_100 for c in ("BRL", "EUR")}
    # only the subscription started by as_of counts; 555 BRL = US$100 = 88 EUR (2025 program table)
    assert row["mrr"] == Decimal("555") and row["market"] == "growth"
    assert row["mrr_partner_currency"] == (Decimal(555) * per100["EUR"] / per100["BRL"]).quantize(
        Decimal("0.01"))
    assert row["products"] == "Marketing Hub Professional"


def test_tools_used_and_engagement_come_from_each_clients_latest_month_up_to_as_of(db_url):
    sep, oct_, aug = dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 8, 1)
    usage = [("a", sep, "Email", True), ("a", sep, "Forms", True),
             ("a", oct_, "Email", True), ("a", oct_, "Forms", False),
             ("b", aug, "Email", True), ("b", aug, "Forms", True), ("b", aug, "Ads", True)]
    with open_store(db_url) as store:
        new_partner(store)
        for cid in ("a", "b", "c"):
            new_client(store, "p1", cid)
        with store.engine.begin() as conn:
            conn.execute(sa.insert(t.portal_usage), [
                {"partner_id": "p1", "client_id": cid, "month": m, "product": "Marketing Hub",
                 "app": app, "used": used} for cid, m, app, used in usage])
            conn.execute(sa.insert(t.engagement), [
                {"partner_id": "p1", "client_id": "a", "month": dt.date(2026, m, 1), "score": m}
                for m in (8, 9, 10)])
        now = store.client_table("p1", TEST_TODAY).set_index("client_id")
        before = store.client_table("p1", dt.date(2026, 9, 20)).set_index("client_id")
    assert now["tools_used"].to_dict() == {"a": 1, "b": 3, "c": 0}
    assert before["tools_used"].to_dict() == {"a": 2, "b": 3, "c": 0}
    assert now.loc["a", "engagement_score"] == 10 and before.loc["a", "engagement_score"] == 9
    assert now["engagement_score"].isna().sum() == 2


def test_client_table_is_one_query_whatever_the_number_of_clients(db_url):
    with open_store(db_url) as store:
        new_partner(store)
        for n in range(30):
            new_client(store, "p1", f"c{n}")
            add_subscription(store, "p1", f"c{n}")
        statements: list[str] = []
        sa.event.listen(store.engine, "before_cursor_execute",
                        lambda *a: statements.append(a[2]))
        store.client_table("p1", TEST_TODAY)
        store.renewals_due("p1", TEST_TODAY)
        store.load_ledger("p1")
    views = [s for s in statements if "clients" in s or "renewals" in s or "ledger" in s]
    # one lookup of the partner + one query per view, not one per client
    assert len([s for s in views if "FROM partners" not in s]) == 3


def test_f1_3_1_client_details_has_company_subscriptions_renewals_usage_and_engagement(store):
    client_id = store.client_table("us-northwind", TEST_TODAY)["client_id"].iloc[0]
    d = store.client_details("us-northwind", client_id)
    assert isinstance(d, ClientDetails)
    assert d.company["client_id"] == client_id and d.company["market"] in ("growth", "standard")
    assert list(d.subscriptions.columns) == ["product_line", "edition", "mrr", "currency",
                                             "contact_tier", "email_send_tier", "start_date",
                                             "renewal_date"]
    assert len(d.subscriptions) >= 1 and isinstance(d.subscriptions["mrr"].iloc[0], Decimal)
    assert {"month", "product", "app", "used"} == set(d.usage.columns) and len(d.usage) > 12
    assert list(d.engagement.columns) == ["month", "score", "drivers"] and len(d.engagement) == 12
    assert "decision_deadline" in d.renewals.columns
    with pytest.raises(UnknownClientError):
        store.client_details("us-northwind", "no-such-client")


def test_f1_1_renewals_due_lists_the_next_120_days_with_a_deadline_45_days_before(store):
    f = store.renewals_due("br-paulista", TEST_TODAY)
    assert len(f) > 0
    assert list(f.columns) == ["client_id", "client_name", "renewal_date", "decision_deadline",
                               "owner", "renewal_manager", "current_subscription",
                               "renewal_subscription", "status"]
    assert (f["renewal_date"] >= TEST_TODAY).all()
    assert (f["renewal_date"] <= TEST_TODAY + dt.timedelta(days=120)).all()
    assert ((f["renewal_date"] - f["decision_deadline"]) == dt.timedelta(days=45)).all()
    assert f["renewal_date"].is_monotonic_increasing
    assert len(store.renewals_due("br-paulista", TEST_TODAY, days=30)) < len(f)


def test_load_ledger_returns_the_core_ledger_with_exact_amounts(db_url):
    with open_store(db_url) as store:
        new_partner(store)
        add_ledger(store, [
            ledger_row("p1", "c1", "sold", dt.date(2026, 3, 2), "1234.5678", deal_type="sourced",
                       product_line="Sales Hub", first_sold=dt.date(2023, 5, 1)),
            ledger_row("p1", "c1", "managed", dt.date(2026, 10, 1), "0.0001", other_partners=2),
        ])
        ledger = store.load_ledger("p1")
    assert isinstance(ledger, Ledger) and len(ledger) == 2
    recs = {r["kind"]: r for r in ledger.to_records()}
    assert recs["sold"]["amount"] == "1234.5678" and recs["sold"]["first_sold"] == "2023-05-01"
    assert recs["managed"]["amount"] == "0.0001" and recs["managed"]["other_partners"] == "2"
    assert recs["managed"]["date"] == "2026-10"


def test_f2_5_average_tool_usage_is_the_mean_of_tools_used(store):
    table = store.client_table("pt-lusitania", TEST_TODAY)
    avg = store.average_tool_usage("pt-lusitania", TEST_TODAY)
    assert avg == pytest.approx(table["tools_used"].mean()) and 0 < avg < 40


def test_data_as_of_is_the_latest_day_of_data(store):
    assert store.data_as_of("pt-lusitania") == TEST_TODAY


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_and_non_latin_names_are_stored_and_read_back_verbatim(db_url, name):
    with open_store(db_url) as store:
        new_partner(store, "p1", name=name)
        new_client(store, "p1", "c1", name=name)
        assert store.get_partner("p1").name == name
        assert store.client_table("p1", TEST_TODAY)["name"].tolist() == [name]
        assert store.client_details("p1", "c1").company["name"] == name
        assert "clients" in sa.inspect(store.engine).get_table_names()
