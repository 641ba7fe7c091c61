"""Issue 12 in the monthly report: the credited tier from the recorded history ("up from …" in a
promotion month, "not recorded" before the first record, never "unchanged" there), the "Risks this
month" box and the "to keep <tier>" table on page 1, and `credited_tier_basis`/`risks` in the
report JSON equal to `partnerkit tier --json` for the same day."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from bs4 import BeautifulSoup

from partnerkit.reports.render import load_report
from partnerkit.store.demo import create_demo

TODAY = dt.date(2026, 12, 2)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    create_demo(f"sqlite:///{path}", seed=7, today=TODAY)
    return f"sqlite:///{path}"


def summary(demo: str, pid: str, month: str, locale: str = "en") -> BeautifulSoup:
    view = load_report(partner_id=pid, month=month, db_url=demo, locale=locale)
    return BeautifulSoup(str(view.summary()), "html.parser")


def test_the_promotion_month_says_up_from_the_previous_tier(demo: str) -> None:
    card = summary(demo, "br-paulista", "2026-10").select(".card")[0].get_text(" ", strip=True)
    assert "Diamond" in card and "up from Platinum" in card
    assert "unchanged" not in card


def test_a_month_before_the_first_record_says_not_recorded(demo: str) -> None:
    soup = summary(demo, "us-northwind", "2026-06")
    card = soup.select(".card")[0].get_text(" ", strip=True)
    assert "not recorded before 2026-07-02" in card
    assert "unchanged" not in card and "held" not in card
    assert soup.select_one('[data-figure="credited_tier"]')["data-value"] == ""


def test_the_first_recorded_month_is_not_called_unchanged(demo: str) -> None:
    card = summary(demo, "us-northwind", "2026-07").select(".card")[0].get_text(" ", strip=True)
    assert "first recorded on 2026-07-02" in card


def test_page_one_has_the_risks_box_with_the_projected_shortfall(demo: str) -> None:
    soup = summary(demo, "br-paulista", "2026-11")
    box = soup.select_one(".risks-box")
    assert box is not None and box.h2.get_text() == "Risks this month"
    kinds = [li["data-kind"] for li in box.select("li")]
    assert "below_minimum" in kinds
    dates = [li["data-date"] for li in box.select("li")]
    assert dates == sorted(dates)


def test_northwinds_certification_is_a_risk_on_page_one(demo: str) -> None:
    box = summary(demo, "us-northwind", "2026-11").select_one(".risks-box")
    assert "certification_expires" in [li["data-kind"] for li in box.select("li")]


def test_the_to_keep_table_of_the_credited_tier_follows_the_tier_chart(demo: str) -> None:
    # Issue 14 placed it in `standing_details()`, right after the tier chart (PDF page layout).
    view = load_report(partner_id="br-paulista", month="2026-11", db_url=demo)
    soup = BeautifulSoup(str(view.standing_details()), "html.parser")
    assert soup.select_one('[data-figure="keep_tier"]')["data-value"] == "Diamond"
    rows = soup.select('tr[data-row="keep"]')
    assert rows and "Total points" in rows[0].get_text(" ", strip=True)
    margin = soup.select_one('[data-figure="keep.0.margin"]')
    required = soup.select_one('[data-figure="keep.0.required"]')["data-value"]
    actual = soup.select_one('[data-figure="keep.0.actual"]')["data-value"]
    from decimal import Decimal

    assert Decimal(margin["data-value"]) == Decimal(actual) - Decimal(required)


def test_the_risks_box_speaks_portuguese(demo: str) -> None:
    box = summary(demo, "us-northwind", "2026-11", "pt_PT").select_one(".risks-box")
    assert box.h2.get_text() == "Riscos deste mês"


def test_the_report_json_has_the_same_basis_and_risks_as_the_cli(
        demo: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    head = load_report(partner_id="br-paulista", month="2026-11", db_url=demo).c.headline()
    cli = cli_tier(capsys, monkeypatch, demo, "br-paulista", dt.date(2026, 11, 30))
    assert head["credited_tier_basis"] == cli["credited_tier_basis"] == "recorded"
    assert head["risks"] == cli["risks"]
    assert head["risks"]


def cli_tier(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, demo: str,
             pid: str, as_of: dt.date) -> dict:
    """`partnerkit tier --json`, in-process (the same main() as the command)."""
    from partnerkit.cli import main

    monkeypatch.setenv("PARTNERKIT_AS_OF", TODAY.isoformat())
    monkeypatch.delenv("PARTNERKIT_RULES", raising=False)
    capsys.readouterr()
    assert main(["tier", "--db", demo, "--partner", pid, "--as-of", as_of.isoformat(),
                 "--json"]) == 0
    out: dict = json.loads(capsys.readouterr().out)
    return out


@pytest.mark.parametrize("month", ["2026-01", "2026-06", "2026-07", "2026-09", "2026-10",
                                   "2026-11"])
def test_every_month_the_report_and_the_cli_give_the_same_credited_tier(
        demo: str, month: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from partnerkit.reports.params import parse_month

    end = parse_month(month, today_=dt.date.max).last_day
    for pid in ("pt-lusitania", "br-paulista", "us-northwind"):
        head = load_report(partner_id=pid, month=month, db_url=demo).c.headline()
        cli = cli_tier(capsys, monkeypatch, demo, pid, end)
        assert (head["credited_tier"], head["credited_tier_basis"]) == (
            cli["credited_tier"] if cli["credited_tier"] != "Untiered" else None,
            cli["credited_tier_basis"]), (pid, month)
        assert head["risks"] == cli["risks"], (pid, month)


def test_a_month_ending_after_the_data_is_labelled_a_projection(demo: str) -> None:
    soup = summary(demo, "br-paulista", "2026-12")  # data as of 2026-12-02
    note = soup.select_one('[data-figure="projection"]')
    assert note is not None and "no new deals assumed" in note.get_text()
    assert summary(demo, "br-paulista", "2026-11").select_one('[data-figure="projection"]') is None


def test_the_gap_to_elite_lists_its_other_gates(demo: str) -> None:
    view = load_report(partner_id="br-paulista", month="2026-11", db_url=demo)
    assert view.c.next_tier == "Elite"
    text = BeautifulSoup(str(view.next_tier()), "html.parser").get_text(" ", strip=True)
    assert "Elite is by invitation from HubSpot" in text and "100 certifications" in text
