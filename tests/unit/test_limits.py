"""Input bounds (issue 15, item 11): one module, each limit named with how to raise it."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from partnerkit import limits


def test_a_file_over_the_size_limit_is_refused_naming_the_limit_and_its_variable(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERKIT_MAX_FILE_MB", "1")
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * (limits.MB + 1))
    with pytest.raises(limits.LimitExceeded, match=r"1 MB.*PARTNERKIT_MAX_FILE_MB"):
        limits.read_bounded(big, "big.csv")


def test_an_endless_device_is_read_only_up_to_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERKIT_MAX_FILE_MB", "1")
    with pytest.raises(limits.LimitExceeded, match="file size"):
        limits.read_bounded("/dev/zero")


def test_raising_a_limit_with_its_variable_lets_the_file_through(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERKIT_MAX_FILE_MB", "2")
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * (limits.MB + 1))
    assert len(limits.read_bounded(big)) == limits.MB + 1


def test_a_folder_is_not_read_as_a_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="is a folder"):
        limits.read_bounded(tmp_path)


def test_a_zip_that_unzips_past_the_limit_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERKIT_MAX_UNZIPPED_MB", "1")
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (2 * limits.MB))
    assert bomb.stat().st_size < 100_000
    with pytest.raises(limits.LimitExceeded, match=r"unzipped size.*PARTNERKIT_MAX_UNZIPPED_MB"):
        limits.check_unzipped(bomb, "bomb.xlsx")


def test_a_limit_variable_that_is_not_a_number_is_named(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERKIT_MAX_ROWS", "lots")
    with pytest.raises(ValueError, match="PARTNERKIT_MAX_ROWS"):
        limits.ROWS.check(1, "x.csv")


def test_the_deadline_passes_before_its_time_and_fails_after(
        monkeypatch: pytest.MonkeyPatch) -> None:
    deadline = limits.Deadline("slow.csv")
    deadline.check()
    deadline.ends -= limits.SECONDS.value + 1
    with pytest.raises(limits.LimitExceeded, match="PARTNERKIT_MAX_SECONDS"):
        deadline.check()
