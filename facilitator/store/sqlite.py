"""Append-only event log in SQLite (WAL).

Guarantees: an event is durable once ``append`` returns (``synchronous=FULL``), ``seq`` is
gapless per workshop, and ``(workshop, client_id)`` is unique, so a resent action is stored
once. All access goes through one connection guarded by one lock (a single writer, as in
Datasette); blocking calls are run through ``facilitator.blocking.run`` so that under
eventlet a commit does not stall every other connection.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from facilitator.blocking import run_blocking, run_in_background
from facilitator.core.state import Event
from facilitator.store.base import DuplicateClientId, LogStore, WorkshopRow

T = TypeVar("T")
CHECKPOINT_EVERY = 100  # commits between background WAL checkpoints

SCHEMA = """
CREATE TABLE IF NOT EXISTS workshops (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    screen_key TEXT NOT NULL UNIQUE,
    console_key TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    actor TEXT NOT NULL,
    at REAL NOT NULL,
    data TEXT NOT NULL,
    client_id TEXT,
    PRIMARY KEY (workshop_id, seq)
);
CREATE UNIQUE INDEX IF NOT EXISTS events_client_id
    ON events (workshop_id, client_id) WHERE client_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS devices (
    workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL,
    participant TEXT NOT NULL,
    PRIMARY KEY (workshop_id, token_hash)
);
CREATE TABLE IF NOT EXISTS files (
    workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    mime TEXT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (workshop_id, id)
);
"""


class SqliteStore(LogStore):
    """The event log in one SQLite file."""

    # one process owns the file: the service's in-process lock is all the serialising needed
    shared = False

    def __init__(self, path: str | Path, synchronous: str = "FULL") -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        if synchronous.upper() not in ("FULL", "NORMAL"):
            raise ValueError("synchronous must be FULL or NORMAL")
        self._conn.execute(f"PRAGMA synchronous={synchronous.upper()}")
        self._conn.execute("PRAGMA foreign_keys=ON")
        # deleted rows are overwritten with zeros, not just unlinked: a deleted workshop's
        # stories must not be readable in the file afterwards. Many builds default to it;
        # this one must not depend on the build.
        self._conn.execute("PRAGMA secure_delete=ON")
        self._conn.execute("PRAGMA busy_timeout=5000")
        self._conn.executescript(SCHEMA)
        # Checkpoints copy the WAL into the database file. SQLite's automatic one runs inside
        # a commit, holding the single writer for ~200 ms every few hundred notes (the
        # benchmark's latency tail); instead a second connection checkpoints in the background
        # (PASSIVE: it never blocks the writer).
        self._conn.execute("PRAGMA wal_autocheckpoint=0")
        self._commits = 0
        self._checkpointing = threading.Lock()
        self._checkpoint_conn: sqlite3.Connection | None = None

    def close(self) -> None:
        with self._checkpointing, self._lock:
            self._conn.close()
            if self._checkpoint_conn is not None:
                self._checkpoint_conn.close()

    @contextmanager
    def serialised(self, workshop_id: str, after: int | None = None) -> Iterator[Any]:
        """A no-op: one process owns a SQLite file (PgStore's holds a cross-process lock).
        With ``after``, the block is given the events after that seq, as PgStore's is."""
        yield (self.events(workshop_id, after) if after is not None else None)

    def checkpoint(self) -> None:
        """Copy the WAL into the database file without blocking writers (PASSIVE)."""
        if not self._checkpointing.acquire(blocking=False):
            return  # one is running already
        try:
            if self._checkpoint_conn is None:
                self._checkpoint_conn = sqlite3.connect(self.path, check_same_thread=False,
                                                        isolation_level=None)
            run_blocking(self._checkpoint_conn.execute, "PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            self._checkpointing.release()

    def _run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock:
            return run_blocking(fn, self._conn)

    def _write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        def txn(conn: sqlite3.Connection) -> T:
            conn.execute("BEGIN IMMEDIATE")
            try:
                out = fn(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            return out

        out = self._run(txn)
        self._commits += 1
        if self._commits % CHECKPOINT_EVERY == 0 and self.path != ":memory:":
            run_in_background(self.checkpoint)
        return out

    # -- workshops ----------------------------------------------------------------------------

    def delete_workshop(self, workshop_id: str) -> None:
        """Delete a workshop and everything in it (``LogStore``), then truncate the WAL, so
        nothing of it stays in the files."""
        super().delete_workshop(workshop_id)
        self._run(lambda c: c.execute("PRAGMA wal_checkpoint(TRUNCATE)"))

    def ended_before(self, cutoff: float) -> list[str]:
        """Ids of the workshops that ended (and were not reopened) before ``cutoff``."""
        rows = self._run(lambda c: c.execute(
            "SELECT workshop_id, type, at FROM events e WHERE type IN "
            "('workshop_ended', 'workshop_reopened') AND seq = (SELECT MAX(seq) FROM events "
            "WHERE workshop_id = e.workshop_id AND type IN "
            "('workshop_ended', 'workshop_reopened'))").fetchall())
        return [wid for wid, type_, at in rows if type_ == "workshop_ended" and at < cutoff]

    # -- the log ------------------------------------------------------------------------------

    def append(self, workshop_id: str, events: list[Event],
               device: tuple[str, str] | None = None) -> None:
        """Append events (and, for a join, the device token's hash) in one transaction.

        :raises DuplicateClientId: the first event's client id was used before.
        """

        def txn(conn: sqlite3.Connection) -> None:
            _insert(conn, workshop_id, events)
            if device:
                conn.execute("INSERT INTO devices VALUES (?,?,?)", (workshop_id, *device))

        try:
            self._write(txn)
        except sqlite3.IntegrityError:
            client_id = events[0].client_id if events else None
            seq = self.seq_for_client_id(workshop_id, client_id) if client_id else None
            if seq is None:
                raise
            raise DuplicateClientId(seq) from None

    def events(self, workshop_id: str, after: int = 0, limit: int = -1) -> list[Event]:
        """The workshop's events with ``seq`` greater than ``after``, in order."""
        rows = self._run(lambda c: c.execute(
            "SELECT seq, type, actor, at, data, client_id FROM events "
            "WHERE workshop_id=? AND seq>? ORDER BY seq LIMIT ?",
            (workshop_id, after, limit)).fetchall())
        return [Event(seq, type_, actor, at, json.loads(data), cid)
                for seq, type_, actor, at, data, cid in rows]

    # -- files (photos): content-addressed, kept with the workshop, deleted with it ------------

    def put_file(self, workshop_id: str, file_id: str, mime: str, data: bytes) -> None:
        """Store a file once (the same id again is a no-op: ids come from the content)."""
        self._write(lambda c: c.execute(
            "INSERT OR IGNORE INTO files (workshop_id, id, mime, data) VALUES (?, ?, ?, ?)",
            (workshop_id, file_id, mime, data)))

    # -- whole workshops, for `facilitator migrate` ---------------------------------------------

    def devices(self, workshop_id: str) -> list[tuple[str, str]]:
        """(token hash, participant) of every device that joined, in token-hash order."""
        return self._run(lambda c: c.execute(
            "SELECT token_hash, participant FROM devices WHERE workshop_id=? "
            "ORDER BY token_hash", (workshop_id,)).fetchall())

    def files(self, workshop_id: str) -> list[tuple[str, str, bytes]]:
        """(id, mime type, bytes) of every stored file, in id order."""
        rows = self._run(lambda c: c.execute(
            "SELECT id, mime, data FROM files WHERE workshop_id=? ORDER BY id",
            (workshop_id,)).fetchall())
        return [(fid, mime, bytes(data)) for fid, mime, data in rows]

    def import_workshop(self, row: WorkshopRow, events: list[Event],
                        devices: list[tuple[str, str]],
                        files: list[tuple[str, str, bytes]]) -> None:
        """Write a whole workshop (copied from another store) in one transaction."""

        def txn(conn: sqlite3.Connection) -> None:
            self._insert_row(conn, row)
            _insert(conn, row.id, events)
            conn.executemany("INSERT INTO devices VALUES (?,?,?)",
                             [(row.id, *d) for d in devices])
            conn.executemany("INSERT INTO files (workshop_id, id, mime, data) VALUES (?,?,?,?)",
                             [(row.id, *f) for f in files])

        self._write(txn)

    def _one(self, sql: str, params: Iterable[Any]) -> Any:
        return self._run(lambda c: c.execute(sql, tuple(params)).fetchone())

    def _read(self, sql: str, params: Iterable[Any]) -> list[tuple[Any, ...]]:
        return self._run(lambda c: c.execute(sql, tuple(params)).fetchall())

    def _insert(self, conn: sqlite3.Connection, workshop_id: str, events: list[Event]) -> None:
        _insert(conn, workshop_id, events)


def _insert(conn: sqlite3.Connection, workshop_id: str, events: list[Event]) -> None:
    conn.executemany(
        "INSERT INTO events (workshop_id, seq, type, actor, at, data, client_id) "
        "VALUES (?,?,?,?,?,?,?)",
        [(workshop_id, e.seq, e.type, e.actor, e.at,
          json.dumps(e.data, ensure_ascii=False, separators=(",", ":")), e.client_id)
         for e in events])


def backup(source: str | Path, target: str | Path, pages: int = 256,
           pause: float = 0.005) -> int:
    """Copy the database at ``source`` to ``target`` with SQLite's online backup API, while
    a server may be writing to it: a few pages at a time, so the writer is never held up for
    long; the copy is one consistent moment (the backup restarts if a write lands meanwhile
    from another connection). Returns the number of workshops in the copy.
    """
    target = Path(target)
    if target.exists():
        raise FileExistsError(f"{target} exists; give a new file name")
    if not Path(source).exists():
        raise FileNotFoundError(f"no database at {source}")
    src = sqlite3.connect(f"file:{Path(source).resolve()}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst, pages=pages, sleep=pause)
        return dst.execute("SELECT COUNT(*) FROM workshops").fetchone()[0]
    finally:
        dst.close()
        src.close()
