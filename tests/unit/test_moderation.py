"""Pre-moderation and the spotlight, as pure functions: decide, apply, views, exports."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitator.core.errors import DomainError
from facilitator.core.state import replay
from facilitator.core.views import CONSOLE, PHONE, SCREEN, changes, snapshot, words_view
from facilitator.export import render
from facilitator.store.sqlite import WorkshopRow
from tests.unit.room import FAC, Room

MODERATED = [
    {"kind": "notes", "title": "Ideas", "prompt": "What could we do?",
     "options": {"moderate": True}},
    {"kind": "cluster", "title": "Themes", "prompt": "Group them"},
    {"kind": "vote", "title": "Vote", "prompt": "Pick"},
]
ROW = WorkshopRow(id="w1", code="QKH4A7", screen_key="s" * 24, console_key="c" * 32,
                  title="T", created_at=0.0)


class Mod(Room):
    def __init__(self, stages: list[dict] | None = None) -> None:
        super().__init__(stages or MODERATED)
        self.ana = self.join("Ana")
        self.ben = self.join("Ben")
        self.do(FAC, "start")

    def post(self, who, text: str) -> str:
        return f"n{self.do(who, 'post_note', {'text': text})[0].seq}"

    def emits(self, actor, name: str, payload=None) -> list:
        out = []
        for event in self.do(actor, name, payload):
            out += changes(self.state, event)
        return out


@pytest.fixture
def m() -> Mod:
    return Mod()


def audiences(emits: list) -> set[str]:
    return {e.audience for e in emits}


# -- pending notes -------------------------------------------------------------------------

def test_a_pending_note_reaches_only_the_console_and_its_author(m: Mod) -> None:
    emits = m.emits(m.ana, "post_note", {"text": "A bench by the bus stop"})
    assert audiences(emits) == {CONSOLE, m.ana.participant}
    note_id = f"n{m.state.seq}"
    assert m.state.notes[note_id].moderation == "pending"
    assert m.events[-1].data["pending"] is True  # the log says it was held
    assert snapshot(m.state, SCREEN)["notes"] == []
    console = snapshot(m.state, CONSOLE)["notes"]
    assert [(n["id"], n["moderation"]) for n in console] == [(note_id, "pending")]
    mine = snapshot(m.state, PHONE, m.ana.participant)["notes"]
    assert [(n["text"], n["moderation"]) for n in mine] == [("A bench by the bus stop",
                                                              "pending")]
    assert snapshot(m.state, PHONE, m.ben.participant)["notes"] == []


def test_the_ack_says_pending_and_an_unmoderated_stage_is_unchanged() -> None:
    from facilitator.core.commands import COMMANDS

    r = Mod()
    r.post(r.ana, "held")
    assert COMMANDS["post_note"].ack(r.events[-1:]) == {"note_id": f"n{r.state.seq}",
                                                       "moderation": "pending"}
    plain = Mod([{"kind": "notes", "prompt": "Say"}])
    emits = plain.emits(plain.ana, "post_note", {"text": "shown at once"})
    assert SCREEN in audiences(emits)
    note = plain.state.notes[f"n{plain.state.seq}"]
    assert note.moderation is None
    assert "moderation" not in snapshot(plain.state, CONSOLE)["notes"][0]
    assert COMMANDS["post_note"].ack(plain.events[-1:]) == {"note_id": note.id}


def test_approving_sends_the_note_to_the_screen_console_and_author(m: Mod) -> None:
    note = m.post(m.ana, "A bench")
    emits = m.emits(FAC, "approve_note", {"note_id": note})
    assert m.events[-1].type == "notes_approved" and m.events[-1].data == {"notes": [note]}
    assert {(e.audience, e.name) for e in emits} == {
        (CONSOLE, "note"), (m.ana.participant, "note"), (SCREEN, "note")}
    shown = next(e for e in emits if e.audience == SCREEN).payload["note"]
    assert shown["text"] == "A bench" and shown["name"] == "Ana" and "moderation" not in shown
    assert [n["id"] for n in snapshot(m.state, SCREEN)["notes"]] == [note]
    assert snapshot(m.state, PHONE, m.ana.participant)["notes"][0]["moderation"] == "approved"


@pytest.mark.parametrize("payload, sentence", [
    ({"note_id": "n999"}, "That note does not exist (it may have been deleted)."),
    ({}, "Something is missing from that request: 'note_id'."),
])
def test_approving_an_unknown_note_is_refused_with_a_sentence(m: Mod, payload, sentence) -> None:
    assert m.refused(FAC, "approve_note", payload) == sentence


def test_approving_twice_or_a_refused_or_unmoderated_note_is_refused(m: Mod) -> None:
    note = m.post(m.ana, "once")
    m.do(FAC, "approve_note", {"note_id": note})
    assert m.refused(FAC, "approve_note", {"note_id": note}) == "That note is already approved."
    other = m.post(m.ben, "rude")
    m.do(FAC, "hide_note", {"note_id": other})
    assert "Show it again first" in m.refused(FAC, "approve_note", {"note_id": other})
    assert m.refused(m.ana, "approve_note", {"note_id": note}) == \
        "Only the facilitator can do that."
    plain = Mod([{"kind": "notes", "prompt": "Say"}])
    shown = plain.post(plain.ana, "shown")
    assert "not moderated" in plain.refused(FAC, "approve_note", {"note_id": shown})


def test_approve_all_is_idempotent_and_approves_only_what_was_listed(m: Mod) -> None:
    a, b, c = m.post(m.ana, "one"), m.post(m.ben, "two"), m.post(m.ana, "three")
    m.do(FAC, "hide_note", {"note_id": c})  # refused: stays out of "approve all"
    m.do(FAC, "approve_all", {"note_ids": [a, "n999", a]})
    assert [m.state.notes[n].moderation for n in (a, b)] == ["approved", "pending"]
    m.do(FAC, "approve_all")
    assert m.events[-1].data == {"notes": [b]}
    before = [(n.id, n.moderation, n.hidden) for n in m.state.notes.values()]
    assert m.refused(FAC, "approve_all") == "No notes are waiting for approval."
    assert m.refused(FAC, "approve_all", {"note_ids": [a, b]}) == \
        "No notes are waiting for approval."
    assert [(n.id, n.moderation, n.hidden) for n in m.state.notes.values()] == before
    assert m.state.notes[c].moderation == "pending" and m.state.notes[c].hidden


def test_approve_all_sends_each_note_once_to_each_audience(m: Mod) -> None:
    ids = [m.post(m.ana, "one"), m.post(m.ben, "two")]
    emits = m.emits(FAC, "approve_all")
    screen = [e.payload["note"]["id"] for e in emits if e.audience == SCREEN]
    assert screen == ids
    assert [e.payload["note"]["id"] for e in emits if e.audience == m.ben.participant] == ids[1:]


def test_approving_many_at_once_sends_one_snapshot_to_screen_and_console() -> None:
    r = Mod([{"kind": "notes", "prompt": "Say",
              "options": {"moderate": True, "max_per_person": 50}}])
    ids = [r.post(r.ana if i % 2 else r.ben, f"idea {i}") for i in range(25)]
    emits = r.emits(FAC, "approve_all")
    to_room = [(e.audience, e.name) for e in emits if e.audience in (SCREEN, CONSOLE)]
    assert to_room == [(SCREEN, "snapshot"), (CONSOLE, "snapshot")]
    assert sum(1 for e in emits if e.audience == r.ana.participant) == 12
    assert [n["id"] for n in snapshot(r.state, SCREEN)["notes"]] == ids


def test_hiding_a_pending_note_refuses_it_and_tells_the_room_nothing(m: Mod) -> None:
    note = m.post(m.ana, "rude")
    emits = m.emits(FAC, "hide_note", {"note_id": note})
    assert audiences(emits) == {CONSOLE, m.ana.participant}
    assert m.state.notes[note].pending  # still never approved: in the log, refused
    assert snapshot(m.state, CONSOLE)["notes"][0]["hidden"] is True
    # "Show again" (or undo) puts it back in the queue, still off the screen
    emits = m.emits(FAC, "undo")
    assert audiences(emits) == {CONSOLE, m.ana.participant}
    assert snapshot(m.state, SCREEN)["notes"] == []
    m.do(FAC, "approve_note", {"note_id": note})
    assert [n["id"] for n in snapshot(m.state, SCREEN)["notes"]] == [note]


def test_editing_a_pending_note_stays_pending_and_an_approved_one_waits_again(m: Mod) -> None:
    note = m.post(m.ana, "first words")
    emits = m.emits(m.ana, "edit_note", {"note_id": note, "text": "better words"})
    assert audiences(emits) == {CONSOLE, m.ana.participant}
    m.do(FAC, "approve_note", {"note_id": note})
    emits = m.emits(m.ana, "edit_note", {"note_id": note, "text": "something else"})
    assert m.state.notes[note].moderation == "pending"
    assert (SCREEN, "note_removed") in {(e.audience, e.name) for e in emits}
    assert not any(e.audience == SCREEN and e.name == "note" for e in emits)
    assert snapshot(m.state, SCREEN)["notes"] == []


def test_pending_and_refused_notes_count_nowhere_in_the_room() -> None:
    r = Mod([{"kind": "notes", "prompt": "Say", "options": {"moderate": True, "silent": True}},
             MODERATED[1], {**MODERATED[2], "options": {"source": 0}}])
    a = r.post(r.ana, "library library")
    b = r.post(r.ben, "library garden")
    c = r.post(r.ana, "library again")
    assert snapshot(r.state, SCREEN)["silent_count"] == 0
    r.do(FAC, "hide_note", {"note_id": c})
    emits = r.emits(FAC, "approve_note", {"note_id": a})
    assert [e.payload["count"] for e in emits if e.name == "silent_count"] == [1]
    r.do(FAC, "reveal_notes")
    assert [n["id"] for n in snapshot(r.state, SCREEN)["notes"]] == [a]
    assert words_view(r.state)["words"] == []  # one approved note: no word twice
    r.do(FAC, "approve_note", {"note_id": b})
    assert words_view(r.state)["words"] == [["library", 2]]
    r.do(FAC, "unhide_note", {"note_id": c})  # back to pending: still not counted
    assert words_view(r.state)["words"] == [["library", 2]]
    d = r.post(r.ben, "still waiting")
    r.do(FAC, "next_stage")  # the cluster board: approved notes only, on every audience
    for audience in (SCREEN, CONSOLE):
        board = snapshot(r.state, audience)["board"]
        assert [n["id"] for n in board["ungrouped"]] == [a, b]
    assert "approve it first" in r.refused(FAC, "group_notes", {"note_ids": [d]})
    # approving during the cluster stage puts the note on the board at once
    emits = r.emits(FAC, "approve_note", {"note_id": d})
    assert {(e.audience, e.name) for e in emits} >= {(SCREEN, "snapshot"), (CONSOLE, "snapshot")}
    assert [n["id"] for n in snapshot(r.state, CONSOLE)["board"]["ungrouped"]] == [a, b, d]
    r.do(FAC, "next_stage")
    r.do(FAC, "open_vote")
    labels = [i["label"] for i in r.state.votes[2].items]
    assert labels == ["library library", "library garden", "still waiting"]  # never c


def test_vote_items_leave_out_pending_notes() -> None:
    r = Mod([MODERATED[0], MODERATED[2]])
    a = r.post(r.ana, "approved one")
    r.post(r.ben, "still pending")
    r.do(FAC, "approve_note", {"note_id": a})
    r.do(FAC, "next_stage")
    r.do(FAC, "open_vote")
    assert [i["id"] for i in r.state.votes[1].items] == [a]


# -- spotlight ----------------------------------------------------------------------------

def test_spotlight_puts_one_note_on_screen_and_back_to_the_wall(m: Mod) -> None:
    note = m.post(m.ana, "A bench")
    m.do(FAC, "approve_note", {"note_id": note})
    assert snapshot(m.state, SCREEN)["workshop"]["spotlight"] is None
    emits = m.emits(FAC, "spotlight", {"note_id": note})
    assert m.events[-1].type == "spotlight_changed"
    assert {(e.audience, e.name) for e in emits} == {(SCREEN, "stage"), (CONSOLE, "stage")}
    assert emits[0].payload["workshop"]["spotlight"] == {"id": note, "text": "A bench",
                                                         "name": "Ana"}
    assert m.refused(FAC, "spotlight", {"note_id": note}) == \
        "That note is already in the spotlight."
    m.do(FAC, "spotlight", {"note_id": None})
    assert snapshot(m.state, SCREEN)["workshop"]["spotlight"] is None
    assert m.refused(FAC, "spotlight", {"note_id": None}) == "Nothing is in the spotlight."
    assert m.refused(m.ana, "spotlight", {"note_id": note}) == \
        "Only the facilitator can do that."


def test_spotlight_never_shows_a_hidden_pending_or_private_note() -> None:
    r = Mod([{"kind": "notes", "prompt": "Say", "options": {"moderate": True, "silent": True}},
             {"kind": "notes", "prompt": "Again", "anonymous": True}])
    pending = r.post(r.ana, "waiting")
    assert "approve it first" in r.refused(FAC, "spotlight", {"note_id": pending})
    r.do(FAC, "approve_note", {"note_id": pending})
    assert "cannot see" in r.refused(FAC, "spotlight", {"note_id": pending})  # not revealed
    r.do(FAC, "reveal_notes")
    r.do(FAC, "spotlight", {"note_id": pending})
    assert r.state.spotlight == pending
    r.do(FAC, "next_stage")  # a new stage starts on the wall
    assert r.state.spotlight is None
    anon = r.post(r.ben, "no names here")
    r.do(FAC, "spotlight", {"note_id": anon})
    assert snapshot(r.state, SCREEN)["workshop"]["spotlight"] == {
        "id": anon, "text": "no names here", "name": ""}
    r.do(FAC, "hide_note", {"note_id": anon})
    assert "hidden" in r.refused(FAC, "spotlight", {"note_id": anon})
    assert r.refused(FAC, "spotlight", {"note_id": "n999"}).startswith("That note does not")


def test_hiding_or_deleting_the_spotlighted_note_clears_the_spotlight(m: Mod) -> None:
    a, b = m.post(m.ana, "one"), m.post(m.ben, "two")
    m.do(FAC, "approve_all")
    m.do(FAC, "spotlight", {"note_id": a})
    emits = m.emits(FAC, "hide_note", {"note_id": a})
    assert [e.type for e in m.events[-2:]] == ["note_hidden", "spotlight_changed"]
    assert (SCREEN, "stage") in {(e.audience, e.name) for e in emits}
    assert m.state.spotlight is None
    m.do(FAC, "undo")  # undo shows the note again; the spotlight stays off
    assert m.state.spotlight is None and not m.state.notes[a].hidden
    m.do(FAC, "spotlight", {"note_id": b})
    m.do(m.ben, "delete_note", {"note_id": b})
    assert m.state.spotlight is None and m.events[-1].type == "spotlight_changed"
    m.do(FAC, "spotlight", {"note_id": a})
    m.do(m.ana, "edit_note", {"note_id": a, "text": "changed"})  # waits for approval again
    assert m.state.spotlight is None


def test_editing_the_spotlighted_note_updates_the_screen() -> None:
    r = Mod([{"kind": "notes", "prompt": "Say"}])
    note = r.post(r.ana, "first")
    r.do(FAC, "spotlight", {"note_id": note})
    emits = r.emits(r.ana, "edit_note", {"note_id": note, "text": "second"})
    stage = [e for e in emits if e.audience == SCREEN and e.name == "stage"]
    assert stage and stage[0].payload["workshop"]["spotlight"]["text"] == "second"


# -- replay --------------------------------------------------------------------------------

ACTIONS = st.lists(st.tuples(
    st.sampled_from(["post", "edit", "delete", "approve", "approve_all", "hide", "unhide",
                     "spotlight", "clear", "undo"]),
    st.integers(0, 5), st.booleans()), max_size=25)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ACTIONS)
def test_replay_gives_the_same_state_and_views(actions) -> None:
    r = Mod()
    for action, i, who_ana in actions:
        who = r.ana if who_ana else r.ben
        ids = list(r.state.notes)
        note = ids[i % len(ids)] if ids else "n1"
        name, payload, actor = {
            "post": ("post_note", {"text": f"note {i}"}, who),
            "edit": ("edit_note", {"note_id": note, "text": f"edit {i}"}, who),
            "delete": ("delete_note", {"note_id": note}, who),
            "approve": ("approve_note", {"note_id": note}, FAC),
            "approve_all": ("approve_all", {}, FAC),
            "hide": ("hide_note", {"note_id": note}, FAC),
            "unhide": ("unhide_note", {"note_id": note}, FAC),
            "spotlight": ("spotlight", {"note_id": note}, FAC),
            "clear": ("spotlight", {"note_id": None}, FAC),
            "undo": ("undo", {}, FAC),
        }[action]
        try:
            r.do(actor, name, payload)
        except DomainError:
            pass
        # the room never sees a pending note, whatever happened
        assert all(not r.state.notes[n["id"]].pending
                   for n in snapshot(r.state, SCREEN)["notes"])
        spot = snapshot(r.state, SCREEN)["workshop"]["spotlight"]
        assert spot is None or not (r.state.notes[spot["id"]].pending
                                    or r.state.notes[spot["id"]].hidden)
    again = replay(r.events)
    assert again.spotlight == r.state.spotlight
    assert [(n.id, n.moderation, n.hidden, n.text) for n in again.notes.values()] == \
        [(n.id, n.moderation, n.hidden, n.text) for n in r.state.notes.values()]
    for audience, who in ((SCREEN, None), (CONSOLE, None), (PHONE, r.ana.participant)):
        assert snapshot(again, audience, who) == snapshot(r.state, audience, who)


# -- exports -------------------------------------------------------------------------------

@pytest.fixture
def harvested() -> tuple[Mod, dict[str, str]]:
    r = Mod([MODERATED[0], {"kind": "notes", "prompt": "Plain"}])
    ids = {"approved": r.post(r.ana, "Approved words"),
           "pending": r.post(r.ben, "Never looked at"),
           "refused": r.post(r.ana, "Refused words")}
    r.do(FAC, "approve_note", {"note_id": ids["approved"]})
    r.do(FAC, "hide_note", {"note_id": ids["refused"]})
    r.do(FAC, "next_stage")
    ids["plain"] = r.post(r.ben, "Not moderated")
    return r, ids


def test_csv_and_json_say_which_notes_were_never_approved(harvested) -> None:
    r, ids = harvested
    rows = list(csv.DictReader(io.StringIO(render("csv", ROW, r.events).body, newline="")))
    assert {row["note_id"]: row["moderation"] for row in rows} == {
        ids["approved"]: "approved", ids["pending"]: "pending", ids["refused"]: "refused",
        ids["plain"]: ""}
    data = json.loads(render("json", ROW, r.events).body)
    assert {n["id"]: n["moderation"] for n in data["notes"]} == {
        ids["approved"]: "approved", ids["pending"]: "pending", ids["refused"]: "refused",
        ids["plain"]: None}
    assert [s["moderated"] for s in data["workshop"]["stages"]] == [True, False]


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_reports_list_what_never_reached_the_screen(harvested, fmt: str) -> None:
    r, _ids = harvested
    body = render(fmt, ROW, r.events).body
    assert "Not shown on the screen" in body
    assert body.count("Not shown on the screen") == 1  # the plain stage has no such section
    assert "waiting for the facilitator's approval" in body and "Never looked at" in body
    assert "1 note was refused by the facilitator." in body
    assert "Refused words" not in body  # refused text is not quoted, like hidden notes
    assert "Approved words" in body and "Not moderated" in body
    assert "Moderated: notes reached the screen only once" in body
    head, _, tail = body.partition("Not shown on the screen")
    assert "Approved words" in head and "Never looked at" in tail
    if fmt == "md":
        assert "and wrote 2 notes." in body  # what the room saw
