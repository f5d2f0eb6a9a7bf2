"""Check-in and check-out rounds (facilitator/activities/checkin.py): one short answer each,
changeable while the round is open, shown on the projector as words or as a wall."""

from __future__ import annotations

from room import FAC, Room

from facilitator.core.views import CONSOLE, SCREEN, snapshot


def checkin_room(people: int = 3, **options) -> tuple[Room, list]:
    room = Room([{"kind": "notes", "prompt": "Ideas"},
                 {"kind": "checkin", "prompt": "One word for how you leave", "options": options}])
    actors = [room.join(f"P{i}") for i in range(people)]
    room.do(FAC, "start")
    room.do(FAC, "next_stage")
    return room, actors


def test_one_short_answer_each_changeable_while_open() -> None:
    room, (ann, bob, _cy) = checkin_room(round="out", max_length=20)
    note = room.do(ann, "post_note", {"text": "Hopeful"})[0]
    assert "answered already" in room.refused(ann, "post_note", {"text": "Tired"})
    assert "too long" in room.refused(bob, "post_note", {"text": "x" * 21})
    assert room.refused(bob, "post_note", {"text": "   "})
    nid = f"n{note.seq}"
    room.do(ann, "edit_note", {"note_id": nid, "text": "Hopeful, energised"})
    phone = snapshot(room.state, "phone", ann.participant)["checkin"]
    assert phone["mine"] == {"id": nid, "text": "Hopeful, energised"}
    assert phone["round"] == "out"
    assert snapshot(room.state, "phone", bob.participant)["checkin"]["mine"] is None
    room.do(ann, "delete_note", {"note_id": nid})
    room.do(ann, "post_note", {"text": "Grateful"})  # deleted: may answer again
    assert snapshot(room.state, CONSOLE)["checkin"] == {
        "round": "out", "view": "words", "max_length": 20, "answered": 1, "people": 3}


def test_the_projector_shows_words_said_once_or_the_wall() -> None:
    room, people = checkin_room()
    for p, word in zip(people, ["curious", "tired", "curious"], strict=True):
        room.do(p, "post_note", {"text": word})
    screen = snapshot(room.state, SCREEN)
    assert screen["workshop"]["screen_view"] == "words"
    assert screen["words"]["words"] == [["curious", 2], ["tired", 1]]  # once is enough
    assert screen["checkin"]["answered"] == 3
    wall, people = checkin_room(view="wall")
    wall.do(people[0], "post_note", {"text": "Ready"})
    screen = snapshot(wall.state, SCREEN)
    assert screen["workshop"]["screen_view"] == "wall"
    assert [n["text"] for n in screen["notes"]] == ["Ready"]


def test_a_hidden_answer_leaves_the_screen_and_refusals_change_nothing() -> None:
    room, (ann, bob, _cy) = checkin_room()
    nid = f"n{room.do(ann, 'post_note', {'text': 'Anxious about Sam'})[0].seq}"
    room.do(FAC, "hide_note", {"note_id": nid})
    assert "Anxious" not in str(snapshot(room.state, SCREEN))
    assert "only change your own" in room.refused(bob, "edit_note",
                                                  {"note_id": nid, "text": "x"})
    room.do(FAC, "lock_input")
    assert "paused writing" in room.refused(bob, "post_note", {"text": "Calm"})
