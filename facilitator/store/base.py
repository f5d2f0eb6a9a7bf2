"""What the two event-log stores share: the SQL of workshop rows, lookups and files.

``SqliteStore`` and ``PgStore`` keep the same schema and the same contract
(tests/store/test_store_contract.py); the statements that read and write it the same way are
written here once, with ``?`` placeholders that each store turns into its own (``PLACEHOLDER``).
A store gives ``_one(sql, params)``, ``_read(sql, params)``, ``_write(fn)`` (``fn(conn)`` in
one transaction) and ``_insert(conn, workshop_id, events)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from facilitator.core.state import Event

WORKSHOP_COLUMNS = "id, code, screen_key, console_key, title, created_at"


class Conflict(Exception):
    """A write conflicted with the log (a seq or a client id already in it): the writer's
    cached state was behind; replay it and decide again."""


class DuplicateClientId(Conflict):
    """The client id was already used in this workshop: the action was applied before."""

    def __init__(self, seq: int) -> None:
        super().__init__(seq)
        self.seq = seq


@dataclass(frozen=True)
class WorkshopRow:
    id: str
    code: str
    screen_key: str
    console_key: str
    title: str
    created_at: float


def saved() -> None:
    """The waiter of a write that is durable already (see ``SqliteStore.submit``)."""


class LogStore:
    """The statements both stores run alike (see the module's docstring)."""

    PLACEHOLDER = "?"

    # given by each store
    _one: Callable[..., Any]
    _read: Callable[..., list[tuple[Any, ...]]]
    _write: Callable[..., Any]
    append: Callable[..., None]

    def append_together(self, workshop_id: str,
                        writes: list[tuple[list[Event], tuple[str, str] | None]]) -> None:
        """Append several commands' events (each with its join's device, if any) in one
        transaction: all of them or none. On PostgreSQL, inside ``serialised``, this is the
        block's commit (Service's combined commands).

        :raises Conflict: a client id among them was used before.
        """

        def txn(conn: Any) -> None:
            events = [e for evs, _device in writes for e in evs]
            if events:
                self._insert(conn, workshop_id, events)
            for _evs, device in writes:
                if device:
                    conn.execute(self._q("INSERT INTO devices (workshop_id, token_hash, "
                                         "participant) VALUES (?,?,?)"), (workshop_id, *device))

        try:
            self._write(txn)
        except self.INTEGRITY_ERRORS as exc:
            raise Conflict(str(exc)) from None

    INTEGRITY_ERRORS: tuple[type[BaseException], ...] = ()

    def _insert(self, conn: Any, workshop_id: str, events: list[Event]) -> None:
        raise NotImplementedError

    def _q(self, sql: str) -> str:
        return sql if self.PLACEHOLDER == "?" else sql.replace("?", self.PLACEHOLDER)

    # -- workshops ----------------------------------------------------------------------------

    def create_workshop(self, row: WorkshopRow, first: Event) -> None:
        """Create a workshop with its first event (``workshop_created``), atomically."""

        def txn(conn: Any) -> None:
            self._insert_row(conn, row)
            self._insert(conn, row.id, [first])

        self._write(txn)

    def _insert_row(self, conn: Any, row: WorkshopRow) -> None:
        conn.execute(self._q(f"INSERT INTO workshops ({WORKSHOP_COLUMNS}) VALUES (?,?,?,?,?,?)"),
                     (row.id, row.code, row.screen_key, row.console_key, row.title,
                      row.created_at))

    def code_taken(self, code: str) -> bool:
        return self._one(self._q("SELECT 1 FROM workshops WHERE code=?"), (code,)) is not None

    def find(self, *, code: str | None = None, screen_key: str | None = None,
             console_key: str | None = None, id: str | None = None) -> WorkshopRow | None:
        """The workshop with the given join code, screen key, console key or id."""
        column, value = next((c, v) for c, v in (("code", code), ("screen_key", screen_key),
                                                ("console_key", console_key), ("id", id))
                             if v is not None)
        found = self._one(self._q(f"SELECT {WORKSHOP_COLUMNS} FROM workshops WHERE {column}=?"),
                          (value,))
        return WorkshopRow(*found) if found else None

    def workshops(self) -> list[WorkshopRow]:
        rows = self._read(f"SELECT {WORKSHOP_COLUMNS} FROM workshops ORDER BY created_at", ())
        return [WorkshopRow(*r) for r in rows]

    def delete_workshop(self, workshop_id: str) -> None:
        """Delete a workshop and everything in it: events, devices, files, the workshop row."""

        def txn(conn: Any) -> None:
            for table in ("events", "devices", "files"):
                conn.execute(self._q(f"DELETE FROM {table} WHERE workshop_id=?"), (workshop_id,))
            conn.execute(self._q("DELETE FROM workshops WHERE id=?"), (workshop_id,))

        self._write(txn)

    # -- lookups ------------------------------------------------------------------------------

    def seq_for_client_id(self, workshop_id: str, client_id: str) -> int | None:
        found = self._one(self._q("SELECT seq FROM events WHERE workshop_id=? AND client_id=?"),
                          (workshop_id, client_id))
        return found[0] if found else None

    def get_file(self, workshop_id: str, file_id: str) -> tuple[str, bytes] | None:
        """(mime type, bytes) of a stored file, or None."""
        found = self._one(self._q("SELECT mime, data FROM files WHERE workshop_id=? AND id=?"),
                          (workshop_id, file_id))
        return (found[0], bytes(found[1])) if found else None

    def participant_for(self, workshop_id: str, token_hash: str) -> str | None:
        found = self._one(
            self._q("SELECT participant FROM devices WHERE workshop_id=? AND token_hash=?"),
            (workshop_id, token_hash))
        return found[0] if found else None
