"""Open Space over Socket.IO: every refused move changes nothing and tells why; updates reach
the right rooms (interest never reaches the projector; a check-in reaches the projector's
attendance and the person's own phone only)."""

import pytest
from clients import open_room, received

PLAN = {"title": "Open Space", "stages": [
    {"kind": "openspace", "prompt": "How can our town become a great place to grow old in?",
     "options": {"spaces": ["Hall, 30", "Nook, 2", "Garden"],
                 "slots": ["Morning, 10:00-11:00", "Afternoon, 14:00-15:00"]}},
]}


@pytest.fixture
def space(service, connect):
    row, console, screen, phones = open_room(service, connect, PLAN, 4, "os")
    assert console.emit("start", {}, callback=True)["ok"]
    topics = []
    for i in range(2):
        ack = phones[i].emit("os_topic_post", {"client_id": f"t{i}", "title": f"Topic {i}"},
                             callback=True)
        assert ack["ok"], ack
        topics.append(ack["topic_id"])
    ack = phones[0].emit("os_place", {"client_id": "p0", "topic": topics[0], "space": "s1",
                                      "slot": "slot1"}, callback=True)
    assert ack["ok"], ack
    for c in (console, screen, *phones):
        c.get_received()
    return row, console, screen, phones, topics


def test_each_refused_move_changes_nothing(space, service) -> None:
    row, console, screen, phones, (a, b) = space
    live = service.live(row.id)
    seq = live.state.seq
    cells = dict(live.state.openspaces[0].cells)
    for client, event, payload, error in [
        (phones[1], "os_place", {"topic": b, "space": "s1", "slot": "slot1"},
         "Hall at Morning (10:00–11:00) is taken by “Topic 0”. Free at Morning"),
        (phones[1], "os_place", {"topic": b, "space": "s1", "slot": "slot7"},
         "That slot does not exist"),
        (phones[1], "os_place", {"topic": b, "space": "roof", "slot": "slot1"},
         "That space does not exist"),
        (phones[1], "os_place", {"topic": a, "space": "s2", "slot": "slot2"},
         "Only the convener of “Topic 0”"),
        (phones[1], "os_place", {"topic": "t99", "space": "s2", "slot": "slot2"},
         "That topic does not exist"),
        (phones[0], "os_place", {"topic": a, "space": "s1", "slot": "slot1"}, "already there"),
        (phones[1], "os_place", {"topic": b, "space": 3, "slot": "slot1"}, "must be text"),
        (console, "os_place", {"topic": b, "space": "s1", "slot": "slot1"}, "is taken"),
        (phones[1], "os_unplace", {"topic": b}, "is not on the grid"),
        (phones[2], "os_unplace", {"topic": a}, "Only the convener"),
        (phones[2], "os_suggest", {}, "Only the facilitator can do that."),
        (phones[2], "os_set_slot", {"slot": 0}, "Only the facilitator can do that."),
        (console, "os_set_slot", {"slot": 5}, "That slot does not exist"),
        (phones[2], "os_check_in", {"topic": a}, "not started"),
        (phones[2], "os_topic_post", {"title": "x" * 101}, "too long"),
    ]:
        ack = client.emit(event, {"client_id": f"bad-{event}-{error[:8]}", **payload},
                          callback=True)
        assert ack["ok"] is False and error in ack["error"], (event, ack)
    assert live.state.seq == seq
    assert live.state.openspaces[0].cells == cells
    for c in (console, screen, *phones):
        assert c.get_received() == [], "a refusal sends nothing to anyone"


def test_interest_reaches_the_console_and_conveners_not_the_projector(space) -> None:
    row, console, screen, phones, (a, b) = space
    ack = phones[3].emit("os_interest", {"client_id": "i1", "topic": a, "on": True},
                         callback=True)
    assert ack["ok"]
    assert received(screen, "openspace") == [] and received(screen, "os_topics") == []
    mine = received(phones[0], "os_me")[-1]["me"]["topics"]
    assert mine[0]["interested"] == 1
    assert received(phones[3], "os_me")[-1]["me"]["interested"] == [a]
    assert received(phones[2], "os_me") == [], "an uninvolved phone hears nothing"
    topic = [t for t in received(console, "openspace")[-1]["openspace"]["topics"]
             if t["id"] == a][0]
    assert topic["interested"] == 1


def test_a_new_topic_is_one_broadcast_and_check_ins_update_attendance(space) -> None:
    row, console, screen, phones, (a, b) = space
    ack = phones[2].emit("os_topic_post", {"client_id": "t2", "title": "Benches"},
                         callback=True)
    assert ack["ok"]
    shown = received(screen, "openspace")[-1]["openspace"]["topics"]
    assert [t["title"] for t in shown] == ["Topic 0", "Topic 1", "Benches"]
    for phone in phones:
        assert [t["title"] for t in received(phone, "os_topics")[-1]["topics"]] == ["Benches"]
    assert console.emit("os_set_slot", {"client_id": "s0", "slot": 0}, callback=True)["ok"]
    for c in (screen, *phones):
        c.get_received()
    assert phones[3].emit("os_check_in", {"client_id": "c1", "topic": a, "show_name": True},
                          callback=True)["ok"]
    att = received(screen, "os_attendance")[-1]["attendance"]
    assert att["counts"] == {a: 1} and att["names"] == {a: ["P3"]}
    assert received(phones[3], "os_me")[-1]["me"]["checkin"] == a
    assert all(received(p, "os_me") == [] for p in phones[:3])


def test_a_stale_report_edit_is_refused_and_both_texts_survive(space, service) -> None:
    row, console, screen, phones, (a, b) = space
    ack = phones[0].emit("os_entry_add", {"client_id": "e1", "topic": a, "kind": "point",
                                          "text": "First"}, callback=True)
    assert ack["ok"]
    entry = ack["entry_id"]
    report = received(phones[3], "os_report")[-1]
    assert report["topic"] == a and [e["text"] for e in report["entries"]] == ["First"]
    assert received(screen, "os_report")[-1]["entries"][0]["text"] == "First"
    assert console.emit("os_entry_edit", {"client_id": "x1", "entry": entry, "base": 1,
                                          "text": "Facilitator's"}, callback=True)["ok"]
    seq = service.live(row.id).state.seq
    ack = phones[0].emit("os_entry_edit", {"client_id": "x2", "entry": entry, "base": 1,
                                           "text": "Convener's"}, callback=True)
    assert not ack["ok"] and "Someone else saved this entry" in ack["error"]
    assert service.live(row.id).state.seq == seq
    assert service.live(row.id).state.openspaces[0].entries[entry].text == "Facilitator's"


def test_announcements_reach_every_phone_the_projector_and_the_console(space, service) -> None:
    row, console, screen, phones, (a, b) = space
    ack = console.emit("os_announce", {"client_id": "an1", "text": "Lunch at 12:30"},
                       callback=True)
    assert ack["ok"] and ack["announcement_id"] == "a1"
    for client in (console, screen, *phones):
        (got,) = received(client, "os_announcements")
        assert [(x["text"], x["from"]) for x in got["announcements"]] == [
            ("Lunch at 12:30", "facilitator")]
    # a convener (phone 1 convenes Topic 1) announces too, named as the room may see
    ack = phones[1].emit("os_announce", {"client_id": "an2",
                                         "text": "Session on transport moved to the garden"},
                         callback=True)
    assert ack["ok"]
    (got,) = received(screen, "os_announcements")
    assert [(x["text"], x["from"], x["name"]) for x in got["announcements"]] == [
        ("Session on transport moved to the garden", "convener", "P1"),
        ("Lunch at 12:30", "facilitator", "")]
    for client in (console, *phones):
        client.get_received()
    # refusals change nothing and nobody hears of them
    seq = service.live(row.id).state.seq
    for client, event, payload, error in [
        (phones[2], "os_announce", {"text": "Free cake"}, "come from the facilitator and the "
                                                           "conveners"),
        (console, "os_announce", {"text": "   "}, "empty"),
        (console, "os_announce", {"text": "x" * 141}, "too long"),
        (console, "os_announce", {"text": "Lunch at  12:30"}, "showing already"),
        (phones[1], "os_announce_remove", {"announcement": "a1"}, "Only the facilitator"),
        (console, "os_announce_remove", {"announcement": "a9"}, "not showing"),
        (phones[0], "os_announce", {"text": 5}, "must be text"),
    ]:
        got = client.emit(event, {"client_id": f"bad-{event}-{len(str(payload))}", **payload},
                          callback=True)
        assert got["ok"] is False and error in got["error"], (event, payload, got)
    assert service.live(row.id).state.seq == seq
    for client in (console, screen, *phones):
        assert received(client, "os_announcements") == []
    # the facilitator takes one down; the author can take down their own
    assert console.emit("os_announce_remove", {"client_id": "r1", "announcement": "a1"},
                        callback=True)["ok"]
    assert [x["id"] for x in received(phones[3], "os_announcements")[0]["announcements"]] \
        == ["a2"]
    assert phones[1].emit("os_announce_remove", {"client_id": "r2", "announcement": "a2"},
                          callback=True)["ok"]
    assert received(screen, "os_announcements")[-1]["announcements"] == []
    snap = service.live(row.id).state.openspaces[0]
    assert [x.removed for x in snap.announcements.values()] == [True, True]  # kept in the log


CONVERGE_PLAN = {"title": "Open Space", "stages": [
    PLAN["stages"][0],
    {"kind": "vote", "prompt": "Priorities", "options": {"source": 0}},
    {"kind": "adopt", "prompt": "Who takes it forward?", "options": {"top": 1}},
]}


def test_an_action_plan_reaches_those_taking_it_forward_the_projector_and_console(
        service, connect) -> None:
    row, console, screen, phones = open_room(service, connect, CONVERGE_PLAN, 4, "plan")
    assert console.emit("start", {}, callback=True)["ok"]
    topic = phones[0].emit("os_topic_post", {"client_id": "t", "title": "Buses"},
                           callback=True)["topic_id"]
    assert console.emit("next_stage", {}, callback=True)["ok"]
    assert console.emit("open_vote", {"dots": 1}, callback=True)["ok"]
    for i, phone in enumerate(phones):
        assert phone.emit("place_dot", {"client_id": f"d{i}", "item_id": topic},
                          callback=True)["ok"]
    assert console.emit("close_vote", {}, callback=True)["ok"]
    assert console.emit("next_stage", {}, callback=True)["ok"]
    for i in (0, 1):
        assert phones[i].emit("adopt_item", {"client_id": f"a{i}", "item": topic, "on": True},
                              callback=True)["ok"]
    for c in (console, screen, *phones):
        c.get_received()
    seq = service.live(row.id).state.seq
    for client, event, payload, error in [
        (phones[2], "adopt_action_add", {"item": topic, "text": "Ask", "owner": "Di",
                                         "due": "2027-01-01"}, "Sign up"),
        (phones[0], "adopt_action_add", {"item": topic, "text": "Ask", "owner": "Ann",
                                         "due": "soon"}, "calendar date"),
        (phones[0], "adopt_action_add", {"item": topic, "text": "Ask", "due": "2027-01-01"},
         "missing"),
        (phones[0], "adopt_action_remove", {"action": "x1"}, "not in the plan"),
    ]:
        got = client.emit(event, {"client_id": f"bad-{len(str(payload))}-{event}", **payload},
                          callback=True)
        assert got["ok"] is False and error in got["error"], (event, got)
    assert service.live(row.id).state.seq == seq
    for c in (console, screen, *phones):
        assert received(c, "adopt") == []
    ack = phones[0].emit("adopt_action_add", {"client_id": "x", "item": topic,
                                              "text": "Write to the bus company",
                                              "owner": "Ann", "due": "2027-02-01",
                                              "with": "Bo"}, callback=True)
    assert ack["ok"] and ack["action_id"] == "x1"
    for c in (screen, console, phones[0], phones[1]):
        (got,) = received(c, "adopt")
        assert [a["text"] for a in got["adopt"]["items"][0]["actions"]] == [
            "Write to the bus company"]
    for other in phones[2:]:
        assert received(other, "adopt") == [], "only those taking it forward hear"
    # the other volunteer cannot remove it; its author and the console can
    got = phones[1].emit("adopt_action_remove", {"client_id": "r", "action": "x1"},
                         callback=True)
    assert got["ok"] is False and "Only whoever added" in got["error"]
    assert console.emit("adopt_action_remove", {"client_id": "r2", "action": "x1"},
                        callback=True)["ok"]
    assert received(screen, "adopt")[-1]["adopt"]["items"][0]["actions"] == []


def test_a_contact_goes_to_its_owner_only_and_an_answer_to_the_report(service,
                                                                       connect) -> None:
    plan = {"title": "Open Space", "stages": [{**PLAN["stages"][0], "options": {
        **PLAN["stages"][0]["options"], "report": ["What surprised you?"]}}]}
    row, console, screen, phones = open_room(service, connect, plan, 3, "contact")
    assert console.emit("start", {}, callback=True)["ok"]
    topic = phones[0].emit("os_topic_post", {"client_id": "t", "title": "Buses"},
                           callback=True)["topic_id"]
    for c in (console, screen, *phones):
        c.get_received()
    seq = service.live(row.id).state.seq
    for who, payload, error in [(1, {"topic": topic, "contact": "x@y.z"}, "Check in to"),
                                (1, {"topic": "t9", "contact": "x@y.z"}, "does not exist"),
                                (0, {"topic": topic, "contact": "x" * 101}, "too long"),
                                (0, {"topic": topic, "contact": ""}, "not in the book")]:
        got = phones[who].emit("os_contact", {"client_id": f"c{len(str(payload))}",
                                              **payload}, callback=True)
        assert got["ok"] is False and error in got["error"], got
    got = phones[1].emit("os_entry_add", {"client_id": "q", "topic": topic, "kind": "answer",
                                          "question": 0, "text": "x"}, callback=True)
    assert got["ok"] is False and "check in to it first" in got["error"]
    assert service.live(row.id).state.seq == seq
    ack = phones[0].emit("os_contact", {"client_id": "ok", "topic": topic,
                                        "contact": "ann@example.org"}, callback=True)
    assert ack["ok"]
    (mine,) = received(phones[0], "os_me")
    assert mine["me"]["contacts"] == {topic: "ann@example.org"}
    for other in (console, screen, *phones[1:]):
        assert "ann@example.org" not in str(other.get_received()), "a contact is not live"
    ack = phones[0].emit("os_entry_add", {"client_id": "a", "topic": topic, "kind": "answer",
                                          "question": 0, "text": "How many walk"},
                         callback=True)
    assert ack["ok"]
    for c in (screen, console, phones[2]):
        (report,) = received(c, "os_report")
        assert [(e["kind"], e["question"], e["text"]) for e in report["entries"]] == [
            ("answer", 0, "How many walk")]
