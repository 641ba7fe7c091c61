"""Host and Origin checks for `partnerkit serve` (issue 15, item 1: DNS rebinding).

Voilà turns Jupyter Server's local-host check off (`allow_remote_access=True`), so a page on any
domain that resolves to 127.0.0.1 could load the dashboard and drive its kernel. `partnerkit serve`
therefore runs Voilà through this module (`python -m partnerkit.serve_guard ...` takes Voilà's own
arguments), which refuses, before any handler runs:

- a request whose `Host` is not an allowed name: a loopback address, `localhost`, the bound
  address, and, only when the server is bound beyond loopback, any IP
  literal (an address cannot be re-bound by DNS) and this machine's host names; plus the names
  given with `--allowed-host` / $PARTNERKIT_ALLOWED_HOSTS (a reverse proxy's public name);
- a websocket whose `Origin` is a page on a name that is not allowed (or `null`).

The checks are pure functions below; `main()` starts Voilà with a tornado Application that applies
them to every request (pages, kernels, websockets, static files, login).
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
from collections.abc import Iterable
from urllib.parse import urlsplit

ALLOWED_HOSTS_ENV = "PARTNERKIT_ALLOWED_HOSTS"
BIND_IP_ENV = "PARTNERKIT_BIND_IP"  # set by voila_command: the address Voilà listens on


def split_host(host_header: str) -> str:
    """The host name of a Host header, lower-case, without port or IPv6 brackets."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def parse_allowed(text: str | None) -> tuple[str, ...]:
    """Names from $PARTNERKIT_ALLOWED_HOSTS / --allowed-host: comma- or space-separated."""
    return tuple(split_host(n) for n in (text or "").replace(",", " ").split() if n.strip())


def machine_names() -> tuple[str, ...]:
    """This machine's own names (printed in the URLs when serving on 0.0.0.0)."""
    names = {socket.gethostname(), socket.getfqdn()}
    return tuple(sorted(split_host(n) for n in names if n))


def host_allowed(host_header: str | None, bind_ip: str, allowed: Iterable[str] = (),
                 own_names: Iterable[str] = ()) -> bool:
    """True if a request with this Host header may be answered by a server bound to `bind_ip`."""
    if not host_header:
        return False
    host = split_host(host_header)
    if not host:
        return False
    if host in {split_host(a) for a in allowed}:
        return True
    addr = _ip(host)
    if addr is not None and addr.is_loopback:
        return True
    if host == "localhost":
        return True
    bound = split_host(bind_ip)
    if host == bound:
        return True
    bound_addr = _ip(bound)
    if bound_addr is not None and bound_addr.is_loopback:
        return False  # local-only server: no other name, ever
    # Served to the network (with a token or password): an IP literal cannot be re-bound by DNS,
    # and the machine's own names are what the printed URLs use.
    return addr is not None or host in set(own_names)


def origin_allowed(origin: str | None, bind_ip: str, allowed: Iterable[str] = (),
                   own_names: Iterable[str] = ()) -> bool:
    """True if a websocket opened by a page of `origin` may connect (no Origin: not a browser)."""
    if origin is None:
        return True
    parts = urlsplit(origin.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False  # "null" (sandboxed frames, file: pages) and anything odd
    return host_allowed(parts.netloc, bind_ip, allowed, own_names)


def refusal(host_header: str | None) -> str:
    """The text of a 403 for a refused Host (no data, says how to allow a proxy's name)."""
    shown = (host_header or "").encode("ascii", "replace").decode()[:100]
    return (f"partnerkit: this server does not answer to the host name {shown!r}. Open it as "
            f"http://127.0.0.1:PORT/ or http://localhost:PORT/; behind a reverse proxy, allow its "
            f"name with 'partnerkit serve --allowed-host NAME' (or ${ALLOWED_HOSTS_ENV}).\n")


# --------------------------------------------------------------------------- the guarded server


def main(argv: list[str] | None = None) -> None:  # pragma: no cover - run as a server process
    """Start Voilà (same arguments) with the Host/Origin guard on every request."""
    import tornado.web
    from voila.app import Voila

    allowed = parse_allowed(os.environ.get(ALLOWED_HOSTS_ENV))
    own = machine_names()

    class Refused(tornado.web.RequestHandler):
        def prepare(self) -> None:
            self.set_status(403)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish(refusal(self.request.headers.get("Host")))

    class GuardedApplication(tornado.web.Application):
        bind_ip = "127.0.0.1"

        def find_handler(self, request, **kwargs):  # type: ignore[no-untyped-def]
            ok = host_allowed(request.headers.get("Host"), self.bind_ip, allowed, own)
            if ok and request.headers.get("Upgrade", "").lower() == "websocket":
                ok = origin_allowed(request.headers.get("Origin"), self.bind_ip, allowed, own)
            if not ok:
                return self.get_handler_delegate(request, Refused)
            return super().find_handler(request, **kwargs)

    class GuardedVoila(Voila):  # type: ignore[misc]
        def start(self) -> None:
            # Voilà's start(), with our Application and the local-host check turned back on.
            import tempfile

            self.connection_dir = tempfile.mkdtemp(prefix="voila_", dir=self.connection_dir_root)
            settings = self.init_settings()
            settings["allow_remote_access"] = False
            settings["local_hostnames"] = ["localhost", *allowed]
            GuardedApplication.bind_ip = self.ip or "127.0.0.1"
            self.app = GuardedApplication(**settings)
            self.app.settings.update(self.tornado_settings)
            if not host_allowed(GuardedApplication.bind_ip, "127.0.0.1"):
                # Bound beyond loopback (login required): our guard decides; Jupyter's own
                # check would refuse the machine's names and LAN addresses.
                self.app.settings["allow_remote_access"] = True
            self.app.add_handlers(".*$", self.init_handlers())
            self.listen()

    GuardedVoila.launch_instance(argv=argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":  # pragma: no cover
    main()
