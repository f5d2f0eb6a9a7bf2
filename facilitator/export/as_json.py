"""The JSON export: the final state for reading, and every event for replaying."""

from __future__ import annotations

import json
from typing import Any

from facilitator.core.state import Note
from facilitator.export.harvest import Harvest, iso

FORMAT = "facilitator-export"
VERSION = 1


def _note(note: Note) -> dict[str, Any]:
    return {"id": note.id, "stage": note.stage, "author": note.author, "text": note.text,
            "posted_at": iso(note.posted_at), "edited_at": iso(note.edited_at),
            "hidden": note.hidden, "hidden_by": note.hidden_by,
            "hidden_at": iso(note.hidden_at)}


def to_data(harvest: Harvest) -> dict[str, Any]:
    """The export as plain data; deleted notes are left out of ``notes`` (not of ``events``)."""
    state = harvest.state
    return {
        "format": FORMAT,
        "version": VERSION,
        "workshop": {
            "title": harvest.title,
            "code": harvest.code,
            "created_at": iso(harvest.created_at),
            "status": state.status,
            "stages": [{"index": s.index, "kind": s.stage.kind, "title": s.stage.title,
                        "prompt": s.stage.prompt, "duration": s.stage.duration}
                       for s in harvest.stages],
        },
        "participants": [{"id": p.id, "name": p.name} for p in state.participants.values()],
        "notes": [_note(n) for n in harvest.notes],
        "events": [e.to_dict() for e in harvest.events],
    }


def render(harvest: Harvest) -> str:
    """Pretty-printed UTF-8 JSON (non-ASCII text kept as it is)."""
    return json.dumps(to_data(harvest), ensure_ascii=False, indent=2) + "\n"
