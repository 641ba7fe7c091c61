"""Leftover-English check (issue 13): every dashboard page, tab and panel, the monthly report and
`partnerkit tier --locale`, for a pt-PT and a pt-BR partner, hold no word of the product's English
vocabulary (built from the catalogues' msgids and the core's message templates, so strings other
issues add are covered too). Data (partner, client, team names) is not checked."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from partnerkit.ui.leftover_english import english_vocabulary, leftover_english
from tests.unit.ui.test_dashboard import AS_OF, make_book, text_of

PORTUGUESE = ("pt_PT", "pt_BR")
DEMO_DAY = dt.date(2026, 12, 2)
DEMO_PARTNERS = ("br-paulista", "pt-lusitania", "us-northwind")


def widget_text(w: Any, out: list[str] | None = None) -> list[str]:
    """What a person can read in a widget tree: HTML, labels, button and option texts, tab
    titles, placeholders and tooltips (hidden panels included: they are shown on a click)."""
    out = [] if out is None else out
    for attr in ("description", "placeholder", "tooltip"):
        value = getattr(w, attr, None)
        if isinstance(value, str):
            out.append(value)
    if type(w).__name__ in ("HTML", "HTMLMath", "Label") and isinstance(
            getattr(w, "value", None), str):
        out.append(text_of(w.value))
        out += re.findall(r'(?:alt|title|aria-label)="([^"]*)"', w.value)
    out += [str(x) for x in (getattr(w, "_options_labels", None) or ())]
    out += [str(x) for x in (getattr(w, "titles", None) or ()) if x]
    for child in getattr(w, "children", ()) or ():
        widget_text(child, out)
    return out


def _names(url: str, partner_id: str) -> list[str]:
    """Every name stored for the partner (data, not product text)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text(
                "SELECT name FROM partners UNION "
                "SELECT drivers FROM engagement WHERE partner_id = :p UNION "
                "SELECT ended_reason FROM clients WHERE partner_id = :p UNION "
                # Stored as text by the importer (HubSpot's own tier labels); see issue 13's note.
                "SELECT contact_tier FROM subscriptions WHERE partner_id = :p UNION "
                "SELECT email_send_tier FROM subscriptions WHERE partner_id = :p UNION "
                "SELECT current_subscription FROM renewals WHERE partner_id = :p UNION "
                "SELECT renewal_subscription FROM renewals WHERE partner_id = :p UNION "
                "SELECT name FROM clients WHERE partner_id = :p UNION "
                "SELECT name FROM team_members WHERE partner_id = :p UNION "
                "SELECT description FROM team_members WHERE partner_id = :p UNION "
                "SELECT owner FROM renewals WHERE partner_id = :p UNION "
                "SELECT renewal_manager FROM renewals WHERE partner_id = :p"),
                {"p": partner_id}).scalars()
            return [str(r) for r in rows if r]
    finally:
        engine.dispose()


def every_dashboard_view(url: str, partner_id: str, locale: str, as_of: dt.date,
                         client: str | None = None) -> dict[str, str]:
    """The readable text of every page, tab and panel, by where it was read."""
    from partnerkit.ui.dashboard import Dashboard, build_dashboard

    d = build_dashboard(url, partner_id=partner_id, locale=locale, as_of=as_of)
    assert isinstance(d, Dashboard), getattr(d, "value", d)
    seen: dict[str, str] = {}

    def read(where: str) -> None:
        seen[where] = " | ".join(widget_text(d))

    d.nav.select("clients")
    read("clients")
    c = d.clients
    first = client or str(c.visible_rows.iloc[0]["client_id"])
    c.do_action(first, "details")
    for i in range(len(c.panel.tabs.children)):
        c.panel.tabs.selected_index = i
        read(f"client panel tab {i}")
    c.panel.close_btn.click()
    c.show_view("ended")
    read("ended clients")
    c.show_view("active")
    d.nav.select("tier")
    for i in range(len(d.tier.tabs.children)):
        d.tier.tabs.selected_index = i
        read(f"tier tab {i}")
    d.tier.tabs.selected_index = 1
    if d.tier.breakdown.row_ids:
        d.tier.breakdown.names.index = 0
        read("points breakdown client")
    d.tier.calc_toggle.click()
    read("points calculator")
    d.nav.select("team")
    read("team")
    return seen


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    from partnerkit.store.demo import create_demo

    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite3'}"
    create_demo(url, today=DEMO_DAY)
    return url


def test_the_vocabulary_holds_the_products_english_and_not_portuguese_or_names() -> None:
    vocabulary = english_vocabulary()
    assert {"sourced", "assisted", "pending", "renewal", "expired"} <= vocabulary
    assert not {"gold", "hubspot", "total", "real", "dezembro"} & vocabulary
    assert leftover_english("Estado: active; Tipo: sourced") == ["active", "sourced"]
    assert leftover_english("Pontos de origem: 12,5") == []


@pytest.mark.parametrize("locale", PORTUGUESE)
def test_every_dashboard_view_of_the_test_book_reads_in_portuguese(tmp_path: Path,
                                                                    locale: str) -> None:
    url = make_book(tmp_path)
    data = _names(url, "p1")
    found = {where: words for where, text in
             every_dashboard_view(url, "p1", locale, AS_OF, client="c001").items()
             if (words := leftover_english(text, data))}
    assert found == {}


@pytest.mark.parametrize("locale", PORTUGUESE)
@pytest.mark.parametrize("partner", DEMO_PARTNERS)
def test_every_dashboard_view_of_a_demo_partner_reads_in_portuguese(demo_url: str, partner: str,
                                                                    locale: str) -> None:
    data = _names(demo_url, partner)
    found = {where: words for where, text in
             every_dashboard_view(demo_url, partner, locale, DEMO_DAY).items()
             if (words := leftover_english(text, data))}
    assert found == {}


REPORT_SECTIONS = ("summary", "tier_progress", "points", "progress_over_time", "top_clients",
                   "expiring", "renewals", "next_tier", "rules_used")


@pytest.mark.parametrize("locale", PORTUGUESE)
@pytest.mark.parametrize("partner", DEMO_PARTNERS)
def test_the_monthly_report_of_a_demo_partner_reads_in_portuguese(demo_url: str, partner: str,
                                                                  locale: str) -> None:
    from partnerkit.reports.render import load_report
    from partnerkit.reports.runner import report_title

    view = load_report(partner_id=partner, month="2026-11", db_url=demo_url, locale=locale,
                       as_of="2026-11-30")
    html = "".join(getattr(view, s)()._repr_html_() for s in REPORT_SECTIONS)
    text = " | ".join([text_of(html), *re.findall(r'alt="([^"]*)"', html),
                       report_title(view.c.partner_name, "2026-11", locale)])
    assert "novembro de 2026" in report_title("X", "2026-11", locale)
    assert leftover_english(text, _names(demo_url, partner)) == []


@pytest.mark.parametrize("locale", PORTUGUESE)
def test_the_cli_tier_output_of_a_demo_partner_reads_in_portuguese(demo_url: str, locale: str,
                                                                   monkeypatch: Any,
                                                                   capsys: Any) -> None:
    from partnerkit.cli import main

    monkeypatch.setenv("PARTNERKIT_AS_OF", DEMO_DAY.isoformat())
    for partner in DEMO_PARTNERS:
        assert main(["tier", "--partner", partner, "--db", demo_url, "--locale", locale]) == 0
        out = capsys.readouterr().out
        assert leftover_english(out, [*_names(demo_url, partner), partner]) == []
