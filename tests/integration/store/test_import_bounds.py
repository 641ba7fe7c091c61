"""Issue 15, items 4, 11, 13 (non-ledger kinds): XLSX rows are read whatever the declared
<dimension> says; every bound (size, rows, columns, cell, unzipped size, time) is a clear refusal
with the limit and the variable that raises it; nothing is written."""

from __future__ import annotations

import re
import time
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from partnerkit.store import open_store
from partnerkit.store import schema as t
from partnerkit.store.importer import ImportFileError, import_file
from tests.integration.store.builders import new_partner

HEADER = ["Client ID", "Company name", "Country/Region", "Relationship", "Currency"]


def _xlsx(path: Path, rows: int, dimension: str | None = None, second_sheet: bool = False
          ) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for i in range(rows):
        ws.append([f"c{i}", f"Client {i}", "PT", "sold", "EUR"])
    if second_sheet:
        wb.create_sheet("notes").append(["c99", "Hidden", "PT", "sold", "EUR"])
    wb.save(path)
    if dimension is not None:
        _set_dimension(path, dimension)
    return path


def _set_dimension(path: Path, ref: str) -> None:
    with zipfile.ZipFile(path) as z:
        members = {i.filename: z.read(i.filename) for i in z.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    members[sheet] = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(),
                            members[sheet])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)


def _count(store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(t.clients)).scalar_one())


@pytest.fixture
def store(db_url):
    with open_store(db_url) as s:
        new_partner(s, "acme")
        yield s


def test_rows_past_a_stale_dimension_are_imported(store, tmp_path):
    f = _xlsx(tmp_path / "stale.xlsx", 3, dimension="A1:E2")
    result = import_file(store, "acme", "clients", f)
    assert result.rows == 3 and _count(store) == 3


def test_a_sheet_declaring_a_million_rows_by_16384_columns_is_read_in_seconds(store, tmp_path):
    f = _xlsx(tmp_path / "bomb.xlsx", 2, dimension="A1:XFD1048576")
    assert f.stat().st_size < 10_000
    started = time.monotonic()
    assert import_file(store, "acme", "clients", f).rows == 2
    assert time.monotonic() - started < 30  # was ~21 minutes; a generous bound for a busy CI


def test_data_on_a_second_sheet_is_refused_not_silently_skipped(store, tmp_path):
    f = _xlsx(tmp_path / "two.xlsx", 1, second_sheet=True)
    with pytest.raises(ImportFileError, match="second sheet \\('notes'\\)"):
        import_file(store, "acme", "clients", f)
    assert _count(store) == 0


def test_a_zip_bomb_workbook_is_refused_before_it_is_unzipped(store, tmp_path, monkeypatch):
    monkeypatch.setenv("PARTNERKIT_MAX_UNZIPPED_MB", "1")
    f = _xlsx(tmp_path / "zbomb.xlsx", 1)
    with zipfile.ZipFile(f, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/filler.bin", b"\0" * (3 * 1024 * 1024))
    with pytest.raises(ImportFileError, match="PARTNERKIT_MAX_UNZIPPED_MB"):
        import_file(store, "acme", "clients", f)
    assert _count(store) == 0


@pytest.mark.parametrize(("variable", "value", "text", "needle"), [
    ("PARTNERKIT_MAX_ROWS", "2", "c1,A,PT,sold,EUR\nc2,B,PT,sold,EUR\nc3,C,PT,sold,EUR\n", "rows"),
    ("PARTNERKIT_MAX_COLUMNS", "5", "c1,A,PT,sold,EUR,extra\n", "columns"),
    ("PARTNERKIT_MAX_CELL_CHARS", "10", "c1,A very long company name,PT,sold,EUR\n",
     "characters per cell"),
    ("PARTNERKIT_MAX_FILE_MB", "1", "c1,A,PT,sold,EUR\n" * 70_000, "file size"),
])
def test_each_bound_is_a_clear_refusal_naming_the_limit_and_its_variable(
        store, tmp_path, monkeypatch, variable, value, text, needle):
    monkeypatch.setenv(variable, value)
    f = tmp_path / "c.csv"
    f.write_text(",".join(HEADER) + "\n" + text, "utf-8")
    with pytest.raises(ImportFileError) as e:
        import_file(store, "acme", "clients", f)
    assert needle in str(e.value) and variable in str(e.value)
    assert _count(store) == 0


def test_an_unclosed_quote_in_a_clients_file_names_the_line_and_the_quote(store, tmp_path):
    rows = "".join(f"c{i},Client {i},PT,sold,EUR\n" for i in range(5000))
    f = tmp_path / "quote.csv"
    f.write_text(",".join(HEADER) + "\nc-1,\"Unclosed,PT,sold,EUR\n" + rows * 3, "utf-8")
    with pytest.raises(ImportFileError) as e:
        import_file(store, "acme", "clients", f)
    assert "line 2" in str(e.value) and "quote" in str(e.value)
    assert _count(store) == 0


def test_a_folder_or_a_device_given_as_the_file_is_refused(store, tmp_path, monkeypatch):
    folder = tmp_path / "dir.csv"
    folder.mkdir()
    with pytest.raises(ImportFileError, match="is a folder"):
        import_file(store, "acme", "clients", folder)
    monkeypatch.setenv("PARTNERKIT_MAX_FILE_MB", "1")
    link = tmp_path / "zero.csv"
    link.symlink_to("/dev/zero")
    with pytest.raises(ImportFileError, match="file size"):
        import_file(store, "acme", "clients", link)
