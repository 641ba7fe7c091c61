"""F5.1: the report's pieces that need no kernel: translations, guards, HTML export, index."""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

import partnerkit.reports.render as render_module
from partnerkit.reports import runner
from partnerkit.reports.index import render as render_index
from partnerkit.reports.index import write_index
from partnerkit.reports.params import Month
from partnerkit.reports.paths import report_paths
from partnerkit.ui.i18n import missing_translations

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "notebooks"
REPORT_NB = Path(__file__).resolve().parents[3] / "notebooks" / "monthly_tier_report.ipynb"
PARAMS = {
    "partner_id": "p1",
    "month": "2026-10",
    "db_url": "sqlite:///x.db",
    "locale": "en",
    "rules_file": "",
    "as_of": "2026-10-31",
}


@pytest.mark.parametrize("locale", ["pt_PT", "pt_BR"])
def test_every_report_text_has_a_portuguese_translation(locale):
    from partnerkit.reports import progress_section

    assert missing_translations("report", locale, [render_module.__file__,
                                                   progress_section.__file__]) == []


def test_a_notebook_without_a_parameters_cell_is_refused_before_any_kernel_starts():
    with pytest.raises(runner.ReportError, match="no cell tagged 'parameters'"):
        runner.check_notebook(FIXTURES / "no_parameters.ipynb", PARAMS)


def test_a_parameter_the_notebook_does_not_declare_is_refused_by_name():
    with pytest.raises(runner.ReportError, match=r"does not declare parameter\(s\) as_of, db_url"):
        runner.check_notebook(FIXTURES / "unknown_parameter.ipynb", PARAMS)


def test_the_report_notebook_declares_exactly_the_report_parameters():
    declared = runner.check_notebook(REPORT_NB, PARAMS)
    assert set(declared) == set(PARAMS)
    with pytest.raises(runner.ReportError, match="colour"):
        runner.check_notebook(REPORT_NB, {**PARAMS, "colour": "red"})


def test_a_missing_notebook_is_a_plain_error():
    with pytest.raises(runner.ReportError, match="does not exist"):
        runner.check_notebook(FIXTURES / "nope.ipynb", PARAMS)


def test_the_report_notebook_cells_only_call_partnerkit():
    nb = nbformat.read(REPORT_NB, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code[0].metadata.tags == ["parameters"]
    for cell in code[1:]:
        lines = [ln for ln in cell.source.splitlines() if ln.strip()]
        assert len(lines) <= 4, cell.source
        assert not any(ln.lstrip().startswith(("for ", "if ", "def ", "class ")) for ln in lines)
    assert any("headline" in c.metadata.get("tags", []) for c in code)


def test_kernel_start_failures_are_retried_but_dead_kernels_and_timeouts_are_not():
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    assert runner._is_start_failure(RuntimeError("Kernel didn't respond in 60 seconds"))
    assert runner._is_start_failure(RuntimeError("Kernel died before replying to kernel_info"))
    assert runner._is_start_failure(TimeoutError("no reply"))
    assert not runner._is_start_failure(DeadKernelError("Kernel died"))
    assert not runner._is_start_failure(CellTimeoutError("cell timed out"))
    assert not runner._is_start_failure(ValueError("bad"))


def _executed_notebook() -> nbformat.NotebookNode:
    nb = new_notebook()
    params = new_code_cell("partner_id = 'p1'", metadata={"tags": ["parameters"]})
    body = new_code_cell("view.summary()  # SECRET_CODE_TEXT")
    body.outputs = [
        new_output("execute_result", data={"text/html": "<h1>Report body</h1>"}, execution_count=2),
        new_output("stream", name="stderr", text="DeprecationWarning: noise\n"),
    ]
    head = new_code_cell("view.headline()", metadata={"tags": ["headline"]})
    head.outputs = [new_output("display_data", data={"application/json": {"total_points": "1.5"}})]
    nb.cells = [params, body, head]
    return nb


def test_the_html_has_no_code_no_prompts_no_warnings_and_no_headline_cell():
    html = runner.to_html(_executed_notebook(), "Tier report — p1 — 2026-10")
    assert "<h1>Report body</h1>" in html
    assert "SECRET_CODE_TEXT" not in html
    assert "view.headline" not in html and "total_points" not in html
    assert "DeprecationWarning" not in html
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    assert not soup.select(
        ".jp-InputPrompt, .jp-OutputPrompt, .jp-InputArea, .jp-Cell-inputWrapper"
    )
    assert "<title>Tier report — p1 — 2026-10</title>" in html
    assert 'src="https://' not in html  # no remote scripts: prints offline, fast


def test_the_headline_figures_come_from_the_cell_tagged_headline():
    assert runner.headline_of(_executed_notebook()) == {"total_points": "1.5"}
    nb = _executed_notebook()
    nb.cells.pop()
    with pytest.raises(runner.ReportError, match="no headline figures"):
        runner.headline_of(nb)


def test_committing_a_report_replaces_files_and_drops_a_stale_pdf(tmp_path: Path):
    paths = report_paths(tmp_path, Month(2026, 10), "p1")
    paths.month_dir.mkdir(parents=True)
    for s in ("ipynb", "html", "pdf", "json"):
        paths.file(s).write_text("old " + s)
    tmp = paths.month_dir / ".tmp-p1-x"
    tmp.mkdir()
    for s in ("ipynb", "html", "json"):
        (tmp / f"p1.{s}").write_text("new " + s)
    files = runner._commit(tmp, paths, ["ipynb", "html", "json"])
    assert set(files) == {"ipynb", "html", "json"}
    assert paths.file("html").read_text() == "new html"
    assert not paths.file("pdf").exists()  # a PDF of the old run must not pass for the new one
    assert os.listdir(tmp) == []


def _report_json(root: Path, month: str, slug: str, **fields: object) -> None:
    d = root / month
    d.mkdir(parents=True, exist_ok=True)
    (d / f"{slug}.html").write_text("<html></html>")
    data = {"partner_id": slug, "month": month, "files": {"html": f"{slug}.html"}, **fields}
    (d / f"{slug}.json").write_text(json.dumps(data))


def test_the_index_lists_every_report_newest_month_first_with_escaped_names(tmp_path: Path):
    _report_json(tmp_path, "2026-09", "p1", partner_name="Old <b>Name</b>", total_points="10")
    _report_json(
        tmp_path,
        "2026-10",
        "p1",
        partner_name="<script>alert(1)</script>",
        total_points="1016.105952",
        credited_tier="Diamond",
        next_tier="Elite",
        gap_to_next="2816.89",
    )
    (tmp_path / "2026-10" / "broken.json").write_text("{not json")
    (tmp_path / "not-a-month").mkdir()
    page = render_index(tmp_path)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.index("2026-10") < page.index("2026-09")
    assert "1,016.1" in page and "2,816.9 to Elite" in page
    assert 'href="2026-10/p1.html"' in page
    assert "not-a-month" not in page
    out = write_index(tmp_path)
    assert out == tmp_path / "index.html" and out.read_text() == page


def test_an_empty_report_folder_gets_an_index_that_says_how_to_make_reports(tmp_path: Path):
    assert "partnerkit report --all --month last" in render_index(tmp_path / "none")
