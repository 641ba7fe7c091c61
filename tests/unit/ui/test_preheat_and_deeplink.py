"""Issue 11: preheated kernels wait for their page; deep links parse to a view or a visible note."""

from __future__ import annotations

import datetime as dt
import sys

import pytest

from partnerkit.ui.dashboard.deeplink import View, parse_view
from partnerkit.ui.preheat import wait_for_page


def test_outside_a_preheated_kernel_wait_for_page_returns_at_once(monkeypatch) -> None:
    import voila.utils

    calls: list[str] = []
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.setattr(voila.utils, "wait_for_request", lambda: calls.append("waited"))
    wait_for_page(warm=("json",))
    assert calls == []


def test_a_preheated_kernel_imports_first_then_waits_for_its_page(monkeypatch) -> None:
    import voila.utils

    order: list[str] = []
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.delitem(sys.modules, "colorsys", raising=False)
    monkeypatch.setattr(
        voila.utils, "wait_for_request", lambda: order.append(f"waited {'colorsys' in sys.modules}")
    )
    wait_for_page(warm=("colorsys",))
    assert order == ["waited True"]


def test_a_deep_link_names_partner_page_tab_date_language_and_client() -> None:
    v = parse_view("?partner=br-x&page=tier&tab=changes&as_of=2026-10-01&lang=pt-BR&client=C%201")
    got = (v.partner, v.page, v.tab, v.lang, v.client)
    assert got == ("br-x", "tier", "changes", "pt_BR", "C 1")
    assert v.as_of == dt.date(2026, 10, 1)
    assert v.problems == []
    assert parse_view(v.to_query()).client == "C 1"


@pytest.mark.parametrize(
    "query, problem",
    [
        ("page=settings", ("page", "settings")),
        ("tab=secret", ("tab", "secret")),
        ("as_of=2026-13-40", ("as_of", "2026-13-40")),
        ("lang=fr", ("lang", "fr")),
        ("client=" + "x" * 500, ("client", "x" * 40)),
        ("client=a%0Ab", ("client", "a\nb")),
    ],
)
def test_a_bad_value_in_a_link_is_dropped_and_reported_never_raised(query, problem) -> None:
    v = parse_view(query)
    assert v.problems == [problem]
    assert getattr(v, problem[0]) is None


def test_unknown_parameters_such_as_voila_s_token_are_left_alone() -> None:
    v = parse_view("token=abc&foo=bar")
    assert v == View()


def test_a_dashboard_opened_by_a_deep_link_shows_its_client_and_keeps_the_url(tmp_path) -> None:
    from partnerkit.ui.dashboard import build_dashboard
    from tests.unit.ui.test_dashboard import AS_OF, make_book

    d = build_dashboard(make_book(tmp_path), as_of=AS_OF, query="client=c004&lang=pt_BR&page=xx")
    assert d.clients.panel.client_id == "c004"
    assert "page=xx" in d.messages.value  # a visible note, not an error page
    # the date was given (not today): it stays in the link
    assert d.bridge.query == f"as_of={AS_OF}&lang=pt_BR&client=c004"
    d.nav.select("tier")
    d.tier.tabs.selected_index = 1
    assert d.bridge.query == f"page=tier&tab=breakdown&as_of={AS_OF}&lang=pt_BR"
    if d.tier.TABS >= 4:  # issue 12's Tier point changes tab
        d.tier.tabs.selected_index = 3
        assert "tab=changes" in d.bridge.query


def test_a_client_name_ending_in_a_stop_ends_a_sentence_with_one_stop() -> None:
    from partnerkit.ui.dashboard.clients import one_stop

    assert one_stop("Services ended for Agência Paulista Ltda..") == (
        "Services ended for Agência Paulista Ltda."
    )
    assert one_stop("Services ended for Acme.") == "Services ended for Acme."
    assert one_stop("Wait...") == "Wait..."
