"""The real servers the tests and the trial deployment start (facilitator.localservers)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import psycopg
import pytest

from facilitator.localservers import Redis, ServerMissing, free_port, pg_bindir


def test_the_session_postgres_answers_and_gives_fresh_databases(pg_server, fresh_postgres_url):
    # (the session's cluster lives in pytest's private temporary directory: the fallback to a
    # directory of the unprivileged user's own is taken)
    with psycopg.connect(fresh_postgres_url) as conn:
        assert conn.execute("SHOW fsync").fetchone() == ("on",)
        name = conn.execute("SELECT current_database()").fetchone()[0]
        assert name.startswith("test_")
    pg_server.drop_database(name)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(fresh_postgres_url).close()
    with psycopg.connect(fresh_postgres_url.rsplit("/", 1)[0] + "/postgres") as conn:
        assert conn.execute("SELECT current_setting('data_directory')").fetchone()[0] == str(
            pg_server.datadir)
    # PostgreSQL refuses root: the cluster belongs to an unprivileged user
    assert pg_server.datadir.stat().st_uid != 0 or os.geteuid() != 0


def test_redis_starts_answers_and_leaves_nothing_behind(tmp_path: Path, redis_url):
    port = int(redis_url.rsplit(":", 1)[1].split("/")[0])
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(b"PING\r\n")
        assert s.recv(16).startswith(b"+PONG")
    with Redis(tmp_path / "r") as other:
        pid = other.proc.pid
        assert other.ping() and other.port != port
    assert not other.ping()
    assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(
        f"/proc/{pid}/status").read_text().lower()


def test_a_missing_postgres_says_what_to_install(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("FACILITATOR_PG_BINDIR", str(tmp_path))
    monkeypatch.setattr("glob.glob", lambda pattern: [])
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(ServerMissing, match="install Debian's postgresql"):
        pg_bindir()


def test_free_port_is_free():
    port = free_port()
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))
