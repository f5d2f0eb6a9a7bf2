"""Real PostgreSQL and Redis servers on a temporary directory and a free port.

For the tests and for a local trial deployment, from Debian's packages (``postgresql``,
``redis-server``). PostgreSQL refuses to run as root, so when this process is root the cluster
runs as the unprivileged system user ``facilitator-test`` (created with ``useradd`` when
missing). Both servers wait until they answer before ``start`` returns, say in a sentence what
is missing when a binary is not installed, and are stopped at exit if nobody stopped them::

    with Postgres(tmp / "pg") as pg, Redis(tmp / "redis") as redis:
        url = pg.create_database("trial")   # postgresql://postgres@127.0.0.1:PORT/trial
        ...

fsync stays on (what the tests check is durability); shared_buffers is small, since a test
cluster holds little.
"""

from __future__ import annotations

import atexit
import glob
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any

TEST_USER = "facilitator-test"
SUPERUSER = "postgres"


class ServerMissing(RuntimeError):
    """A server's binaries are not installed."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on at the moment."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def pg_bindir() -> Path:
    """The directory holding ``initdb``, ``pg_ctl`` and ``postgres``: the environment's
    ``FACILITATOR_PG_BINDIR``, else Debian's newest /usr/lib/postgresql/<version>/bin, else
    wherever ``initdb`` is on the PATH."""
    given = os.environ.get("FACILITATOR_PG_BINDIR")
    candidates = [Path(given)] if given else []
    versions = glob.glob("/usr/lib/postgresql/*/bin")
    versions.sort(key=lambda p: [int(n) for n in re.findall(r"\d+", p)], reverse=True)
    candidates += [Path(p) for p in versions]
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).parent)
    for bindir in candidates:
        if (bindir / "initdb").exists() and (bindir / "pg_ctl").exists():
            return bindir
    raise ServerMissing(
        "PostgreSQL is not installed: install Debian's postgresql package "
        "(apt-get install postgresql) or set FACILITATOR_PG_BINDIR to the directory "
        "holding initdb and pg_ctl.")


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def ensure_test_user(name: str = TEST_USER) -> None:
    """Create the unprivileged system user the cluster runs as, when missing (root only)."""
    if subprocess.run(["id", "-u", name], capture_output=True).returncode == 0:
        return
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                    name], check=True, capture_output=True)


class _Server:
    def __enter__(self) -> Any:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def start(self) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def stop(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class Postgres(_Server):
    """A PostgreSQL cluster in ``dir`` (created by ``initdb`` on first start, kept across
    ``stop``/``start``, so a restart after ``crash()`` recovers it from its WAL)."""

    def __init__(self, dir: str | Path, port: int | None = None, *,
                 database: str = "facilitator", shared_buffers: str = "16MB") -> None:
        self.dir = Path(dir)
        self.port = port or free_port()
        self.database = database
        self.shared_buffers = shared_buffers
        self.bindir = pg_bindir()
        self._user = TEST_USER if _is_root() else None
        self._datadir: Path | None = None
        self._owned_tmp: Path | None = None
        self._running = False
        atexit.register(self.stop)

    @property
    def url(self) -> str:
        """The URL of the default database."""
        return self.url_for(self.database)

    def url_for(self, database: str) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    @property
    def datadir(self) -> Path:
        assert self._datadir is not None, "start() first"
        return self._datadir

    def _cmd(self, args: list[str]) -> list[str]:
        return ["runuser", "-u", self._user, "--", *args] if self._user else args

    def _run(self, args: list[str], what: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(self._cmd(args), capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"PostgreSQL {what} failed ({done.returncode}): "
                               f"{(done.stderr or done.stdout).strip()[-2000:]}")
        return done

    def _prepare(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        if self._datadir is not None:
            return
        datadir = self.dir / "data"
        if self._user:
            ensure_test_user(self._user)
            # The user needs to reach the directory (it is then given to the user); pytest's
            # and many temporary directories are private to root (0700), so then the cluster
            # lives in a directory of its own under the system's temporary directory (deleted
            # by remove(), which leaving the `with` block calls).
            reachable = subprocess.run(
                ["runuser", "-u", self._user, "--", "test", "-x", str(self.dir)],
                capture_output=True).returncode == 0
            if not reachable:
                self._owned_tmp = Path(tempfile.mkdtemp(prefix="facilitator-pg-"))
                datadir = self._owned_tmp / "data"
                shutil.chown(self._owned_tmp, self._user)
            else:
                shutil.chown(self.dir, self._user)
        self._datadir = datadir

    def start(self) -> Postgres:
        """initdb (first time), start the server, wait until it answers, create the
        default database. Returns self."""
        if self._running:
            return self
        self._prepare()
        data = self.datadir
        if not (data / "PG_VERSION").exists():
            self._run([str(self.bindir / "initdb"), "-D", str(data), "-U", SUPERUSER,
                       "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"],
                      "initdb")
        options = " ".join([
            f"-p {self.port}", f"-k {data}", "-c listen_addresses=127.0.0.1",
            "-c fsync=on", "-c synchronous_commit=on", f"-c shared_buffers={self.shared_buffers}",
            "-c max_connections=100", "-c log_min_messages=warning",
        ])
        self._run([str(self.bindir / "pg_ctl"), "start", "-D", str(data), "-w", "-t", "60",
                   "-l", str(data / "server.log"), "-o", options], "start")
        self._running = True
        if not _wait_for_port(self.port, 30):
            raise RuntimeError(f"PostgreSQL did not listen on port {self.port}")
        self._ensure_database(self.database)
        return self

    def _sql(self, sql: str, database: str = "postgres") -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.url_for(database), autocommit=True, connect_timeout=10) as c:
            cur = c.execute(sql)
            return cur.fetchall() if cur.description else []

    def _ensure_database(self, name: str) -> None:
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise ValueError("database names here are lower-case letters, digits and _")
        if not self._sql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"):
            self._sql(f"CREATE DATABASE {name}")

    def create_database(self, name: str) -> str:
        """Create (if missing) a database and return its URL."""
        self._ensure_database(name)
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        """Drop a database, disconnecting whoever is still connected to it."""
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise ValueError("database names here are lower-case letters, digits and _")
        self._sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``mode`` as pg_ctl's: smart, fast or immediate). The cluster stays
        on disk for another ``start`` unless it lives in a directory of our own."""
        if self._running:
            self._running = False
            subprocess.run(self._cmd([str(self.bindir / "pg_ctl"), "stop", "-D",
                                      str(self.datadir), "-m", mode, "-w", "-t", "60"]),
                           capture_output=True)

    def crash(self) -> None:
        """Stop as a crash would (``pg_ctl stop -m immediate``: no checkpoint, recovery from
        the WAL at the next start)."""
        self.stop("immediate")

    def restart(self) -> Postgres:
        self.stop()
        return self.start()

    def remove(self) -> None:
        """Stop and delete the cluster (stopped at once: nothing of it is kept)."""
        self.stop("immediate")
        if self._owned_tmp is not None:
            shutil.rmtree(self._owned_tmp, ignore_errors=True)
            self._owned_tmp = None
        elif self._datadir is not None:
            shutil.rmtree(self._datadir, ignore_errors=True)
        self._datadir = None

    def __exit__(self, *exc: Any) -> None:
        self.remove()


class Redis(_Server):
    """``redis-server`` without persistence on 127.0.0.1 and a free port."""

    def __init__(self, dir: str | Path, port: int | None = None) -> None:
        self.dir = Path(dir)
        self.port = port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self._log: Any = None
        atexit.register(self.stop)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> Redis:
        if self.proc is not None and self.proc.poll() is None:
            return self
        binary = shutil.which("redis-server") or (
            "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None)
        if binary is None:
            raise ServerMissing("Redis is not installed: install Debian's redis-server "
                                "package (apt-get install redis-server).")
        self.dir.mkdir(parents=True, exist_ok=True)
        self._log = (self.dir / "redis.log").open("ab")
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.dir), "--daemonize", "no",
             "--protected-mode", "yes"],
            stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                log = (self.dir / "redis.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"redis-server exited: {log}")
            if self.ping():
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server did not answer on port {self.port}")

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
            self.proc = None
        if self._log is not None:
            self._log.close()
            self._log = None
