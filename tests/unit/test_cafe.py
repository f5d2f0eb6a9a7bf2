"""Pure tests of the World Café activity: rounds, seating in the log, tablecloths, hosts."""

import pytest
from room import FAC, Room

from facilitator.activities.cafe import cafe, warnings
from facilitator.core.commands import PARTICIPANT, Actor
from facilitator.core.plan import load_plan
from facilitator.core.state import replay
from facilitator.core.views import CONSOLE, SCREEN, snapshot

CAFE = {"kind": "cafe", "prompt": "What helps people here stay well?", "duration": 20,
        "options": {"rounds": 2, "table_size": 4,
                    "questions": ["What keeps you well?", "What could we build on?"]}}
HARVEST = [{"kind": "cluster", "prompt": "Themes"}, {"kind": "vote", "prompt": "Priorities"}]


def cafe_room(people: int = 12, **options) -> tuple[Room, list[Actor]]:
    room = Room([{**CAFE, "options": {**CAFE["options"], **options}}, *HARVEST])
    actors = [room.join(f"P{i}") for i in range(people)]
    room.do(FAC, "start")
    return room, actors


def phone(room: Room, actor: Actor) -> dict:
    return snapshot(room.state, "phone", actor.participant)["cafe"]


def tables(room: Room, r: int) -> list[tuple[str, ...]]:
    return list(cafe(room.state, 0).seating.rounds[r])


def test_twelve_people_three_tables_two_rounds_with_fixed_hosts() -> None:
    room, actors = cafe_room()
    volunteer = actors[5]
    room.do(volunteer, "cafe_host", {"host": True})
    room.do(FAC, "cafe_start_round")
    c = cafe(room.state, 0)
    assert c.phase == "round" and c.round == 0
    layout = tables(room, 0)
    assert sorted(len(t) for t in layout) == [4, 4, 4]
    assert sorted(p for t in layout for p in t) == sorted(a.participant for a in actors)
    assert volunteer.participant in c.seating.hosts[0], "volunteers host first"
    assert room.state.timer.running and room.state.timer.duration == 20 * 60

    view = phone(room, volunteer)
    assert view["i_host"] and view["question"] == "What keeps you well?"
    traveller = next(a for a in actors if a.participant not in c.seating.hosts[0])
    view = phone(room, traveller)
    assert not view["i_host"] and view["host_name"] and len(view["tablemates"]) == 3

    # a note goes to the writer's table only
    room.do(traveller, "post_note", {"text": "Walking group on Thursdays", "stage": 0})
    t = c.table_of(traveller.participant)
    for a in actors:
        cloth = [n["text"] for n in phone(room, a).get("tablecloth", [])]
        assert (cloth == ["Walking group on Thursdays"]) == (c.table_of(a.participant) == t)
    screen = snapshot(room.state, SCREEN)
    assert screen["notes"] == [], "the projector shows counts during the café, not the notes"
    assert [m["notes"] for m in screen["cafe"]["map"]] == [int(i == t) for i in range(3)]

    host = c.host(t)
    host_actor = Actor(PARTICIPANT, host)
    assert "host of your table" in room.refused(traveller, "cafe_summary", {"text": "x"})
    assert "still running" in room.refused(FAC, "cafe_start_round")
    room.do(FAC, "cafe_end_round")
    room.do(host_actor, "cafe_summary", {"text": "Walking came up a lot"})
    room.do(FAC, "cafe_start_round")

    # round 2: hosts stayed, travellers moved, the host retells the tablecloth and summary
    assert c.seating.hosts[1] == c.seating.hosts[0]
    for table_index, host_pid in enumerate(c.seating.hosts[1]):
        assert c.table_of(host_pid) == table_index
    view = phone(room, host_actor)
    assert view["question"] == "What could we build on?"
    assert [s["text"] for s in view["summaries"]] == ["Walking came up a lot"]
    assert [n["text"] for n in view["tablecloth"]] == ["Walking group on Thursdays"]
    newcomer = next(a for a in actors if c.table_of(a.participant) == t
                    and a.participant != host)
    assert [s["text"] for s in phone(room, newcomer)["summaries"]] == ["Walking came up a lot"]
    assert c.seating.repeated_pairs() == c.seating.lower_bound() == 3  # docs/seating.md

    room.do(FAC, "cafe_end_round")
    assert "All 2 rounds" in room.refused(FAC, "cafe_start_round")
    room.do(FAC, "cafe_harvest")
    harvest = snapshot(room.state, SCREEN)["cafe"]["all_tables"]
    assert len(harvest) == 3
    assert [n["text"] for n in harvest[t]["notes"]] == ["Walking group on Thursdays"]

    # the harvest moves on to themes: the café notes are what gets clustered
    room.do(FAC, "next_stage")
    board = snapshot(room.state, SCREEN)["board"]
    assert board["source"] == 0
    assert [n["text"] for n in board["ungrouped"]] == ["Walking group on Thursdays"]


def test_seating_is_read_from_the_log_not_replanned() -> None:
    room, actors = cafe_room(10)
    room.do(FAC, "cafe_start_round")
    again = replay(room.events)
    assert cafe(again, 0).seating == cafe(room.state, 0).seating


def test_late_arrival_is_seated_without_moving_anyone() -> None:
    room, actors = cafe_room(12)
    room.do(FAC, "cafe_start_round")
    before = tables(room, 0)
    late = room.join("Late")
    after = tables(room, 0)
    grown = [i for i in range(3) if after[i] != before[i]]
    assert len(grown) == 1 and after[grown[0]] == (*before[grown[0]], late.participant)
    view = phone(room, late)
    assert view["table"] == grown[0] and len(view["tablemates"]) == 4


def test_leaver_is_taken_out_and_nobody_else_moves() -> None:
    room, actors = cafe_room(12)
    room.do(FAC, "cafe_start_round")
    before = tables(room, 0)
    gone = actors[3].participant
    room.do(FAC, "cafe_remove", {"participant": gone})
    after = tables(room, 0)
    assert after == [tuple(p for p in t if p != gone) for t in before]
    assert all(gone not in t for r in cafe(room.state, 0).seating.rounds for t in r)
    assert phone(room, actors[3])["left"] is True
    room.do(actors[3], "cafe_take_seat")  # back again
    assert cafe(room.state, 0).table_of(gone) is not None


def test_volunteer_hosts_stay_at_their_table_for_the_next_round() -> None:
    room, actors = cafe_room(12, hosts="volunteer", rounds=3)
    room.do(FAC, "cafe_start_round")
    c = cafe(room.state, 0)
    first_hosts = set(c.seating.hosts[0])
    stayer = next(a for a in actors if a.participant not in first_hosts)
    table = c.table_of(stayer.participant)
    room.do(stayer, "cafe_host", {"host": True})  # during the round, for the next one
    room.do(FAC, "cafe_end_round")
    # the next round is decided as this one ends: the phone says it now, and it holds
    assert phone(room, stayer)["next_table"] == table and phone(room, stayer)["next_host"]
    assert "already chosen" in room.refused(actors[0], "cafe_host", {"host": True})
    told = cafe(room.state, 0).seating
    room.do(FAC, "cafe_start_round")
    assert cafe(room.state, 0).seating == told
    assert c.host(table) == stayer.participant and c.table_of(stayer.participant) == table
    for t in range(3):  # every next host sat at that table in the round before
        assert c.host(t) in c.seating.rounds[0][t]
        assert c.host(t) not in first_hosts
    assert phone(room, stayer)["i_host"]


def test_no_host_cafe_lets_anyone_at_the_table_write_the_summary() -> None:
    room, actors = cafe_room(8, hosts="none")
    assert "no table hosts" in room.refused(actors[0], "cafe_host", {"host": True})
    room.do(FAC, "cafe_start_round")
    assert cafe(room.state, 0).seating.hosts[0] == (None, None)
    room.do(actors[0], "cafe_summary", {"text": "We talked about the park"})


def test_out_of_phase_actions_are_refused_with_reasons() -> None:
    room, actors = cafe_room(6)
    assert "has not started" in room.refused(actors[0], "post_note", {"text": "hi"})
    assert "No round has been held" in room.refused(FAC, "cafe_harvest")
    assert "No round is running" in room.refused(FAC, "cafe_end_round")
    room.do(FAC, "cafe_start_round")
    assert "already share" in room.refused(
        FAC, "cafe_swap", {"a": tables(room, 0)[0][1], "b": tables(room, 0)[0][2]})
    assert "empty" in room.refused(actors[0], "post_note", {"text": "   "})


def test_too_few_people_to_seat() -> None:
    room, actors = cafe_room(1)
    assert "at least 2 people" in room.refused(FAC, "cafe_start_round")


def test_swap_moves_exactly_two_people() -> None:
    room, actors = cafe_room(12, hosts="none")
    room.do(FAC, "cafe_start_round")
    before = tables(room, 0)
    a, b = before[0][0], before[1][0]
    room.do(FAC, "cafe_swap", {"a": a, "b": b})
    after = tables(room, 0)
    assert b in after[0] and a in after[1] and after[2] == before[2]


def test_console_shows_seating_and_new_encounters() -> None:
    room, actors = cafe_room(16, rounds=3, hosts="none")
    room.do(FAC, "cafe_start_round")
    view = snapshot(room.state, CONSOLE)["cafe"]
    assert len(view["seating"]) == 4 and view["repeats"] == 0
    assert view["new_share"] == [1.0, 1.0, 1.0]


def test_anonymous_cafe_shows_no_names_to_the_room() -> None:
    room = Room([{**CAFE, "anonymous": True}])
    actors = [room.join(f"Name{i}") for i in range(8)]
    room.do(FAC, "start")
    room.do(FAC, "cafe_start_round")
    screen = snapshot(room.state, SCREEN)["cafe"]["map"]
    assert all(m["names"] == [] and m["host_name"] == "" for m in screen)
    assert all(m["name"] == "" for m in phone(room, actors[0])["tablemates"])


@pytest.mark.parametrize(("options", "warned"), [({"table_size": 6}, True),
                                                 ({"table_size": 5}, False)])
def test_big_tables_are_warned_about(options: dict, warned: bool) -> None:
    plan = load_plan({"title": "T", "stages": [{**CAFE, "options": options}]})
    assert bool(warnings(plan.stages[0])) == warned


def test_export_has_each_table_and_round_with_notes_summaries_and_seating() -> None:
    import csv
    import io
    import json

    from facilitator.export import render
    from facilitator.store.sqlite import WorkshopRow

    room, actors = cafe_room(8, hosts="fixed")
    room.do(FAC, "cafe_start_round")
    c = cafe(room.state, 0)
    for a in actors:
        room.do(a, "post_note", {"text": f"Idea of {a.participant}", "stage": 0})
    room.do(FAC, "cafe_end_round")
    host = c.host(1)
    room.do(Actor(PARTICIPANT, host), "cafe_summary", {"text": "Table two: =the park"})
    room.do(FAC, "cafe_start_round")
    room.do(FAC, "cafe_end_round")
    row = WorkshopRow(id="w", code="CAFE42", screen_key="s", console_key="c", title="T",
                      created_at=0.0)

    data = json.loads(render("json", row, room.events).body)
    (cafe_data,) = data["cafes"]
    assert [r["round"] for r in cafe_data["rounds"]] == [0, 1]
    first = cafe_data["rounds"][0]["tables"]
    assert len(first) == 2 and sum(len(t["notes"]) for t in first) == 8
    assert first[1]["summary"] == "Table two: =the park"
    assert first[1]["host"] == room.state.participants[host].name
    assert sorted(first[0]["members"] + first[1]["members"] + [t["host"] for t in first]) \
        == sorted(f"P{i}" for i in range(8))
    assert cafe_data["new_encounter_share"][0] == 1.0
    assert {n["table"] for n in data["notes"]} == {0, 1}

    rows = list(csv.DictReader(io.StringIO(render("csv", row, room.events).body)))
    notes = [r for r in rows if r["type"] == "note"]
    assert len(notes) == 8 and {r["table"] for r in notes} == {"1", "2"}
    (summary,) = [r for r in rows if r["type"] == "summary"]
    assert summary["text"] == "Table two: =the park" and summary["table"] == "2"

    md = render("md", row, room.events).body
    assert "### Round 1" in md and "#### Table 2" in md and "Table two: \\=the park" in md
    assert "2 rounds were held." in md
    html = render("html", row, room.events).body
    assert "Round 2" in html and "Host's summary:" in html


def test_export_of_an_anonymous_cafe_has_no_names() -> None:
    import json

    from facilitator.export import render
    from facilitator.store.sqlite import WorkshopRow

    room = Room([{**CAFE, "anonymous": True}])
    for i in range(6):
        room.join(f"Secret{i}")
    room.do(FAC, "start")
    room.do(FAC, "cafe_start_round")
    row = WorkshopRow(id="w", code="CAFE42", screen_key="s", console_key="c", title="T",
                      created_at=0.0)
    cafe_json = json.dumps(json.loads(render("json", row, room.events).body)["cafes"])
    assert "Secret" not in cafe_json and "Participant 1" in cafe_json


def test_the_screen_can_go_back_to_the_cafe_view() -> None:
    from facilitator.core.views import screen_view_name

    room, actors = cafe_room(6)
    assert screen_view_name(room.state) == "cafe"
    assert "already shows" in room.refused(FAC, "show_view", {"view": "step"})
    room.do(FAC, "show_view", {"view": "words"})
    assert screen_view_name(room.state) == "words"
    room.do(FAC, "show_view", {"view": "step"})
    assert screen_view_name(room.state) == "cafe" and room.state.screen_view is None
    room.do(FAC, "undo")
    assert screen_view_name(room.state) == "words"


def test_a_note_written_offline_lands_on_the_tablecloth_it_was_written_at() -> None:
    room, actors = cafe_room(12, hosts="none")
    room.do(FAC, "cafe_start_round")
    c = cafe(room.state, 0)
    writer = actors[4]
    first_table = c.table_of(writer.participant)
    room.do(FAC, "cafe_end_round")
    room.do(FAC, "cafe_start_round")
    assert c.table_of(writer.participant) != first_table
    # written in round 1, sent (from the phone's outbox) during round 2
    event = room.do(writer, "post_note", {"text": "From the bus", "stage": 0, "round": 0})[0]
    assert (event.data["round"], event.data["table"]) == (0, first_table)
    # a round the writer did not sit in, or a future one, falls back to where they are now
    event = room.do(writer, "post_note", {"text": "Now", "stage": 0, "round": 7})[0]
    assert (event.data["round"], event.data["table"]) == (1, c.table_of(writer.participant))


# -- next table between rounds, a table's QR code, hosts chosen per table -------------------

def test_the_next_table_is_shown_as_a_round_ends_and_stays_true() -> None:
    room, actors = cafe_room(12, rounds=3)
    room.do(FAC, "cafe_start_round")
    assert "next_table" not in phone(room, actors[0])  # not during a round
    room.do(FAC, "cafe_end_round")
    told = {a.participant: phone(room, a)["next_table"] for a in actors}
    assert told == {a.participant: cafe(room.state, 0).seating.table_of(1, a.participant)
                    for a in actors}
    # the facilitator swaps two travellers: their phones say the new tables, nobody else's
    hosts = set(cafe(room.state, 0).seating.hosts[1])
    a, b = next((x, y) for x in actors for y in actors
                if {x.participant, y.participant}.isdisjoint(hosts)
                and told[x.participant] != told[y.participant])
    room.do(FAC, "cafe_swap", {"a": a.participant, "b": b.participant})
    assert phone(room, a)["next_table"] == told[b.participant]
    assert phone(room, b)["next_table"] == told[a.participant]
    told[a.participant], told[b.participant] = told[b.participant], told[a.participant]
    room.do(FAC, "cafe_start_round")
    assert {a.participant: phone(room, a)["table"] for a in actors} == told
    # someone removed between rounds has no next table, and the others' stay as told
    room.do(FAC, "cafe_end_round")
    told = {a.participant: phone(room, a)["next_table"] for a in actors}
    room.do(FAC, "cafe_remove", {"participant": actors[4].participant})
    assert phone(room, actors[4])["next_table"] is None
    assert all(phone(room, a)["next_table"] == told[a.participant] for a in actors
               if a is not actors[4])
    room.do(FAC, "cafe_start_round")
    room.do(FAC, "cafe_end_round")
    assert phone(room, actors[0])["last_round"] is True


def test_a_table_qr_seats_a_late_arrival_there_and_nobody_else_moves() -> None:
    room, actors = cafe_room(12)
    room.do(FAC, "cafe_start_round")
    before = tables(room, 0)
    late = Actor(PARTICIPANT, room.do(Actor("visitor"), "join", {"table": 2})[0]
                 .data["participant"])
    assert tables(room, 0) == [*before[:2], (*before[2], late.participant)]
    assert phone(room, late)["table"] == 2
    # a table that does not exist: seated like any late arrival (the phone explains)
    other = Actor(PARTICIPANT, room.do(Actor("visitor"), "join", {"table": 9})[0]
                  .data["participant"])
    assert phone(room, other)["table"] is not None
    assert "no table 10 in this café: it has 3 tables" in room.refused(
        other, "cafe_sit", {"table": 9})


def test_sitting_at_a_scanned_table_asks_before_moving_someone_seated() -> None:
    room, actors = cafe_room(12, hosts="none")
    room.do(FAC, "cafe_start_round")
    me = actors[0]
    here = phone(room, me)["table"]
    there = (here + 1) % 3
    before = tables(room, 0)
    assert f"You sit at table {here + 1} this round. Confirm" in room.refused(
        me, "cafe_sit", {"table": there})
    assert f"already sit at table {here + 1}" in room.refused(me, "cafe_sit", {"table": here})
    room.do(me, "cafe_sit", {"table": there, "move": True})
    after = tables(room, 0)
    assert me.participant in after[there] and me.participant not in after[here]
    for t in range(3):
        assert [p for p in after[t] if p != me.participant] == \
            [p for p in before[t] if p != me.participant]
    assert phone(room, me)["table"] == there


def test_hosts_cannot_wander_off_and_gathering_has_no_tables_to_sit_at() -> None:
    room, actors = cafe_room(12)
    assert "has not started" in room.refused(actors[0], "cafe_sit", {"table": 0})
    room.do(FAC, "cafe_start_round")
    host = cafe(room.state, 0).seating.hosts[0][0]
    actor = Actor(PARTICIPANT, host)
    assert "You host table 1" in room.refused(actor, "cafe_sit", {"table": 1, "move": True})


def test_the_facilitator_chooses_a_tables_host() -> None:
    room, actors = cafe_room(12, rounds=3)
    assert "set when round 1 starts" in room.refused(FAC, "cafe_set_host",
                                                     {"table": 0, "participant": "p1"})
    room.do(FAC, "cafe_start_round")
    c = cafe(room.state, 0)
    at_one = [p for p in c.seated(1) if p != c.host(1)]
    elsewhere = next(p for p in c.seated(0) if p != c.host(0))
    # during a round: someone at that table, so nobody moves
    assert "sits at table 1 this round" in room.refused(
        FAC, "cafe_set_host", {"table": 1, "participant": elsewhere})
    before = tables(room, 0)
    room.do(FAC, "cafe_set_host", {"table": 1, "participant": at_one[0]})
    assert c.host(1) == at_one[0]
    assert [set(t) for t in tables(room, 0)] == [set(t) for t in before]
    assert phone(room, Actor(PARTICIPANT, at_one[0]))["i_host"]
    # between rounds: anyone, and at most two people's next table changes
    room.do(FAC, "cafe_end_round")
    told = {a.participant: phone(room, a)["next_table"] for a in actors}
    chosen = next(p for p in c.seating.rounds[1][0] if p not in c.seating.hosts[1])
    room.do(FAC, "cafe_set_host", {"table": 2, "participant": chosen})
    now = {a.participant: phone(room, a)["next_table"] for a in actors}
    changed = [p for p in told if told[p] != now[p]]
    assert chosen in changed and len(changed) <= 2 and now[chosen] == 2
    assert phone(room, Actor(PARTICIPANT, chosen))["next_host"]
    room.do(FAC, "cafe_set_host", {"table": 2})
    assert cafe(room.state, 0).seating.hosts[1][2] is None
    for payload, error in [({"table": 7, "participant": chosen}, "no table 8"),
                           ({"table": 2}, "no host already"),
                           ({"table": 0, "participant": "p99"}, "not in the café")]:
        assert error in room.refused(FAC, "cafe_set_host", payload)
    assert "Only the facilitator" in room.refused(actors[0], "cafe_set_host", {"table": 0})
    none_room, _people = cafe_room(8, hosts="none")
    none_room.do(FAC, "cafe_start_round")
    assert "no table hosts" in none_room.refused(FAC, "cafe_set_host",
                                                 {"table": 0, "participant": "p1"})


def test_the_report_puts_the_repeats_next_to_the_fewest_possible() -> None:
    from facilitator.export import render
    from facilitator.store.sqlite import WorkshopRow

    room, actors = cafe_room(12)  # 3 tables of 4, 2 rounds, fixed hosts: at least 3 repeats
    for _r in range(2):
        room.do(FAC, "cafe_start_round")
        room.do(FAC, "cafe_end_round")
    c = cafe(room.state, 0)
    assert c.seating.lower_bound() == 3 <= c.seating.repeated_pairs()
    row = WorkshopRow("w", "QKH4A7", "s", "c", "Café", 1_790_000_000.0)
    md = render("md", row, room.events).body
    n = c.seating.repeated_pairs()
    tail = ("That is the fewest possible for this room." if n == 3 else
            "Any seating of this room would have at least 3 pairs sitting together again.")
    assert f"{n} pairs sat together again. {tail}" in md.replace("\n", " ")
    import json
    data = json.loads(render("json", row, room.events).body)
    assert data["cafes"][0]["fewest_repeated_pairs"] == 3


def test_the_seating_made_ahead_is_the_one_the_round_start_makes() -> None:
    from facilitator.activities.cafe import _planned, seat_ahead

    cold, _actors = cafe_room(30)
    cold.do(FAC, "cafe_start_round")  # seated at the round start, nothing made ahead
    _planned.cache_clear()
    room, _actors = cafe_room(30)
    seq = room.state.seq
    seat_ahead(room.state)  # the room is quiet: seated ahead, nothing in the state changed
    assert room.state.seq == seq and cafe(room.state, 0).seating is None
    assert _planned.cache_info().misses == 1
    room.do(FAC, "cafe_start_round")
    assert _planned.cache_info().hits == 1  # the round start found it made ...
    assert cafe(room.state, 0).seating == cafe(cold.state, 0).seating  # ... the same one
    # someone arrives after it was made: the round start seats the room as it is now
    late, _actors = cafe_room(30)
    seat_ahead(late.state)
    newcomer = late.join("Late")
    late.do(FAC, "cafe_start_round")
    seated = {p for t in tables(late, 0) for p in t}
    assert newcomer.participant in seated and len(seated) == 31


def test_nothing_is_made_ahead_outside_a_cafe_before_its_first_round() -> None:
    from facilitator.activities.cafe import _planned, seat_ahead

    _planned.cache_clear()
    room = Room([*HARVEST, CAFE])
    for i in range(6):
        room.join(f"P{i}")
    seat_ahead(room.state)  # not started
    room.do(FAC, "start")
    seat_ahead(room.state)  # a cluster stage
    one, _actors = cafe_room(1)
    seat_ahead(one.state)  # too few people: the round start says so
    assert _planned.cache_info().misses == 0
    running, _actors = cafe_room(8)
    running.do(FAC, "cafe_start_round")
    misses = _planned.cache_info().misses
    seat_ahead(running.state)  # seated already
    assert _planned.cache_info().misses == misses
