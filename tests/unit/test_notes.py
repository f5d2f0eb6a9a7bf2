"""The notes activity and workshop flow, as pure functions: decide, apply, views."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.core.commands import PARTICIPANT, VISITOR, Actor, decide
from facilitator.core.errors import DomainError
from facilitator.core.plan import load_plan
from facilitator.core.state import FACILITATOR, Event, apply, replay
from facilitator.core.views import CONSOLE, SCREEN, changes, snapshot

PLAN = {"title": "T", "stages": [
    {"kind": "notes", "prompt": "First", "options": {"max_length": 50, "max_per_person": 3}},
    {"kind": "notes", "prompt": "Second"},
]}
FAC = Actor(FACILITATOR)


class Workshop:
    """A log and its state, driven only through decide/apply, as the service does."""

    def __init__(self) -> None:
        self.events = [Event(1, "workshop_created", FACILITATOR, 0.0,
                             {"plan": load_plan(PLAN).to_dict(), "code": "ABCDEF"})]
        self.state = replay(self.events)
        self.now = 1.0

    def do(self, actor: Actor, name: str, payload=None) -> list[Event]:
        drafts = decide(self.state, actor, name, payload or {}, self.now)
        out = []
        for d in drafts:
            author = d.data["participant"] if name == "join" else actor.id
            event = Event(self.state.seq + 1, d.type, author, self.now, d.data)
            apply(self.state, event)
            self.events.append(event)
            out.append(event)
        self.now += 1
        return out

    def join(self, name: str = "") -> Actor:
        event = self.do(Actor(VISITOR), "join", {"name": name})[0]
        return Actor(PARTICIPANT, event.data["participant"])

    def post(self, who: Actor, text: str, **extra) -> str:
        return f"n{self.do(who, 'post_note', {'text': text, **extra})[0].seq}"

    def refused(self, actor: Actor, name: str, payload=None) -> str:
        before = (self.state.seq, len(self.events))
        with pytest.raises(DomainError) as err:
            self.do(actor, name, payload)
        assert (self.state.seq, len(self.events)) == before
        return err.value.message


@pytest.fixture
def w() -> Workshop:
    return Workshop()


def test_join_is_anonymous_by_default(w) -> None:
    sam, anon = w.join("  Sam  "), w.join()
    assert w.state.participants[sam.participant].name == "Sam"
    assert w.state.participants[anon.participant].name == ""
    assert sam.participant != anon.participant


def test_cannot_post_before_start(w) -> None:
    sam = w.join()
    assert "not started" in w.refused(sam, "post_note", {"text": "hi"})


def test_post_edit_delete_own_note(w) -> None:
    sam = w.join("Sam")
    w.do(FAC, "start")
    nid = w.post(sam, "  The library  ")
    assert w.state.notes[nid].text == "The library"
    w.do(sam, "edit_note", {"note_id": nid, "text": "The central library"})
    assert w.state.notes[nid].text == "The central library"
    assert w.state.notes[nid].edited_at is not None
    w.do(sam, "delete_note", {"note_id": nid})
    assert w.state.notes[nid].deleted
    assert snapshot(w.state, "phone", sam.participant)["notes"] == []


@pytest.mark.parametrize(("payload", "says"), [
    ({"text": ""}, "empty"),
    ({"text": "   \n\t "}, "empty"),
    ({"text": "x" * 51}, "too long: 51 characters, and the limit is 50"),
    ({"text": 42}, "'text' must be text"),
    ({"text": ["a"]}, "'text' must be text"),
    ({}, "missing"),
    ({"text": "hi", "stage": "0"}, "'stage' must be a whole number"),
    ({"text": "hi", "stage": 1}, "That step has finished"),
])
def test_bad_notes_are_refused_with_a_reason(w, payload, says) -> None:
    sam = w.join()
    w.do(FAC, "start")
    assert says in w.refused(sam, "post_note", payload)


def test_payload_must_be_an_object(w) -> None:
    sam = w.join()
    w.do(FAC, "start")
    assert "expected an object" in w.refused(sam, "post_note", "hello")


def test_control_characters_are_removed(w) -> None:
    sam = w.join()
    w.do(FAC, "start")
    nid = w.post(sam, "a\x00b\x1b[31mc\r\nd")
    assert w.state.notes[nid].text == "ab[31mc\nd"


def test_per_person_limit(w) -> None:
    sam, kim = w.join(), w.join()
    w.do(FAC, "start")
    for i in range(3):
        w.post(sam, f"note {i}")
    assert "3 notes" in w.refused(sam, "post_note", {"text": "one more"})
    w.post(kim, "others still can")


def test_locked_stage_refuses_posts_and_edits(w) -> None:
    sam = w.join()
    w.do(FAC, "start")
    nid = w.post(sam, "before the lock")
    w.do(FAC, "lock_input")
    assert "paused" in w.refused(sam, "post_note", {"text": "during"})
    assert "closed" in w.refused(sam, "edit_note", {"note_id": nid, "text": "x"})
    assert "already locked" in w.refused(FAC, "lock_input")
    w.do(FAC, "unlock_input")
    w.post(sam, "after")


def test_notes_of_a_past_stage_cannot_change(w) -> None:
    sam = w.join()
    w.do(FAC, "start")
    nid = w.post(sam, "first stage")
    w.do(FAC, "next_stage")
    assert "closed" in w.refused(sam, "edit_note", {"note_id": nid, "text": "x"})
    assert "closed" in w.refused(sam, "delete_note", {"note_id": nid})
    assert "finished" in w.refused(sam, "post_note", {"text": "late", "stage": 0})
    assert w.state.notes[w.post(sam, "second", stage=1)].stage == 1


def test_someone_elses_note(w) -> None:
    sam, kim = w.join(), w.join()
    w.do(FAC, "start")
    nid = w.post(sam, "mine")
    assert "your own" in w.refused(kim, "edit_note", {"note_id": nid, "text": "x"})
    assert "your own" in w.refused(kim, "delete_note", {"note_id": nid})
    assert "does not exist" in w.refused(kim, "delete_note", {"note_id": "n999"})


def test_roles(w) -> None:
    sam = w.join()
    assert w.refused(sam, "start") == "Only the facilitator can do that."
    assert w.refused(sam, "hide_note", {"note_id": "n1"}) == "Only the facilitator can do that."
    assert "join the workshop first" in w.refused(Actor(VISITOR), "post_note", {"text": "hi"})
    assert "Unknown action" in w.refused(sam, "drop_tables")
    assert "not available" in w.refused(FAC, "post_note", {"text": "hi"})


def test_hide_keeps_the_note_in_the_log_but_off_screen_and_phone(w) -> None:
    sam = w.join("Sam")
    w.do(FAC, "start")
    nid = w.post(sam, "something personal")
    event = w.do(FAC, "hide_note", {"note_id": nid})[0]
    note = w.state.notes[nid]
    assert (note.hidden, note.hidden_by, note.hidden_at) == (True, FACILITATOR, event.at)
    assert snapshot(w.state, SCREEN)["notes"] == []
    assert snapshot(w.state, "phone", sam.participant)["notes"] == []
    assert snapshot(w.state, CONSOLE)["notes"][0]["hidden"] is True
    audiences = {e.audience for e in changes(w.state, event) if e.name == "note_removed"}
    assert audiences == {SCREEN, sam.participant}
    assert "hidden" in w.refused(sam, "edit_note", {"note_id": nid, "text": "x"})
    w.do(FAC, "unhide_note", {"note_id": nid})
    assert [n["id"] for n in snapshot(w.state, SCREEN)["notes"]] == [nid]


def test_a_note_goes_to_screen_console_and_author_only(w) -> None:
    sam = w.join()
    w.join()
    w.do(FAC, "start")
    event = w.do(sam, "post_note", {"text": "hi"})[0]
    assert {e.audience for e in changes(w.state, event)} == {SCREEN, CONSOLE, sam.participant}


def test_screen_shows_names_only_when_given(w) -> None:
    sam, anon = w.join("Sam"), w.join()
    w.do(FAC, "start")
    w.post(sam, "named")
    w.post(anon, "anonymous")
    names = {n["text"]: n["name"] for n in snapshot(w.state, SCREEN)["notes"]}
    assert names == {"named": "Sam", "anonymous": ""}
    assert all("author" not in n for n in snapshot(w.state, SCREEN)["notes"])


def test_stage_flow(w) -> None:
    assert "first stage" in w.refused(FAC, "prev_stage")
    w.do(FAC, "start")
    assert "already started" in w.refused(FAC, "start")
    w.do(FAC, "next_stage")
    assert "last stage" in w.refused(FAC, "next_stage")
    w.do(FAC, "prev_stage")
    assert w.state.stage_index == 0
    w.do(FAC, "end_workshop")
    sam = w.join() if False else None
    assert "ended" in w.refused(Actor(VISITOR), "join")
    assert sam is None
    w.do(FAC, "reopen_workshop")
    assert w.state.status == "running"


# -- invariants over any sequence of actions -------------------------------------------------

ACTIONS = st.lists(st.tuples(
    st.sampled_from(["join", "post_note", "edit_note", "delete_note", "hide_note",
                     "unhide_note", "start", "next_stage", "prev_stage", "lock_input",
                     "unlock_input", "end_workshop", "reopen_workshop"]),
    st.integers(0, 4), st.integers(0, 30), st.text(max_size=60)), max_size=60)


@settings(max_examples=150, deadline=None)
@given(ACTIONS)
def test_any_sequence_keeps_the_state_consistent_and_replayable(actions) -> None:
    w = Workshop()
    people: list[Actor] = []
    for name, who, target, text in actions:
        actor = FAC
        if name == "join":
            actor = Actor(VISITOR)
        elif name in ("post_note", "edit_note", "delete_note") and people:
            actor = people[who % len(people)]
        payload = {"text": text, "note_id": f"n{target}", "name": text[:40]}
        try:
            out = w.do(actor, name, payload)
        except DomainError:
            continue
        if name == "join":
            people.append(Actor(PARTICIPANT, out[0].data["participant"]))
    s = w.state
    # the fold is deterministic: replaying the log gives the same state
    assert replay(w.events) == s
    for note in s.notes.values():
        assert note.author in s.participants
        assert 0 < len(note.text) <= 280 and note.text == note.text.strip()
        assert note.id in s.notes_by_author[note.author]
    screen_ids = {n["id"] for n in snapshot(s, SCREEN)["notes"]}
    assert all(not s.notes[i].hidden and not s.notes[i].deleted for i in screen_ids)
    for p in people:
        mine = snapshot(s, "phone", p.participant)["notes"]
        assert all(s.notes[n["id"]].author == p.participant for n in mine)
