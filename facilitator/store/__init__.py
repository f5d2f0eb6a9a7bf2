"""The event log store. SQLite (WAL) is the embedded default; PostgreSQL is for a server
shared by several processes (``postgresql://...``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from facilitator.store.sqlite import DuplicateClientId, SqliteStore, WorkshopRow, backup

Store = Any  # SqliteStore or PgStore: the same methods (tests/store/test_store_contract.py)


def is_postgres_url(target: object) -> bool:
    """Whether a DATABASE setting names a PostgreSQL database rather than a SQLite file."""
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


def open_store(target: str | Path, *, synchronous: str = "FULL",
               pool_size: int | None = None) -> Store:
    """A PgStore for a ``postgresql://`` URL, else a SqliteStore on the file ``target``.

    ``synchronous`` applies to SQLite, ``pool_size`` (connections per process) to PostgreSQL.
    """
    if is_postgres_url(target):
        from facilitator.store.postgres import DEFAULT_POOL_SIZE, PgStore

        return PgStore(str(target), pool_size=pool_size or DEFAULT_POOL_SIZE)
    return SqliteStore(target, synchronous)


__all__ = ["DuplicateClientId", "SqliteStore", "Store", "WorkshopRow", "backup",
           "is_postgres_url", "open_store"]
