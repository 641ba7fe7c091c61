"""Issue 15, item 5: `export` replaces its file in one step; a failure leaves the old file whole and
says so (exit 1), never a traceback or a truncated file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pandas as pd
import pytest

from partnerkit.atomic_file import EnvironmentFailure
from partnerkit.cli import main
from partnerkit.store.exporter import write_frame

OLD = "previous export, kept whole\n"


def _frame(n: int = 3) -> pd.DataFrame:
    return pd.DataFrame({"client_id": [f"c{i}" for i in range(n)], "name": ["x"] * n})


def test_an_export_replaces_the_file_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "clients.csv"
    target.write_text(OLD)
    os.chmod(target, 0o640)
    assert write_frame(_frame(), target) == 3
    assert "c2" in target.read_text("utf-8-sig")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["clients.csv"]


def test_a_failure_while_writing_leaves_the_previous_file_unchanged(tmp_path, monkeypatch):
    target = tmp_path / "clients.csv"
    target.write_text(OLD)

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(EnvironmentFailure, match=r"no space left.*previous file"):
        write_frame(_frame(), target)
    assert target.read_text() == OLD
    assert [p.name for p in tmp_path.iterdir()] == ["clients.csv"]


def test_an_error_in_the_middle_of_the_rows_leaves_the_previous_file_unchanged(tmp_path):
    target = tmp_path / "clients.xlsx"
    target.write_text(OLD)

    class Exploding:
        def __str__(self) -> str:
            raise OSError(5, "Input/output error")

    frame = pd.DataFrame({"a": ["fine", Exploding()]})
    with pytest.raises((EnvironmentFailure, OSError)):
        write_frame(frame, target, "csv")
    assert target.read_text() == OLD


def test_export_to_a_full_device_is_one_line_and_exit_status_1(demo_db_url, monkeypatch, capsys):
    monkeypatch.setenv("PARTNERKIT_DB", demo_db_url)
    code = main(["export", "--partner", "pt-lusitania", "--view", "clients", "--format", "csv",
                 "-o", "/dev/full"])
    err = capsys.readouterr().err
    assert code == 1
    assert "no space left on device" in err and "Traceback" not in err
    assert Path("/dev/full").exists() and not Path("/dev/full").is_file()


def test_export_where_no_folder_can_be_made_says_so_in_one_line(demo_db_url, monkeypatch, capsys,
                                                                tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    monkeypatch.setenv("PARTNERKIT_DB", demo_db_url)
    assert main(["export", "--partner", "pt-lusitania", "--view", "clients",
                 "-o", str(blocker / "x.csv")]) == 1
    err = capsys.readouterr().err
    assert "cannot write" in err and "not a directory" in err and "Traceback" not in err
    assert blocker.read_text() == "a file where the folder should be"


def test_export_to_a_folder_is_bad_input(demo_db_url, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("PARTNERKIT_DB", demo_db_url)
    assert main(["export", "--partner", "pt-lusitania", "--view", "clients", "--format", "csv",
                 "-o", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err
