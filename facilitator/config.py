"""Settings: defaults, overridden by environment variables, overridden by the command line."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

DEFAULTS: dict[str, Any] = {
    "DATABASE": None,  # None: <instance folder>/facilitator.db
    "PUBLIC_URL": None,  # the address phones use; None: the address the request came in on
    "SESSIONS_DIR": str(ROOT / "sessions"),
    "MAX_MESSAGE_BYTES": 64 * 1024,
    "MAX_UPLOAD_BYTES": 100 * 1024,
    "ASYNC_MODE": None,  # eventlet under `facilitator serve`; threading in tests
    # rate limits (docs/operations.md): per participant, kept across reconnects ...
    "RATE_BURST": 20,
    "RATE_PER_SECOND": 5.0,
    # ... and per client address, where a whole venue may share one NAT address
    "ADDRESS_BURST": 1000,
    "ADDRESS_PER_SECOND": 200.0,
    "JOIN_BURST": 200,  # 1,000 joins from one address: 200 at once, the rest in 40 s
    "JOIN_PER_SECOND": 20.0,
    "CONNECT_BURST": 2000,
    "CONNECT_PER_SECOND": 100.0,
    "CONSOLE_BURST": 60,  # the console's and the screen's actions, per workshop
    "CONSOLE_PER_SECOND": 20.0,
    # how many proxies in front of the server append to X-Forwarded-For (0: none, so the
    # header is ignored and the socket's peer address is the client's)
    "TRUSTED_PROXIES": 0,
    # delete workshops this many days after they end (None: keep them until deleted)
    "RETENTION_DAYS": None,
    # several processes serving the same workshops (docs/architecture.md, "Scale-out"): a
    # Redis URL for the message queue, shared rate limits and shared presence ...
    "REDIS_URL": None,
    # ... how long a process's presence counts outlive it in Redis (it refreshes them every
    # third of that; a killed process's phones stop counting within this many seconds) ...
    "PRESENCE_TTL": 30.0,
    # ... and into how many routing keys one workshop's sockets are spread (the pages send
    # route=<code>.<k>, k in [0, SPREAD), for a proxy hashing on it; 1: route=<code>)
    "SPREAD": 1,
    # FULL: an acked event survives a power cut (an fsync per action); NORMAL: it survives a
    # crash of the server process (WAL), not of the machine, and is faster under load
    "SQLITE_SYNCHRONOUS": "FULL",
    # PostgreSQL (DATABASE = postgresql://...): connections each process keeps in its pool
    "PG_POOL_SIZE": 8,
}

ENV = {
    "FACILITATOR_DB": "DATABASE",
    "FACILITATOR_PUBLIC_URL": "PUBLIC_URL",
    "FACILITATOR_SESSIONS": "SESSIONS_DIR",
    "FACILITATOR_REDIS": "REDIS_URL",
    "FACILITATOR_SPREAD": "SPREAD",
    "FACILITATOR_PRESENCE_TTL": "PRESENCE_TTL",
    "FACILITATOR_SQLITE_SYNCHRONOUS": "SQLITE_SYNCHRONOUS",
    "FACILITATOR_TRUSTED_PROXIES": "TRUSTED_PROXIES",
    "FACILITATOR_RETENTION_DAYS": "RETENTION_DAYS",
    "FACILITATOR_PG_POOL_SIZE": "PG_POOL_SIZE",
    **{f"FACILITATOR_{name}": name for name in (
        "RATE_BURST", "RATE_PER_SECOND", "ADDRESS_BURST", "ADDRESS_PER_SECOND", "JOIN_BURST",
        "JOIN_PER_SECOND", "CONNECT_BURST", "CONNECT_PER_SECOND", "CONSOLE_BURST",
        "CONSOLE_PER_SECOND")},
}
NUMBERS = {"TRUSTED_PROXIES": int, "RETENTION_DAYS": float, "RATE_BURST": float,
           "RATE_PER_SECOND": float, "ADDRESS_BURST": float, "ADDRESS_PER_SECOND": float,
           "JOIN_BURST": float, "JOIN_PER_SECOND": float, "CONNECT_BURST": float,
           "CONNECT_PER_SECOND": float, "CONSOLE_BURST": float, "CONSOLE_PER_SECOND": float,
           "PG_POOL_SIZE": int}
NUMBERS.update({"SPREAD": int, "PRESENCE_TTL": float})


def from_env(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """The settings given by environment variables (see the README's settings table)."""
    environ = os.environ if environ is None else environ
    out: dict[str, Any] = {}
    for var, key in ENV.items():
        if environ.get(var):
            out[key] = NUMBERS.get(key, str)(environ[var])
    return out


def lan_address() -> str | None:
    """This machine's address on the local network, or None when there is none.

    Connecting a UDP socket sends no packet; it only asks the OS which interface it would use.
    """
    for probe in ("10.255.255.255", "192.168.255.255", "172.31.255.255"):
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.connect((probe, 1))
                addr = s.getsockname()[0]
        except OSError:
            continue
        if addr and not addr.startswith("127.") and addr != "0.0.0.0":
            return addr
    try:
        addr = socket.gethostbyname(socket.gethostname())
    except OSError:
        return None
    return None if addr.startswith("127.") else addr


def choose_public_url(given: str | None, host: str, port: int) -> tuple[str, str]:
    """The URL phones should use, and a sentence saying why it was chosen."""
    if given:
        return given.rstrip("/"), "from --public-url / FACILITATOR_PUBLIC_URL"
    if host not in ("", "0.0.0.0", "::", "127.0.0.1", "localhost"):
        return f"http://{host}:{port}", "the address given with --host"
    addr = lan_address()
    if addr:
        return f"http://{addr}:{port}", "this machine's local network address"
    return (f"http://127.0.0.1:{port}",
            "no network found, so only this machine can join: connect to the venue's Wi-Fi "
            "or a hotspot, or give --public-url")
