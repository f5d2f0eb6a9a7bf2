"""Append-only event log in SQLite (WAL).

Guarantees: an event is durable once ``append`` returns, or once the waiter ``submit``
returned has returned (``synchronous=FULL``), ``seq`` is gapless per workshop, and
``(workshop, client_id)`` is unique, so a resent action is stored once.

Writes go through one connection guarded by one lock (a single writer, as in Datasette), run
through ``facilitator.blocking.run_blocking`` so that under eventlet a commit does not stall
every other connection. ``submit`` commits together what several commands submitted while
the previous commit was on its way (group commit): one transaction and one fsync for a burst
of notes, instead of one each, with the workshop's lock held for none of them. Small lookups
by key (a join code, a device token) read on a second connection, in the calling thread: a
trip to the thread pool costs more than the lookup.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from facilitator.blocking import run_blocking, run_in_background
from facilitator.core.state import Event
from facilitator.store.base import DuplicateClientId, LogStore, WorkshopRow, saved

T = TypeVar("T")
# WAL checkpoints: due after CHECKPOINT_EVERY commits, made once no commit has come for
# CHECKPOINT_QUIET seconds (a checkpoint's fsync of the database file slows the commits of a
# burst: its p99 went from 12-28 ms to 25-45 ms with one every 100 commits), or at once after
# CHECKPOINT_AT_LATEST commits, so the WAL stays bounded in a room that never pauses
CHECKPOINT_EVERY = 100
CHECKPOINT_QUIET = 1.0
CHECKPOINT_AT_LATEST = 5000


class EarlierWriteFailed(Exception):
    """A workshop's events were not written because an earlier write of its failed: the
    service decided them on a state that included the lost events, and writing them would
    leave a gap in ``seq``."""


class _Submitted:
    """One ``submit``: what to write, and the event its waiter waits on (one per commit,
    shared by everything that commit writes)."""

    __slots__ = ("workshop_id", "events", "device", "done", "error")

    def __init__(self, workshop_id: str, events: list[Event],
                 device: tuple[str, str] | None, done: threading.Event) -> None:
        self.workshop_id = workshop_id
        self.events = events
        self.device = device
        self.done = done
        self.error: BaseException | None = None

    def wait(self) -> None:
        self.done.wait()
        if self.error is not None:
            raise self.error


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
    INTEGRITY_ERRORS = (sqlite3.IntegrityError,)

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
        self._checkpointed_at = 0  # self._commits when the last checkpoint began
        self._checkpoint_due = False  # a checkpoint waits for a quiet moment
        self._closed = False
        self._checkpointing = threading.Lock()
        self._checkpoint_conn: sqlite3.Connection | None = None
        # group commit: what was submitted and not yet taken by a commit, whether a commit
        # loop runs, and per workshop the first seq whose write failed (see _refuse)
        self._queue: list[_Submitted] = []
        self._queued_done = threading.Event()  # set once what is queued now is written
        self._queue_lock = threading.Lock()
        self._committing = False
        self._failed: dict[str, int] = {}
        # lookups by key read on their own connection, in the calling thread (WAL: readers
        # never wait for the writer); an in-memory database has only the one connection
        if self.path == ":memory:":
            self._reader, self._reader_lock = self._conn, self._lock
        else:
            self._reader = sqlite3.connect(self.path, check_same_thread=False,
                                           isolation_level=None)
            self._reader.execute("PRAGMA busy_timeout=5000")
            self._reader_lock = threading.Lock()

    def close(self) -> None:
        self._closed = True
        with self._checkpointing, self._lock:
            self._conn.close()
            if self._reader is not self._conn:
                self._reader.close()
            if self._checkpoint_conn is not None:
                self._checkpoint_conn.close()

    @contextmanager
    def serialised(self, workshop_id: str, after: int | None = None) -> Iterator[Any]:
        """A no-op: one process owns a SQLite file (PgStore's holds a cross-process lock).
        With ``after``, the block is given the events after that seq, as PgStore's is."""
        yield (self.events(workshop_id, after) if after is not None else None)

    def checkpoint(self) -> None:
        """Copy the WAL into the database file without blocking writers (PASSIVE)."""
        if self._closed or not self._checkpointing.acquire(blocking=False):
            return  # closed, or one is running already
        self._checkpointed_at = self._commits
        try:
            if self._checkpoint_conn is None:
                self._checkpoint_conn = sqlite3.connect(self.path, check_same_thread=False,
                                                        isolation_level=None)
            run_blocking(self._checkpoint_conn.execute, "PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            self._checkpointing.release()

    def _checkpoint_when_quiet(self) -> None:
        """Wait until no commit has come for CHECKPOINT_QUIET seconds, then checkpoint."""
        try:
            seen = -1
            while seen != self._commits:
                seen = self._commits
                time.sleep(CHECKPOINT_QUIET)
            self.checkpoint()
        finally:
            self._checkpoint_due = False

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
        since = self._commits - self._checkpointed_at
        if self.path == ":memory:" or since < CHECKPOINT_EVERY:
            pass
        elif since >= CHECKPOINT_AT_LATEST:
            run_in_background(self.checkpoint)
        elif not self._checkpoint_due:
            self._checkpoint_due = True
            run_in_background(self._checkpoint_when_quiet)
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

    def submit(self, workshop_id: str, events: list[Event],
               device: tuple[str, str] | None = None) -> Callable[[], None]:
        """Queue an append (as ``append``) for the next group commit, and return its waiter:
        it returns once the events are durable, or raises what ``append`` would have raised
        (or ``EarlierWriteFailed``). Submissions are written in the order they were made."""
        if not events:
            return saved
        with self._queue_lock:
            # (a green event once eventlet has patched threading)
            item = _Submitted(workshop_id, events, device, self._queued_done)
            self._queue.append(item)
            if self._committing:
                return item.wait  # the running loop takes it in its next commit
            self._committing = True
        run_in_background(self._commit_queued)
        return item.wait

    def _commit_queued(self) -> None:
        """Commit everything queued, a batch at a time, until the queue is empty. Under
        eventlet this starts on the hub's next turn, so the commands handled in this turn
        share the first commit; the next batch gathers while a commit is on its way."""
        while True:
            with self._queue_lock:
                batch, self._queue = self._queue, []
                done, self._queued_done = self._queued_done, threading.Event()
                if not batch:
                    self._committing = False
                    return
            try:
                self._commit_batch(batch)
            except BaseException as exc:  # noqa: BLE001 - told to every waiter, loop goes on
                for item in batch:
                    item.error = item.error or exc
            finally:
                done.set()

    def _commit_batch(self, batch: list[_Submitted]) -> None:
        """One transaction for the whole batch; if it fails, each submission alone, so that
        one bad submission (a client id used before) fails alone."""
        todo = [item for item in batch if not self._refuse(item)]

        def txn(conn: sqlite3.Connection) -> None:
            for item in todo:
                _insert(conn, item.workshop_id, item.events)
                if item.device:
                    conn.execute("INSERT INTO devices VALUES (?,?,?)",
                                 (item.workshop_id, *item.device))

        try:
            if todo:
                self._write(txn)
        except Exception:
            for item in todo:
                if self._refuse(item):
                    continue
                try:
                    self.append(item.workshop_id, item.events, item.device)
                except Exception as exc:
                    item.error = exc
                    first = item.events[0].seq
                    self._failed[item.workshop_id] = min(
                        first, self._failed.get(item.workshop_id, first))
                else:
                    self._written(item)
        else:
            for item in todo:
                self._written(item)

    def _refuse(self, item: _Submitted) -> bool:
        """Whether to refuse a submission because an earlier one of its workshop failed:
        the service forgets the workshop's state when a write fails and replays it from the
        log, so events decided before that (with a later seq) must not be written."""
        failed = self._failed.get(item.workshop_id)
        if failed is None or item.events[0].seq <= failed:
            return False
        item.error = EarlierWriteFailed(failed)
        return True

    def _written(self, item: _Submitted) -> None:
        failed = self._failed.get(item.workshop_id)
        if failed is not None and item.events[0].seq <= failed:
            del self._failed[item.workshop_id]  # written again after the replay: all clear

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
        """One row by key, read here and now: an indexed lookup takes microseconds, a trip
        through eventlet's thread pool a tenth of a millisecond of CPU."""
        with self._reader_lock:
            return self._reader.execute(sql, tuple(params)).fetchone()

    def get_file(self, workshop_id: str, file_id: str) -> tuple[str, bytes] | None:
        """(mime type, bytes) of a stored file, or None (a photo: read in the thread pool)."""
        found = self._run(lambda c: c.execute(
            "SELECT mime, data FROM files WHERE workshop_id=? AND id=?",
            (workshop_id, file_id)).fetchone())
        return (found[0], bytes(found[1])) if found else None

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
