"""DNS rebinding (issue 15, item 1): a real server started as `partnerkit serve` starts it refuses
a foreign Host (no page, no kernel id) and a websocket from a foreign Origin, in every mode."""

from __future__ import annotations

import base64
import http.client
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from partnerkit.serve import free_port, stop_process_group, voila_command, wait_until_answering

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "notebooks"
PAGE = "/voila/render/one_button.ipynb"


def _serve(tmp_path: Path, ip: str = "127.0.0.1", token: str | None = None,
           allowed: tuple[str, ...] = ()) -> Iterator[int]:
    port = free_port()
    cmd = voila_command(FIXTURES, port, ip, token, allowed_hosts=allowed,
                        extra_env={"PARTNERKIT_DB": str(tmp_path / "none.db")})
    with (tmp_path / "voila.log").open("wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=REPO,
                                start_new_session=True, stdin=subprocess.DEVNULL)
    try:
        wait_until_answering(f"http://127.0.0.1:{port}/", proc)
        yield port
    finally:
        stop_process_group(proc)


def _get(port: int, host: str, path: str = PAGE, headers: dict[str, str] | None = None
         ) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers={"Host": host, **(headers or {})})
    r = conn.getresponse()
    body = r.read().decode("utf-8", "replace")
    conn.close()
    return r.status, body


def _websocket_status(port: int, kernel_id: str, origin: str, host: str) -> int:
    key = base64.b64encode(os.urandom(16)).decode()
    status, _ = _get(port, host, f"/api/kernels/{kernel_id}/channels", {
        "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Key": key,
        "Sec-WebSocket-Version": "13", "Origin": origin})
    return status


@pytest.fixture
def local_port(tmp_path: Path) -> Iterator[int]:
    yield from _serve(tmp_path)


def test_the_default_server_refuses_a_foreign_host_and_gives_no_kernel_id(local_port: int
                                                                          ) -> None:
    status, body = _get(local_port, f"evil.example:{local_port}")
    assert status == 403
    assert "kernel" not in body.lower()
    assert "--allowed-host" in body
    ok, page = _get(local_port, f"127.0.0.1:{local_port}")
    assert ok == 200 and re.search(r"kernel_?[iI]d", page)
    assert _get(local_port, f"localhost:{local_port}")[0] == 200


def test_a_kernel_websocket_from_a_foreign_origin_is_refused(local_port: int) -> None:
    _, page = _get(local_port, f"127.0.0.1:{local_port}")
    kernel_id = re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", page)
    assert kernel_id
    here = f"127.0.0.1:{local_port}"
    assert _websocket_status(local_port, kernel_id[0], f"http://evil.example:{local_port}",
                             here) == 403
    assert _websocket_status(local_port, kernel_id[0], f"http://{here}", here) == 101


def test_a_reverse_proxy_name_is_answered_only_when_configured(tmp_path: Path) -> None:
    for port in _serve(tmp_path, allowed=("dash.agency.example",)):
        assert _get(port, "dash.agency.example")[0] == 200
        assert _get(port, "other.example")[0] == 403


def test_a_server_for_the_team_refuses_foreign_names_too(tmp_path: Path) -> None:
    for port in _serve(tmp_path, ip="0.0.0.0", token="s3cret-token-for-tests"):
        assert _get(port, f"evil.example:{port}", PAGE + "?token=s3cret-token-for-tests")[0] == 403
        assert _get(port, f"127.0.0.1:{port}", PAGE + "?token=s3cret-token-for-tests")[0] == 200
