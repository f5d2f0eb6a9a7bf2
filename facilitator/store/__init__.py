"""The event log store. SQLite (WAL) is the embedded default."""

from facilitator.store.sqlite import DuplicateClientId, SqliteStore, WorkshopRow, backup

__all__ = ["DuplicateClientId", "SqliteStore", "WorkshopRow", "backup"]
