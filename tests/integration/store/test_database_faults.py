"""Issue 15, items 14 and 17: a database that cannot be opened or written is one line (exit 2 for a
wrong --db, 1 for the machine refusing), never a traceback, the SQL or a row's values; reading
works on a read-only disk; a mistyped path for a reading command creates nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from partnerkit.cli import main

READERS = [["partners"], ["tier", "--partner", "pt-lusitania"],
           ["export", "--partner", "pt-lusitania", "--view", "clients", "-o", "{tmp}/x.csv"],
           ["report", "--partner", "pt-lusitania", "--month", "2026-10", "--out", "{tmp}/r"]]


def _run(argv: list[str], tmp_path: Path, db: str, capsys) -> tuple[int, str]:
    code = main([a.replace("{tmp}", str(tmp_path)) for a in argv] + ["--db", db])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("argv", READERS)
def test_a_reading_command_on_a_mistyped_path_creates_nothing(argv, tmp_path, capsys):
    typo = tmp_path / "sub" / "partnerkit.sqlit"
    code, err = _run(argv, tmp_path, str(typo), capsys)
    assert code == 2
    assert f"no database at {typo}" in err
    assert not typo.exists() and not typo.parent.exists()


@pytest.mark.parametrize(("make", "needle"), [
    (lambda p: p.write_text("not a database\n") and str(p), "is not an SQLite database"),
    (lambda p: str(p.parent), "is a folder"),
    (lambda p: "foo://bar", "'foo' is not a database partnerkit supports"),
    (lambda p: "sqlite://", "in-memory"),
])
def test_a_wrong_database_is_bad_input_in_one_line(make, needle, tmp_path, capsys):
    db = make(tmp_path / "file.db")
    for argv in (["partners"], ["add-partner", "--partner", "a", "--name", "A", "--country",
                                "PT", "--currency", "EUR"]):
        code, err = _run(argv, tmp_path, db, capsys)
        assert code == 2, err
        assert needle in err and "Traceback" not in err


def test_an_unreachable_postgresql_is_an_environment_failure_without_the_password(
        tmp_path, capsys):
    code, err = _run(["partners"], tmp_path,
                     "postgresql://user:hunter2secret@127.0.0.1:1/book", capsys)
    assert code == 1
    assert "cannot open the database" in err and "Connection refused" in err
    assert "hunter2secret" not in err


def test_a_write_the_database_refuses_prints_neither_sql_nor_values(tmp_path, capsys):
    db = tmp_path / "book.db"
    assert main(["add-partner", "--partner", "acme", "--name", "Acme", "--country", "PT",
                 "--currency", "EUR", "--db", str(db)]) == 0
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:  # as an immutable or failing disk would refuse it
        conn.exec_driver_sql("CREATE TRIGGER no BEFORE UPDATE ON partners "
                             "BEGIN SELECT RAISE(ABORT, 'the disk refused'); END")
    engine.dispose()
    before = db.read_bytes()
    capsys.readouterr()
    code = main(["add-partner", "--partner", "acme", "--name", "Secret Client Name",
                 "--country", "PT", "--currency", "EUR", "--db", str(db)])
    err = capsys.readouterr().err
    assert code == 1
    assert "the disk refused" in err and "Traceback" not in err
    for leak in ("INSERT", "UPDATE", "Secret Client Name", "[SQL", "parameters"):
        assert leak not in err, leak
    assert db.read_bytes() == before


def _in_mount_namespace(script: str) -> subprocess.CompletedProcess[str]:
    if shutil.which("unshare") is None or os.geteuid() != 0:
        pytest.fail("this test needs root and unshare (as in CI) to mount a read-only disk")
    return subprocess.run(["unshare", "-m", "sh", "-ec", script], capture_output=True,
                          text=True, timeout=300, check=False)


def test_reading_commands_work_on_a_read_only_disk_and_writes_say_why_not(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "book.db"
    assert main(["demo", "--db", str(db)]) == 0
    before = db.read_bytes()
    pk = f"{sys.executable} -m partnerkit"
    result = _in_mount_namespace(f"""
        mount --bind {folder} {folder}; mount -o remount,ro,bind {folder}
        {pk} partners --db {db} > {tmp_path}/partners.out
        {pk} tier --partner pt-lusitania --db {db} > {tmp_path}/tier.out
        {pk} add-partner --partner z --name Z --country PT --currency EUR --db {db} \
            2> {tmp_path}/write.err || echo "write=$?" > {tmp_path}/write.code
    """)
    assert result.returncode == 0, result.stderr
    assert "pt-lusitania" in (tmp_path / "partners.out").read_text()
    assert "Standing on" in (tmp_path / "tier.out").read_text()
    assert (tmp_path / "write.code").read_text().strip() == "write=1"
    err = (tmp_path / "write.err").read_text()
    assert "read-only" in err and "Traceback" not in err
    assert db.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["book.db"]


def test_a_full_disk_during_a_write_leaves_the_database_unchanged(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    pk = f"{sys.executable} -m partnerkit"
    names = " ".join(f"p{i}" for i in range(400))
    result = _in_mount_namespace(f"""
        mount -t tmpfs -o size=1m tmpfs {disk}
        {pk} add-partner --partner first --name First --country PT --currency EUR \
            --db {disk}/book.db > /dev/null
        dd if=/dev/zero of={disk}/filler bs=4k 2> /dev/null || true
        for p in {names}; do
            {pk} add-partner --partner $p --name "Partner $p" --country PT --currency EUR \
                --db {disk}/book.db > /dev/null 2> {tmp_path}/full.err \
                || {{ echo "code=$? $p" > {tmp_path}/full.code; break; }}
        done
        cp {disk}/book.db* {tmp_path}/
    """)
    assert result.returncode == 0, result.stderr
    err = (tmp_path / "full.err").read_text()
    assert "full" in err and "Traceback" not in err, err
    code, refused = (tmp_path / "full.code").read_text().split()
    assert code == "code=1"
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'book.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
        ids = [r[0] for r in conn.exec_driver_sql("SELECT partner_id FROM partners")]
    engine.dispose()
    assert "first" in ids and refused not in ids  # all or nothing: the refused write left no row
