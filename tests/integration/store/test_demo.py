"""Issue 3: the demo book — realistic, deterministic, with varied standings (F1, F2, F4)."""

from __future__ import annotations

import datetime as dt
import re
import time
from decimal import Decimal

import pytest
import sqlalchemy as sa

from partnerkit.standing import compute_standing
from partnerkit.store import ensure_demo_database, open_store
from partnerkit.store import schema as t
from partnerkit.store.demo import DEMO_PARTNER_IDS, create_demo
from partnerkit.tiers import credited_tier, evaluate_tier, next_review
from tests.integration.conftest import TEST_TODAY

SOURCED_CHANGE = dt.date(2024, 2, 27)


@pytest.fixture
def store(demo_db_url):
    with open_store(demo_db_url) as s:
        yield s


def dump(url: str) -> dict[str, list[tuple]]:
    """Every table's rows, sorted (audit times and ids left out: they are wall-clock)."""
    with open_store(url) as s, s.engine.connect() as conn:
        out = {}
        for table in t.metadata.sorted_tables:
            cols = [c for c in table.columns if c.name not in ("at", "id")]
            rows = conn.execute(sa.select(*cols)).all()
            out[table.name] = sorted(tuple(map(str, r)) for r in rows)
    return out


def test_the_demo_is_the_same_for_the_same_seed_and_day_and_on_every_backend(demo_db_url,
                                                                           tmp_path):
    url = f"sqlite:///{tmp_path / 'again.db'}"
    create_demo(url, seed=7, today=TEST_TODAY)
    assert dump(url) == dump(demo_db_url)
    other = f"sqlite:///{tmp_path / 'other.db'}"
    create_demo(other, seed=8, today=TEST_TODAY)
    assert dump(other)["clients"] != dump(url)["clients"]


def test_the_demo_day_defaults_to_partnerkit_as_of(tmp_path, monkeypatch):
    monkeypatch.setenv("PARTNERKIT_AS_OF", "2026-11-15")
    url = create_demo(f"sqlite:///{tmp_path / 'd.db'}")
    with open_store(url) as s:
        assert s.data_as_of("pt-lusitania") == dt.date(2026, 11, 15)


def test_three_partners_portugal_brazil_usa_with_40_to_400_clients(store):
    partners = store.partners().set_index("partner_id")
    assert sorted(partners.index) == sorted(DEMO_PARTNER_IDS)
    assert {(r.country, r.currency) for r in partners.itertuples()} == {
        ("PT", "EUR"), ("BR", "BRL"), ("US", "USD")}
    assert store.rules.market_of("BR", TEST_TODAY) == "growth"
    for pid in DEMO_PARTNER_IDS:
        table = store.client_table(pid, TEST_TODAY, include_ended=True)
        assert 40 <= len(table) <= 400
        assert set(table["market"]) == {"growth", "standard"}, pid
        assert set(table["relationship"]) == {"sold", "managed", "both"}
        assert len(store.renewals_due(pid, TEST_TODAY, days=120)) > 0
        assert len(store.team(pid)) == 1


def test_sold_deals_cover_sourced_assisted_new_cross_sell_upsell_around_2024_02_27(store):
    for pid in DEMO_PARTNER_IDS:
        f = store.load_ledger(pid).frame
        sold = f[f["kind"] == "sold"]
        assert set(sold["deal_type"]) == {"sourced", "assisted"}
        days = sold["date"].dt.date
        assert days.min() < SOURCED_CHANGE < days.max()
        assert days.min() >= dt.date(2023, 11, 15) and days.max() <= TEST_TODAY
        upsells = sold[sold["first_sold"].notna()]
        firsts = sold[sold["first_sold"].isna()]
        assert len(upsells) and len(firsts)
        assert (upsells["first_sold"] < upsells["date"]).all()
        # an upsell after the change on a product line first sold before it (keeps the old rate)
        assert ((upsells["first_sold"].dt.date < SOURCED_CHANGE)
                & (upsells["date"].dt.date >= SOURCED_CHANGE)).any()
        # cross-sell: a client with first sales of two product lines
        per_client = firsts.groupby("client_id")["product_line"].nunique()
        assert (per_client >= 2).any()


def test_managed_snapshots_are_monthly_and_some_clients_are_co_managed(store):
    co_managed = 0
    for pid in DEMO_PARTNER_IDS:
        m = store.load_ledger(pid).managed
        assert (m["date"].dt.day == 1).all()
        assert m.groupby("client_id")["date"].nunique().max() >= 12
        assert not m.duplicated(["client_id", "date"]).any()
        co_managed += int((m["other_partners"] > 0).any())
    assert co_managed >= 2


def test_names_have_accents_and_japanese_greek_and_arabic_scripts(store):
    names = "".join(n for pid in DEMO_PARTNER_IDS
                    for n in store.client_table(pid, TEST_TODAY, include_ended=True)["name"])
    for script, pattern in {"accents": "[ãçéêóôõúÁ-ÿ]", "japanese": "[\u3040-\u30ff\u4e00-\u9fff]",
                            "greek": "[\u0370-\u03ff]", "arabic": "[\u0600-\u06ff]"}.items():
        assert re.search(pattern, names), script


def test_usage_and_engagement_have_a_year_of_history(store):
    client_id = store.client_table("br-paulista", TEST_TODAY)["client_id"].iloc[3]
    d = store.client_details("br-paulista", client_id)
    assert d.usage["month"].nunique() == 12 and d.engagement["month"].nunique() == 12
    assert d.engagement["score"].between(0, 10).all() and d.engagement["drivers"].str.len().min()


def test_standings_are_varied_boundary_expiring_points_and_expiring_certification(store):
    """F2: one partner near a tier boundary, one with points expiring soon, one whose
    certification lapses before the next review."""
    rules = store.rules
    ladder = {r.tier: r for r in rules.tier_ladder(TEST_TODAY)}
    perf = {}
    for pid in DEMO_PARTNER_IDS:
        p = store.get_partner(pid)
        standing = compute_standing(store.load_ledger(pid), TEST_TODAY, rules)
        perf[pid] = (p, standing, evaluate_tier(standing, TEST_TODAY, rules, p.certified_until))
    # Portugal: performs Platinum, within 5% of the Diamond total
    _, s, e = perf["pt-lusitania"]
    diamond = ladder["Diamond"].total_min
    assert e.tier == "Platinum" and diamond * Decimal("0.95") <= s.total_points < diamond
    # Brazil: Diamond today, but points expiring within 60 days take it below Diamond
    p, s, e = perf["br-paulista"]
    assert e.tier == "Diamond" and s.expiring[60] > s.sold_points * Decimal("0.3")
    later = TEST_TODAY + dt.timedelta(days=60)
    after = evaluate_tier(compute_standing(store.load_ledger("br-paulista"), later, rules),
                          later, rules, p.certified_until)
    assert rules.tier_rank(after.tier) < rules.tier_rank("Diamond")
    # USA: certification valid today, expiring before the next review: the review moves it down
    p, s, e = perf["us-northwind"]
    review = next_review(rules, TEST_TODAY)
    assert TEST_TODAY < p.certified_until < review
    credited = credited_tier(store.load_ledger("us-northwind"), rules, p.credited_tier,
                             p.credited_since, TEST_TODAY, p.certified_until)
    assert "certification" in credited.next_review_outcome
    assert rules.tier_rank(credited.next_review_tier) < rules.tier_rank(credited.tier)
    # and the others keep a valid certification through the review
    for pid in ("pt-lusitania", "br-paulista"):
        assert perf[pid][0].certified_until > review


def test_creating_the_demo_takes_under_five_seconds(db_url):
    start = time.perf_counter()
    create_demo(db_url, seed=7, today=TEST_TODAY)
    elapsed = time.perf_counter() - start
    print(f"demo creation on {db_url.split(':')[0]}: {elapsed:.2f} s")
    assert elapsed < 5


def test_a_second_demo_needs_force_and_force_rewrites_only_the_demo(db_url):
    from tests.integration.store.builders import new_partner

    create_demo(db_url, today=TEST_TODAY)
    with pytest.raises(ValueError, match="--force"):
        create_demo(db_url, today=TEST_TODAY)
    with open_store(db_url) as s:
        new_partner(s, "mine")
        s.end_services("pt-lusitania", "PT-0001", "test", by="me")
    create_demo(db_url, today=TEST_TODAY, replace=True)
    with open_store(db_url) as s:
        assert "mine" in s.partner_ids()
        assert len(s.client_table("pt-lusitania", TEST_TODAY, include_ended=True)) == 48
        assert "end_services" not in set(s.audit_log("pt-lusitania")["entity_id"])


def test_ensure_demo_database_creates_the_book_only_when_there_are_no_partners(db_url):
    assert ensure_demo_database(db_url) == db_url
    with open_store(db_url) as s:
        assert sorted(s.partner_ids()) == sorted(DEMO_PARTNER_IDS)
        s.end_services("us-northwind", "US-0002", "kept", by="me")
    ensure_demo_database(db_url)  # a non-empty database is left alone
    with open_store(db_url) as s:
        assert "ended" in set(s.client_table("us-northwind", TEST_TODAY, True)["status"])
