"""The server's shutdown: when the app stops, the store is closed and no thread
it started is left running as a daemon (a daemon thread still inside native code
when the interpreter exits can crash the process after everything succeeded)."""

from __future__ import annotations

import threading
import warnings

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's TestClient warns about httpx's future
    from fastapi.testclient import TestClient

from sitroom.server import geo
from sitroom.server.app import create_app
from sitroom.store import Store


def _daemons_of_ours() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("sitroom") and t.daemon and t.is_alive()]


def test_shutdown_closes_the_store_and_leaves_no_daemon_thread_running(tmp_path, monkeypatch):
    path = tmp_path / "room.duckdb"
    Store(path).close()
    monkeypatch.setattr(geo, "_cached", None)  # the outlines are still to be built when the app starts
    app = create_app(path)
    with TestClient(app) as client:
        assert client.get("/api/status").status_code == 200  # opens the store; the idle timer starts after it
    assert _daemons_of_ours() == []
    with Store(path) as store:  # read-write: refused in this process while the app's read-only handle were open
        assert store.counts()["articles"] == 0


def test_outlines_build_stops_between_countries_when_told():
    # the warm-up thread is told to stop once the main thread has finished, so the exit does not wait for it
    with pytest.raises(geo._Abandoned):
        geo._build(lambda: False)
