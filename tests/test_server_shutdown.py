"""The server's shutdown: when the app stops, the store is closed and no thread
it started is left running as a daemon (a daemon thread still inside native code
when the interpreter exits can crash the process after everything succeeded)."""

from __future__ import annotations

import subprocess
import sys
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


_SERVED_WITHOUT_LIFESPAN = """
import atexit, sys, warnings
warnings.simplefilter("ignore")
import duckdb
from fastapi.testclient import TestClient
from sitroom.server.app import create_app

def left_open():
    try:  # read-write: refused in this process while the app's read-only connection is open
        duckdb.connect(sys.argv[1]).close()
        print("store closed", flush=True)
    except duckdb.Error as exc:
        print("store open:", exc, flush=True)

atexit.register(left_open)  # before the app exists, so it runs after every exit handler of the app's
app = create_app(sys.argv[1])
assert TestClient(app).get("/api/status").status_code == 200  # not a context manager: no lifespan, no shutdown
"""


def test_an_app_never_shut_down_closes_its_store_before_the_interpreter_exits(tmp_path):
    path = tmp_path / "room.duckdb"
    Store(path).close()
    done = subprocess.run([sys.executable, "-c", _SERVED_WITHOUT_LIFESPAN, str(path)],
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "store closed"
