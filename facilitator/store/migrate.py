"""Copy workshops between two stores (SQLite to PostgreSQL and back), verified event by event.

Each workshop is written in one transaction on the target (its row, every event, the devices
that joined and the stored files), then read back and compared with the source: every event's
seq, type, actor, time, data and client id, every device row, every file's bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from facilitator.store.sqlite import WorkshopRow


class MigrateError(Exception):
    """A migration that cannot go ahead or did not verify; the message is a sentence."""


@dataclass
class Copied:
    row: WorkshopRow
    events: int
    devices: int
    files: int


@dataclass
class Report:
    copied: list[Copied] = field(default_factory=list)
    skipped: list[WorkshopRow] = field(default_factory=list)


def select(source: Any, codes: list[str] | None) -> list[WorkshopRow]:
    """The source's workshops, or the ones with the given join codes (all must exist)."""
    if not codes:
        return source.workshops()
    rows = []
    for code in codes:
        row = source.find(code=code)
        if row is None:
            raise MigrateError(f"There is no workshop with the code {code} in the source.")
        rows.append(row)
    return rows


def existing(target: Any, row: WorkshopRow) -> bool:
    """Whether the target holds this workshop already (the same id, or its join code)."""
    return target.find(id=row.id) is not None or target.code_taken(row.code)


def verify(source: Any, target: Any, row: WorkshopRow) -> Copied:
    """Compare one workshop in the two stores; raises MigrateError on the first difference."""
    if target.find(id=row.id) != row:
        raise MigrateError(f"Workshop {row.code}: its row differs in the target.")
    theirs = target.events(row.id)
    ours = source.events(row.id)
    if len(theirs) != len(ours):
        raise MigrateError(f"Workshop {row.code}: the target has {len(theirs)} events, "
                           f"the source {len(ours)}.")
    for mine, copy in zip(ours, theirs, strict=True):
        for name in ("seq", "type", "actor", "at", "data", "client_id"):
            if getattr(mine, name) != getattr(copy, name):
                raise MigrateError(f"Workshop {row.code}: event {mine.seq} differs in its "
                                   f"{name}.")
    devices, files = source.devices(row.id), source.files(row.id)
    if target.devices(row.id) != devices:
        raise MigrateError(f"Workshop {row.code}: the devices differ in the target.")
    if target.files(row.id) != files:
        raise MigrateError(f"Workshop {row.code}: the stored files differ in the target.")
    return Copied(row, len(ours), len(devices), len(files))


def migrate(source: Any, target: Any, codes: list[str] | None = None,
            skip_existing: bool = False) -> Report:
    """Copy the chosen workshops from ``source`` to ``target`` and verify each copy.

    A workshop the target holds already is refused (nothing is copied) unless
    ``skip_existing``, when it is left as it is and reported as skipped.
    """
    rows = select(source, codes)
    report = Report()
    there = [row for row in rows if existing(target, row)]
    if there and not skip_existing:
        names = ", ".join(row.code for row in there)
        raise MigrateError(f"The target already has the workshop(s) {names}; nothing was "
                           "copied. Give --skip-existing to copy the others, or delete them "
                           "from the target first.")
    for row in rows:
        if row in there:
            report.skipped.append(row)
            continue
        target.import_workshop(row, source.events(row.id), source.devices(row.id),
                               source.files(row.id))
        report.copied.append(verify(source, target, row))
    return report
