"""`partnerkit serve`: the dashboard and the points calculator as a Voilà web app (issues 4, 5).

`./dev apps` runs `python -m partnerkit serve`. What it does:

1. With no database configured ($PARTNERKIT_DB unset, no --db) it makes sure the built-in demo
   book exists (`partnerkit.store.ensure_demo_database()`), so a new user sees data at once.
2. It starts Voilà on the repository's `notebooks/` folder with the command built by
   `voila_command()` — the same function the browser tests use, so tests start the server exactly
   as users do — and prints the dashboard and calculator URLs once the server answers.

Safety: binds 127.0.0.1 by default, and answers only to loopback names (plus --allowed-host),
never to another name that resolves here (DNS rebinding; partnerkit/serve_guard.py). Any other
address serves the whole network, so it requires a token (--token or $PARTNERKIT_TOKEN) or a
password (--password-hash or $PARTNERKIT_PASSWORD_HASH, made with --make-password-hash); without
one the command refuses to start. The token reaches Voilà through the JUPYTER_TOKEN environment
variable, not its command line (which `ps` shows).

Kernels: Voilà starts one Python kernel (~100 MB) per open page and does not always shut it down
when a tab closes, so idle kernels are culled (--cull-idle-timeout). Preheated kernels
(--preheat) make the first render ~1 s faster but show data as of when the kernel was heated;
see docs/serving.md.
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path

from partnerkit.serve_guard import ALLOWED_HOSTS_ENV, parse_allowed

DEFAULT_PORT = 8866
DEFAULT_IP = "127.0.0.1"
DEFAULT_CULL_IDLE_TIMEOUT = 900  # s: a kernel idle (no activity) this long is shut down
DEFAULT_CULL_INTERVAL = 60  # s: how often idle kernels are looked for
DEFAULT_POOL_SIZE = 2  # preheated kernels kept ready per notebook (only with --preheat)
# partnerkit's Voilà template (offline, branded: partnerkit/share/jupyter/voila/templates/).
TEMPLATE = "partnerkit"
TEMPLATE_ROOT = Path(__file__).resolve().parent / "share" / "jupyter"
TOKEN_ENV = "PARTNERKIT_TOKEN"
PASSWORD_HASH_ENV = "PARTNERKIT_PASSWORD_HASH"
THEME_ENV = "PARTNERKIT_THEME"  # light | dark: read by the charts in the kernel
THEMES = ("light", "dark")
APPS: dict[str, str] = {"dashboard": "dashboard.ipynb", "calculator": "calculator.ipynb"}
START_TIMEOUT = 60.0  # s to wait for Voilà to answer


class ServeError(ValueError):
    """A serving problem explained for the user (printed as one line by the CLI)."""


# --------------------------------------------------------------------------- pure helpers


def default_notebooks_dir() -> Path:
    """The `notebooks/` folder of the repository holding this package; else ./notebooks; else ."""
    repo_notebooks = Path(__file__).resolve().parent.parent / "notebooks"
    if repo_notebooks.is_dir():
        return repo_notebooks
    cwd_notebooks = Path.cwd() / "notebooks"
    return cwd_notebooks if cwd_notebooks.is_dir() else Path.cwd()


def is_loopback(ip: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if ip.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(ip.strip().strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything, treat it as public


def check_bind_safety(ip: str, token: str | None, password_hash: str | None = None) -> None:
    """Refuse to serve beyond this machine without a token or a password."""
    if is_loopback(ip) or (token and token.strip()) or (password_hash and password_hash.strip()):
        return
    raise ServeError(
        f"--ip {ip} would serve the apps to the whole network without any login; "
        f"give a token with --token SECRET or ${TOKEN_ENV} (share the printed URL with your "
        f"team) or a password with --password-hash or ${PASSWORD_HASH_ENV}, or keep the "
        "default --ip 127.0.0.1. See docs/serving.md."
    )


def voila_command(
    notebooks_dir: str | os.PathLike[str],
    port: int = DEFAULT_PORT,
    ip: str = DEFAULT_IP,
    token: str | None = None,
    preheat: bool = False,
    extra_env: Mapping[str, str] | None = None,
    *,
    pool_size: int = DEFAULT_POOL_SIZE,
    cull_idle_timeout: int = DEFAULT_CULL_IDLE_TIMEOUT,
    cull_interval: int = DEFAULT_CULL_INTERVAL,
    python: str | None = None,
    password_hash: str | None = None,
    allowed_hosts: tuple[str, ...] = (),
    theme: str = "light",
) -> list[str]:
    """The exact command that serves `notebooks_dir` with Voilà (pure: builds a list, runs nothing).

    Environment variables (`extra_env`, and the token as JUPYTER_TOKEN) are passed as a leading
    `env NAME=VALUE ...` so the list alone reproduces the server; run it with
    `subprocess.Popen(cmd, start_new_session=True)`. Raises ServeError for a public --ip without
    a token or a password hash (from `hash_password`).
    """
    check_bind_safety(ip, token, password_hash)
    if theme not in THEMES:
        raise ServeError(f"--theme {theme!r} is not one of: {', '.join(THEMES)}")
    if not 0 < int(port) < 65536:
        raise ServeError(
            f"--port {port} is not a TCP port; use 1024-65535 (default {DEFAULT_PORT})"
        )
    jupyter_path = os.pathsep.join(
        p for p in (str(TEMPLATE_ROOT), os.environ.get("JUPYTER_PATH", "")) if p
    )
    env: dict[str, str] = {
        # ipykernel on 3.11 warns about frozen modules on every kernel start; noise only.
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "JUPYTER_PATH": jupyter_path,  # where Voilà finds the partnerkit template
        **dict(extra_env or {}),
    }
    if allowed_hosts:
        env[ALLOWED_HOSTS_ENV] = ",".join(allowed_hosts)
    env[THEME_ENV] = theme  # charts drawn in the kernel match the page from the first render
    args = [
        python or sys.executable,
        "-m",
        "partnerkit.serve_guard",  # Voilà with the Host/Origin checks (DNS rebinding)
        str(Path(notebooks_dir)),
        "--no-browser",
        f"--port={int(port)}",
        f"--Voila.ip={ip}",
        "--show_tracebacks=False",
        f"--template={TEMPLATE}",  # "lab" without its CDN stylesheet (offline), branded
        f"--theme={theme}",  # JupyterLab's Light/Dark: the apps' colours follow (issue 17)
        f"--MappingKernelManager.cull_idle_timeout={int(cull_idle_timeout)}",
        f"--MappingKernelManager.cull_interval={int(cull_interval)}",
    ]
    if preheat:
        args += ["--preheat_kernel=True", f"--pool_size={max(int(pool_size), 1)}"]
    if token:
        env["JUPYTER_TOKEN"] = token
        args.append("--Voila.auto_token=True")  # the identity provider reads JUPYTER_TOKEN
    if password_hash:
        if not password_hash.startswith(("argon2:", "sha1:")):
            raise ServeError(
                "--password-hash must be a hash from 'partnerkit serve --make-password-hash' "
                "(it starts with argon2:), never the password itself"
            )
        args.append(f"--PasswordIdentityProvider.hashed_password={password_hash}")
    prefix = ["env", *(f"{k}={v}" for k, v in env.items())] if env else []
    return prefix + args


def hash_password(password: str) -> str:
    """A salted argon2 hash of `password` for --password-hash (the password is never stored)."""
    from jupyter_server.auth.security import passwd

    if len(password) < 8:
        raise ServeError("the password must have at least 8 characters")
    return str(passwd(password))  # type: ignore[no-untyped-call]


def app_urls(base_url: str, token: str | None = None) -> dict[str, str]:
    """URL of each app (dashboard, calculator) under a server's base URL."""
    base = base_url.rstrip("/")
    query = f"?token={token}" if token else ""
    return {name: f"{base}/voila/render/{nb}{query}" for name, nb in APPS.items()}


def base_url_for(ip: str, port: int) -> str:
    host = ip
    if host in {"0.0.0.0", "::", ""}:
        host = socket.gethostname()
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/"


# --------------------------------------------------------------------------- process helpers


def port_is_free(ip: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((ip, port))
        except OSError:
            return False
    return True


def free_port(ip: str = DEFAULT_IP) -> int:
    """A TCP port free right now on `ip` (for tests and --port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((ip, 0))
        return int(s.getsockname()[1])


def server_answers(url: str, timeout: float = 2.0) -> bool:
    """True once an HTTP server answers at `url` (any status, a login page counts)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout):
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, OSError):
        return False


def wait_until_answering(
    url: str, proc: subprocess.Popen[bytes] | None = None, timeout: float = START_TIMEOUT
) -> None:
    """Poll `url` until it answers; ServeError if `proc` exits first or after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise ServeError(
                f"Voilà exited with status {proc.returncode} before answering at {url}"
            )
        if server_answers(url, timeout=1.0):
            return
        time.sleep(0.1)
    raise ServeError(f"Voilà did not answer at {url} within {timeout:.0f} s")


def descendant_pids(pid: int) -> list[int]:
    """PIDs of every process below `pid` (Linux /proc; empty elsewhere). Kernels started by
    Voilà run in sessions of their own, so killing the server's process group misses them."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found: list[int] = []
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def stop_process_group(proc: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    """Stop a server started with start_new_session=True, its process group and every kernel it
    started: SIGTERM first (Voilà then shuts its kernels down cleanly), SIGKILL what remains."""
    descendants = descendant_pids(proc.pid)
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=grace)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    for pid in descendants:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)


# --------------------------------------------------------------------------- the demo book


def ensure_demo_book() -> str | None:
    """Create the built-in demo database if it is missing; return its URL (None if unknown)."""
    try:
        from partnerkit.store import ensure_demo_database
    except ImportError:
        print(
            "partnerkit serve: the demo database is not available in this version "
            "(partnerkit.store.ensure_demo_database is missing); starting the apps without it. "
            "Set PARTNERKIT_DB or --db to use your own database.",
            file=sys.stderr,
        )
        return None
    result = ensure_demo_database()
    return str(result) if result else None


# --------------------------------------------------------------------------- the command


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "serve",
        help="serve the dashboard and the points calculator in your browser (Voilà)",
        description=(
            "Start the partner dashboard and the points calculator as a web app (Voilà) and print "
            "their URLs. With no database configured ($PARTNERKIT_DB unset, no --db) the built-in "
            "demo book is created and used. Stop with Ctrl-C (this also stops every kernel)."
        ),
        epilog=(
            "Serving a team: --ip 0.0.0.0 --token SECRET (or $PARTNERKIT_TOKEN) and share the "
            "printed URL, or --password-hash HASH (make one with --make-password-hash); better, "
            "keep 127.0.0.1 behind a reverse proxy with HTTPS. Each open page runs a Python "
            "kernel (~100 MB); the kernels of closed pages are shut down after "
            "--cull-idle-timeout seconds. Details: docs/serving.md."
        ),
    )
    p.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help="TCP port to listen on; 0 picks a free one (default: %(default)s)",
    )
    p.add_argument(
        "--ip",
        default=DEFAULT_IP,
        help="address to listen on (default: %(default)s); anything but loopback "
        "(127.0.0.1, ::1) requires a token",
    )
    p.add_argument(
        "--token",
        default=None,
        help=f"secret that every visitor must present (default: ${TOKEN_ENV}); required with a "
        "non-loopback --ip (or a password); the printed URLs include it",
    )
    p.add_argument(
        "--password-hash",
        default=None,
        metavar="HASH",
        help=f"visitors log in with the password behind HASH (default: ${PASSWORD_HASH_ENV}); "
        "make HASH with --make-password-hash",
    )
    p.add_argument(
        "--allowed-host",
        action="append",
        default=None,
        metavar="NAME",
        help="also answer to this host name, e.g. a reverse proxy's public name (repeatable; "
        f"default: ${ALLOWED_HOSTS_ENV}, comma-separated). Any other name is refused, so a "
        "web page cannot reach the apps through a name that resolves to this machine",
    )
    p.add_argument(
        "--make-password-hash",
        action="store_true",
        help="ask for a password, print its hash for --password-hash, and exit",
    )
    p.add_argument(
        "--db",
        default=None,
        help="database URL or SQLite file for the apps "
        "(default: $PARTNERKIT_DB, else the demo book)",
    )
    p.add_argument(
        "--as-of",
        default=None,
        metavar="YYYY-MM-DD",
        help="pretend today is this date (sets $PARTNERKIT_AS_OF; for demos and tests)",
    )
    p.add_argument(
        "--notebooks",
        type=Path,
        default=None,
        help="folder of notebooks to serve (default: the repository's notebooks/)",
    )
    p.add_argument(
        "--preheat",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="keep kernels ready that have imported partnerkit and wait for a page: the page "
        "opens ~1 s sooner and still reads the book, link and date of the moment it is opened "
        "(default: on; --no-preheat starts a kernel per page; see docs/serving.md)",
    )
    p.add_argument(
        "--pool-size",
        type=int,
        default=DEFAULT_POOL_SIZE,
        help="preheated kernels per notebook, with --preheat (default: %(default)s)",
    )
    p.add_argument(
        "--cull-idle-timeout",
        type=int,
        default=DEFAULT_CULL_IDLE_TIMEOUT,
        metavar="SECONDS",
        help="shut down the kernel of a closed page after this long without activity; "
        "0 = never (default: %(default)s)",
    )
    p.add_argument(
        "--cull-interval",
        type=int,
        default=DEFAULT_CULL_INTERVAL,
        metavar="SECONDS",
        help="how often to look for idle kernels (default: %(default)s)",
    )
    p.add_argument(
        "--theme",
        choices=THEMES,
        default="light",
        help="the apps' colours: JupyterLab's light or dark theme (default: %(default)s)",
    )
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="print the Voilà command (token hidden) and exit",
    )
    p.set_defaults(handler=run)


def _redacted(cmd: list[str]) -> str:
    return " ".join(
        "JUPYTER_TOKEN=***" if part.startswith("JUPYTER_TOKEN=") else part for part in cmd
    )


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def probe_url(ip: str, port: int) -> str:
    """A URL on this machine that reaches a server bound to `ip`."""
    if ip in {"0.0.0.0", ""}:
        return f"http://127.0.0.1:{port}/"
    if ip == "::":
        return f"http://[::1]:{port}/"
    return f"http://[{ip}]:{port}/" if ":" in ip else f"http://{ip}:{port}/"


def run(args: argparse.Namespace) -> int:
    if args.make_password_hash:
        import getpass

        password = getpass.getpass("password for partnerkit serve: ")
        if password != getpass.getpass("again: "):
            raise ServeError("the two passwords differ; nothing was made")
        print(hash_password(password))
        return 0
    token = args.token if args.token is not None else (os.environ.get(TOKEN_ENV) or None)
    password_hash = args.password_hash or os.environ.get(PASSWORD_HASH_ENV) or None
    check_bind_safety(args.ip, token, password_hash)
    allowed_hosts = parse_allowed(
        ",".join(args.allowed_host) if args.allowed_host else os.environ.get(ALLOWED_HOSTS_ENV)
    )
    notebooks = (args.notebooks or default_notebooks_dir()).resolve()
    if not notebooks.is_dir():
        raise ServeError(f"--notebooks {notebooks} is not a folder")
    if args.as_of:
        from partnerkit.dates import parse_date

        try:
            parse_date(args.as_of, "--as-of")
        except ValueError as e:
            raise ServeError(str(e)) from None
    port = args.port or free_port(args.ip if ":" not in args.ip else DEFAULT_IP)

    extra_env: dict[str, str] = {}
    if args.db:
        extra_env["PARTNERKIT_DB"] = args.db
    if args.as_of:
        extra_env["PARTNERKIT_AS_OF"] = args.as_of

    def command() -> list[str]:
        return voila_command(
            notebooks,
            port,
            args.ip,
            token,
            args.preheat,
            extra_env,
            pool_size=args.pool_size,
            cull_idle_timeout=args.cull_idle_timeout,
            cull_interval=args.cull_interval,
            password_hash=password_hash,
            allowed_hosts=allowed_hosts,
            theme=args.theme,
        )

    if args.dry_run:
        print(_redacted(command()))
        return 0
    command()  # validates before anything is created
    if not port_is_free(args.ip, port):
        raise ServeError(
            f"port {port} on {args.ip} is already in use (another partnerkit serve?); "
            "stop it or choose another with --port"
        )
    if not args.db and not os.environ.get("PARTNERKIT_DB", "").strip():
        demo = ensure_demo_book()
        if demo:
            print(f"partnerkit serve: using the demo book ({demo})", file=sys.stderr)
            extra_env["PARTNERKIT_DB"] = demo  # the kernels open exactly this database
    cmd = command()

    proc = subprocess.Popen(cmd, start_new_session=True)
    # The server runs in its own session, so Ctrl-C reaches only us: we stop its whole group.
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    try:
        wait_until_answering(probe_url(args.ip, port), proc)
        urls = app_urls(base_url_for(args.ip, port), token)
        print("partnerkit is serving (Ctrl-C stops it):", flush=True)
        for name, url in urls.items():
            print(f"  {name:<11} {url}", flush=True)
        return proc.wait()
    except KeyboardInterrupt:
        print("partnerkit serve: stopping", file=sys.stderr)
        return 0
    finally:
        stop_process_group(proc)


def main(argv: list[str] | None = None) -> int:
    """`python -m partnerkit.serve` (same as `partnerkit serve`)."""
    parser = argparse.ArgumentParser(prog="partnerkit")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["serve", *(argv if argv is not None else sys.argv[1:])])
    try:
        return int(args.handler(args))
    except ValueError as e:
        print(f"partnerkit serve: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
