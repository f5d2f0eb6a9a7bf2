"""A realistic workshop run through the Service, for the store and migration tests: a ready
plan (notes, then a dot vote on them), three phones joining with device tokens, notes, a
hidden note, votes, an attached photo, an undo, the end of the workshop."""

from __future__ import annotations

import io

from PIL import Image

from facilitator.core.commands import PARTICIPANT, VISITOR, Actor
from facilitator.core.plan import load_plan
from facilitator.core.state import FACILITATOR
from facilitator.photos import clean
from facilitator.store import WorkshopRow

PLAN = {
    "title": "Neighbourhood evening",
    "stages": [
        {"kind": "notes", "title": "Ideas", "prompt": "What would make our street better?"},
        {"kind": "vote", "title": "Priorities", "prompt": "What first?",
         "options": {"dots": 2}},
    ],
}
FAC = Actor(FACILITATOR)


def photo_bytes() -> bytes:
    image = Image.new("RGB", (64, 48), (40, 120, 200))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return clean(out.getvalue()).data


def run_workshop(service, title: str = PLAN["title"]) -> WorkshopRow:  # type: ignore[no-untyped-def]
    row = service.create_workshop(load_plan({**PLAN, "title": title}))

    def ok(actor: Actor, name: str, payload: dict | None = None, client_id: str | None = None):
        result = service.handle(row.id, actor, name, payload or {}, client_id)
        assert result.ok, (name, result.error)
        return result

    ok(FAC, "start")
    people = []
    for i, name in enumerate(["Zoë Ånström", "Omar Bright", ""]):
        joined = ok(Actor(VISITOR), "join", {"name": name, "token": f"device-token-{i:08d}"},
                    client_id=f"join-{i}")
        people.append(Actor(PARTICIPANT, joined.extra["participant"]["participant"]))
    notes = []
    for i, text in enumerate(["More trees \u00e9t\u00e9 \U0001f333", "Safer crossings",
                              "A library <b>not bold</b>", "Bike lanes", "RANT"]):
        result = ok(people[i % 3], "post_note", {"text": text}, client_id=f"note-{i}")
        notes.append(f"n{result.seq}")
    ok(FAC, "hide_note", {"note_id": notes[-1]})
    ok(FAC, "next_stage")
    opened = ok(FAC, "open_vote")
    del opened
    items = [e for e in service.store.events(row.id) if e.type == "vote_opened"][0].data["items"]
    ids = [item["id"] for item in items]
    for person, item in zip(people * 2, ids * 2, strict=False):
        ok(person, "place_dot", {"item_id": item}, client_id=f"dot-{person.id}-{item}")
    ok(FAC, "close_vote")
    service.store.put_file(row.id, "p" * 30, "image/jpeg", photo_bytes())
    ok(FAC, "end_workshop")
    return row
