"""1-2-4-All over Socket.IO: what each audience receives for each new command, and every
refusal changes nothing."""

import pytest
from clients import open_room, received

PLAN = {"title": "1-2-4-All", "stages": [
    {"kind": "onetwofour", "prompt": "What made it possible?"},
    {"kind": "cluster", "prompt": "Themes"},
]}


def pid(service, row, i: int) -> str:
    return f"p{i + 1}"


@pytest.fixture
def otf(service, connect):
    row, console, screen, phones = open_room(service, connect, PLAN, 9, "otf")
    assert console.emit("start", {}, callback=True)["ok"]
    for c in (console, screen, *phones):
        c.get_received()
    return row, console, screen, phones


def state(service, row):
    return service.live(row.id).state.groupings[0]


def test_each_step_sends_every_audience_a_fresh_view(otf, service) -> None:
    row, console, screen, phones = otf
    ack = console.emit("otf_form_pairs", {"client_id": "fp"}, callback=True)
    assert ack["ok"]
    grouping = state(service, row).grouping
    for i, phone in enumerate(phones):
        (snap,) = received(phone, "snapshot")
        mine = snap["onetwofour"]
        assert mine["phase"] == "pairs"
        assert mine["pair"]["number"] == grouping.pair_of(f"p{i + 1}") + 1
        assert mine["pair"]["sign"]["label"]
        assert snap["workshop"]["timer"]["running"]
    (screen_snap,) = received(screen, "snapshot")
    assert screen_snap["onetwofour"]["pairs"] == 4 and screen_snap["onetwofour"]["trios"] == 1
    assert "P0" not in str(screen_snap["onetwofour"])  # no names on the projector
    (console_snap,) = received(console, "snapshot")
    assert len(console_snap["onetwofour"]["pair_groups"]) == 4
    assert console.emit("otf_form_fours", {"client_id": "ff"}, callback=True)["ok"]
    assert received(phones[0], "snapshot")[0]["onetwofour"]["four"]["size"] in (4, 5)
    assert console.emit("otf_all", {"client_id": "fa"}, callback=True)["ok"]
    assert [s["onetwofour"]["phase"] for s in received(screen, "snapshot")] == ["fours", "all"]


def test_a_shared_note_reaches_its_group_and_the_console_only(otf, service) -> None:
    row, console, screen, phones = otf
    console.emit("otf_form_pairs", {"client_id": "fp"}, callback=True)
    for c in (console, screen, *phones):
        c.get_received()
    grouping = state(service, row).grouping
    pair = grouping.pairs[grouping.pair_of("p1")]
    ack = phones[0].emit("otf_write", {"client_id": "w1", "group": "pair", "text": "Trust"},
                         callback=True)
    assert ack["ok"] and ack["group"] == "pair" and ack["number"] == grouping.pair_of("p1") + 1
    for i, phone in enumerate(phones):
        got = received(phone, "onetwofour")
        if f"p{i + 1}" in pair:
            assert got[-1]["onetwofour"]["pair"]["note"]["text"] == "Trust"
        else:
            assert got == [], f"phone {i} outside the pair heard about its note"
    assert screen.get_received() == []
    assert received(console, "onetwofour")[-1]["onetwofour"]["pair_groups"][
        grouping.pair_of("p1")]["note"] == "Trust"
    # the same action again (a resend) is answered, applied once
    seq = service.live(row.id).state.seq
    again = phones[0].emit("otf_write", {"client_id": "w1", "group": "pair", "text": "Trust"},
                           callback=True)
    assert again["ok"] and service.live(row.id).state.seq == seq


def test_jottings_stay_with_their_writer(otf, service) -> None:
    row, console, screen, phones = otf
    assert phones[2].emit("otf_jot", {"client_id": "j", "text": "Mine"}, callback=True)["ok"]
    assert received(phones[2], "onetwofour")[-1]["onetwofour"]["jot"] == "Mine"
    for c in (console, screen, *phones[:2], *phones[3:]):
        assert "Mine" not in str(c.get_received())


def test_in_all_a_fours_idea_reaches_the_screen_and_every_phone(otf, service) -> None:
    row, console, screen, phones = otf
    for name in ("otf_form_pairs", "otf_form_fours", "otf_all"):
        assert console.emit(name, {"client_id": name}, callback=True)["ok"]
    for c in (console, screen, *phones):
        c.get_received()
    ack = phones[0].emit("otf_write", {"client_id": "w", "group": "four", "text": "Lifts"},
                         callback=True)
    assert ack["ok"] and ack["group"] == "four"
    (view,) = received(screen, "onetwofour")
    assert [i["text"] for i in view["onetwofour"]["ideas"]] == ["Lifts"]
    for phone in phones:
        assert [i["text"] for i in received(phone, "otf_ideas")[-1]["ideas"]] == ["Lifts"]
    # hiding takes it off the screen and the phones; it stays in the log
    assert console.emit("otf_hide_idea", {"client_id": "h", "four": 1, "hidden": True},
                        callback=True)["ok"]
    assert received(screen, "onetwofour")[-1]["onetwofour"]["ideas"] == []
    assert received(phones[5], "otf_ideas")[-1]["ideas"] == []


def test_a_late_phone_gets_a_group_and_its_group_hears(otf, service, connect) -> None:
    row, console, screen, phones = otf
    console.emit("otf_form_pairs", {"client_id": "fp"}, callback=True)
    before = state(service, row).grouping
    late = connect({"role": "phone", "code": row.code})
    assert late.emit("join", {"client_id": "late", "token": "otf-token-late-0123456789"},
                     callback=True)["ok"]
    after = state(service, row).grouping
    n = after.pair_of("p10")
    assert after.pairs[n] == before.pairs[n] + ("p10",)
    assert [g for i, g in enumerate(after.pairs) if i != n] == \
        [g for i, g in enumerate(before.pairs) if i != n]
    (mine,) = received(late, "onetwofour")  # told its group at once
    assert mine["onetwofour"]["pair"]["number"] == n + 1 and mine["onetwofour"]["pair"]["size"] == 3
    for i, phone in enumerate(phones):
        heard = received(phone, "onetwofour")
        assert bool(heard) == (f"p{i + 1}" in after.pairs[n]), i


def test_refusals_change_nothing(otf, service) -> None:
    row, console, screen, phones = otf
    seq = service.live(row.id).state.seq
    for client, event, payload, error in [
        (phones[0], "otf_form_pairs", {}, "Only the facilitator can do that."),
        (console, "otf_form_fours", {}, "Form the pairs first."),
        (console, "otf_all", {}, "Form the fours first."),
        (phones[0], "otf_write", {"group": "pair", "text": "x"}, "not been formed"),
        (phones[0], "otf_write", {"group": "pair"}, "missing"),
        (phones[0], "otf_write", {"group": "pair", "text": 5}, "must be text"),
        (phones[0], "otf_write", {"group": "pair", "text": "<b>" * 1000}, "far too long"),
        (phones[0], "otf_jot", {"text": "x" * 1001}, "too long"),
        (phones[0], "post_note", {"text": "x"}, "shared note"),
        (console, "otf_hide_idea", {"four": 1, "hidden": True}, "not written"),
        (console, "otf_hide_idea", {"four": "1", "hidden": True}, "whole number"),
        (console, "otf_write", {"group": "pair", "text": "x"}, "not available"),
    ]:
        ack = client.emit(event, {"client_id": f"bad-{event}-{len(str(payload))}", **payload},
                          callback=True)
        assert ack["ok"] is False and error in ack["error"], (event, ack)
    assert console.emit("otf_form_pairs", {"client_id": "fp"}, callback=True)["ok"]
    seq = service.live(row.id).state.seq
    for client, event, payload, error in [
        (console, "otf_form_pairs", {}, "already"),
        (console, "otf_all", {}, "Form the fours first."),
        (phones[0], "otf_write", {"group": "four", "text": "x"}, "fours have not"),
        (phones[0], "otf_write", {"group": "pair", "text": "   "}, "empty"),
        (phones[0], "otf_write", {"group": "everyone", "text": "x"}, "pair or a four"),
    ]:
        ack = client.emit(event, {"client_id": f"bad2-{event}-{len(str(payload))}", **payload},
                          callback=True)
        assert ack["ok"] is False and error in ack["error"], (event, ack)
    assert service.live(row.id).state.seq == seq
