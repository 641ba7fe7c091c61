"""`partnerkit serve` (issues 4, 5): the Voilà command users and browser tests share, and the
refusal to serve the network without a token. Pure: nothing is started here (see
tests/integration/test_serve_cli.py for the real server)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from partnerkit.serve import (
    ServeError,
    app_urls,
    check_bind_safety,
    default_notebooks_dir,
    hash_password,
    is_loopback,
    probe_url,
    voila_command,
)

REPO = Path(__file__).resolve().parents[2]


def _env_and_args(cmd: list[str]) -> tuple[dict[str, str], list[str]]:
    env: dict[str, str] = {}
    if cmd[0] == "env":
        i = 1
        while "=" in cmd[i] and not cmd[i].startswith("-"):
            k, v = cmd[i].split("=", 1)
            env[k] = v
            i += 1
        cmd = cmd[i:]
    return env, cmd


def test_the_voila_command_serves_the_folder_on_loopback_without_browser_or_tracebacks() -> None:
    env, args = _env_and_args(voila_command(Path("/srv/nb"), 8877))
    assert args[:4] == [sys.executable, "-m", "partnerkit.serve_guard", "/srv/nb"]
    assert "--no-browser" in args
    assert "--port=8877" in args
    assert "--Voila.ip=127.0.0.1" in args
    assert "--show_tracebacks=False" in args
    assert "--template=partnerkit" in args  # lab without its CDN stylesheet (issue 11)
    assert not any("gridstack" in a for a in args)
    template = Path(env["JUPYTER_PATH"].split(os.pathsep)[0]) / "voila/templates/partnerkit"
    assert (template / "index.html.j2").is_file()
    assert "cdn." not in (template / "index.html.j2").read_text()
    assert "JUPYTER_TOKEN" not in env
    assert not any("auto_token" in a for a in args)


def test_the_voila_command_culls_idle_kernels() -> None:
    _, args = _env_and_args(voila_command("nb", cull_idle_timeout=300, cull_interval=30))
    assert "--MappingKernelManager.cull_idle_timeout=300" in args
    assert "--MappingKernelManager.cull_interval=30" in args


def test_preheated_kernels_are_a_voila_command_option_and_the_default_of_serve() -> None:
    import argparse

    from partnerkit import serve

    parser = argparse.ArgumentParser()
    serve.register(parser.add_subparsers())
    assert parser.parse_args(["serve"]).preheat is True  # ./dev apps (issue 11)
    assert parser.parse_args(["serve", "--no-preheat"]).preheat is False
    _, plain = _env_and_args(voila_command("nb"))
    _, heated = _env_and_args(voila_command("nb", preheat=True, pool_size=2))
    assert not any("preheat" in a for a in plain)
    assert "--preheat_kernel=True" in heated
    assert "--pool_size=2" in heated


def test_extra_environment_reaches_the_server_and_its_kernels_through_env() -> None:
    cmd = voila_command(
        "nb", extra_env={"PARTNERKIT_DB": "sqlite:///x.db", "PARTNERKIT_AS_OF": "2026-11-15"}
    )
    env, _ = _env_and_args(cmd)
    assert cmd[0] == "env"
    assert env["PARTNERKIT_DB"] == "sqlite:///x.db"
    assert env["PARTNERKIT_AS_OF"] == "2026-11-15"


def test_a_token_goes_through_the_environment_not_the_server_command_line() -> None:
    env, args = _env_and_args(voila_command("nb", ip="0.0.0.0", token="s3cret"))
    assert env["JUPYTER_TOKEN"] == "s3cret"
    assert "--Voila.auto_token=True" in args
    assert not any("s3cret" in a for a in args)


@pytest.mark.parametrize("ip", ["0.0.0.0", "192.168.1.20", "::", "partner-box.example"])
def test_serving_beyond_this_machine_without_a_token_is_refused(ip: str) -> None:
    with pytest.raises(ServeError, match="token"):
        voila_command("nb", ip=ip)
    with pytest.raises(ServeError, match="token"):
        check_bind_safety(ip, "   ")


@pytest.mark.parametrize("ip", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_loopback_addresses_need_no_token(ip: str) -> None:
    assert is_loopback(ip)
    check_bind_safety(ip, None)


def test_a_port_outside_the_tcp_range_is_refused() -> None:
    with pytest.raises(ServeError, match="port"):
        voila_command("nb", port=70000)


def test_the_app_urls_point_at_the_dashboard_and_calculator_with_the_token() -> None:
    assert app_urls("http://127.0.0.1:8866/") == {
        "dashboard": "http://127.0.0.1:8866/voila/render/dashboard.ipynb",
        "calculator": "http://127.0.0.1:8866/voila/render/calculator.ipynb",
    }
    assert (
        app_urls("http://h:1", "t0k")["calculator"]
        == "http://h:1/voila/render/calculator.ipynb?token=t0k"
    )


def test_a_wildcard_address_is_probed_on_loopback() -> None:
    assert probe_url("0.0.0.0", 9) == "http://127.0.0.1:9/"
    assert probe_url("::", 9) == "http://[::1]:9/"
    assert probe_url("::1", 9) == "http://[::1]:9/"


def test_the_served_folder_is_the_repository_notebooks_folder() -> None:
    assert default_notebooks_dir() == REPO / "notebooks"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "partnerkit.serve", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        env={"PATH": "/usr/bin:/bin", "HOME": str(REPO)},
    )


def test_serve_refuses_a_public_address_without_a_token_in_one_line_exit_2() -> None:
    done = _cli("--ip", "0.0.0.0", "--dry-run")
    assert done.returncode == 2
    assert "token" in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_serve_dry_run_prints_the_command_with_the_token_hidden() -> None:
    done = _cli("--ip", "0.0.0.0", "--token", "s3cret", "--dry-run", "--port", "9999")
    assert done.returncode == 0, done.stderr
    assert "JUPYTER_TOKEN=***" in done.stdout
    assert "s3cret" not in done.stdout
    assert "--port=9999" in done.stdout


def test_serve_help_explains_the_options() -> None:
    out = _cli("--help").stdout
    for option in ("--port", "--ip", "--token", "--db", "--preheat", "--cull-idle-timeout"):
        assert option in out
    assert "docs/serving.md" in out


def test_a_password_hash_also_allows_serving_the_network_and_reaches_voila() -> None:
    hashed = hash_password("correct horse")
    assert hashed.startswith("argon2:")
    assert "correct horse" not in hashed
    _, args = _env_and_args(voila_command("nb", ip="0.0.0.0", password_hash=hashed))
    assert f"--PasswordIdentityProvider.hashed_password={hashed}" in args


def test_a_plain_password_given_as_the_hash_is_refused() -> None:
    with pytest.raises(ServeError, match="make-password-hash"):
        voila_command("nb", ip="0.0.0.0", password_hash="hunter22")


def test_a_short_password_is_refused() -> None:
    with pytest.raises(ServeError, match="8 characters"):
        hash_password("short")


def test_the_voila_command_serves_the_chosen_theme_to_the_page_and_the_kernel() -> None:
    env, args = _env_and_args(voila_command("nb", theme="dark"))
    assert "--theme=dark" in args and env["PARTNERKIT_THEME"] == "dark"
    _, plain = _env_and_args(voila_command("nb"))
    assert "--theme=light" in plain
    with pytest.raises(ServeError, match="--theme 'blue' is not one of: light, dark"):
        voila_command("nb", theme="blue")
