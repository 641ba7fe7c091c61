"""Issue 3: two writers at once (threads or processes, separate engines) lose nothing."""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from partnerkit.store import open_store
from tests.integration.conftest import TEST_TODAY
from tests.integration.store.builders import new_client, new_partner
from tests.integration.store.workers import writer

BATCHES = 4


def setup_book(url: str) -> None:
    with open_store(url) as store:
        new_partner(store)
        for n in range(10):
            new_client(store, "p1", f"c{n}")


def check_nothing_lost(url: str, writers: int, clients_each: int) -> None:
    with open_store(url) as store:
        log = store.audit_log("p1")
        imports = log[log["action"] == "import"]
        assert len(imports) == writers * BATCHES
        assert (log["action"] == "end_services").sum() == writers * BATCHES * clients_each
        assert (log["action"] == "undo_end_services").sum() == writers * BATCHES * clients_each
        assert len(store.load_ledger("p1")) == writers * BATCHES * 50
        assert set(store.client_table("p1", TEST_TODAY)["status"]) == {"active"}
        assert len(store.client_table("p1", TEST_TODAY)) == 10


def test_two_threads_with_their_own_engines_write_at_once_and_lose_nothing(db_url, tmp_path):
    setup_book(db_url)
    barrier = threading.Barrier(2)

    def run(tag: str, clients: list[str]) -> int:
        barrier.wait()
        return writer(db_url, tag, clients, str(tmp_path), BATCHES)

    with ThreadPoolExecutor(2) as pool:
        a = pool.submit(run, "A", ["c0", "c1", "c2"])
        b = pool.submit(run, "B", ["c5", "c6", "c7"])
        assert a.result(timeout=300) == b.result(timeout=300) == BATCHES * 7
    check_nothing_lost(db_url, 2, 3)


@pytest.mark.slow
def test_two_processes_write_at_once_and_lose_nothing(db_url, tmp_path):
    setup_book(db_url)
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        jobs = [pool.apply_async(writer, (db_url, tag, clients, str(tmp_path), BATCHES))
                for tag, clients in (("P", ["c0", "c1"]), ("Q", ["c8", "c9"]))]
        assert [j.get(timeout=300) for j in jobs] == [BATCHES * 5, BATCHES * 5]
    check_nothing_lost(db_url, 2, 2)


def test_two_users_ending_the_same_client_at_once_record_it_exactly_once(db_url):
    setup_book(db_url)
    barrier = threading.Barrier(2)

    def end(tag: str) -> str:
        with open_store(db_url) as store:
            barrier.wait()
            try:
                store.end_services("p1", "c3", "same time", by=tag)
                return "ended"
            except ValueError as e:
                assert "already ended" in str(e)
                return "refused"

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(end, ["A", "B"]))
    assert outcomes == ["ended", "refused"]
    with open_store(db_url) as store:
        assert (store.audit_log("p1")["action"] == "end_services").sum() == 1


def test_two_processes_opening_a_new_database_at_once_both_get_the_schema(db_url):
    barrier = threading.Barrier(3)

    def open_and_list() -> list[str]:
        barrier.wait()
        with open_store(db_url) as store:
            return store.partner_ids()

    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda _: open_and_list(), range(3)))
    assert results == [[], [], []]


@pytest.fixture(autouse=True)
def _as_of(monkeypatch):
    monkeypatch.setenv("PARTNERKIT_AS_OF", TEST_TODAY.isoformat())


def test_a_writer_blocked_too_long_gets_a_plain_error_and_writes_nothing(tmp_path, monkeypatch):
    import partnerkit.store.engine as engine_mod
    from partnerkit.store.engine import StoreError, write_tx

    url = f"sqlite:///{tmp_path / 'busy.db'}"
    setup_book(url)
    monkeypatch.setattr(engine_mod, "SQLITE_BUSY_TIMEOUT_MS", 200)
    with open_store(url) as holder, open_store(url) as waiter, write_tx(holder.engine) as conn:
        conn.exec_driver_sql("UPDATE clients SET name = 'held' WHERE client_id = 'c0'")
        with pytest.raises(StoreError, match="busy"):
            waiter.end_services("p1", "c1", "blocked", by="B")
    with open_store(url) as store:
        assert "end_services" not in set(store.audit_log("p1")["action"])
