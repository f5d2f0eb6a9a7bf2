"""Append-only event log in PostgreSQL (psycopg 3 with its connection pool).

The same methods and guarantees as ``SqliteStore``: an event is durable once ``append``
returns (a committed transaction, with the server's ``fsync`` and ``synchronous_commit`` on),
``seq`` is gapless per workshop (the primary key ``(workshop_id, seq)``: a second writer of the
same ``seq`` fails rather than leaving a hole or a duplicate), and ``(workshop_id, client_id)``
is unique, so a resent action is stored once. Event data is kept as the exact JSON text
SQLite keeps (TEXT, not JSONB, which would reorder keys and rewrite numbers).

Unlike SQLite, several processes share one database (``shared = True``).
``serialised(workshop_id, after)`` holds a transaction-level advisory lock for that workshop
on one pooled connection, so only one process decides for a workshop at a time, and gives the
events after ``after`` read under it; the store's calls made inside the block by the same
thread use that connection, and its ``append`` commits (releasing the lock). The lock is
held across round trips, so they are few: BEGIN, the lock and the catch-up go in one
(pipeline mode), the inserts and the COMMIT in another. PostgreSQL releases the lock itself
if the process dies.

Under eventlet, psycopg's default C wait function blocks the whole process while a query
runs; when the process is monkey-patched, psycopg waits with ``wait_green`` instead: one
listener on eventlet's hub per wait, so a slow query holds only its own green thread.
(psycopg's ``wait_selector`` works too, on the patched ``selectors``, but builds a selector,
a green ``select`` and a timer for every wait: a third of a note's CPU went there.)
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from typing import Any, TypeVar

from facilitator.blocking import _patched
from facilitator.core.state import Event
from facilitator.store.base import Conflict, DuplicateClientId, LogStore, WorkshopRow

if _patched() and "psycopg" not in sys.modules:
    os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_selector")

import psycopg  # noqa: E402
from psycopg import errors, waiting  # noqa: E402
from psycopg_pool import ConnectionPool  # noqa: E402

T = TypeVar("T")
DEFAULT_POOL_SIZE = 8
SCHEMA_LOCK = 0x66616369  # an advisory lock key: concurrent first starts create tables once

SCHEMA = """
CREATE TABLE IF NOT EXISTS workshops (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    screen_key TEXT NOT NULL UNIQUE,
    console_key TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    type TEXT NOT NULL,
    actor TEXT NOT NULL,
    at DOUBLE PRECISION NOT NULL,
    data TEXT NOT NULL,
    client_id TEXT,
    PRIMARY KEY (workshop_id, seq)
);
CREATE UNIQUE INDEX IF NOT EXISTS events_client_id
    ON events (workshop_id, client_id) WHERE client_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_ends ON events (workshop_id, seq)
    WHERE type IN ('workshop_ended', 'workshop_reopened');
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
    data BYTEA NOT NULL,
    PRIMARY KEY (workshop_id, id)
);
"""



def lock_key(workshop_id: str) -> int:
    """A stable signed 64-bit advisory lock key for a workshop (the same in every process)."""
    digest = hashlib.blake2b(workshop_id.encode(), digest_size=8,
                             person=b"facilitator").digest()
    return int.from_bytes(digest, "big", signed=True)


class PgStore(LogStore):
    """The event log in a PostgreSQL database, shared by any number of processes."""

    shared = True
    PLACEHOLDER = "%s"

    def __init__(self, url: str, pool_size: int = DEFAULT_POOL_SIZE,
                 timeout: float = 30.0) -> None:
        self.url = url
        if _patched():  # (wait_c, had psycopg been imported before patching, would block)
            waiting.wait = wait_green
        self._local = threading.local()
        self._pool = ConnectionPool(url, min_size=1, max_size=max(2, int(pool_size)),
                                    kwargs={"autocommit": True}, timeout=timeout,
                                    name="facilitator", open=False)
        try:
            self._pool.open(wait=True, timeout=timeout)
        except Exception as exc:
            self._pool.close()
            raise ConnectionError(f"cannot connect to PostgreSQL at {redact(url)}: {exc}") \
                from None
        with self._conn() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
            conn.execute(SCHEMA)

    def close(self) -> None:
        self._pool.close()

    # -- connections --------------------------------------------------------------------------

    @contextmanager
    def _conn(self) -> Iterator[psycopg.Connection[Any]]:
        held = getattr(self._local, "conn", None)
        if held is not None:  # inside serialised(): the lock's connection
            yield held
            return
        with self._pool.connection() as conn:
            yield conn

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return self._reading(lambda conn: conn.execute(sql, params).fetchall())

    def _one(self, sql: str, params: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
        return self._reading(lambda conn: conn.execute(sql, params).fetchone())

    def _reading(self, fn: Callable[[psycopg.Connection[Any]], T]) -> T:
        """A read, tried once more on a fresh connection when its pooled connection turns out
        to be dead (the database server restarted since it was opened). Writes are not
        retried here: the service answers with a sentence and the phone resends with the same
        client id."""
        used: psycopg.Connection[Any] | None = None
        try:
            with self._conn() as conn:
                used = conn
                return fn(conn)
        except psycopg.OperationalError:
            if getattr(self._local, "conn", None) is not None or used is None or not used.broken:
                raise
            self._pool.check()  # the other idle connections died with it
        with self._conn() as conn:
            return fn(conn)

    def _insert(self, conn: psycopg.Connection[Any], workshop_id: str,
                events: list[Event]) -> None:
        _insert(conn, workshop_id, events)

    def _write(self, fn: Callable[[psycopg.Connection[Any]], T]) -> T:
        with self._conn() as conn, conn.transaction():
            return fn(conn)

    @contextmanager
    def serialised(self, workshop_id: str, after: int | None = None) -> Iterator[Any]:
        """Hold the workshop's cross-process lock for the block: a transaction-level advisory
        lock in a transaction on one pooled connection, which the store's calls in the block,
        from this thread, use. With ``after``, the block is given the workshop's events
        after that seq, read once the lock is held (the catch-up), else None.

        The block's ``append`` commits, which releases the lock (the next command's seq is
        decided; what is left is this process's own work); a block that appends nothing
        ends its transaction on leaving. Round trips are few because the lock is held while
        they run: BEGIN, the lock and the catch-up go in one, the inserts and the COMMIT in
        another. Re-entrant within a thread (a nested block takes nothing more)."""
        if getattr(self._local, "conn", None) is not None:
            yield (self.events(workshop_id, after) if after is not None else None)
            return
        key = lock_key(workshop_id)
        for attempt in (1, 2):
            with self._pool.connection() as conn:
                try:
                    stack = ExitStack()
                    pipeline = stack.enter_context(conn.pipeline())
                    conn.execute("BEGIN")
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", (key,))
                    if after is not None:  # its fetch waits for the three in one trip
                        missed = _events(conn, workshop_id, after)
                    else:
                        missed = None
                        pipeline.sync()
                except psycopg.OperationalError:
                    with suppress(psycopg.Error):
                        stack.close()
                    if attempt == 2 or not conn.broken:
                        raise
                    self._pool.check()  # the other idle connections died with it
                    continue
                # (libpq reports the transaction's status only once the pipeline syncs)
                self._local.conn, self._local.pipeline, self._local.open = conn, pipeline, True
                try:
                    yield missed
                finally:
                    self._local.conn = self._local.pipeline = None
                    try:
                        if self._local.open and not conn.closed and not conn.broken:
                            conn.execute("ROLLBACK")  # nothing was written
                    finally:
                        stack.close()
                return

    # -- workshops ----------------------------------------------------------------------------

    def ended_before(self, cutoff: float) -> list[str]:
        """Ids of the workshops that ended (and were not reopened) before ``cutoff``."""
        rows = self._read(
            "SELECT DISTINCT ON (workshop_id) workshop_id, type, at FROM events "
            "WHERE type IN ('workshop_ended', 'workshop_reopened') "
            "ORDER BY workshop_id, seq DESC")
        return [wid for wid, type_, at in rows if type_ == "workshop_ended" and at < cutoff]

    # -- the log ------------------------------------------------------------------------------

    def append(self, workshop_id: str, events: list[Event],
               device: tuple[str, str] | None = None) -> None:
        """Append events (and, for a join, the device token's hash) in one transaction.

        :raises DuplicateClientId: the first event's client id was used before.
        """
        try:
            self.append_together(workshop_id, [(events, device)])
        except Conflict:
            client_id = events[0].client_id if events else None
            seq = self.seq_for_client_id(workshop_id, client_id) if client_id else None
            if seq is None:
                raise
            raise DuplicateClientId(seq) from None

    def append_together(self, workshop_id: str,
                        writes: list[tuple[list[Event], tuple[str, str] | None]]) -> None:
        """Append several commands' events (and their joins' devices) in one transaction.
        Inside ``serialised`` it is the block's commit: the inserts and the COMMIT go in one
        round trip, and the workshop's lock is let go.

        :raises Conflict: a client id among them was used before.
        """
        events = [e for evs, _device in writes for e in evs]
        devices = [device for _evs, device in writes if device]
        # one statement, whatever the number of events and devices: on its own it is a
        # transaction (autocommit), one round trip; prepared once per connection
        params = (workshop_id, [e.seq for e in events], [e.type for e in events],
                  [e.actor for e in events], [e.at for e in events],
                  [_data(e) for e in events], [e.client_id for e in events],
                  workshop_id, [d[0] for d in devices], [d[1] for d in devices])
        try:
            held = getattr(self._local, "conn", None)
            if held is not None and getattr(self._local, "open", False):
                # in serialised(): the insert and the COMMIT go in one round trip
                self._local.open = False  # committed or rolled back below: the lock is let go
                try:
                    held.execute(APPEND, params)
                    held.execute("COMMIT")
                    self._local.pipeline.sync()
                except BaseException:
                    if not held.closed and not held.broken:
                        held.execute("ROLLBACK")
                        self._local.pipeline.sync()
                    raise
            else:
                with self._pool.connection() as conn:
                    conn.execute(APPEND, params)
        except errors.IntegrityError as exc:
            raise Conflict(str(exc)) from None

    def events(self, workshop_id: str, after: int = 0, limit: int = -1) -> list[Event]:
        """The workshop's events with ``seq`` greater than ``after``, in order."""
        return self._reading(lambda conn: _events(conn, workshop_id, after, limit))

    # -- files (photos): content-addressed, kept with the workshop, deleted with it ------------

    def put_file(self, workshop_id: str, file_id: str, mime: str, data: bytes) -> None:
        """Store a file once (the same id again is a no-op: ids come from the content)."""
        self._write(lambda c: c.execute(
            "INSERT INTO files (workshop_id, id, mime, data) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT DO NOTHING", (workshop_id, file_id, mime, data)))

    # -- whole workshops, for `facilitator migrate` ---------------------------------------------

    def devices(self, workshop_id: str) -> list[tuple[str, str]]:
        """(token hash, participant) of every device that joined, in token-hash order."""
        rows = self._read("SELECT token_hash, participant FROM devices WHERE workshop_id=%s "
                          "ORDER BY token_hash COLLATE \"C\"", (workshop_id,))
        return [(h, p) for h, p in rows]

    def files(self, workshop_id: str) -> list[tuple[str, str, bytes]]:
        """(id, mime type, bytes) of every stored file, in id order."""
        rows = self._read("SELECT id, mime, data FROM files WHERE workshop_id=%s "
                          "ORDER BY id COLLATE \"C\"", (workshop_id,))
        return [(fid, mime, bytes(data)) for fid, mime, data in rows]

    def import_workshop(self, row: WorkshopRow, events: list[Event],
                        devices: list[tuple[str, str]],
                        files: list[tuple[str, str, bytes]]) -> None:
        """Write a whole workshop (copied from another store) in one transaction."""

        def txn(conn: psycopg.Connection[Any]) -> None:
            self._insert_row(conn, row)
            if events:
                _insert(conn, row.id, events)
            with conn.cursor() as cur:
                if devices:
                    cur.executemany("INSERT INTO devices (workshop_id, token_hash, participant) "
                                    "VALUES (%s,%s,%s)", [(row.id, *d) for d in devices])
                if files:
                    cur.executemany("INSERT INTO files (workshop_id, id, mime, data) "
                                    "VALUES (%s,%s,%s,%s)", [(row.id, *f) for f in files])

        self._write(txn)


def wait_green(gen: Any, fileno: int, interval: float = 0.0,
               timeout: float | None = None) -> Any:
    """psycopg's wait function under eventlet: consume ``gen``, suspending this green
    thread on the hub until ``fileno`` is ready each time it would block (psycopg's own
    functions have the same contract). ``interval`` is for noticing Ctrl-C, which eventlet
    does not need; ``timeout`` raises psycopg's wait timeout."""
    from eventlet import hubs
    from eventlet.green import select

    deadline = time.monotonic() + timeout if timeout is not None else None
    try:
        state = next(gen)
        while True:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if state == waiting.WAIT_RW:  # the hub listens for one of them: select both
                readable, writable, _x = select.select([fileno], [fileno], [], left)
                ready = ((waiting.READY_R if readable else waiting.READY_NONE)
                         | (waiting.READY_W if writable else waiting.READY_NONE))
            else:
                reading = state == waiting.WAIT_R
                try:
                    hubs.trampoline(fileno, read=reading, write=not reading, timeout=left,
                                    timeout_exc=TimeoutError)
                    ready = waiting.READY_R if reading else waiting.READY_W
                except TimeoutError:
                    ready = waiting.READY_NONE
            state = gen.send(ready)
            if deadline is not None and time.monotonic() >= deadline:
                raise errors._WaitTimeout("wait timeout expired")
    except StopIteration as done:
        return done.value


def _events(conn: psycopg.Connection[Any], workshop_id: str, after: int = 0,
            limit: int = -1) -> list[Event]:
    rows = conn.execute(
        "SELECT seq, type, actor, at, data, client_id FROM events "
        "WHERE workshop_id=%s AND seq>%s ORDER BY seq LIMIT %s",
        (workshop_id, after, limit if limit >= 0 else None)).fetchall()
    return [Event(seq, type_, actor, at, json.loads(data), cid)
            for seq, type_, actor, at, data, cid in rows]


def _data(event: Event) -> str:
    return json.dumps(event.data, ensure_ascii=False, separators=(",", ":"))


def _insert(conn: psycopg.Connection[Any], workshop_id: str, events: list[Event]) -> None:
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO events (workshop_id, seq, type, actor, at, data, client_id) "
            "VALUES (%s,%s,%s,%s,%s,%s,%s)",
            [(workshop_id, e.seq, e.type, e.actor, e.at, _data(e), e.client_id)
             for e in events])


# a batch of commands' events and their joins' devices, in one statement (a data-modifying
# WITH runs whether or not it is referred to; the statement is all or nothing)
APPEND = """
WITH appended AS (
    INSERT INTO events (workshop_id, seq, type, actor, at, data, client_id)
    SELECT %s, * FROM unnest(%s::bigint[], %s::text[], %s::text[],
                             %s::double precision[], %s::text[], %s::text[])
)
INSERT INTO devices (workshop_id, token_hash, participant)
SELECT %s, * FROM unnest(%s::text[], %s::text[])
"""


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        info = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "the given URL"
    host = info.get("host", "localhost")
    return f"{info.get('dbname', '')} on {host}:{info.get('port', 5432)}"
