"""Pure tests of the Open Space activity: marketplace, grid, merges, check-ins, reports,
convergence and sign-ups, driven through the core like a room of phones."""

import random
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from room import FAC, Room

from facilitator.activities.openspace import agenda_of, openspace, similar_pairs
from facilitator.core.agenda import conflicts
from facilitator.core.errors import PlanError
from facilitator.core.plan import load_plan, plan_in_language
from facilitator.core.state import replay
from facilitator.core.views import CONSOLE, SCREEN, snapshot

ROOT = Path(__file__).resolve().parents[2]
OS = {"kind": "openspace", "prompt": "How can our town become a great place to grow old in?",
      "options": {"spaces": ["Hall, 30", "Nook, 3", "Garden"],
                  "slots": ["Morning, 10:00-11:00", "Midday, 11:15-12:45"]}}
CONVERGE = [{"kind": "vote", "prompt": "Priorities", "options": {"source": 0}},
            {"kind": "adopt", "prompt": "Who takes it forward?", "options": {"top": 2}}]


def english(data: dict) -> dict:
    """A ready plan (English and Welsh) in English only, as these tests read its texts."""
    return plan_in_language(data, "en")


def os_room(people: int = 6, **options):
    room = Room([{**OS, "options": {**OS["options"], **options}}, *CONVERGE])
    actors = [room.join(f"P{i}") for i in range(people)]
    room.do(FAC, "start")
    return room, actors


def post(room, actor, title, blurb=""):
    return room.do(actor, "os_topic_post", {"title": title, "blurb": blurb})[0].data["topic"]


def phone(room, actor):
    return snapshot(room.state, "phone", actor.participant)["openspace"]


def test_the_ready_plan_loads_with_its_theme_grid_and_convergence() -> None:
    plan = load_plan(english(yaml.safe_load((ROOT / "sessions" / "open-space.yaml").read_text())))
    assert [s.kind for s in plan.stages] == ["openspace", "vote", "adopt"]
    stage = plan.stages[0]
    assert stage.prompt == "How can our town become a great place to grow old in?"
    assert any(not line.rstrip()[-1].isdigit() for line in stage.options["spaces"])
    assert len(stage.options["slots"]) == 3 and stage.options["convergence"] is True


@pytest.mark.parametrize("options,field", [
    ({"slots": ["A, 10:00-11:00", "B, 10:30-11:30"]}, "slots"),
    ({"slots": ["whenever"]}, "slots"),
    ({"slots": ["A, 25:00-26:00"]}, "slots"),
    ({"spaces": ["Hall, 0"]}, "spaces"),
])
def test_a_grid_that_cannot_be_run_is_refused_naming_the_field(options, field) -> None:
    with pytest.raises(PlanError) as err:
        load_plan({"title": "T", "stages": [{**OS, "options": options}]})
    assert err.value.field == f"stages[0].options.{field}"


def test_topics_arrive_are_edited_withdrawn_and_marked() -> None:
    room, (ann, bo, cy, *_rest) = os_room()
    t1 = post(room, ann, "Safe pavements", "Broken kerbs keep people in")
    screen = snapshot(room.state, SCREEN)["openspace"]
    assert [t["title"] for t in screen["topics"]] == ["Safe pavements"]
    assert "interested" not in screen["topics"][0], "interest is never shown to the room"
    room.do(ann, "os_topic_edit", {"topic": t1, "title": "Safe pavements and benches"})
    assert "convener" in room.refused(bo, "os_topic_edit", {"topic": t1, "title": "Mine"})
    room.do(bo, "os_interest", {"topic": t1, "on": True})
    room.do(cy, "os_interest", {"topic": t1, "on": True})
    assert "already" in room.refused(bo, "os_interest", {"topic": t1, "on": True})
    assert phone(room, ann)["me"]["topics"][0]["interested"] == 2
    assert phone(room, bo)["me"]["interested"] == [t1]
    room.do(ann, "os_topic_withdraw", {"topic": t1})
    assert phone(room, bo)["topics"] == []
    assert "withdrawn" in room.refused(bo, "os_interest", {"topic": t1, "on": False})


def test_the_marketplace_never_closes_but_limits_each_convener() -> None:
    room, (ann, *_rest) = os_room(max_topics=2)
    post(room, ann, "One")
    post(room, ann, "Two")
    assert "2 topics already" in room.refused(ann, "os_topic_post", {"title": "Three"})
    room.do(FAC, "os_set_slot", {"slot": 0})
    post(room, _rest[0], "Posted during the sessions")
    assert "empty" in room.refused(ann, "os_topic_post", {"title": "   "})


def test_refused_moves_explain_and_change_nothing() -> None:
    room, (ann, bo, *_rest) = os_room()
    a, b = post(room, ann, "Pavements"), post(room, bo, "Buses")
    room.do(ann, "os_place", {"topic": a, "space": "s1", "slot": "slot1"})
    msg = room.refused(bo, "os_place", {"topic": b, "space": "s1", "slot": "slot1"})
    assert "taken by “Pavements”" in msg and "Free at Morning (10:00–11:00): Nook, Garden" in msg
    assert "slots are" in room.refused(bo, "os_place", {"topic": b, "space": "s1",
                                                        "slot": "slot9"})
    assert "spaces are" in room.refused(bo, "os_place", {"topic": b, "space": "s9",
                                                         "slot": "slot1"})
    assert "convener" in room.refused(bo, "os_place", {"topic": a, "space": "s2",
                                                       "slot": "slot2"})
    assert "already there" in room.refused(ann, "os_place", {"topic": a, "space": "s1",
                                                             "slot": "slot1"})
    # the facilitator moves it; the old cell frees
    room.do(FAC, "os_place", {"topic": a, "space": "s2", "slot": "slot2"})
    assert openspace(room.state, 0).cells == {("s2", "slot2"): a}


def test_a_convener_in_two_places_is_flagged_and_clashes_are_information() -> None:
    room, (ann, bo, cy, di, *_rest) = os_room()
    a1, a2 = post(room, ann, "Pavements"), post(room, ann, "Benches")
    b = post(room, bo, "Buses")
    for person in (cy, di):
        room.do(person, "os_interest", {"topic": a1, "on": True})
        room.do(person, "os_interest", {"topic": b, "on": True})
    room.do(ann, "os_place", {"topic": a1, "space": "s1", "slot": "slot1"})
    room.do(ann, "os_place", {"topic": a2, "space": "s3", "slot": "slot1"})
    room.do(bo, "os_place", {"topic": b, "space": "s2", "slot": "slot1"})
    mine = {t["id"]: t for t in phone(room, ann)["me"]["topics"]}
    assert "two places at once" in mine[a1]["conflicts"][0]
    # counts, never names: the two who marked Buses too, and the convener herself at Benches
    assert {c["title"]: c["people"] for c in mine[a1]["clashes"]} == {"Buses": 2, "Benches": 1}
    assert mine[a1]["slot_clashes"] == {"slot1": 3, "slot2": 0}
    console = snapshot(room.state, CONSOLE)["openspace"]
    assert [c["kind"] for c in console["conflicts"]] == ["two_places"]
    # a session with more people expected than its space holds is flagged too
    room.do(cy, "os_interest", {"topic": a2, "on": True})
    room.do(di, "os_interest", {"topic": a2, "on": True})
    room.do(bo, "os_interest", {"topic": a2, "on": True})
    room.do(ann, "os_place", {"topic": a2, "space": "s2", "slot": "slot2"})
    console = snapshot(room.state, CONSOLE)["openspace"]
    assert [c["kind"] for c in console["conflicts"]] == ["too_small"]
    assert "expects 4 people but Nook holds 3" in console["conflicts"][0]["message"]


def test_suggested_agenda_is_opt_in_and_accepted_or_adjusted() -> None:
    room, people = os_room(people=8)
    ids = [post(room, p, f"Topic {i}") for i, p in enumerate(people[:5])]
    rng = random.Random(1)
    for p in people:
        for t in rng.sample(ids, 2):
            room.do(p, "os_interest", {"topic": t, "on": True})
    assert openspace(room.state, 0).cells == {}, "nothing is placed until someone chooses"
    room.do(people[0], "os_place", {"topic": ids[0], "space": "s1", "slot": "slot2"})
    room.do(FAC, "os_suggest")
    s = openspace(room.state, 0).suggestion
    assert len(s["cells"]) == 4 and all(c[2] != ids[0] for c in s["cells"])
    assert openspace(room.state, 0).cells == {("s1", "slot2"): ids[0]}
    # one convener accepts theirs, another picks elsewhere, the facilitator accepts the rest
    mine = phone(room, people[1])["me"]["topics"][0]["suggested"]
    room.do(people[1], "os_suggestion_accept", {"topic": ids[1]})
    assert openspace(room.state, 0).cell_of(ids[1]) == tuple(mine)
    assert "convener" in room.refused(people[2], "os_suggestion_accept", {"topic": ids[1]})
    room.do(FAC, "os_suggestion_accept")
    o = openspace(room.state, 0)
    assert o.suggestion is None and len(o.cells) == 5
    agenda = agenda_of(room.state, 0)
    assert not [c for c in conflicts(agenda) if c.kind == "two_places"]
    assert "no suggested agenda" in room.refused(FAC, "os_suggestion_accept")
    assert "Every topic is on the grid" in room.refused(FAC, "os_suggest")


def test_merges_need_every_convener_or_a_logged_override() -> None:
    room, (ann, bo, cy, *_rest) = os_room()
    a = post(room, ann, "Loneliness in winter")
    b = post(room, bo, "Winter loneliness")
    c = post(room, cy, "Buses")
    assert similar_pairs(openspace(room.state, 0).live_topics()) == [(a, b)]
    assert phone(room, ann)["me"]["hints"] == [{"topic": a, "other": b}]
    assert "conveners" in room.refused(cy, "os_merge_propose", {"topic": a, "into": b})
    room.do(ann, "os_merge_propose", {"topic": a, "into": b})
    o = openspace(room.state, 0)
    assert o.topics[a].live, "not merged before every convener agrees"
    merge = phone(room, bo)["me"]["merges"][0]
    assert merge["waiting_for_me"] and not phone(room, ann)["me"]["merges"][0]["waiting_for_me"]
    room.do(bo, "os_merge_answer", {"merge": merge["id"], "yes": True})
    assert not o.topics[a].live and o.topics[b].titles == ["Winter loneliness",
                                                          "Loneliness in winter"]
    assert o.topics[b].co == [ann.participant]
    # a declined merge does nothing; the facilitator can override, logged in the event
    d = post(room, ann, "Bus shelters")
    room.do(cy, "os_merge_propose", {"topic": c, "into": d})
    m2 = [m for m in o.merges.values() if m.status == "open"][0]
    room.do(ann, "os_merge_answer", {"merge": m2.id, "yes": False})
    assert o.topics[c].live and m2.status == "declined"
    assert "facilitator" in room.refused(cy, "os_merge_propose", {"topic": c, "into": d,
                                                                  "force": True})
    event = room.do(FAC, "os_merge_propose", {"topic": c, "into": d, "force": True})[0]
    assert event.type == "os_topics_merged" and event.data["override"] is True
    assert event.actor == "facilitator" and o.topics[d].merged_override


def test_check_ins_move_freely_and_attendance_is_counts_with_names_by_consent() -> None:
    room, (ann, bo, cy, di, *_rest) = os_room()
    a, b = post(room, ann, "Pavements"), post(room, bo, "Buses")
    room.do(ann, "os_place", {"topic": a, "space": "s1", "slot": "slot1"})
    room.do(bo, "os_place", {"topic": b, "space": "s2", "slot": "slot2"})
    assert "not started" in room.refused(cy, "os_check_in", {"topic": a})
    room.do(FAC, "os_set_slot", {"slot": 0})
    assert "not running now" in room.refused(cy, "os_check_in", {"topic": b})
    room.do(cy, "os_check_in", {"topic": a, "show_name": True})
    room.do(di, "os_check_in", {"topic": a})
    screen = snapshot(room.state, SCREEN)["openspace"]["attendance"]
    assert screen["counts"] == {a: 2} and screen["names"] == {a: ["P2"]}
    room.do(cy, "os_check_out")
    assert snapshot(room.state, SCREEN)["openspace"]["attendance"]["counts"] == {a: 1}
    room.do(FAC, "os_set_slot", {"slot": 1})
    assert openspace(room.state, 0).checkins == {}, "a new slot starts with nobody checked in"
    room.do(di, "os_check_in", {"topic": b})
    assert openspace(room.state, 0).attended == {a: {cy.participant, di.participant},
                                                 b: {di.participant}}


def test_anonymous_stage_never_shows_names_on_the_projector() -> None:
    room = Room([{**OS, "anonymous": True}])
    ann, cy = room.join("Ann"), room.join("Cy")
    room.do(FAC, "start")
    a = post(room, ann, "Pavements")
    room.do(ann, "os_place", {"topic": a, "space": "s1", "slot": "slot1"})
    room.do(FAC, "os_set_slot", {"slot": 0})
    room.do(cy, "os_check_in", {"topic": a, "show_name": True})
    screen = snapshot(room.state, SCREEN)["openspace"]
    assert screen["attendance"]["names"] == {} and screen["topics"][0]["convener_name"] == ""
    assert "Ann" not in str(screen) and "Cy" not in str(screen)


def test_reports_are_separate_entries_and_stale_edits_are_refused() -> None:
    room, (ann, bo, cy, di, *_rest) = os_room()
    a = post(room, ann, "Pavements")
    room.do(ann, "os_place", {"topic": a, "space": "s1", "slot": "slot1"})
    assert "check in" in room.refused(bo, "os_entry_add", {"topic": a, "kind": "point",
                                                           "text": "x"})
    room.do(FAC, "os_set_slot", {"slot": 0})
    room.do(bo, "os_check_in", {"topic": a})
    p1 = room.do(ann, "os_entry_add", {"topic": a, "kind": "point",
                                       "text": "Kerbs are too high"})[0].data["entry"]
    room.do(bo, "os_entry_add", {"topic": a, "kind": "point", "text": "Benches every 200 m"})
    assert "owner" in room.refused(bo, "os_entry_add", {"topic": a, "kind": "action",
                                                        "text": "Map kerbs"})
    assert "calendar" in room.refused(bo, "os_entry_add", {
        "topic": a, "kind": "action", "text": "Map kerbs", "owner": "Bo", "due": "2026-02-30"})
    room.do(bo, "os_entry_add", {"topic": a, "kind": "action", "text": "Map kerbs",
                                 "owner": "Bo", "due": "2026-03-31"})
    # two people edit the same entry from revision 1: the second is refused, nothing lost
    room.do(bo, "os_entry_edit", {"entry": p1, "base": 1, "text": "Kerbs are too high here"})
    msg = room.refused(ann, "os_entry_edit", {"entry": p1, "base": 1, "text": "Kerbs: high"})
    assert "Someone else saved this entry" in msg
    entries = phone(room, di)["entries"]
    assert [e["text"] for e in entries] == ["Kerbs are too high here", "Benches every 200 m",
                                            "Map kerbs"]
    assert entries[0]["rev"] == 2
    assert "check in" in room.refused(di, "os_entry_delete", {"entry": p1})
    assert "Only the person" in room.refused(bo, "os_entry_delete", {"entry": p1})
    room.do(ann, "os_entry_delete", {"entry": p1})
    assert len(phone(room, di)["entries"]) == 2


def test_convergence_votes_on_topics_then_people_adopt_the_top_ones() -> None:
    room, people = os_room(people=6)
    ids = [post(room, p, f"Topic {i}") for i, p in enumerate(people[:3])]
    for i, t in enumerate(ids):
        room.do(people[i], "os_place", {"topic": t, "space": "s1", "slot": f"slot{i % 2 + 1}"}
                if i < 2 else {"topic": t, "space": "s2", "slot": "slot1"})
    room.do(FAC, "next_stage")
    room.do(FAC, "open_vote", {"dots": 2})
    assert sorted(i["label"] for i in room.state.votes[1].items) == ["Topic 0", "Topic 1",
                                                                      "Topic 2"]
    for p in people:
        room.do(p, "place_dot", {"item_id": ids[0]})
    room.do(people[0], "place_dot", {"item_id": ids[1]})
    assert "take it forward" in room.refused(people[0], "adopt_item", {"item": ids[0],
                                                                        "on": True})
    room.do(FAC, "close_vote")
    room.do(FAC, "next_stage")
    view = snapshot(room.state, "phone", people[1].participant)["adopt"]
    assert [i["id"] for i in view["items"]] == [ids[0], ids[1]]
    room.do(people[1], "adopt_item", {"item": ids[0], "on": True, "step": "Call the council",
                                      "show_name": True})
    room.do(people[2], "adopt_item", {"item": ids[0], "on": True})
    assert "not one of the priorities" in room.refused(people[2], "adopt_item",
                                                       {"item": ids[2], "on": True})
    screen = snapshot(room.state, SCREEN)["adopt"]["items"][0]
    assert screen["volunteers"] == 2 and screen["names"] == ["P1"]
    assert screen["steps"] == ["Call the council"]


def test_convergence_off_refuses_the_vote_with_a_reason() -> None:
    room, people = os_room(convergence=False)
    post(room, people[0], "Topic")
    room.do(FAC, "next_stage")
    assert "Convergence is off" in room.refused(FAC, "open_vote")


def test_replay_gives_the_same_open_space() -> None:
    room, (ann, bo, *_rest) = os_room()
    a = post(room, ann, "Pavements")
    room.do(bo, "os_interest", {"topic": a, "on": True})
    room.do(FAC, "os_suggest")
    room.do(FAC, "os_suggestion_accept")
    again = replay(room.events)
    assert snapshot(again, CONSOLE) == snapshot(room.state, CONSOLE)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32), topics=st.integers(0, 100), spaces=st.integers(1, 10),
       slots=st.integers(1, 6))
def test_random_marketplaces_through_the_activity(seed, topics, spaces, slots) -> None:
    """Up to 100 topics, 10 spaces, 6 slots: conveners place some by hand (refusals change
    nothing), the suggestion fills the rest; never a double booking, never a convener placed
    in two places by the suggestion, and capacity respected where a fitting cell was free."""
    r = random.Random(seed)
    space_lines = [f"Room {i}, {r.choice([4, 8, 20, 40])}" if r.random() < 0.8 else f"Else {i}"
                   for i in range(spaces)]
    slot_lines = [f"S{i}, {8 + i}:00-{8 + i}:{r.choice([30, 45, 59])}" for i in range(slots)]
    room = Room([{**OS, "options": {"spaces": space_lines, "slots": slot_lines,
                                    "max_topics": 50}}])
    people = [room.join(f"P{i}") for i in range(30)]
    room.do(FAC, "start")
    ids = [post(room, r.choice(people[:12]), f"Topic {i}") for i in range(topics)]
    for p in people:
        for t in r.sample(ids, min(len(ids), r.randint(0, 6))):
            room.do(p, "os_interest", {"topic": t, "on": True})
    o = openspace(room.state, 0)
    for t in ids[: topics // 4]:
        convener = next(p for p in people if p.participant == o.topics[t].convener)
        space, slot = f"s{r.randint(1, spaces)}", f"slot{r.randint(1, slots)}"
        seq = room.state.seq
        try:
            room.do(convener, "os_place", {"topic": t, "space": space, "slot": slot})
        except Exception as exc:  # a taken cell: refused, and nothing changed
            assert "taken" in str(exc) and room.state.seq == seq
    before = agenda_of(room.state, 0)
    two_before = {c.slot_id for c in conflicts(before) if c.kind == "two_places"}
    if before.unplaced():
        room.do(FAC, "os_suggest")
        if openspace(room.state, 0).suggestion and openspace(room.state, 0).suggestion["cells"]:
            room.do(FAC, "os_suggestion_accept")
    after = agenda_of(room.state, 0)
    assert len(set(after.cells.values())) == len(after.cells), "no topic in two cells"
    for cell, t in before.cells.items():
        assert after.cells[cell] == t, "no placed topic moved"
    for c in conflicts(after):
        if c.kind == "two_places":
            assert c.slot_id in two_before, "the suggestion never puts a convener twice"


def test_the_book_of_proceedings_in_every_format() -> None:
    import csv
    import io
    import json

    from facilitator.export import FORMATS, render
    from facilitator.store.sqlite import WorkshopRow

    room = Room([{**OS, "title": "Open Space"}, *CONVERGE])
    ann, bo, cy = room.join("Ann"), room.join("Bo"), room.join("Cy")
    room.do(FAC, "start")
    a, b = post(room, ann, "Safe pavements"), post(room, bo, "Lunch clubs")
    room.do(ann, "os_place", {"topic": a, "space": "s1", "slot": "slot1"})
    room.do(bo, "os_place", {"topic": b, "space": "s2", "slot": "slot1"})
    room.do(FAC, "os_set_slot", {"slot": 0})
    room.do(cy, "os_check_in", {"topic": a, "show_name": True})
    room.do(bo, "os_check_in", {"topic": a})
    room.do(cy, "os_entry_add", {"topic": a, "kind": "point", "text": "Kerbs too high"})
    room.do(ann, "os_entry_add", {"topic": a, "kind": "recommendation",
                                  "text": "Drop kerbs at crossings"})
    room.do(ann, "os_entry_add", {"topic": a, "kind": "action", "text": "Walk the route",
                                  "owner": "Ann", "due": "2026-04-01"})
    room.do(FAC, "next_stage")
    room.do(FAC, "open_vote", {"dots": 1})
    for p in (ann, bo, cy):
        room.do(p, "place_dot", {"item_id": a})
    room.do(FAC, "close_vote")
    room.do(FAC, "next_stage")
    room.do(cy, "adopt_item", {"item": a, "on": True, "step": "Call the council",
                               "show_name": True})
    row = WorkshopRow("w", "QKH4A7", "s", "c", "Open Space", 1_790_000_000.0)
    out = {fmt: render(fmt, row, room.events).body for fmt in FORMATS}
    data = json.loads(out["json"])
    book = data["openspaces"][0]
    assert book["theme"] == OS["prompt"]
    first = book["sessions"][0]
    assert (first["title"], first["space"], first["attended"]) == ("Safe pavements", "Hall", 2)
    assert first["names"] == ["Cy"], "only the person who agreed is named"
    assert first["key_points"] == ["Kerbs too high"]
    assert book["actions"] == [{"session": "Safe pavements", "text": "Walk the route",
                                "owner": "Ann", "due": "2026-04-01"}]
    assert data["votes"][0]["results"][0]["label"] == "Safe pavements"
    assert data["adoptions"][0]["items"][0]["names"] == ["Cy"]
    rows = list(csv.DictReader(io.StringIO(out["csv"])))
    kinds = [(r["type"], r["text"]) for r in rows]
    assert ("topic", "Safe pavements") in kinds and ("action", "Walk the route") in kinds
    assert ("adopt", "Safe pavements") in kinds
    for fmt in ("md", "html"):
        for text in (OS["prompt"], "Safe pavements", "Lunch clubs", "Kerbs too high",
                     "Drop kerbs at crossings", "Walk the route", "2026-04-01",
                     "2 people checked in", "Call the council", "Action plan"):
            assert text in out[fmt], (fmt, text)
    assert "Bo" not in out["html"].split("Participants who agreed to be named")[1][:40]


# -- co-conveners, announcements --------------------------------------------------------------

def test_co_conveners_named_when_posting() -> None:
    room, actors = os_room(4)
    topic = post(room, actors[0], "Buses to the clinic")
    assert openspace(room.state, 0).topics[topic].co == []
    both = room.do(actors[0], "os_topic_post", {"title": "Lunch clubs",
                                                "co_names": ["p1", " P1 ", "Zoe Field"],
                                                "co_consent": True})[0].data["topic"]
    t = openspace(room.state, 0).topics[both]
    assert t.co == [actors[1].participant] and t.co_names == ["Zoe Field"]
    # a co-convener here convenes with all the rights: edits, places, reports
    room.do(actors[1], "os_topic_edit", {"topic": both, "title": "Lunch clubs at home"})
    room.do(actors[1], "os_place", {"topic": both, "space": "s1", "slot": "slot1"})
    assert [m["id"] for m in phone(room, actors[1])["me"]["topics"]] == [both]
    seen = next(x for x in phone(room, actors[2])["topics"] if x["id"] == both)
    assert seen["convener_name"] == "P0" and seen["co_names"] == ["P1", "Zoe Field"]
    # someone not here is named only with consent; the poster cannot co-convene themselves
    assert "agreed to it" in room.refused(actors[2], "os_topic_post", {
        "title": "Walking football", "co_names": ["Sam Jones"]})
    solo = room.do(actors[2], "os_topic_post", {"title": "Walking football",
                                                "co_names": ["P2"], "co_consent": True})
    assert openspace(room.state, 0).topics[solo[0].data["topic"]].co == []
    assert "at most 3" in room.refused(actors[3], "os_topic_post", {
        "title": "Cold homes", "co_names": ["a", "b", "c", "d"], "co_consent": True})
    assert replay(room.events).openspaces[0].topics[both].co_names == ["Zoe Field"]


def test_co_convener_names_stay_off_the_room_in_an_anonymous_stage() -> None:
    room = Room([{**OS, "anonymous": True}, *CONVERGE])
    actors = [room.join(f"P{i}") for i in range(3)]
    room.do(FAC, "start")
    topic = room.do(actors[0], "os_topic_post", {"title": "Grief cafés", "co_names": ["P1",
                                                 "Zoe"], "co_consent": True})[0].data["topic"]
    screen = snapshot(room.state, SCREEN, None)["openspace"]
    assert next(x for x in screen["topics"] if x["id"] == topic)["co_names"] == []
    console = snapshot(room.state, CONSOLE, None)["openspace"]
    assert next(x for x in console["topics"] if x["id"] == topic)["co_names"] == ["P1", "Zoe"]


def test_announcements_are_folded_from_the_log_newest_first() -> None:
    room, actors = os_room(3)
    post(room, actors[0], "Buses to the clinic")
    room.do(FAC, "os_announce", {"text": "Lunch at 12:30"})
    room.now += 60
    room.do(actors[0], "os_announce", {"text": "Session on  transport\nmoved to the garden"})
    shown = snapshot(room.state, SCREEN, None)["openspace"]["announcements"]
    assert [(a["text"], a["from"], a["name"]) for a in shown] == [
        ("Session on transport moved to the garden", "convener", "P0"),
        ("Lunch at 12:30", "facilitator", "")]
    assert "from the facilitator and the conveners" in room.refused(
        actors[1], "os_announce", {"text": "Cake!"})
    room.do(FAC, "os_announce_remove", {"announcement": "a2"})
    again = replay(room.events)
    assert [a["id"] for a in snapshot(again, "phone", actors[1].participant)["openspace"]
            ["announcements"]] == ["a1"]
    assert again.openspaces[0].announcements["a2"].removed
    assert "not showing" in room.refused(FAC, "os_announce_remove", {"announcement": "a2"})


def adopting_room():
    room, people = os_room(people=4)
    ids = [post(room, p, f"Topic {i}") for i, p in enumerate(people[:2])]
    room.do(FAC, "next_stage")
    room.do(FAC, "open_vote", {"dots": 1})
    for p in people:
        room.do(p, "place_dot", {"item_id": ids[0]})
    room.do(FAC, "close_vote")
    room.do(FAC, "next_stage")
    return room, people, ids


def test_an_action_plan_has_actions_owners_dates_and_who_else() -> None:
    import csv
    import io
    import json

    room, people, ids = adopting_room()
    ann, bo, cy, _di = people
    assert "Sign up" in room.refused(ann, "adopt_action_add", {
        "item": ids[0], "text": "Call the council", "owner": "Ann", "due": "2027-01-10"})
    room.do(ann, "adopt_item", {"item": ids[0], "on": True})
    room.do(bo, "adopt_item", {"item": ids[0], "on": True, "show_name": True})
    for payload, error in [({"due": "next week"}, "calendar date"),
                           ({"due": "2027-02-30"}, "calendar date"),
                           ({"owner": "  "}, "owner is empty"),
                           ({"item": ids[1]}, "not one of the priorities")]:
        assert error in room.refused(ann, "adopt_action_add", {
            "item": ids[0], "text": "Call", "owner": "Ann", "due": "2027-01-10", **payload})
    room.do(ann, "adopt_action_add", {"item": ids[0], "text": "Write to the bus company",
                                      "owner": "Ann", "due": "2027-02-01",
                                      "with": "Bo and the residents' group"})
    room.do(bo, "adopt_action_add", {"item": ids[0], "text": "Count the riders",
                                     "owner": "Bo", "due": "2027-01-15"})
    plan = snapshot(room.state, "phone", ann.participant)["adopt"]["items"][0]["actions"]
    assert [(a["text"], a["owner"], a["due"], a["with"], a["mine"]) for a in plan] == [
        ("Count the riders", "Bo", "2027-01-15", "", False),
        ("Write to the bus company", "Ann", "2027-02-01", "Bo and the residents' group", True)]
    assert "Only whoever added" in room.refused(bo, "adopt_action_remove", {"action": "x1"})
    room.do(FAC, "adopt_action_remove", {"action": "x2"})
    again = replay(room.events)
    screen = snapshot(again, SCREEN)["adopt"]["items"][0]
    assert [a["text"] for a in screen["actions"]] == ["Write to the bus company"]
    assert "not in the plan" in room.refused(ann, "adopt_action_remove", {"action": "x2"})
    # the book of proceedings and every export carry the plan
    from facilitator.export import FORMATS, render
    from facilitator.store.sqlite import WorkshopRow

    row = WorkshopRow("w", "QKH4A7", "s", "c", "Open Space", 1_790_000_000.0)
    out = {fmt: render(fmt, row, room.events).body for fmt in FORMATS}
    line = "Write to the bus company (owner: Ann, by 2027-02-01, with Bo and the residents' group)"
    assert line.replace("(", "\\(").replace(")", "\\)").replace("-", "\\-") in out["md"]
    assert line.replace("'", "&#39;") in out["html"]
    assert "Count the riders" not in out["md"]
    item = json.loads(out["json"])["adoptions"][0]["items"][0]
    assert item["actions"] == [{"text": "Write to the bus company", "owner": "Ann",
                                "due": "2027-02-01", "with": "Bo and the residents' group"}]
    rows = [r for r in csv.DictReader(io.StringIO(out["csv"])) if r["type"] == "adopt_action"]
    assert [(r["text"], r["name"], r["edited_at"], r["theme"]) for r in rows] == [
        ("Write to the bus company", "Ann", "2027-02-01", "Bo and the residents' group")]


def test_report_template_questions_and_opt_in_contacts_reach_the_book_only() -> None:
    import csv
    import io
    import json

    from facilitator.export import FORMATS, render
    from facilitator.store.sqlite import WorkshopRow

    room, people = os_room(4, report=["What surprised you?", "Who else should be involved?"])
    ann, bo, cy, di = people
    topic = post(room, ann, "Buses to the clinic")
    room.do(ann, "os_place", {"topic": topic, "space": "s1", "slot": "slot1"})
    room.do(FAC, "os_set_slot", {"slot": 0})
    room.do(bo, "os_check_in", {"topic": topic})
    assert phone(room, bo)["report_questions"] == ["What surprised you?",
                                                   "Who else should be involved?"]
    room.do(bo, "os_entry_add", {"topic": topic, "kind": "answer", "question": 1,
                                 "text": "The bus company"})
    for payload, error in [({"question": 2}, "has 2 questions"), ({}, "has 2 questions")]:
        assert error in room.refused(bo, "os_entry_add", {"topic": topic, "kind": "answer",
                                                          "text": "x", **payload})
    # contacts: opt-in, for people who were there, and only into the book
    assert "Check in to" in room.refused(cy, "os_contact", {"topic": topic,
                                                            "contact": "cy@example.org"})
    room.do(bo, "os_contact", {"topic": topic, "contact": " bo@example.org "})
    room.do(ann, "os_contact", {"topic": topic, "contact": "07700 900123"})
    room.do(ann, "os_contact", {"topic": topic, "contact": ""})  # changed her mind
    assert "not in the book" in room.refused(ann, "os_contact", {"topic": topic,
                                                                 "contact": ""})
    assert phone(room, bo)["me"]["contacts"] == {topic: "bo@example.org"}
    assert "bo@example.org" not in str(snapshot(room.state, SCREEN)) + str(
        snapshot(room.state, CONSOLE)) + str(phone(room, di))
    row = WorkshopRow("w", "QKH4A7", "s", "c", "Open Space", 1_790_000_000.0)
    out = {fmt: render(fmt, row, room.events).body for fmt in FORMATS}
    session = json.loads(out["json"])["openspaces"][0]["sessions"][0]
    assert session["contacts"] == [{"name": "P1", "contact": "bo@example.org"}]
    assert session["answers"] == [{"question": "Who else should be involved?",
                                   "answers": ["The bus company"]}]
    for fmt in ("md", "html"):
        assert "bo@example.org" in out[fmt] and "07700" not in out[fmt]
        assert "Who else should be involved?" in out[fmt]
        assert "What surprised you?" not in out[fmt], "unanswered questions are left out"
    rows = {(r["type"], r["text"]) for r in csv.DictReader(io.StringIO(out["csv"]))}
    assert ("contact", "bo@example.org") in rows and ("answer", "The bus company") in rows
    assert "bo@example.org" in str(replay(room.events).openspaces[0].contacts)
