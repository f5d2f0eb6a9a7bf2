"""Fixtures: an app on a fresh database per test, Socket.IO test clients, a live server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
NOTES_PLAN = {
    "title": "Test wall",
    "stages": [
        {"kind": "notes", "title": "One", "prompt": "What helps you keep well?",
         "options": {"max_length": 100, "max_per_person": 5}},
        {"kind": "notes", "title": "Two", "prompt": "What could we build on?"},
    ],
}


@pytest.fixture
def app(tmp_path: Path):
    from facilitator.app import create_app

    return create_app({"DATABASE": str(tmp_path / "test.db"), "ASYNC_MODE": "threading",
                       "PUBLIC_URL": "http://phones.example:5000", "TESTING": True})


@pytest.fixture
def service(app):
    from facilitator.app import get_service

    return get_service(app)


@pytest.fixture
def workshop(service):
    from facilitator.core.plan import load_plan

    return service.create_workshop(load_plan(NOTES_PLAN))


@pytest.fixture
def connect(app) -> Callable[..., Any]:
    """Make a Socket.IO test client with the given auth (phone, screen or console)."""
    from facilitator.app import get_socketio

    clients = []

    def make(auth: dict[str, Any]):
        client = get_socketio(app).test_client(app, auth=auth, flask_test_client=app.test_client())
        clients.append(client)
        return client

    yield make
    for c in clients:
        if c.is_connected():
            c.disconnect()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """`facilitator serve` in a subprocess (eventlet, as in production) on a free port, on a
    SQLite file or a PostgreSQL URL (``db``)."""

    def __init__(self, db: Path | str, log: Path, args: list[str] | None = None,
                 env: dict[str, str] | None = None) -> None:
        self.db = db  # a SQLite file, or a postgresql:// URL
        self.args = list(args or [])  # more `facilitator serve` options (--redis URL, ...)
        self.env = dict(env or {})
        self.log = log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self._logf: Any = None

    def start(self) -> LiveServer:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **self.env}
        self._logf = self.log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "facilitator", "serve", "--host", "127.0.0.1",
             "--port", str(self.port), "--db", str(self.db), "--public-url", self.url, "--quiet",
             *self.args],
            cwd=ROOT, env=env, stdout=self._logf, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=1).ok:
                    return self
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError(f"server did not start: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if self._logf:
            self._logf.close()
            self._logf = None

    def create(self, plan: dict[str, Any] | None = None) -> dict[str, Any]:
        r = requests.post(f"{self.url}/api/workshops", json=plan or NOTES_PLAN, timeout=10)
        r.raise_for_status()
        return r.json()


# -- real PostgreSQL and Redis: one of each per test session, started on first use ----------

@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory):
    """The session's PostgreSQL cluster (facilitator.localservers.Postgres)."""
    from facilitator.localservers import Postgres

    server = Postgres(tmp_path_factory.mktemp("postgres")).start()
    yield server
    server.remove()


@pytest.fixture(scope="session")
def postgres_url(pg_server) -> str:
    """The URL of the session's shared database."""
    return pg_server.url


_databases = iter(range(1, 1_000_000))


@pytest.fixture
def fresh_postgres_url(pg_server) -> Iterator[str]:
    """A database of this test's own (CREATE DATABASE; the session's cluster is deleted at
    the end, so it is not dropped one by one)."""
    yield pg_server.create_database(f"test_{os.getpid()}_{next(_databases)}")


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of the session's Redis server (facilitator.localservers.Redis)."""
    from facilitator.localservers import Redis

    server = Redis(tmp_path_factory.mktemp("redis")).start()
    yield server.url
    server.stop()


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path / "live.db", tmp_path / "server.log").start()
    yield server
    server.stop()


def unbatched(handler: Callable[[str, Any], None]) -> Callable[..., None]:
    """A python-socketio catch-all handler (``sio.on("*", ...)``) that is given a ``batch``
    message (facilitator/realtime/batch.py) as the events it carries, in order, as the pages'
    ``connect()`` does."""

    def on(event: str, data: Any = None) -> None:
        if event == "batch" and isinstance(data, list):
            for name, payload in data:
                handler(name, payload)
        else:
            handler(event, data)

    return on
