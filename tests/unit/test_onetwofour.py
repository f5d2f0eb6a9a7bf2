"""Pure tests of the 1-2-4-All activity: steps, timers, shared notes, late arrivals, ideas."""

import pytest
from room import FAC, Room

from facilitator.activities.onetwofour import otf
from facilitator.core.state import replay
from facilitator.core.views import CONSOLE, SCREEN, snapshot

OTF = {"kind": "onetwofour", "prompt": "What made it possible?",
       "options": {"alone_minutes": 1, "pairs_minutes": 2, "fours_minutes": 3, "all_minutes": 5}}
AFTER = [{"kind": "cluster", "prompt": "Themes"}, {"kind": "vote", "prompt": "Priorities"}]


def room_of(n: int, timer: str = "auto"):
    room = Room([{**OTF, "timer": timer}, *AFTER])
    actors = [room.join(f"P{i}" if i % 2 else "") for i in range(n)]
    room.do(FAC, "start")
    return room, actors


def phone(room, actor) -> dict:
    return snapshot(room.state, "phone", actor.participant)["onetwofour"]


def test_each_step_starts_its_own_timer() -> None:
    room, _ = room_of(4)
    t = room.state.timer
    assert t.running and t.ends_at == room.now + 60 and t.duration == 60
    room.now += 70
    room.do(FAC, "otf_form_pairs")
    assert room.state.timer.running and room.state.timer.ends_at == room.now + 120
    room.do(FAC, "otf_form_fours")
    assert room.state.timer.ends_at == room.now + 180
    room.do(FAC, "timer_reset")  # resets to the step's own length
    assert room.state.timer.duration == 180 and not room.state.timer.running
    room.do(FAC, "otf_all")
    assert room.state.timer.ends_at == room.now + 300


def test_manual_timer_waits_for_start() -> None:
    room, _ = room_of(4, timer="manual")
    assert not room.state.timer.running
    room.do(FAC, "otf_form_pairs")
    assert not room.state.timer.running and room.state.timer.remaining == 120
    room.do(FAC, "timer_start")
    assert room.state.timer.ends_at == room.now + 120


def test_nine_people_pairs_with_a_trio_then_fours_and_the_ideas_on_screen() -> None:
    room, actors = room_of(9)
    assert phone(room, actors[0])["phase"] == "one"
    room.do(actors[0], "otf_jot", {"text": "my own idea"})
    assert phone(room, actors[0])["jot"] == "my own idea"
    assert phone(room, actors[1])["jot"] == ""  # private
    room.do(FAC, "otf_form_pairs")
    g = otf(room.state, 0).grouping
    assert sorted(len(p) for p in g.pairs) == [2, 2, 2, 3]
    me = phone(room, actors[0])["pair"]
    assert me["number"] == g.pair_of(actors[0].participant) + 1
    assert me["sign"]["label"] and me["size"] in (2, 3)
    # a pair's note from either phone; both see the last save
    mate = next(a for a in actors if a.participant in g.pairs[me["number"] - 1]
                and a != actors[0])
    room.do(actors[0], "otf_write", {"group": "pair", "text": "first"})
    room.do(mate, "otf_write", {"group": "pair", "text": "second"})
    assert phone(room, actors[0])["pair"]["note"]["text"] == "second"
    assert phone(room, mate)["pair"]["note"] == {"text": "second", "mine": True,
                                                 "at": room.now}
    room.do(FAC, "otf_form_fours")
    g = otf(room.state, 0).grouping
    assert sorted(len(f) for f in g.fours) == [4, 5]
    assert "ideas" not in snapshot(room.state, SCREEN)["onetwofour"]
    for four in g.fours:
        writer = next(a for a in actors if a.participant == four[-1])
        room.do(writer, "otf_write", {"group": "four", "text": f"idea of {four[0]}"})
    assert snapshot(room.state, SCREEN)["notes"] == []  # not for the room before "All"
    room.do(FAC, "otf_all")
    screen = snapshot(room.state, SCREEN)
    ideas = screen["onetwofour"]["ideas"]
    assert [i["text"] for i in ideas] == [f"idea of {f[0]}" for f in g.fours]
    assert [i["four"] for i in ideas] == [1, 2]
    assert all("name" not in i for i in ideas)
    assert {n["text"] for n in screen["notes"]} == {i["text"] for i in ideas}
    assert all(n["name"] == "" for n in screen["notes"])  # a group's idea, not a person's
    # the ideas are notes of the stage: themes and a vote take them like any notes
    room.do(FAC, "next_stage")
    room.do(FAC, "group_notes", {"note_ids": [ideas[0]["id"]], "name": "Trust"})
    room.do(FAC, "next_stage")
    room.do(FAC, "open_vote")
    items = snapshot(room.state, "phone", actors[0].participant)["vote"]["items"]
    assert [i["label"] for i in items] == ["Trust"]
    assert replay(room.events).notes.keys() == room.state.notes.keys()


def test_refusals_change_nothing() -> None:
    room, actors = room_of(3)
    a = actors[0]
    assert "already" not in room.refused(FAC, "otf_form_fours")
    assert room.refused(FAC, "otf_all") == "Form the fours first."
    assert "not been formed" in room.refused(a, "otf_write", {"group": "pair", "text": "x"})
    assert "shared note" in room.refused(a, "post_note", {"text": "x"})
    room.do(FAC, "otf_form_pairs")
    assert "already" in room.refused(FAC, "otf_form_pairs")
    assert "fours have not" in room.refused(a, "otf_write", {"group": "four", "text": "x"})
    assert "pair or a four" in room.refused(a, "otf_write", {"group": "table", "text": "x"})
    assert "empty" in room.refused(a, "otf_write", {"group": "pair", "text": "  "})
    assert "too long" in room.refused(a, "otf_write", {"group": "pair", "text": "x" * 501})
    assert "facilitator" in room.refused(a, "otf_form_fours").lower()
    room.do(FAC, "otf_form_fours")
    assert "over" in room.refused(a, "otf_write", {"group": "pair", "text": "x"})
    room.do(FAC, "lock_input")
    assert "paused" in room.refused(a, "otf_write", {"group": "four", "text": "x"})
    room.do(FAC, "unlock_input")
    room.do(FAC, "otf_all")
    assert "already" in room.refused(FAC, "otf_all")


def test_too_few_people_to_pair() -> None:
    room, _ = room_of(1)
    assert "at least 2" in room.refused(FAC, "otf_form_pairs")


def test_late_arrival_joins_a_group_and_nobody_moves() -> None:
    room, actors = room_of(8)
    room.do(FAC, "otf_form_pairs")
    before = otf(room.state, 0).grouping
    late = room.join("Late")
    after = otf(room.state, 0).grouping
    number = after.pair_of(late.participant)
    assert after.pairs[number] == before.pairs[number] + (late.participant,)
    assert all(after.pairs[i] == before.pairs[i] for i in range(len(before.pairs))
               if i != number)
    assert phone(room, late)["pair"]["size"] == 3
    room.do(FAC, "otf_form_fours")
    before = otf(room.state, 0).grouping
    later = room.join("")
    after = otf(room.state, 0).grouping
    assert after.four_of(later.participant) is not None
    assert sum(a != b for a, b in zip(before.fours, after.fours, strict=True)) == 1
    mates = phone(room, later)["four"]["mates"]
    assert len(mates) == len(after.fours[after.four_of(later.participant)]) - 1


def test_console_sees_every_group_with_signs() -> None:
    room, actors = room_of(6)
    room.do(FAC, "otf_form_pairs")
    room.do(FAC, "otf_form_fours")
    view = snapshot(room.state, CONSOLE)["onetwofour"]
    assert [len(f["people"]) for f in view["four_groups"]] == [3, 3]
    assert view["pair_groups"][0]["sign"]["number"] == 1
    assert view["four_groups"][0]["pairs"] == [1, 3]


@pytest.mark.parametrize("anonymous", [True, False])
def test_names_on_phones_only_in_a_named_stage(anonymous: bool) -> None:
    room = Room([{**OTF, "anonymous": anonymous}])
    actors = [room.join(n) for n in ("Sam", "Ali")]
    room.do(FAC, "start")
    room.do(FAC, "otf_form_pairs")
    mates = phone(room, actors[0])["pair"]["mates"]
    assert mates == [{"name": "" if anonymous else "Ali"}]
