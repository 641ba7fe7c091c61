"""Issue 15, item 2: control characters refused at input, escaped on output (pure rules)."""

from __future__ import annotations

import pytest

from partnerkit.safe_text import check_id, check_text, terminal_safe


@pytest.mark.parametrize("bad", ["\x1b[2J", "a\x00b", "\x07", "line\nbreak", "\x7f", "\x9b31m",
                                 "cr\r"])
def test_text_with_a_c0_or_c1_control_or_del_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="the name contains"):
        check_text(bad, "the name")


def test_a_tab_is_a_space_in_free_text_and_refused_elsewhere() -> None:
    assert check_text("a\tb", "x", free_text=True) == "a b"
    with pytest.raises(ValueError, match="U\\+0009"):
        check_text("a\tb", "x")


def test_ordinary_names_in_any_script_pass_unchanged() -> None:
    for name in ("Agência Paulista", "株式会社", "O'Brien & Co", "Zürich AG", "مرحبا"):
        assert check_text(name, "x") == name


def test_terminal_output_escapes_controls_and_bidi_overrides_but_keeps_lines() -> None:
    assert terminal_safe("Evil\x1b]0;PWNED\x07") == "Evil\\u001b]0;PWNED\\u0007"
    assert terminal_safe("a\u202eb") == "a\\u202eb"
    assert terminal_safe("one\ttwo\nthree") == "one\ttwo\nthree"
    assert terminal_safe("\x9b") == "\\u009b"


def test_partner_ids_are_short_lower_case_and_plain() -> None:
    assert check_id("acme-pt_2") == "acme-pt_2"
    for bad in ("", "x" * 65, "Acme", "a b", "a.b"):
        with pytest.raises(ValueError, match="partner id"):
            check_id(bad)


def test_a_progress_bar_redraws_its_line_but_a_carriage_return_inside_text_is_escaped():
    import io

    from partnerkit.cli import _TerminalSafe

    out = io.StringIO()
    stream = _TerminalSafe(out)
    stream.write("\rreports: 50%|#####     | 1/2")
    stream.write("name\rSpoofed")
    assert out.getvalue() == "\rreports: 50%|#####     | 1/2name\\u000dSpoofed"
