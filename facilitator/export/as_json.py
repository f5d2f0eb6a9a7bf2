"""The JSON export: the final state for reading, and every event for replaying.

Each stage says whether it was ``anonymous`` to the room, and whether it was written
``silent``-ly and then ``revealed`` (``null`` for a stage that was not silent). A note's
``name`` is "" in an anonymous stage (its ``author`` id stays). ``themes`` has one entry per
cluster stage, ``votes`` one per vote stage that was opened, with ``Vote.results()``,
``cafes`` one per World Café stage that held a round (rounds, tables and table numbers from 0
here, like stage indexes); ``openspaces`` the book of proceedings of each Open Space stage and
``adoptions`` who took the top priorities forward; ``inquiry`` one per Appreciative Inquiry
stage (export/inquiry.py: consented stories only; ``events`` keep an unshared story's event
without its words, themes, propositions with dots, design statements, commitments with owners
and dates, teams with members). A café note has its ``round`` and ``table`` (``null``
otherwise). A note of a ``moderated`` stage has its ``moderation``: "approved", "pending"
(never approved: the room never saw it) or "refused" (hidden before approval); ``null`` in a
stage that was not moderated.
"""

from __future__ import annotations

import json
from typing import Any

from facilitator.core.state import Note
from facilitator.export.harvest import Harvest, StageNotes, iso
from facilitator.export.inquiry import redacted_events

FORMAT = "facilitator-export"
VERSION = 1


def _note(harvest: Harvest, note: Note) -> dict[str, Any]:
    return {"id": note.id, "stage": note.stage, "author": note.author,
            "name": harvest.note_name(note), "text": note.text,
            "posted_at": iso(note.posted_at), "edited_at": iso(note.edited_at),
            "hidden": note.hidden, "hidden_by": note.hidden_by,
            "hidden_at": iso(note.hidden_at), "round": note.round, "table": note.table,
            "moderation": harvest.moderation(note) or None}


def _stage(s: StageNotes) -> dict[str, Any]:
    return {"index": s.index, "kind": s.stage.kind, "title": s.stage.title,
            "prompt": s.stage.prompt, "duration": s.stage.duration,
            "anonymous": s.anonymous, "silent": s.silent, "moderated": s.moderated,
            "revealed": s.revealed if s.silent else None}


def _themes(s: StageNotes) -> dict[str, Any]:
    assert s.themes is not None
    return {"stage": s.index, "source": s.themes.source,
            "themes": [{"id": t.id, "name": t.name, "count": t.count,
                        "notes": [{"id": n.id, "text": n.text} for n in t.notes]}
                       for t in s.themes.themes],
            "ungrouped": [{"id": n.id, "text": n.text} for n in s.themes.ungrouped]}


def _vote(s: StageNotes) -> dict[str, Any]:
    assert s.vote is not None
    v = s.vote
    return {"stage": s.index, "closed": v.closed, "dots": v.dots,
            "allow_multiple": v.allow_multiple, "hidden": v.hidden, "voters": v.voters,
            "results": [dict(r) for r in v.results]}


def _cafe(s: StageNotes) -> dict[str, Any]:
    """A café's rounds as run: per table the host and members (names or anonymous labels),
    the question, the notes (ids and text) and the host's summary; and the seating's mix."""
    assert s.cafe is not None
    return {"stage": s.index, "repeated_pairs": s.cafe.repeats,
            "fewest_repeated_pairs": s.cafe.fewest,
            "new_encounter_share": [round(x, 3) for x in s.cafe.new_share],
            "rounds": [{"round": tables[0].round if tables else 0, "tables": [
                {"table": t.table, "question": t.question, "host": t.host or None,
                 "members": t.members, "summary": t.summary or None,
                 "notes": [{"id": n.id, "text": n.text} for n in t.notes],
                 "photos": t.photos}
                for t in tables]} for tables in s.cafe.rounds]}


def _asset_map(harvest: Harvest) -> dict[str, Any] | None:
    """The asset map (docs/activities/assets.md): the shareable inventory, what the room saw
    by category and kind, and the agreed connections; ``null`` without an asset map."""
    from facilitator.export import asset_inventory as inv

    if not inv.has_map(harvest.state):
        return None
    return {"inventory": inv.inventory(harvest.state), "map": inv.summary(harvest.state)}


def _openspace(s: StageNotes) -> dict[str, Any]:
    """An Open Space's book of proceedings: theme, grid, each session's report with its
    attendance count, unplaced topics, merges, and the action plan."""
    assert s.openspace is not None
    book = s.openspace

    def session(x: Any) -> dict[str, Any]:
        return {"id": x.id, "title": x.title, "titles": x.titles, "conveners": x.conveners,
                "space": x.space or None, "slot": x.slot or None, "attended": x.attended,
                "names": x.names, "key_points": x.points,
                "recommendations": x.recommendations,
                "actions": [{"text": a, "owner": o, "due": d} for a, o, d in x.actions],
                "answers": [{"question": q, "answers": texts} for q, texts in x.answers],
                "contacts": [{"name": n, "contact": c} for n, c in x.contacts],
                "merged_by_override": x.merged_by_override}

    return {"stage": s.index, "theme": book.theme, "spaces": book.spaces, "slots": book.slots,
            "sessions": [session(x) for x in book.sessions],
            "unplaced": [session(x) for x in book.unplaced], "merges": book.merges,
            "actions": [{"session": t, "text": a, "owner": o, "due": d}
                        for t, a, o, d in book.actions]}


def to_data(harvest: Harvest) -> dict[str, Any]:
    """The export as plain data; deleted notes are left out of ``notes`` (not of ``events``),
    hidden ones out of ``themes``."""
    state = harvest.state
    return {
        "format": FORMAT,
        "version": VERSION,
        "workshop": {
            "title": harvest.title,
            "code": harvest.code,
            "created_at": iso(harvest.created_at),
            "status": state.status,
            "stages": [_stage(s) for s in harvest.stages],
        },
        "participants": [{"id": p.id, "name": p.name} for p in state.participants.values()],
        "notes": [_note(harvest, n) for n in harvest.notes],
        "themes": [_themes(s) for s in harvest.stages if s.themes is not None],
        "votes": [_vote(s) for s in harvest.stages if s.vote is not None],
        "cafes": [_cafe(s) for s in harvest.stages if s.cafe is not None],
        "asset_map": _asset_map(harvest),
        "openspaces": [_openspace(s) for s in harvest.stages if s.openspace is not None],
        "adoptions": [{"stage": s.index, "items": s.adopt.items}
                      for s in harvest.stages if s.adopt is not None],
        "inquiry": [s.inquiry for s in harvest.stages if s.inquiry is not None],
        "events": redacted_events(state, harvest.events),
    }


def render(harvest: Harvest) -> str:
    """Pretty-printed UTF-8 JSON (non-ASCII text kept as it is)."""
    return json.dumps(to_data(harvest), ensure_ascii=False, indent=2) + "\n"
