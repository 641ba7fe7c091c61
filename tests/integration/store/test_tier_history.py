"""F2.1 credited-tier history in the store (issue 12), on SQLite and PostgreSQL: the first record
from add-partner, records added/corrected/removed with the audit log, the import of HubSpot's
Date/Tier file (all rows or none), and the partner row kept equal to the latest record."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from partnerkit.store import open_store
from partnerkit.store.importer import ImportFileError, import_file
from partnerkit.tier_history import TierRecord
from tests.integration.store.builders import new_partner

D = dt.date


def test_a_new_partner_with_a_credited_tier_starts_its_history_with_that_record(db_url):
    with open_store(db_url) as store:
        new_partner(store)  # Gold since 2025-07-15
        assert store.tier_history("p1") == [TierRecord(D(2025, 7, 15), "Gold", "recorded", "")]
        actions = store.audit_log("p1")["action"].tolist()
        assert actions == ["upsert_partner", "add_tier_record"]


def test_adding_a_record_is_audited_and_moves_the_partners_credited_tier(db_url):
    with open_store(db_url) as store:
        new_partner(store)
        store.add_tier_record("p1", D(2026, 2, 1), "platinum partner", by="Ana",
                              note="HubSpot e-mail of Feb 1")
        history = store.tier_history("p1")
        assert [(r.credited_from, r.tier) for r in history] == [
            (D(2025, 7, 15), "Gold"), (D(2026, 2, 1), "Platinum")]
        p = store.get_partner("p1")
        assert (p.credited_tier, p.credited_since) == ("Platinum", D(2026, 2, 1))
        last = store.audit_log("p1").iloc[-1]
        assert (last["action"], last["actor"], last["entity_id"]) == (
            "add_tier_record", "Ana", "2026-02-01")
        assert json.loads(last["details"])["tier"] == "Platinum"


def test_removing_a_record_keeps_what_it_said_in_the_audit_log(db_url):
    with open_store(db_url) as store:
        new_partner(store)
        store.add_tier_record("p1", D(2026, 2, 1), "Platinum", by="Ana")
        store.remove_tier_record("p1", D(2026, 2, 1), by="Rui")
        assert [r.tier for r in store.tier_history("p1")] == ["Gold"]
        assert store.get_partner("p1").credited_tier == "Gold"
        last = store.audit_log("p1").iloc[-1]
        assert last["action"] == "remove_tier_record"
        assert json.loads(last["details"])["was_tier"] == "Platinum"


@pytest.mark.parametrize(("kwargs", "fragment"), [
    ({"tier": "Silver"}, "is not a tier"),
    ({"credited_from": D(2030, 1, 1)}, "in the future"),
    ({"by": " "}, "who records"),
    ({"note": "x" * 501}, "under 500"),
    ({"source": "guessed"}, "recorded, computed"),
])
def test_a_bad_record_is_refused_with_one_clear_reason_and_nothing_written(db_url, kwargs,
                                                                           fragment):
    with open_store(db_url) as store:
        new_partner(store)
        args = {"credited_from": D(2026, 2, 1), "tier": "Platinum", "by": "Ana", **kwargs}
        with pytest.raises(ValueError, match=fragment):
            store.add_tier_record("p1", **args)
        assert len(store.tier_history("p1")) == 1
        assert store.audit_log("p1")["action"].tolist()[-1] == "add_tier_record"
        assert len(store.audit_log("p1")) == 2


def test_importing_hubspots_date_and_tier_file_adds_every_record(db_url, tmp_path):
    f = tmp_path / "tiers.csv"
    f.write_text("Date,Tier\n2024-01-02,Gold Partner\n2025-07-02,Platinum tier\n"
                 "2026-10-02,Diamond Solutions Partner\n", encoding="utf-8")
    with open_store(db_url) as store:
        new_partner(store)
        result = import_file(store, "p1", "tier-history", f, by="Ana")
        assert (result.rows, result.inserted) == (3, 3)
        assert [(r.credited_from, r.tier) for r in store.tier_history("p1")] == [
            (D(2024, 1, 2), "Gold"), (D(2025, 7, 2), "Platinum"), (D(2025, 7, 15), "Gold"),
            (D(2026, 10, 2), "Diamond")]
        assert store.get_partner("p1").credited_tier == "Diamond"
        again = import_file(store, "p1", "tier-history", f, by="Ana")
        assert again.inserted == 0 and len(store.tier_history("p1")) == 4


def test_a_tier_history_file_with_a_bad_row_imports_nothing(db_url, tmp_path):
    f = tmp_path / "tiers.csv"
    f.write_text("Date,Tier\n2024-01-02,Gold\n2025-13-02,Platinum\n2025-08-01,Bronze\n",
                 encoding="utf-8")
    with open_store(db_url) as store:
        new_partner(store)
        with pytest.raises(ImportFileError) as err:
            import_file(store, "p1", "tier-history", f, by="Ana")
        problems = [(p.line, p.column) for p in err.value.problems]
        assert problems == [(3, "Date"), (4, "Tier")]
        assert len(store.tier_history("p1")) == 1


def test_add_partner_on_the_command_line_writes_the_first_record(tmp_path: Path):
    db = tmp_path / "cli.db"
    base = [sys.executable, "-m", "partnerkit"]
    done = subprocess.run([*base, "add-partner", "--db", str(db), "--partner", "acme-pt",
                           "--name", "Acme", "--country", "PT", "--currency", "EUR",
                           "--credited-tier", "Platinum Partner", "--credited-since",
                           "2026-07-02"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    with open_store(f"sqlite:///{db}") as store:
        assert store.tier_history("acme-pt") == [TierRecord(D(2026, 7, 2), "Platinum")]
    half = subprocess.run([*base, "add-partner", "--db", str(db), "--partner", "acme-pt",
                           "--name", "Acme", "--country", "PT", "--currency", "EUR",
                           "--credited-tier", "Gold"], capture_output=True, text=True,
                          timeout=120)
    assert half.returncode == 2 and "--credited-since" in half.stderr
    assert "Traceback" not in half.stderr


def test_the_demo_book_records_each_partners_credited_tiers(demo_db_url):
    with open_store(demo_db_url) as store:
        paulista = store.tier_history("br-paulista")
        assert [r.tier for r in paulista] == ["Platinum", "Diamond"]
        assert paulista[-1].credited_from == D(2026, 9, 15)
        assert [r.tier for r in store.tier_history("us-northwind")] == ["Platinum"]
        for pid in store.partner_ids():
            p = store.get_partner(pid)
            last = store.tier_history(pid)[-1]
            assert (p.credited_tier, p.credited_since) == (last.tier, last.credited_from)
