"""The harvest: what every export format reads, derived from the log by ``replay``."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from facilitator.core.plan import Stage
from facilitator.core.state import Event, Note, WorkshopState, replay
from facilitator.i18n import _

if TYPE_CHECKING:
    from facilitator.store.sqlite import WorkshopRow

MAX_SLUG = 60


@dataclass(frozen=True)
class StageNotes:
    """One stage of the plan with its notes (not deleted), in the order they were posted."""

    index: int
    stage: Stage
    notes: list[Note]

    @property
    def visible(self) -> list[Note]:
        return [n for n in self.notes if not n.hidden]

    @property
    def hidden_count(self) -> int:
        return sum(1 for n in self.notes if n.hidden)

    @property
    def heading(self) -> str:
        """The heading, like "Stage 2: Ideas", or "Stage 2" when the stage has no title."""
        if self.stage.title:
            return _("Stage %(n)d: %(title)s") % {"n": self.index + 1, "title": self.stage.title}
        return _("Stage %d") % (self.index + 1)


@dataclass(frozen=True)
class Harvest:
    """A workshop at the end of its log, with its notes grouped by stage."""

    code: str
    created_at: float
    state: WorkshopState
    events: list[Event]
    stages: list[StageNotes]
    title: str

    @classmethod
    def build(cls, row: WorkshopRow, events: list[Event]) -> Harvest:
        """Replay ``events`` and group the notes; only ``row``'s public fields are kept."""
        state = replay(events)
        by_stage: dict[int, list[Note]] = {}
        for note in state.notes.values():  # dicts keep posting order
            if not note.deleted:
                by_stage.setdefault(note.stage, []).append(note)
        stages = [StageNotes(i, s, by_stage.get(i, [])) for i, s in enumerate(state.stages)]
        return cls(row.code, row.created_at, state, list(events), stages,
                   state.title or row.title)

    @property
    def notes(self) -> list[Note]:
        """Every note that was not deleted, hidden ones included, grouped by stage."""
        return [n for s in self.stages for n in s.notes]

    @property
    def visible_count(self) -> int:
        return sum(len(s.visible) for s in self.stages)

    def name(self, pid: str) -> str:
        """The display name a participant gave, or "" when they stayed anonymous."""
        person = self.state.participants.get(pid)
        return person.name if person else ""


def iso(ts: float | None) -> str | None:
    """A Unix time as ISO 8601 in UTC, to the second (``2026-11-24T09:30:00Z``)."""
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def day(ts: float) -> str:
    """The UTC date of a Unix time, ``2026-11-24``."""
    return datetime.fromtimestamp(ts, UTC).date().isoformat()


def slug(title: str) -> str:
    """A file-name-safe form of a title: lowercase ASCII words joined by hyphens."""
    ascii_ = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")
    return out[:MAX_SLUG].rstrip("-") or "workshop"


def filename(row: WorkshopRow, ext: str) -> str:
    """``our-neighbourhood-QKH4A7-2026-11-24.md``: title, join code, creation date (UTC)."""
    code = re.sub(r"[^A-Za-z0-9]", "", row.code)
    parts = [slug(row.title), code, day(row.created_at)]
    return "-".join(p for p in parts if p) + "." + ext
