"""Issue 15, items 2 and 6: control characters never reach the store or the terminal; partner ids
follow one rule on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from partnerkit.cli import main
from partnerkit.store import open_store
from partnerkit.store import schema as t
from partnerkit.store.engine import write_tx

EVIL = "Evil\x1b]0;PWNED\x07\x1b[2J"


@pytest.fixture
def env(db_url, monkeypatch):
    monkeypatch.setenv("PARTNERKIT_DB", db_url)
    return db_url


def _add(pid: str = "acme", name: str = "Acme") -> int:
    return main(["add-partner", "--partner", pid, "--name", name, "--country", "PT",
                 "--currency", "EUR"])


def test_a_name_with_an_escape_sequence_is_refused_naming_the_character(env, capsys):
    assert _add(name=EVIL) == 2
    err = capsys.readouterr().err
    assert "control character (U+001B)" in err and "\x1b" not in err
    with open_store(env) as store:
        assert store.partner_ids() == []


@pytest.mark.parametrize("pid", ["", "   ", "x" * 65, "ACME", "acme pt", "ac/me", "acme\x00",
                                 "açme"])
def test_a_partner_id_outside_the_one_rule_is_refused_on_every_database(env, capsys, pid):
    assert _add(pid=pid) == 2
    err = capsys.readouterr().err
    assert "partner id" in err and "Traceback" not in err
    with open_store(env) as store:
        assert store.partner_ids() == []


def test_a_partner_id_of_64_characters_is_kept_whole(env):
    assert _add(pid="a" * 64) == 0
    with open_store(env) as store:
        assert store.partner_ids() == ["a" * 64]


def test_a_stored_name_with_controls_is_printed_escaped_by_partners_and_tier(env, capsys):
    assert _add() == 0
    with open_store(env) as store, write_tx(store.engine) as conn:  # as an older version stored it
        conn.execute(sa.update(t.partners).values(name=EVIL.replace("\x00", "")))
    capsys.readouterr()
    assert main(["partners"]) == 0
    assert main(["tier", "--partner", "acme"]) in (0, 2)
    captured = capsys.readouterr()
    for stream in (captured.out, captured.err):
        assert "\x1b" not in stream and "\x07" not in stream
    assert "Evil\\u001b]0;PWNED\\u0007" in captured.out


def test_an_imported_name_with_a_control_is_refused_with_its_line_and_a_tab_is_a_space(
        env, tmp_path, capsys):
    assert _add() == 0
    bad = tmp_path / "clients.csv"
    bad.write_text("Client ID,Company name,Country/Region,Relationship,Currency\n"
                   "c1,Fine,PT,sold,EUR\nc2,Bad\x1b[2J,PT,sold,EUR\nc3,Nul\x00,PT,sold,EUR\n",
                   "utf-8")
    assert main(["import", "--partner", "acme", "--kind", "clients", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "line 3, column 'Company name'" in err and "U+001B" in err
    assert "line 4, column 'Company name'" in err and "NUL" in err
    good = tmp_path / "tabs.csv"
    good.write_text("Client ID,Company name,Country/Region,Relationship,Currency\n"
                    "c1,Tab\there,PT,sold,EUR\n", "utf-8")
    assert main(["import", "--partner", "acme", "--kind", "clients", str(good)]) == 0
    with open_store(env) as store, store.engine.connect() as conn:
        assert conn.execute(sa.select(t.clients.c.name)).scalar_one() == "Tab here"


def test_end_services_refuses_a_reason_with_controls(env, tmp_path, capsys):
    assert _add() == 0
    f = tmp_path / "c.csv"
    f.write_text("Client ID,Company name,Country/Region,Relationship,Currency\nc1,A,PT,sold,EUR\n",
                 "utf-8")
    assert main(["import", "--partner", "acme", "--kind", "clients", str(f)]) == 0
    assert main(["end-services", "--partner", "acme", "--client", "c1",
                 "--reason", "gone\x1b[2J"]) == 2
    assert "U+001B" in capsys.readouterr().err
