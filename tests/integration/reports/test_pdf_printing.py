"""Issue 14, F5.1: PDFs from one warm headless Chromium per worker, on the partner's paper, with
fonts for every script (CJK client names print as text, not boxes)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from partnerkit.reports.pdf import Browser, PdfError, paper_for_country

pytestmark = pytest.mark.slow
CJK = "富士建設株式会社 — Orchard 科技 Pte Ltd"
POINTS = {"A4": (596, 842), "Letter": (612, 792)}  # 210x297 mm, 8.5x11 in


def page(tmp_path: Path, name: str, text: str) -> Path:
    f = tmp_path / f"{name}.html"
    f.write_text(
        f"<html><head><meta charset='utf-8'></head><body><p>{text}</p></body></html>",
        encoding="utf-8",
    )
    return f


def media_box(pdf: Path) -> tuple[int, int]:
    from pypdf import PdfReader

    box = PdfReader(pdf).pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


def fonts(pdf: Path) -> list[str]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    return out.stdout.splitlines()[2:]


def test_one_warm_chromium_prints_every_pdf_of_a_worker(tmp_path: Path):
    b = Browser()
    try:
        for i, paper in enumerate(["A4", "Letter", "A4"]):
            out = tmp_path / f"r{i}.pdf"
            b.print_pdf(page(tmp_path, f"r{i}", f"report {i}"), out, paper)
            assert out.read_bytes().startswith(b"%PDF")
            assert media_box(out) == POINTS[paper]
        assert (b.starts, b.prints) == (1, 3)
        proc = b.proc
    finally:
        b.close()
    assert proc is not None and proc.poll() is not None  # closed: the browser is gone


def test_a_chromium_that_died_is_replaced_by_a_fresh_one_for_the_next_pdf(tmp_path: Path):
    b = Browser()
    try:
        b.print_pdf(page(tmp_path, "a", "one"), tmp_path / "a.pdf")
        assert b.proc is not None
        b.proc.kill()
        b.proc.wait()
        b.print_pdf(page(tmp_path, "b", "two"), tmp_path / "b.pdf")
        assert b.starts == 2 and (tmp_path / "b.pdf").stat().st_size > 0
    finally:
        b.close()


def test_a_missing_chromium_is_one_plain_error_naming_the_fix(tmp_path: Path):
    b = Browser(str(tmp_path / "no-chromium"))
    with pytest.raises(PdfError, match="--no-pdf"):
        b.print_pdf(page(tmp_path, "a", "one"), tmp_path / "a.pdf")


def test_cjk_client_names_print_with_a_cjk_font_not_as_boxes(tmp_path: Path):
    # The system has a font covering the glyphs (scripts/system-deps.sh: fonts-noto-cjk) ...
    found = subprocess.run(
        ["fc-list", ":charset=5bcc 5efa 79d1", "family"], capture_output=True, text=True
    ).stdout
    assert "Noto" in found and "CJK" in found, "install fonts-noto-cjk (scripts/system-deps.sh)"
    b = Browser()
    try:
        b.print_pdf(page(tmp_path, "cjk", CJK), tmp_path / "cjk.pdf")
        b.print_pdf(page(tmp_path, "latin", "Orchard Pte Ltd"), tmp_path / "latin.pdf")
    finally:
        b.close()
    # ... and Chromium draws them with it: extra embedded glyph fonts beyond the Latin ones
    # (Skia embeds CFF CJK outlines as Type 3), and the text is real text.
    assert len(fonts(tmp_path / "cjk.pdf")) > len(fonts(tmp_path / "latin.pdf"))
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "cjk.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert "富士建設株式会社" in text and "科技" in text


@pytest.mark.parametrize(
    ("country", "paper"), [("US", "Letter"), ("ca", "Letter"), ("PT", "A4"), ("BR", "A4"),
                           ("JP", "A4"), ("", "A4")]
)
def test_us_and_canadian_partners_get_letter_everyone_else_a4(country: str, paper: str):
    assert paper_for_country(country) == paper


def test_pdftotext_is_available_for_these_checks():
    assert shutil.which("pdftotext") and shutil.which("pdffonts")
