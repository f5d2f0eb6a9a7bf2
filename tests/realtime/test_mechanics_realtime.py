"""The mechanics over Socket.IO: refusals change nothing; updates reach the right rooms."""

import pytest

from facilitator.core.plan import load_plan

PLAN = {"title": "Mechanics", "stages": [
    {"kind": "notes", "prompt": "Write", "duration": "2 min", "timer": "manual",
     "options": {"silent": True}},
    {"kind": "cluster", "prompt": "Group"},
    {"kind": "vote", "prompt": "Vote", "options": {"dots": 2, "source": 0}},
]}


def last(client, name):
    found = [e for e in client.get_received() if e["name"] == name]
    assert found, f"no {name!r} received"
    return found[-1]["args"][0]


@pytest.fixture
def room(service, connect):
    row = service.create_workshop(load_plan(PLAN))
    console = connect({"role": "console", "key": row.console_key})
    screen = connect({"role": "screen", "key": row.screen_key})
    phones = []
    for i in range(3):
        phone = connect({"role": "phone", "code": row.code})
        assert phone.emit("join", {"client_id": f"j{i}", "token": f"mech-token-{i}-0123456789"},
                          callback=True)["ok"]
        phones.append(phone)
    assert console.emit("start", {}, callback=True)["ok"]
    notes = [phones[i % 3].emit("post_note", {"client_id": f"n{i}", "text": f"idea {i}"},
                                callback=True)["note_id"] for i in range(4)]
    for c in (console, screen, *phones):
        c.get_received()
    return row, console, screen, phones, notes


def unchanged(service, row, seq):
    assert service.live(row.id).state.seq == seq


def test_silent_notes_reach_the_screen_only_on_reveal(room, service) -> None:
    row, console, screen, phones, notes = room
    phones[0].emit("post_note", {"client_id": "late", "text": "quiet"}, callback=True)
    assert last(screen, "silent_count")["count"] == 5
    seq = service.live(row.id).state.seq
    ack = phones[0].emit("reveal_notes", {"client_id": "r"}, callback=True)
    assert ack == {"ok": False, "error": "Only the facilitator can do that."}
    unchanged(service, row, seq)
    assert console.emit("reveal_notes", {}, callback=True)["ok"]
    assert len(last(screen, "snapshot")["notes"]) == 5


def test_participant_cannot_cluster(room, service) -> None:
    row, console, screen, phones, notes = room
    console.emit("reveal_notes", {}, callback=True)  # unrevealed notes stay off the screen
    console.emit("next_stage", {}, callback=True)
    seq = service.live(row.id).state.seq
    for event, payload in [("group_notes", {"note_ids": notes}),
                           ("move_note", {"note_id": notes[0], "theme_id": None}),
                           ("undo", {})]:
        ack = phones[0].emit(event, payload, callback=True)
        assert ack == {"ok": False, "error": "Only the facilitator can do that."}
    unchanged(service, row, seq)
    assert console.emit("group_notes", {"note_ids": notes[:2], "name": "Parks"},
                        callback=True)["ok"]
    board = last(screen, "board")["board"]
    assert board["themes"][0]["name"] == "Parks" and board["themes"][0]["count"] == 2
    assert [e for e in phones[1].get_received() if e["name"] == "board"] == []


def test_vote_refusals_change_nothing(room, service) -> None:
    row, console, screen, phones, notes = room
    console.emit("reveal_notes", {}, callback=True)
    console.emit("go_to_stage", {"stage": 2}, callback=True)
    phone = phones[0]
    assert "not opened" in phone.emit("place_dot", {"item_id": notes[0]}, callback=True)["error"]
    assert console.emit("open_vote", {"hidden": True}, callback=True)["ok"]
    snap = last(phone, "snapshot")["vote"]
    assert snap["left"] == 2 and len(snap["items"]) == 4
    assert phone.emit("place_dot", {"client_id": "d1", "item_id": notes[0]}, callback=True)["ok"]
    assert phone.emit("place_dot", {"client_id": "d2", "item_id": notes[1]}, callback=True)["ok"]
    mine = last(phone, "vote")["vote"]
    assert mine["left"] == 0 and mine["mine"] == {notes[0]: 1, notes[1]: 1}
    assert "results" not in last(screen, "vote")["vote"]  # hidden until the vote closes
    seq = service.live(row.id).state.seq
    over = phone.emit("place_dot", {"client_id": "d3", "item_id": notes[2]}, callback=True)
    assert over["ok"] is False and "all 2 of your dots" in over["error"]
    unknown = phone.emit("place_dot", {"client_id": "d4", "item_id": "n999"}, callback=True)
    assert unknown["ok"] is False and "not one of the things" in unknown["error"]
    assert phone.emit("close_vote", {}, callback=True)["ok"] is False
    unchanged(service, row, seq)
    assert console.emit("close_vote", {}, callback=True)["ok"]
    seq = service.live(row.id).state.seq
    closed = phones[1].emit("place_dot", {"client_id": "d5", "item_id": notes[0]},
                            callback=True)
    assert closed["ok"] is False and "closed" in closed["error"]
    moved = phone.emit("remove_dot", {"client_id": "d6", "item_id": notes[0]}, callback=True)
    assert moved["ok"] is False and "closed" in moved["error"]
    unchanged(service, row, seq)
    results = last(screen, "snapshot")["vote"]["results"]
    assert [(r["count"], r["rank"]) for r in results] == [(1, 1), (1, 1), (0, 3), (0, 3)]


def test_timer_reaches_every_audience_with_the_server_clock(room, service) -> None:
    row, console, screen, phones, notes = room
    assert console.emit("timer_start", {}, callback=True)["ok"]
    for client in (screen, phones[0], console):
        msg = last(client, "stage")
        timer = msg["workshop"]["timer"]
        assert timer["running"] and 119 <= timer["ends_at"] - msg["now"] <= 120
    phones[0].disconnect()
    again = service.live(row.id).state.timer
    assert again.running


def test_a_stage_timer_starts_with_the_stage_for_every_audience(service, connect) -> None:
    plan = {"title": "Timed", "stages": [{"kind": "notes", "prompt": "Write", "duration": 3},
                                         {"kind": "notes", "prompt": "More", "duration": 1,
                                          "timer": "manual"}]}
    row = service.create_workshop(load_plan(plan))
    console = connect({"role": "console", "key": row.console_key})
    screen = connect({"role": "screen", "key": row.screen_key})
    phone = connect({"role": "phone", "code": row.code})
    assert phone.emit("join", {"client_id": "j", "token": "auto-token-0-0123456789"},
                      callback=True)["ok"]
    for c in (console, screen, phone):
        c.get_received()
    assert console.emit("start", {"client_id": "s"}, callback=True)["ok"]
    for client in (screen, phone, console):
        msg = last(client, "stage")
        timer = msg["workshop"]["timer"]
        assert timer["running"] and 179 <= timer["ends_at"] - msg["now"] <= 180
        assert msg["workshop"]["stage_started_at"] <= msg["now"]
    assert console.emit("timer_start", {"client_id": "t"}, callback=True) == {
        "ok": False, "error": "The timer is already running."}
    # a manual stage waits for "Start timer"
    assert console.emit("next_stage", {"client_id": "n"}, callback=True)["ok"]
    workshop = last(screen, "snapshot")["workshop"]
    assert (workshop["timer"]["running"], workshop["timer"]["remaining"]) == (False, 60)
    assert workshop["qr_visible"] is False  # the start shrank the projector's join panel


def test_a_cap_per_item_reaches_the_phones_and_a_dot_over_it_changes_nothing(
        service, connect) -> None:
    plan = {"title": "Cap", "stages": [
        {"kind": "notes", "prompt": "Write"},
        {"kind": "vote", "prompt": "Vote", "options": {"source": 0}}]}
    from clients import open_room

    row, console, screen, phones = open_room(service, connect, plan, 2, "cap")
    assert console.emit("start", {}, callback=True)["ok"]
    ids = [phones[0].emit("post_note", {"client_id": f"c{i}", "text": f"idea {i}"},
                          callback=True)["note_id"] for i in range(3)]
    assert console.emit("next_stage", {}, callback=True)["ok"]
    for c in (console, screen, *phones):
        c.get_received()
    assert console.emit("open_vote", {"dots": 4, "max_per_item": 2}, callback=True)["ok"]
    vote = last(phones[1], "snapshot")["vote"]
    assert (vote["dots"], vote["cap"]) == (4, 2)
    assert last(screen, "snapshot")["vote"]["cap"] == 2
    for k in range(2):
        assert phones[1].emit("place_dot", {"client_id": f"d{k}", "item_id": ids[0]},
                              callback=True)["ok"]
    for c in (console, screen, *phones):
        c.get_received()
    seq = service.live(row.id).state.seq
    ack = phones[1].emit("place_dot", {"client_id": "d3", "item_id": ids[0]}, callback=True)
    assert ack["ok"] is False and "At most 2 dots per item" in ack["error"]
    unchanged(service, row, seq)
    assert not any(c.get_received() for c in (console, screen, *phones))


def test_a_check_in_answer_reaches_the_screen_and_a_second_changes_nothing(
        service, connect) -> None:
    from clients import open_room

    plan = {"title": "Check-in", "stages": [{"kind": "checkin", "prompt": "One word"}]}
    row, console, screen, phones = open_room(service, connect, plan, 2, "checkin")
    assert console.emit("start", {}, callback=True)["ok"]
    for c in (console, screen, *phones):
        c.get_received()
    assert phones[0].emit("post_note", {"client_id": "a1", "text": "curious"},
                          callback=True)["ok"]
    got = screen.get_received()
    assert [e["args"][0]["words"]["words"] for e in got if e["name"] == "words"] == [
        [["curious", 1]]]
    assert last(console, "note")["note"]["text"] == "curious"
    assert last(phones[0], "note")["note"]["text"] == "curious"
    assert not phones[1].get_received()  # another phone hears nothing of it
    seq = service.live(row.id).state.seq
    ack = phones[0].emit("post_note", {"client_id": "a2", "text": "tired"}, callback=True)
    assert ack["ok"] is False and "answered already" in ack["error"]
    unchanged(service, row, seq)
    assert not any(c.get_received() for c in (console, screen, *phones))
