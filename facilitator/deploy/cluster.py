"""A local trial deployment: PostgreSQL, Redis, N ``facilitator serve`` processes and nginx in
front of them, started by ``facilitator cluster`` (docs/deploy.md).

Every process is a child of this one, in a session of its own, so Ctrl-C reaches only the
cluster command, which then stops them in order: the proxy, the processes, Redis, PostgreSQL.
A process that dies is started again on its port (the proxy's configuration stays as it is);
meanwhile the proxy sends its workshops to the others.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from facilitator.deploy.nginx import Nginx, ProxySettings, worker_user

ROOT = Path(__file__).resolve().parents[2]
LOCAL = "127.0.0.1"


def free_port(host: str = LOCAL) -> int:
    import socket

    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def raise_open_files_limit(want: int = 65536) -> int:
    """Raise this process's soft limit on open files towards ``want`` (children inherit it):
    every phone is a socket, twice over behind the proxy. Returns the limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = want if hard == resource.RLIM_INFINITY else min(want, hard)
    if soft < target:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


@dataclass
class Process:
    """One ``facilitator serve`` on a port of its own, its output in ``log``."""

    index: int
    port: int
    args: list[str]
    log: Path
    env: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen[bytes] | None = None
    restarts: int = 0

    @property
    def url(self) -> str:
        return f"http://{LOCAL}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def launch(self) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **self.env}
        env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "facilitator", "serve", "--host", LOCAL,
                 "--port", str(self.port), *self.args],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True)

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/healthz", timeout=2) as resp:
                return resp.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def wait_healthy(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                code = None if self.proc is None else self.proc.returncode
                raise RuntimeError(f"process {self.index} (port {self.port}) exited with "
                                   f"{code}:\n{self.log_tail()}")
            if self.healthy():
                return
            time.sleep(0.1)
        raise RuntimeError(f"process {self.index} (port {self.port}) not healthy after "
                           f"{timeout:g} s:\n{self.log_tail()}")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL: what a crash looks like (no shutdown, nothing flushed)."""
        if self.alive():
            assert self.proc is not None
            self.proc.kill()
            self.proc.wait()

    def stop(self, timeout: float = 10.0) -> None:
        if not self.alive():
            return
        assert self.proc is not None
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout / 2 if sig != signal.SIGKILL else None)
                return
            except subprocess.TimeoutExpired:
                continue

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


class Cluster:
    """PostgreSQL and Redis (started here unless their URLs are given), ``processes`` serve
    processes, nginx on ``host:port`` in front."""

    def __init__(self, directory: Path, processes: int = 2, port: int = 8080,
                 host: str = "0.0.0.0", public_url: str | None = None, spread: int = 1,
                 db: str | None = None, redis: str | None = None,
                 serve_args: Sequence[str] = (), env: dict[str, str] | None = None,
                 proxy: ProxySettings | None = None,
                 say: Callable[[str], None] = print) -> None:
        if processes < 1:
            raise ValueError("at least one process")
        self.dir = Path(directory)
        self.count = processes
        self.port = port
        self.host = host
        self.public_url = public_url
        self.spread = spread
        self.db_url = db
        self.redis_url = redis
        self.serve_args = list(serve_args)
        self.env = dict(env or {})
        self.proxy_settings = proxy
        self.say = say
        self.processes: list[Process] = []
        self.nginx: Nginx | None = None
        self._owned: list[Any] = []  # the database and Redis servers started here

    # -- starting ------------------------------------------------------------------------

    def _local_servers(self) -> None:
        from facilitator import localservers

        if self.db_url is None:
            pg = localservers.Postgres(self.dir / "postgres").start()
            self._owned.append(pg)
            self.db_url = pg.url
            self.say(f"facilitator: PostgreSQL at {pg.url} (data in {pg.datadir})")
        if self.redis_url is None:
            rd = localservers.Redis(self.dir / "redis").start()
            self._owned.append(rd)
            self.redis_url = rd.url
            self.say(f"facilitator: Redis at {rd.url}")

    def start(self) -> Cluster:
        from facilitator.config import choose_public_url

        self.dir.mkdir(parents=True, exist_ok=True)
        limit = raise_open_files_limit()
        try:
            self._local_servers()
            public, _why = choose_public_url(self.public_url, self.host, self.port)
            self.public_url = public
            args = ["--db", str(self.db_url), "--redis", str(self.redis_url),
                    "--trusted-proxies", "1", "--public-url", public, "--quiet",
                    "--max-connections", str(max(1024, min(limit - 256, 20000)))]
            if self.spread > 1:
                args += ["--spread", str(self.spread)]
            args += self.serve_args
            self.processes = [Process(i, free_port(), args, self.dir / f"serve-{i}.log",
                                      self.env) for i in range(self.count)]
            for p in self.processes:  # start them all, then wait: they start side by side
                p.launch()
            for p in self.processes:
                p.wait_healthy()
                self.say(f"facilitator: process {p.index} on {p.url} (pid {p.pid}, log {p.log})")
            listen = f"{self.host}:{self.port}" if self.host not in ("", "0.0.0.0") \
                else str(self.port)
            settings = self.proxy_settings or ProxySettings(user=worker_user())
            settings = replace(settings, listen=listen)
            self.nginx = Nginx(self.dir / "nginx",
                               [(LOCAL, p.port) for p in self.processes], settings)
            self.nginx.start()
            self.say(f"facilitator: nginx on port {self.port} in front of {self.count} "
                     f"processes (config {self.nginx.conf})")
        except BaseException:
            self.stop()
            raise
        return self

    @property
    def url(self) -> str:
        """Where this machine reaches the proxy."""
        host = LOCAL if self.host in ("", "0.0.0.0") else self.host
        return f"http://{host}:{self.port}"

    # -- running -------------------------------------------------------------------------

    def restart_dead(self) -> list[int]:
        """Start again every process that has exited; their indexes."""
        restarted = []
        for p in self.processes:
            if p.proc is not None and not p.alive():
                code = p.proc.returncode
                self.say(f"facilitator: process {p.index} (port {p.port}) stopped ({code}); "
                         "the proxy sends its workshops to the others; starting it again")
                p.restarts += 1
                p.launch()
                try:
                    p.wait_healthy()
                except RuntimeError as exc:
                    self.say(f"facilitator: {exc}")
                    continue
                self.say(f"facilitator: process {p.index} is back on {p.url} (pid {p.pid})")
                restarted.append(p.index)
        return restarted

    def watch(self, interval: float = 1.0) -> None:
        """Keep the processes running until Ctrl-C (or SIGTERM)."""
        with _sigterm_as_interrupt():
            try:
                while True:
                    if self.nginx is not None and self.nginx.proc is not None \
                            and self.nginx.proc.poll() is not None:
                        self.say("facilitator: nginx stopped: " + self.nginx.error_tail())
                        self.nginx.start()
                    self.restart_dead()
                    time.sleep(interval)
            except KeyboardInterrupt:
                self.say("facilitator: stopping the proxy, the processes, Redis and "
                         "PostgreSQL ...")

    def stop(self) -> None:
        if self.nginx is not None:
            self.nginx.stop()
        for p in self.processes:
            p.stop()
        for server in reversed(self._owned):
            with contextlib.suppress(Exception):
                server.stop()
        self._owned.clear()


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    before = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)
