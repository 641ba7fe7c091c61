"""Host/Origin checks of `partnerkit serve` (issue 15, item 1): pure rules, no server."""

from __future__ import annotations

import pytest

from partnerkit.serve_guard import host_allowed, origin_allowed, parse_allowed, split_host


@pytest.mark.parametrize("host", ["127.0.0.1:8866", "localhost:8866", "[::1]:8866", "127.0.0.2",
                                  "LOCALHOST", "localhost."])
def test_a_loopback_server_answers_to_loopback_names(host: str) -> None:
    assert host_allowed(host, "127.0.0.1")


@pytest.mark.parametrize("host", ["evil.example:8866", "rebind.test", "192.168.1.5:8866", "",
                                  None, "evil.localhost.example", "127.0.0.1.evil.example"])
def test_a_loopback_server_refuses_any_other_host_name(host: str | None) -> None:
    assert not host_allowed(host, "127.0.0.1")


def test_a_reverse_proxy_name_is_allowed_only_when_configured() -> None:
    assert not host_allowed("dash.agency.example", "127.0.0.1")
    allowed = parse_allowed("dash.agency.example, other.example:443")
    assert host_allowed("dash.agency.example", "127.0.0.1", allowed)
    assert host_allowed("Other.Example", "127.0.0.1", allowed)


def test_a_network_server_answers_to_addresses_and_its_own_names_only() -> None:
    own = ("box", "box.lan")
    assert host_allowed("192.168.1.5:8866", "0.0.0.0", (), own)
    assert host_allowed("box:8866", "0.0.0.0", (), own)
    assert not host_allowed("evil.example:8866", "0.0.0.0", (), own)
    assert host_allowed("10.0.0.7", "10.0.0.7")


def test_a_websocket_from_a_foreign_page_is_refused_and_one_from_the_app_is_allowed() -> None:
    assert origin_allowed("http://127.0.0.1:8866", "127.0.0.1")
    assert origin_allowed("http://localhost:8866", "127.0.0.1")
    assert origin_allowed(None, "127.0.0.1")  # not a browser
    for origin in ("http://evil.example", "null", "file://", "http://rebind.test:8866"):
        assert not origin_allowed(origin, "127.0.0.1"), origin


def test_host_headers_are_split_from_their_port() -> None:
    assert split_host("[::1]:8866") == "::1"
    assert split_host("Example.COM:80") == "example.com"
    assert split_host("::1") == "::1"
