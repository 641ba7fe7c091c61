"""F5.1: papermill runs of notebooks/monthly_tier_report.ipynb on a seeded database; the HTML
shows the figures the core computes; PDF and JSON; guards and failure fixtures give plain errors;
writes are atomic."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from partnerkit.reports.runner import ReportJob, run_job, run_report

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "notebooks"
MONTH_END = dt.date(2026, 10, 31)
PREVIOUS_END = dt.date(2026, 9, 30)

pytestmark = pytest.mark.slow


def job(url: str, out: Path, partner: str = "p01", **kw: object) -> ReportJob:
    return ReportJob(partner_id=partner, month="2026-10", db_url=url, out_dir=str(out), **kw)


def figure(soup: BeautifulSoup, name: str) -> tuple[str, str]:
    el = soup.select_one(f'[data-figure="{name}"]')
    assert el is not None, f"figure {name} is missing from the HTML"
    return el["data-value"], el.get_text(strip=True)


def core_figures(url: str, pid: str) -> dict[str, object]:
    """The same figures, recomputed straight from the core (not through partnerkit.reports)."""
    from partnerkit import compute_standing, credited_tier, evaluate_tier, load_rules
    from partnerkit.store import open_store

    rules = load_rules()
    with open_store(url) as store:
        partner = store.get_partner(pid)
        ledger = store.load_ledger(pid)
        renewals = store.renewals_due(pid, MONTH_END, days=120)
    s = compute_standing(ledger, MONTH_END, rules)
    prev = compute_standing(ledger, PREVIOUS_END, rules)
    perf = evaluate_tier(s, MONTH_END, rules, certified_until=partner.certified_until)
    cred = credited_tier(
        ledger,
        rules,
        credited=partner.credited_tier,
        credited_since=partner.credited_since,
        as_of=MONTH_END,
        certified_until=partner.certified_until,
    )
    total_gap = next(r.gap for r in perf.gap_to(perf.next_tier) if r.name == "total")
    return {
        "s": s,
        "prev": prev,
        "perf": perf,
        "cred": cred,
        "gap": total_gap,
        "renewals": len(renewals),
    }


def test_the_html_report_shows_the_figures_the_core_computes_for_that_partner_and_month(
    book, tmp_path: Path
):
    from partnerkit.ui.i18n import translator

    url, _ids = book
    result = run_report(job(url, tmp_path / "reports"))
    assert result.status == "done"
    html = Path(result.files["html"]).read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    core = core_figures(url, "p01")
    s, prev, perf, cred = core["s"], core["prev"], core["perf"], core["cred"]
    t = translator("en", domain="report")
    expected = {
        "sourced_points": s.sourced_points,
        "assisted_points": s.assisted_points,
        "sold_points": s.sold_points,
        "managed_points": s.managed_points,
        "total_points": s.total_points,
        "previous_total_points_table": prev.total_points,
        "expiring_90_days": s.expiring[90],
        "gap_to_next": core["gap"],
    }
    for name, value in expected.items():
        raw, text = figure(soup, name)
        assert Decimal(raw) == value, name
        assert text == t.points(value), name
    assert Decimal(figure(soup, "total_change")[0]) == s.total_points - prev.total_points
    assert figure(soup, "performance_tier")[0] == (perf.tier or "")
    assert figure(soup, "credited_tier")[0] == cred.tier
    assert figure(soup, "renewals_120_days")[0] == str(core["renewals"])
    assert figure(soup, "next_review")[0] == cred.next_review.isoformat()
    # Every section is there, and reads like a report: no code, no prompts.
    for heading in (
        "Sold and managed points",
        "Tier progress",
        "Progress over time",
        "Clients that contribute most",
        "Points expiring soon",
        "Renewals coming up",
        "Gap to the next tier",
        "Data and rules used",
    ):
        assert soup.find("h2", string=heading), heading
    assert len(soup.select("img[data-chart]")) == 2
    assert "load_report" not in html and "view.summary" not in html
    assert not soup.select(".jp-InputArea, .jp-InputPrompt, .jp-OutputPrompt")
    # Client names from data are escaped, never markup.
    assert "Client 0 &lt;b&gt;of&lt;/b&gt; p01" in html
    assert soup.select("[data-estimate]"), "estimated rules must be marked"
    # 12 months of history + the month end + 3 projected months.
    assert len(soup.select('tr[data-row="history"]')) == 16


def test_the_report_has_a_pdf_a_notebook_and_json_headline_figures(book, tmp_path: Path):
    from pypdf import PdfReader

    url, _ids = book
    result = run_report(job(url, tmp_path / "reports", partner="p00"))
    files = {k: Path(v) for k, v in result.files.items()}
    assert files["pdf"] == tmp_path / "reports" / "2026-10" / "p00.pdf"
    pages = len(PdfReader(files["pdf"]).pages)
    assert 2 <= pages <= 10, pages
    data = json.loads(files["json"].read_text())
    core = core_figures(url, "p00")
    assert Decimal(data["total_points"]) == core["s"].total_points
    assert Decimal(data["sold_points"]) == core["s"].sold_points
    assert data["performance_tier"] == core["perf"].tier
    assert data["credited_tier"] == core["cred"].tier
    assert data["month"] == "2026-10" and data["data_as_of"]
    assert data["rules_versions"] and set(data["estimates"]) <= set(data["rules_versions"])
    assert data["files"]["pdf"] == "p00.pdf"
    nb = json.loads(files["ipynb"].read_text())
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert nb["metadata"]["papermill"]["parameters"]["partner_id"] == "p00"


def test_a_portuguese_report_is_in_portuguese_with_portuguese_numbers(book, tmp_path: Path):
    url, _ids = book
    result = run_report(job(url, tmp_path / "r", locale="pt_BR", pdf=False))
    soup = BeautifulSoup(Path(result.files["html"]).read_text(encoding="utf-8"), "html.parser")
    assert "Relatório mensal de nível" in soup.get_text()
    assert soup.find("h2", string="Pontos vendidos e gerenciados")
    raw, text = figure(soup, "total_points")
    assert "," in text and text.replace(".", "").replace(",", ".") == str(
        Decimal(raw).quantize(Decimal("0.1"))
    )
    assert "pdf" not in result.files


# ------------------------------------------------------------------ failures and guards


def test_an_unknown_partner_fails_with_the_known_ids_and_no_kernel(book, tmp_path: Path):
    url, _ids = book
    result = run_job(job(url, tmp_path, partner="nobody"))
    assert result.status == "failed"
    assert "unknown partner 'nobody'" in result.error and "p00" in result.error
    assert not (tmp_path / "2026-10").exists()


def test_an_unknown_parameter_is_refused_not_warned(book, tmp_path: Path):
    url, _ids = book
    result = run_job(job(url, tmp_path, extra_parameters=(("colour", "red"),)))
    assert result.status == "failed"
    assert "does not declare parameter(s) colour" in result.error


def test_a_notebook_without_parameters_cell_is_refused(book, tmp_path: Path):
    url, _ids = book
    result = run_job(job(url, tmp_path, notebook=str(FIXTURES / "no_parameters.ipynb")))
    assert result.status == "failed" and "no cell tagged 'parameters'" in result.error


def test_a_kernel_that_dies_is_a_clear_error_and_keeps_the_good_report(book, tmp_path: Path):
    url, _ids = book
    good = run_report(job(url, tmp_path, pdf=False))
    before = {k: Path(v).read_bytes() for k, v in good.files.items()}
    result = run_job(
        job(
            url, tmp_path, pdf=False, notebook=str(FIXTURES / "kernel_dies.ipynb"), kernel_retries=0
        )
    )
    assert result.status == "failed"
    assert "the kernel died while running the report notebook" in result.error
    assert "Traceback" not in result.error
    after = {k: Path(v).read_bytes() for k, v in good.files.items()}
    assert after == before  # a crash never leaves a half report where a good one was
    month = tmp_path / "2026-10"
    assert not [p for p in month.iterdir() if p.name.startswith(".tmp-")]
    assert (month / "p01.failed.ipynb").exists()  # kept for debugging, next to the report


def test_a_failing_cell_names_the_cell_and_the_error(book, tmp_path: Path):
    url, _ids = book
    result = run_job(job(url, tmp_path, notebook=str(FIXTURES / "cell_error.ipynb")))
    assert result.status == "failed"
    assert "failed in cell" in result.error
    assert "ValueError: the ledger for p01 is empty: import it first" in result.error


def test_a_cell_that_runs_too_long_hits_the_execution_timeout(book, tmp_path: Path):
    url, _ids = book
    result = run_job(
        job(url, tmp_path, notebook=str(FIXTURES / "slow_cell.ipynb"), execution_timeout=3)
    )
    assert result.status == "failed"
    assert "ran longer than 3 s" in result.error
    assert result.seconds < 40


def test_a_notebook_that_shows_no_headline_figures_fails(book, tmp_path: Path):
    url, _ids = book
    result = run_job(job(url, tmp_path, notebook=str(FIXTURES / "no_headline.ipynb")))
    assert result.status == "failed" and "no headline figures" in result.error


def test_rerunning_a_month_replaces_the_report_cleanly(book, tmp_path: Path):
    url, _ids = book
    first = run_report(job(url, tmp_path, pdf=True, partner="p02"))
    assert Path(first.files["pdf"]).exists()
    second = run_report(job(url, tmp_path, pdf=False, partner="p02"))
    month = tmp_path / "2026-10"
    assert sorted(p.name for p in month.iterdir()) == ["p02.html", "p02.ipynb", "p02.json"]
    assert set(second.files) == {"ipynb", "html", "json"}


def test_a_partner_without_a_credited_since_date_still_gets_a_report(book, tmp_path: Path):
    from partnerkit import credited_tier, load_rules
    from partnerkit.store import Partner, open_store

    url, _ids = book
    with open_store(url) as store:
        p = store.get_partner("p02")
        store.upsert_partner(
            Partner(
                p.partner_id,
                p.name,
                p.country,
                p.currency,
                p.certified_until,
                p.joined_on,
                None,
                None,
            )
        )
        ledger = store.load_ledger("p02")
    result = run_report(job(url, tmp_path, partner="p02", pdf=False))
    data = json.loads(Path(result.files["json"]).read_text())
    core = credited_tier(
        ledger,
        load_rules(),
        credited=None,
        credited_since=p.joined_on,
        as_of=MONTH_END,
        certified_until=p.certified_until,
    )
    assert data["credited_tier"] == (None if core.tier == "Untiered" else core.tier)


def _flaky_kernel(root: Path, name: str, failures: int) -> Path:
    """A kernelspec whose first `failures` starts die at once (papermill's kernel-start race),
    then starts the real ipykernel."""
    import sys

    spec = root / "kernels" / name
    spec.mkdir(parents=True)
    counter = root / f"{name}.starts"
    wrapper = spec / "start.py"
    wrapper.write_text(
        "import os, sys\n"
        f"counter = {str(counter)!r}\n"
        "n = int(open(counter).read()) if os.path.exists(counter) else 0\n"
        "open(counter, 'w').write(str(n + 1))\n"
        f"if n < {failures}:\n"
        "    sys.exit(1)\n"
        "os.execv(sys.executable, [sys.executable, '-m', 'ipykernel_launcher', *sys.argv[1:]])\n"
    )
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, str(wrapper), "-f", "{connection_file}"],
                "display_name": name,
                "language": "python",
            }
        )
    )
    return counter


def test_a_kernel_that_fails_to_start_is_retried_with_backoff(book, tmp_path: Path, monkeypatch):
    url, _ids = book
    counter = _flaky_kernel(tmp_path / "jupyter", "pk-flaky", failures=1)
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    result = run_report(
        job(
            url,
            tmp_path / "out",
            pdf=False,
            kernel_name="pk-flaky",
            retry_backoff=0.2,
            start_timeout=30,
        )
    )
    assert result.status == "done" and result.attempts == 2
    assert counter.read_text() == "2"


def test_a_kernel_that_never_starts_fails_after_the_limited_retries(
    book, tmp_path: Path, monkeypatch
):
    url, _ids = book
    counter = _flaky_kernel(tmp_path / "jupyter", "pk-dead", failures=99)
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    result = run_job(
        job(
            url,
            tmp_path / "out",
            pdf=False,
            kernel_name="pk-dead",
            kernel_retries=2,
            retry_backoff=0.1,
            start_timeout=20,
        )
    )
    assert result.status == "failed"
    assert "the 'pk-dead' kernel did not start after 3 attempts" in result.error
    assert counter.read_text() == "3"
