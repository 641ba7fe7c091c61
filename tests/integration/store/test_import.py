"""Issue 3 import: validate the whole file first, every bad row reported, one transaction,
idempotent re-import; HubSpot headings; bad encodings; the ledger through the core's parser."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from partnerkit.store import open_store
from partnerkit.store import schema as t
from partnerkit.store.importer import ImportFileError, import_file
from tests.integration.conftest import TEST_TODAY
from tests.integration.store.builders import new_partner, write_csv

EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "import"
ORDER = ("clients", "team", "subscriptions", "renewals", "usage", "engagement", "ledger")
CLIENT_HEADER = ["Record ID", "Company name", "Country/Region", "Relationship", "Currency"]


def table_rows(store) -> dict[str, int]:
    with store.engine.connect() as conn:
        return {tb.name: conn.execute(sa.select(sa.func.count()).select_from(tb).where(
            tb.c.partner_id == "p1")).scalar()
            for tb in (t.clients, t.subscriptions, t.renewals, t.portal_usage, t.engagement,
                       t.team_members, t.ledger)}


def import_examples(store) -> dict[str, object]:
    return {kind: import_file(store, "p1", kind, EXAMPLES / f"{kind}.csv", by="tester")
            for kind in ORDER}


def test_every_example_file_imports_and_fills_the_views(db_url):
    with open_store(db_url) as store:
        new_partner(store)
        results = import_examples(store)
        assert all(r.inserted == r.rows and r.updated == 0 for r in results.values())
        table = store.client_table("p1", TEST_TODAY).set_index("client_id")
        assert len(table) == 6
        padaria = table.loc["18001234567"]
        assert padaria["name"] == "Padaria São Jorge Lda." and padaria["country"] == "PT"
        assert padaria["mrr"] == Decimal("920.00") and padaria["tools_used"] == 3
        assert padaria["engagement_score"] == 8 and padaria["crm_record_id"] == "18001234567"
        assert table.loc["18001234568", "market"] == "growth"
        assert table.loc["18001234572", "name"] == "Robert'); DROP TABLE clients;--"
        assert table.loc["18001234570", "relationship"] == "managed"
        assert len(store.renewals_due("p1", TEST_TODAY)) == 3
        assert store.team("p1")[0].name == "Inês Carvalho"
        ledger = store.load_ledger("p1")
        assert len(ledger) == 7
        assert {r["event_id"]: r["first_sold"] for r in ledger.to_records()}["s-4"] == "2023-11-20"
        assert store.audit_log("p1")["action"].tolist().count("import") == len(ORDER)


def test_re_importing_the_same_files_is_idempotent(db_url):
    with open_store(db_url) as store:
        new_partner(store)
        import_examples(store)
        before = table_rows(store)
        again = import_examples(store)
        assert table_rows(store) == before
        assert all(r.inserted == 0 and r.updated == r.rows for r in again.values())


def test_a_changed_row_updates_the_stored_one_by_its_key(db_url, tmp_path):
    with open_store(db_url) as store:
        new_partner(store)
        import_file(store, "p1", "clients", EXAMPLES / "clients.csv")
        text = (EXAMPLES / "clients.csv").read_text("utf-8").replace(
            "Padaria São Jorge Lda.", "Padaria São Jorge & Filhos Lda.")
        changed = tmp_path / "clients.csv"
        changed.write_text(text, "utf-8")
        result = import_file(store, "p1", "clients", changed)
        assert (result.inserted, result.updated) == (0, 6)
        names = set(store.client_table("p1", TEST_TODAY)["name"])
        assert "Padaria São Jorge & Filhos Lda." in names and len(names) == 6


def test_an_xlsx_file_imports_like_the_csv(db_url):
    with open_store(db_url) as store:
        new_partner(store)
        import_file(store, "p1", "clients", EXAMPLES / "clients.xlsx")
        table = store.client_table("p1", TEST_TODAY)
        assert sorted(table["client_id"]) == [str(18001234567 + n) for n in range(6)]
        assert "株式会社さくらデジタル" in set(table["name"])


def test_every_bad_row_is_reported_with_line_column_and_reason_and_nothing_is_written(
        db_url, tmp_path):
    bad = write_csv(tmp_path / "bad.csv", CLIENT_HEADER, [
        ["1", "Good One", "PT", "both", "EUR"],
        ["2", "Bad Country", "Atlantis", "both", "EUR"],
        ["3", "Bad Currency", "PT", "both", "XYZ"],
        ["4", "", "PT", "sold", "EUR"],
        ["5", "Bad Relationship", "PT", "friends", "EUR"],
        ["1", "Duplicate Key", "PT", "both", "EUR"],
        ["abc", "Bad Record", "PT", "both", "EUR"],
    ])
    with open_store(db_url) as store:
        new_partner(store)
        with pytest.raises(ImportFileError) as e:
            import_file(store, "p1", "clients", bad)
        got = {(p.line, p.column) for p in e.value.problems}
        assert got == {(3, "Country/Region"), (4, "Currency"), (5, "Company name"),
                       (6, "Relationship"), (7, "Record ID"), (8, "Record ID")}
        reasons = " | ".join(str(p) for p in e.value.problems)
        assert "Atlantis" in reasons and "XYZ" in reasons and "already on line 2" in reasons
        assert "nothing imported" in str(e.value)
        assert table_rows(store)["clients"] == 0


def test_unknown_products_future_dates_unknown_clients_and_wrong_currency_are_refused(
        db_url, tmp_path):
    with open_store(db_url) as store:
        new_partner(store)
        import_file(store, "p1", "clients", EXAMPLES / "clients.csv")
        header = ["Client ID", "Product line", "Edition", "MRR", "Currency", "Start date"]
        bad = write_csv(tmp_path / "subs.csv", header, [
            ["18001234567", "Marketing Hub", "Professional", "100", "EUR", "2025-01-01"],
            ["18001234567", "Quantum Hub", "Professional", "100", "EUR", "2025-01-01"],
            ["18001234567", "Sales Hub", "Professional", "100", "EUR", "2027-01-01"],
            ["nobody", "Sales Hub", "Professional", "100", "EUR", "2025-01-01"],
            ["18001234567", "Service Hub", "Professional", "100", "USD", "2025-01-01"],
            ["18001234567", "Content Hub", "Gold", "-5", "EUR", "01/02/2025"],
        ])
        with pytest.raises(ImportFileError) as e:
            import_file(store, "p1", "subscriptions", bad)
        got = sorted((p.line, p.column) for p in e.value.problems)
        assert got == [(3, "Product line"), (4, "Start date"), (5, "Client ID"),
                       (6, "Currency"), (7, "Edition"), (7, "MRR"), (7, "Start date")]
        text = str(e.value)
        assert "in the future" in text and "import it with --kind clients first" in text
        assert table_rows(store)["subscriptions"] == 0


def test_a_csv_with_a_utf8_bom_and_semicolons_imports(db_url, tmp_path):
    path = write_csv(tmp_path / "bom.csv", CLIENT_HEADER, [["9", "Açaí Tropical", "BR", "sold",
                                                            "BRL"]], encoding="utf-8-sig")
    semi = tmp_path / "semi.csv"
    semi.write_text(";".join(CLIENT_HEADER) + "\n10;Óptica Castellana;ES;both;EUR\n", "utf-8")
    with open_store(db_url) as store:
        new_partner(store)
        import_file(store, "p1", "clients", path)
        import_file(store, "p1", "clients", semi)
        assert set(store.client_table("p1", TEST_TODAY)["name"]) == {"Açaí Tropical",
                                                                     "Óptica Castellana"}


def test_a_file_in_the_wrong_encoding_gets_a_clear_error_suggesting_utf8(db_url, tmp_path):
    latin = write_csv(tmp_path / "latin.csv", CLIENT_HEADER,
                      [["1", "Ok", "PT", "both", "EUR"], ["2", "Padaria São Jorge", "PT", "both",
                                                         "EUR"]], encoding="cp1252")
    utf16 = write_csv(tmp_path / "u16.csv", CLIENT_HEADER, [["1", "x", "PT", "both", "EUR"]],
                      encoding="utf-16")
    with open_store(db_url) as store:
        new_partner(store)
        with pytest.raises(ImportFileError, match=r"not UTF-8.*CSV UTF-8") as e:
            import_file(store, "p1", "clients", latin)
        assert e.value.problems[0].line == 3
        with pytest.raises(ImportFileError, match="UTF-16"):
            import_file(store, "p1", "clients", utf16)
        with pytest.raises(ImportFileError, match="missing"):
            import_file(store, "p1", "clients", EXAMPLES / "team.csv")
        with pytest.raises(ImportFileError, match=r"\.csv \(UTF-8\) or \.xlsx"):
            shutil.copy(EXAMPLES / "team.csv", tmp_path / "team.json")
            import_file(store, "p1", "team", tmp_path / "team.json")
        assert table_rows(store)["clients"] == 0


def test_the_ledger_is_validated_by_the_core_parser_with_line_numbers(db_url, tmp_path):
    header = ["event_id", "kind", "client_id", "date", "deal_type", "amount", "currency",
              "country"]
    bad = write_csv(tmp_path / "ledger.csv", header, [
        ["a", "sold", "c1", "2026-01-05", "sourced", "100", "EUR", "PT"],
        ["b", "sold", "c1", "2026-13-01", "sourced", "100", "EUR", "PT"],
        ["c", "sold", "c1", "2026-01-05", "gifted", "1e999", "EUR", "PT"],
    ])
    future = write_csv(tmp_path / "future.csv", header, [
        ["a", "sold", "c1", "2026-01-05", "sourced", "100", "EUR", "PT"],
        ["a", "sold", "c1", "2026-02-05", "sourced", "100", "EUR", "PT"],
        ["d", "sold", "c1", "2027-01-05", "sourced", "100", "EUR", "PT"],
        ["e", "managed", "c1", "2026-10", "", "100", "XAF", "PT"],
    ])
    with open_store(db_url) as store:
        new_partner(store)
        with pytest.raises(ImportFileError) as e:
            import_file(store, "p1", "ledger", bad)
        assert {(p.line, p.column) for p in e.value.problems} >= {(3, "date"), (4, "deal_type"),
                                                                  (4, "amount")}
        with pytest.raises(ImportFileError) as e:
            import_file(store, "p1", "ledger", future)
        assert sorted((p.line, p.column) for p in e.value.problems) == [
            (3, "event_id"), (4, "date"), (5, "currency")]
        assert table_rows(store)["ledger"] == 0


def test_importing_for_an_unknown_partner_names_the_known_ones(db_url):
    with open_store(db_url) as store:
        new_partner(store, "p1")
        with pytest.raises(ValueError, match=r"unknown partner 'zz'.*p1"):
            import_file(store, "zz", "clients", EXAMPLES / "clients.csv")


def test_import_refuses_dates_in_the_future_for_usage_and_engagement(db_url, tmp_path):
    with open_store(db_url) as store:
        new_partner(store)
        import_file(store, "p1", "clients", EXAMPLES / "clients.csv")
        path = write_csv(tmp_path / "u.csv", ["Client ID", "Month", "Product", "App", "Used"],
                         [["18001234567", (TEST_TODAY + dt.timedelta(days=40)).strftime("%Y-%m"),
                           "Marketing Hub", "Email", "maybe"]])
        with pytest.raises(ImportFileError) as e:
            import_file(store, "p1", "usage", path)
        assert sorted(p.column for p in e.value.problems) == ["Month", "Used"]
