"""Issue 12 "done when": for every partner of the demo book and each month end of its history, the
CLI (`partnerkit tier --json`), the dashboard's As-of and the report give the same credited tier
and basis, and the same risks."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from partnerkit.reports.content import build_content
from partnerkit.store.demo import DEMO_PARTNER_IDS, create_demo

TODAY = dt.date(2026, 12, 2)
MONTH_ENDS = [dt.date(2026, 1, 31), dt.date(2026, 4, 30), dt.date(2026, 6, 30),
              dt.date(2026, 7, 31), dt.date(2026, 9, 30), dt.date(2026, 10, 31),
              dt.date(2026, 11, 30)]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    create_demo(f"sqlite:///{path}", seed=7, today=TODAY)
    return f"sqlite:///{path}"


def test_the_cli_the_dashboard_and_the_report_agree_every_month(
        demo: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from partnerkit.cli import main
    from partnerkit.ui.dashboard import Dashboard, build_dashboard

    monkeypatch.setenv("PARTNERKIT_AS_OF", TODAY.isoformat())
    monkeypatch.delenv("PARTNERKIT_RULES", raising=False)
    d = build_dashboard(demo, partner_id=DEMO_PARTNER_IDS[0], as_of=TODAY)
    assert isinstance(d, Dashboard)
    seen = set()
    for pid in DEMO_PARTNER_IDS:
        d.state.set_partner(pid)
        for end in MONTH_ENDS:
            capsys.readouterr()
            assert main(["tier", "--db", demo, "--partner", pid, "--as-of", end.isoformat(),
                         "--json"]) == 0
            cli = json.loads(capsys.readouterr().out)
            d.state.set_as_of(end)
            dash = d.state.credited_basis()
            report = build_content(partner_id=pid, month=end.strftime("%Y-%m"), db_url=demo)
            assert (dash.tier, dash.basis) == (cli["credited_tier"], cli["credited_tier_basis"]), (
                pid, end)
            assert (report.credited_tier_basis, report.credited_basis.tier) == (
                cli["credited_tier_basis"], cli["credited_tier"]), (pid, end)
            risks = [r.as_json() for r in d.state.risks()]
            assert risks == cli["risks"] == [r.as_json() for r in report.risks], (pid, end)
            seen.add(cli["credited_tier_basis"])
    assert {"recorded", "not recorded"} <= seen
