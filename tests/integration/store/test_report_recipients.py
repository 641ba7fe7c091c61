"""Issue 14: who receives a partner's monthly report — add-partner --report-to, import --kind
report-recipients (all rows or none), the store API, every change in the audit log."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from partnerkit.store import open_store


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "partnerkit", *args], cwd=cwd,
                          env={**os.environ}, capture_output=True, text=True, timeout=120)


def test_add_partner_report_to_sets_and_clears_the_recipients(tmp_path: Path):
    db = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    base = ("add-partner", "--db", db, "--partner", "acme-pt", "--name", "Acme",
            "--country", "PT", "--currency", "EUR")
    p = cli(*base, "--report-to", "ana@acme.example, rui@acme.example", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    with open_store(db) as store:
        assert store.report_recipients("acme-pt") == ["ana@acme.example", "rui@acme.example"]
    p = cli(*base, cwd=tmp_path)  # not given: unchanged
    with open_store(db) as store:
        assert len(store.report_recipients("acme-pt")) == 2
    p = cli(*base, "--report-to", "", cwd=tmp_path)
    with open_store(db) as store:
        assert store.report_recipients("acme-pt") == []
        actions = list(store.audit_log("acme-pt")["action"])
    assert actions.count("set_report_recipients") == 2
    bad = cli(*base, "--report-to", "ana@acme.example\nBcc: x@evil.example", cwd=tmp_path)
    assert bad.returncode == 2 and "not a plain e-mail address" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_importing_recipients_replaces_them_all_or_changes_nothing(tmp_path: Path):
    from partnerkit.store import Partner
    from partnerkit.store.importer import ImportFileError, import_file

    db = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text("Name,Email\nAna,ana@acme.example\nRui,rui@acme.example\n")
    bad.write_text("Email\nzoe@acme.example\nnot-an-address\n")
    with open_store(db) as store:
        store.upsert_partner(Partner("acme-pt", "Acme", "PT", "EUR", None, None, None, None))
        result = import_file(store, "acme-pt", "report-recipients", good, by="test")
        assert (result.rows, result.inserted) == (2, 2)
        try:
            import_file(store, "acme-pt", "report-recipients", bad, by="test")
            raise AssertionError("a bad address was imported")
        except ImportFileError as e:
            assert "line 3" in str(e) and "not-an-address" in str(e)
        assert store.report_recipients("acme-pt") == ["ana@acme.example", "rui@acme.example"]
