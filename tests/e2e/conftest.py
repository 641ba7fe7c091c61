"""Browser-test fixtures (infra): a Voilà server on the apps, Debian Chromium, a page per test.

- `voila_server` (session): `notebooks/` served exactly as `partnerkit serve` does, on a free port,
  PARTNERKIT_DB = a freshly seeded SQLite demo book, PARTNERKIT_AS_OF = 2026-11-15. Yields the
  `VoilaServer` (`.base_url`, `.url("dashboard.ipynb")`); the process group is killed at the end.
- `fixture_server` (session): the same for tests/fixtures/notebooks (harness smoke tests).
- `browser` (per module), `page` (per test: offline, console errors collected in `console_errors`,
  screenshot to test-artifacts/<test>.png at teardown).
Every test here that uses `browser`/`page` is marked `browser` automatically.
Need your own server (e.g. a private database you mutate)? `with start_voila(dir, extra_env=…)`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import (
    APP_NOTEBOOKS,
    CHROMIUM,
    FIXTURE_NOTEBOOKS,
    VoilaServer,
    block_non_local,
    is_local_url,
    launch_chromium,
    save_screenshot,
    seeded_database_url,
    start_voila,
)

_BROWSER_FIXTURES = {"browser", "page", "console_errors"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # This hook sees the whole session's items: only mark the ones in this folder.
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents and _BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def voila_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoilaServer]:
    """The apps (notebooks/) on a seeded test database, as users get them."""
    env: dict[str, str] = {}
    url = seeded_database_url(tmp_path_factory.mktemp("voila-db"))
    if url:
        env["PARTNERKIT_DB"] = url
    with start_voila(APP_NOTEBOOKS, extra_env=env, label="voila-apps") as server:
        yield server


@pytest.fixture(scope="session")
def fixture_server() -> Iterator[VoilaServer]:
    """tests/fixtures/notebooks served by Voilà (harness checks and benchmark floors)."""
    with start_voila(FIXTURE_NOTEBOOKS, label="voila-fixtures") as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian Chromium via Playwright's sync API, one per test module (launch ~0.5 s).

    Not session-wide on purpose: a live sync_playwright() blocks any other one in the process
    ("Sync API inside the asyncio loop"), e.g. the dashboard benchmark's smoke test."""
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} is missing; install Debian's chromium (bash scripts/system-deps.sh)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = launch_chromium(pw)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def console_errors() -> list[str]:
    """Console errors and uncaught page exceptions seen by `page` (blocked CDN loads excluded)."""
    return []


@pytest.fixture
def page(browser: Any, console_errors: list[str], request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-US")
    context.set_default_timeout(30_000)
    context.route("**/*", block_non_local)
    pg = context.new_page()

    def on_console(msg: Any) -> None:
        if msg.type != "error":
            return
        # "Failed to load resource" for a CDN request we blocked on purpose is not an app error.
        where = (msg.location or {}).get("url", "")
        if where and not is_local_url(where):
            return
        console_errors.append(f"{msg.text} ({where})" if where else msg.text)

    pg.on("console", on_console)
    pg.on("pageerror", lambda exc: console_errors.append(f"uncaught: {exc}"))
    try:
        yield pg
    finally:
        save_screenshot(pg, request.node.name)
        # Runs Voilà's unload handler (asks to shut the kernel down); culling covers the rest.
        pg.close(run_before_unload=True)
        context.close()
