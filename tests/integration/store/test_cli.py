"""Issue 3 CLI: `partnerkit demo`, `partners`, `add-partner`, `import`, `export`, End services."""

from __future__ import annotations

from pathlib import Path

import pytest

from partnerkit.cli import main
from partnerkit.store import open_store

EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "import"


@pytest.fixture
def env(db_url, monkeypatch):
    monkeypatch.setenv("PARTNERKIT_DB", db_url)
    return db_url


def test_demo_then_partners_then_tier_answer_from_the_database(env, capsys):
    assert main(["demo"]) == 0
    assert main(["partners"]) == 0
    out = capsys.readouterr().out
    assert "pt-lusitania" in out and "Agência Paulista" in out
    assert main(["demo"]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["demo", "--force"]) == 0
    assert main(["tier", "--partner", "br-paulista"]) == 0
    assert "Diamond" in capsys.readouterr().out


def test_add_partner_import_and_export_round_trip(env, tmp_path, capsys):
    assert main(["add-partner", "--partner", "acme", "--name", "Acme Ótica Lda.", "--country",
                 "pt", "--currency", "eur", "--credited-tier", "gold",
                 "--credited-since", "2024-01-31"]) == 0
    for kind in ("clients", "subscriptions", "ledger"):
        assert main(["import", "--partner", "acme", "--kind", kind,
                     str(EXAMPLES / f"{kind}.csv"), "--by", "tester"]) == 0
    assert "imported 7 ledger row(s) (7 new, 0 updated)" in capsys.readouterr().out
    out = tmp_path / "clients.xlsx"
    assert main(["export", "--partner", "acme", "--view", "clients", "-o", str(out),
                 "--as-of", "2026-11-15"]) == 0
    assert main(["import", "--partner", "acme", "--kind", "clients", str(out)]) == 0
    assert "(0 new, 6 updated)" in capsys.readouterr().out
    with open_store(env) as store:
        assert store.get_partner("acme").credited_tier == "Gold"
        assert store.audit_log("acme")["actor"].tolist().count("tester") == 3


def test_a_bad_file_lists_every_problem_and_exits_2(env, tmp_path, capsys):
    main(["add-partner", "--partner", "acme", "--name", "Acme", "--country", "PT",
          "--currency", "EUR"])
    bad = tmp_path / "bad.csv"
    bad.write_text("Record ID,Company name,Country/Region,Relationship,Currency\n"
                   "1,A,Atlantis,both,EUR\n2,B,PT,sold,XYZ\n", "utf-8")
    assert main(["import", "--partner", "acme", "--kind", "clients", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "nothing imported, 2 problem(s)" in err
    assert "line 2, column 'Country/Region'" in err and "line 3, column 'Currency'" in err
    assert "Traceback" not in err


def test_end_services_and_undo_from_the_command_line(env, capsys):
    main(["demo"])
    assert main(["end-services", "--partner", "us-northwind", "--client", "US-0001",
                 "--reason", "moved to another agency", "--by", "Jordan"]) == 0
    assert main(["end-services", "--partner", "us-northwind", "--client", "US-0001",
                 "--reason", "again"]) == 2
    assert "already ended" in capsys.readouterr().err
    assert main(["undo-end-services", "--partner", "us-northwind", "--client", "US-0001"]) == 0
    assert main(["end-services", "--partner", "nope", "--client", "x", "--reason", "r"]) == 2
    assert "known partners" in capsys.readouterr().err


def test_add_partner_stores_the_partner_s_own_hubspot_portal_id(env, capsys):
    """Issue 11: the CRM links need the partner's own portal id (digits only)."""
    assert main(["add-partner", "--partner", "acme", "--name", "Acme", "--country", "PT",
                 "--currency", "EUR", "--portal-id", " 20012345 "]) == 0
    with open_store(env) as store:
        assert store.get_partner("acme").hubspot_portal_id == "20012345"
    assert main(["add-partner", "--partner", "acme", "--name", "Acme", "--country", "PT",
                 "--currency", "EUR", "--portal-id", "app.hubspot.com/20012345"]) != 0
    err = capsys.readouterr().err
    assert "--portal-id" in err and "digits" in err and "Traceback" not in err
    with open_store(env) as store:  # nothing written by the refused command
        assert store.get_partner("acme").hubspot_portal_id == "20012345"


def test_the_portal_id_is_importable_and_add_partner_without_it_keeps_it(env, tmp_path, capsys):
    assert main(["add-partner", "--partner", "acme", "--name", "Acme", "--country", "PT",
                 "--currency", "EUR"]) == 0
    f = tmp_path / "portal.csv"
    f.write_text("HubSpot portal ID\n 4455667 \n", "utf-8")
    assert main(["import", "--partner", "acme", "--kind", "portal-id", str(f)]) == 0
    assert main(["add-partner", "--partner", "acme", "--name", "Acme SA", "--country", "PT",
                 "--currency", "EUR"]) == 0
    with open_store(env) as store:
        assert store.get_partner("acme").hubspot_portal_id == "4455667"
        assert "set_portal_id" in set(store.audit_log("acme")["action"])
    bad = tmp_path / "bad.csv"
    bad.write_text("Hub ID\n12ab\n", "utf-8")
    assert main(["import", "--partner", "acme", "--kind", "portal-id", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "12 digits" in err and "Traceback" not in err
    with open_store(env) as store:
        assert store.get_partner("acme").hubspot_portal_id == "4455667"
