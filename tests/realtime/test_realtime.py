"""The realtime contract over Flask-SocketIO's test client: auth, acks, rooms, resync."""

import time

import pytest


def received(client, name=None):
    events = client.get_received()
    return [e for e in events if name is None or e["name"] == name]


def last(client, name):
    found = received(client, name)
    assert found, f"no {name!r} received"
    return found[-1]["args"][0]


@pytest.fixture
def room(app, workshop, connect):
    """A started workshop with a console, a screen and two joined phones (what they were
    sent meanwhile forgotten: the people count a join holds back for up to 100 ms too)."""
    console = connect({"role": "console", "key": workshop.console_key})
    screen = connect({"role": "screen", "key": workshop.screen_key})
    assert console.emit("start", {"client_id": "start-1"}, callback=True)["ok"]
    phones = []
    for i, name in enumerate(["Sam", ""]):
        phone = connect({"role": "phone", "code": workshop.code.lower()})
        ack = phone.emit("join", {"client_id": f"join-{i}", "name": name,
                                  "token": f"device-token-{i}-0123456789"}, callback=True)
        assert ack["ok"], ack
        phones.append(phone)
    app.extensions["facilitator.coalescer"].flush_all()
    for c in (console, screen, *phones):
        c.get_received()
    return console, screen, phones


def test_connect_without_valid_auth_is_refused(workshop, connect) -> None:
    for auth in [None, {}, {"role": "admin"}, {"role": "phone", "code": "NOPE12"},
                 {"role": "console", "key": workshop.screen_key},
                 {"role": "screen", "key": workshop.code}, {"role": "phone", "code": 7}]:
        assert not connect(auth).is_connected()


def test_each_audience_gets_a_snapshot_on_connect(workshop, connect) -> None:
    phone = connect({"role": "phone", "code": workshop.code})
    snap = last(phone, "snapshot")
    assert snap["joined"] is False and snap["seq"] == 1
    assert snap["workshop"]["status"] == "waiting"
    screen = connect({"role": "screen", "key": workshop.screen_key})
    assert last(screen, "snapshot")["notes"] == []
    console = connect({"role": "console", "key": workshop.console_key})
    assert [s["prompt"] for s in last(console, "snapshot")["stages"]][0].startswith("What")


def test_join_post_ack_with_seq_and_fan_out(room) -> None:
    console, screen, (sam, anon) = room
    ack = sam.emit("post_note", {"client_id": "a1", "text": "The park"}, callback=True)
    assert ack["ok"] and ack["seq"] > 1 and ack["note_id"] == f"n{ack['seq']}"
    shown = last(screen, "note")
    assert shown["seq"] == ack["seq"]
    assert shown["note"]["text"] == "The park" and shown["note"]["name"] == "Sam"
    assert "author" not in shown["note"]
    assert last(console, "note")["note"]["author"] == "p1"
    assert last(sam, "note")["note"]["id"] == ack["note_id"]
    # the other phone is not sent someone else's note
    assert received(anon, "note") == []


def test_duplicate_client_id_is_applied_once(room, service, workshop) -> None:
    console, screen, (sam, _anon) = room
    first = sam.emit("post_note", {"client_id": "same", "text": "Once"}, callback=True)
    again = sam.emit("post_note", {"client_id": "same", "text": "Once"}, callback=True)
    assert again == {**first, "duplicate": True}
    assert len(received(screen, "note")) == 1
    texts = [e.data.get("text") for e in service.store.events(workshop.id)]
    assert texts.count("Once") == 1


def test_resent_join_whose_ack_was_lost_gets_its_identity(workshop, connect) -> None:
    payload = {"client_id": "join-x", "name": "Kim", "token": "kims-phone-token-0123456789"}
    first = connect({"role": "phone", "code": workshop.code})
    ack = first.emit("join", payload, callback=True)
    first.disconnect()
    # the phone never saw the ack: it reconnects (token not yet confirmed) and resends
    second = connect({"role": "phone", "code": workshop.code})
    again = second.emit("join", payload, callback=True)
    assert again["duplicate"] and again["participant"] == ack["participant"]
    assert again["token"] == payload["token"]


def test_reconnect_with_token_resumes_the_participant(room, workshop, connect) -> None:
    console, _screen, (sam, _anon) = room
    sam.emit("post_note", {"client_id": "b1", "text": "Before reload"}, callback=True)
    sam.disconnect()
    again = connect({"role": "phone", "code": workshop.code,
                     "token": "device-token-0-0123456789"})
    snap = last(again, "snapshot")
    assert snap["joined"] and snap["me"] == {"id": "p1", "name": "Sam"}
    assert [n["text"] for n in snap["notes"]] == ["Before reload"]


def test_resync_after_missed_events(room, workshop, connect) -> None:
    console, screen, (sam, anon) = room
    seen = last(console, "people")["seq"] if received(console, "people") else 0
    screen.disconnect()
    for i in range(3):
        anon.emit("post_note", {"client_id": f"m{i}", "text": f"missed {i}"}, callback=True)
    back = connect({"role": "screen", "key": workshop.screen_key, "since": seen})
    snap = last(back, "snapshot")
    assert [n["text"] for n in snap["notes"]] == ["missed 0", "missed 1", "missed 2"]
    assert snap["seq"] > seen
    ack = back.emit("resync", {"since": snap["seq"]}, callback=True)
    assert ack["ok"] and ack["snapshot"]["seq"] == snap["seq"]


def test_participant_cannot_send_facilitator_events(room, service, workshop) -> None:
    console, screen, (sam, _anon) = room
    before = service.live(workshop.id).state.seq
    for event, payload in [("start", {}), ("next_stage", {}), ("end_workshop", {}),
                           ("lock_input", {}), ("hide_note", {"note_id": "n1"}),
                           ("show_qr", {"visible": False})]:
        ack = sam.emit(event, {"client_id": f"x-{event}", **payload}, callback=True)
        assert ack == {"ok": False, "error": "Only the facilitator can do that."}
    assert service.live(workshop.id).state.seq == before
    assert received(screen) == []


def test_screen_cannot_send_actions(room) -> None:
    _console, screen, _phones = room
    ack = screen.emit("next_stage", {}, callback=True)
    assert ack["ok"] is False


@pytest.mark.parametrize(("event", "payload", "says"), [
    ("post_note", {"text": ""}, "empty"),
    ("post_note", {"text": "x" * 101}, "too long"),
    ("post_note", {"text": "x" * 100_000}, "far too long"),
    ("post_note", {"text": 5}, "must be text"),
    ("post_note", {"text": None}, "missing"),
    ("post_note", "just a string", "expected an object"),
    ("post_note", {"text": "hi", "stage": 1}, "That step has finished"),
    ("post_note", {"text": "hi", "client_id": 12}, "action id"),
    ("post_note", {"text": "hi", "client_id": "x" * 65}, "action id"),
    ("post_note", {"text": "hi", "client_id": "a\x00b"}, "action id"),
    ("make_me_admin", {}, "Unknown action"),
    ("edit_note", {"note_id": "n999", "text": "x"}, "does not exist"),
    ("edit_note", {"note_id": ["n1"], "text": "x"}, "must be text"),
    ("join", {"name": "again"}, "not available"),
])
def test_bad_input_is_refused_and_nothing_changes(room, service, workshop, event, payload,
                                                  says) -> None:
    console, screen, (sam, _anon) = room
    before = service.live(workshop.id).state.seq
    ack = sam.emit(event, payload, callback=True)
    assert ack["ok"] is False and says in ack["error"], ack
    assert service.live(workshop.id).state.seq == before
    assert received(screen) == [] and received(console) == []


def test_locked_stage_and_someone_elses_note(room, service, workshop) -> None:
    console, screen, (sam, anon) = room
    nid = sam.emit("post_note", {"client_id": "s1", "text": "Sam's"}, callback=True)["note_id"]
    ack = anon.emit("edit_note", {"client_id": "e1", "note_id": nid, "text": "mine now"},
                    callback=True)
    assert ack == {"ok": False, "error": "You can only change your own notes."}
    ack = anon.emit("delete_note", {"client_id": "d1", "note_id": nid}, callback=True)
    assert ack["ok"] is False
    locked = console.emit("lock_input", {}, callback=True)
    assert locked["ok"] and locked["can_undo"] is True
    snap = last(sam, "stage")
    assert snap["workshop"]["locked"] is True
    ack = sam.emit("post_note", {"client_id": "s2", "text": "too late"}, callback=True)
    assert ack["ok"] is False and "paused" in ack["error"]
    assert service.live(workshop.id).state.notes[nid].text == "Sam's"


def test_hide_removes_from_screen_and_author_at_once(room) -> None:
    console, screen, (sam, anon) = room
    nid = sam.emit("post_note", {"client_id": "h1", "text": "hide me"}, callback=True)["note_id"]
    for c in (console, screen, sam, anon):
        c.get_received()
    assert console.emit("hide_note", {"client_id": "h2", "note_id": nid}, callback=True)["ok"]
    assert last(screen, "note_removed")["note_id"] == nid
    assert last(sam, "note_removed")["note_id"] == nid
    hidden = last(console, "note")["note"]
    assert hidden["hidden"] is True and hidden["hidden_by"] == "facilitator"
    assert hidden["hidden_at"] is not None
    assert received(anon) == []


def test_stage_change_reaches_every_phone_and_refreshes_screens(room) -> None:
    console, screen, (sam, anon) = room
    assert console.emit("next_stage", {}, callback=True)["ok"]
    for phone in (sam, anon):
        snap = last(phone, "snapshot")
        assert snap["workshop"]["stage_index"] == 1 and snap["joined"]
    assert last(screen, "snapshot")["workshop"]["stage"]["prompt"] == "What could we build on?"


def test_people_count(workshop, connect) -> None:
    screen = connect({"role": "screen", "key": workshop.screen_key})
    phone = connect({"role": "phone", "code": workshop.code})
    phone.emit("join", {"client_id": "j", "token": "people-token-0123456789"}, callback=True)
    assert last(screen, "people") == {"seq": 2, "joined": 1, "online": 1}
    phone.disconnect()
    time.sleep(0.25)  # people counts are coalesced: a second within 100 ms comes after it
    assert last(screen, "people")["online"] == 0


def test_rate_limit_tells_the_person_to_slow_down(room) -> None:
    _console, _screen, (sam, _anon) = room
    answers = [sam.emit("rename", {"client_id": f"r{i}", "name": f"S{i}"}, callback=True)
               for i in range(40)]
    refused = [a for a in answers if not a["ok"]]
    assert refused and "sending very fast" in refused[0]["error"]
    assert sum(a["ok"] for a in answers) >= 19  # a burst of 20, one spent on joining
