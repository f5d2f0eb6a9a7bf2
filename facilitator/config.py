"""Settings: defaults, overridden by environment variables, overridden by the command line."""

from __future__ import annotations

import os
import secrets
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
    # ... with one process deciding each workshop's commands and the others forwarding theirs
    # to it through Redis (1; facilitator/realtime/owners.py), or each process deciding its
    # own phones' commands under the workshop's cross-process lock (0)
    "OWNERS": 1,
    # FULL: an acked event survives a power cut (an fsync per action); NORMAL: it survives a
    # crash of the server process (WAL), not of the machine, and is faster under load
    "SQLITE_SYNCHRONOUS": "FULL",
    # a shared server: creating a workshop needs this passphrase (None: anyone who reaches the
    # server may create, as on one laptop); see docs/operations.md
    "CREATE_PASSPHRASE": None,
    # tries of the passphrase per client address, right or wrong: 10 at once, then one every 5 s
    "PASSPHRASE_BURST": 10,
    "PASSPHRASE_PER_SECOND": 0.2,
    # signs the session cookie that remembers the passphrase; None: generated once and kept in
    # <instance folder>/secret_key (processes on several machines must be given the same one)
    "SECRET_KEY": None,
    # the session cookie is not sent with requests from other sites (no cross-site creating)
    "SESSION_COOKIE_SAMESITE": "Lax",
    # PostgreSQL (DATABASE = postgresql://...): connections each process keeps in its pool
    "PG_POOL_SIZE": 8,
}

ENV = {
    "FACILITATOR_DB": "DATABASE",
    "FACILITATOR_PUBLIC_URL": "PUBLIC_URL",
    "FACILITATOR_SESSIONS": "SESSIONS_DIR",
    "FACILITATOR_REDIS": "REDIS_URL",
    "FACILITATOR_SPREAD": "SPREAD",
    "FACILITATOR_OWNERS": "OWNERS",
    "FACILITATOR_PRESENCE_TTL": "PRESENCE_TTL",
    "FACILITATOR_SQLITE_SYNCHRONOUS": "SQLITE_SYNCHRONOUS",
    "FACILITATOR_TRUSTED_PROXIES": "TRUSTED_PROXIES",
    "FACILITATOR_RETENTION_DAYS": "RETENTION_DAYS",
    "FACILITATOR_PASSPHRASE": "CREATE_PASSPHRASE",
    "FACILITATOR_SECRET_KEY": "SECRET_KEY",
    "FACILITATOR_PG_POOL_SIZE": "PG_POOL_SIZE",
    **{f"FACILITATOR_{name}": name for name in (
        "RATE_BURST", "RATE_PER_SECOND", "ADDRESS_BURST", "ADDRESS_PER_SECOND", "JOIN_BURST",
        "JOIN_PER_SECOND", "CONNECT_BURST", "CONNECT_PER_SECOND", "CONSOLE_BURST",
        "CONSOLE_PER_SECOND", "PASSPHRASE_BURST", "PASSPHRASE_PER_SECOND")},
}
NUMBERS = {"TRUSTED_PROXIES": int, "RETENTION_DAYS": float, "RATE_BURST": float,
           "RATE_PER_SECOND": float, "ADDRESS_BURST": float, "ADDRESS_PER_SECOND": float,
           "JOIN_BURST": float, "JOIN_PER_SECOND": float, "CONNECT_BURST": float,
           "CONNECT_PER_SECOND": float, "CONSOLE_BURST": float, "CONSOLE_PER_SECOND": float,
           "PASSPHRASE_BURST": float, "PASSPHRASE_PER_SECOND": float,
           "PG_POOL_SIZE": int, "SPREAD": int, "PRESENCE_TTL": float,
           "OWNERS": int}


def from_env(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """The settings given by environment variables (see the README's settings table)."""
    environ = os.environ if environ is None else environ
    out: dict[str, Any] = {}
    for var, key in ENV.items():
        if environ.get(var):
            out[key] = NUMBERS.get(key, str)(environ[var])
    return out


def read_passphrase_file(path: str | Path) -> str:
    """The passphrase in a file (``serve --passphrase-file``), without the whitespace around it.

    :raises ValueError: the file cannot be read or holds no passphrase (the message says which)
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"cannot read the passphrase file {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ValueError(f"the passphrase file {path} is not UTF-8 text") from exc
    if not text.strip():
        raise ValueError(f"the passphrase file {path} is empty")
    return text.strip()


def instance_secret_key(folder: str | Path) -> str:
    """The key in ``folder/secret_key``, made (random, 256 bits, readable by its owner only)
    the first time. Several processes starting at once on one machine all get the same key:
    the file appears whole or not at all (written aside, then hard-linked into place, which
    never replaces a file another process linked first).

    :raises OSError: the folder cannot be written (then give FACILITATOR_SECRET_KEY)
    """
    folder = Path(folder)
    path = folder / "secret_key"
    try:
        if key := path.read_text(encoding="ascii").strip():
            return key
    except FileNotFoundError:
        pass
    folder.mkdir(parents=True, exist_ok=True)
    aside = folder / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(secrets.token_hex(32) + "\n")
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(aside, path)
        except FileExistsError:
            pass  # another process was first: use its key
        except OSError:  # a file system without hard links (some network ones)
            if not path.exists():
                os.replace(aside, path)
    finally:
        aside.unlink(missing_ok=True)
    return path.read_text(encoding="ascii").strip()


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
