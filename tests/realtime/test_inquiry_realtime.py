"""Appreciative Inquiry over Socket.IO: a story reaches its pair only, until its teller
shares it; refusals change nothing; the stage guard refuses Dream before Discover closes."""

import pytest
from clients import open_room, received

PLAN = {"title": "AI", "stages": [
    {"kind": "ai_discover", "prompt": "Interviews"},
    {"kind": "ai_dream", "prompt": "Dream"},
]}


@pytest.fixture
def inquiry(service, connect):
    row, console, screen, phones = open_room(service, connect, PLAN, 6, "ai")
    assert console.emit("start", {}, callback=True)["ok"]
    assert console.emit("ai_pair", {}, callback=True)["ok"]
    me = {}
    for i, phone in enumerate(phones):
        me[i] = received(phone, "snapshot")[-1]["inquiry"]["me"]
    for c in (console, screen, *phones):
        c.get_received()
    return row, console, screen, phones, me


def test_a_story_reaches_its_pair_only_until_shared(inquiry, service) -> None:
    row, console, screen, phones, me = inquiry
    ack = phones[0].emit("ai_story", {"client_id": "s1", "highlights": "The flood party"},
                         callback=True)
    assert ack["ok"] and ack["story_id"]
    partner = me[0]["partner"]["id"]
    teller = int(partner.lstrip("p")) - 1
    for i, phone in enumerate(phones):
        updates = received(phone, "inquiry")
        assert bool(updates) == (i in (0, teller)), f"phone {i}"
    assert "The flood party" not in str(received(screen, "inquiry"))
    assert received(console, "inquiry")[-1]["inquiry"]["captured"] == 1
    ack = phones[teller].emit("ai_consent", {"client_id": "c1", "story_id": ack["story_id"],
                                             "consent": True}, callback=True)
    assert ack["ok"]
    core = received(screen, "inquiry")[-1]["inquiry"]["core"]
    assert core["stories"] == 1


def test_refusals_change_nothing(inquiry, service) -> None:
    row, console, screen, phones, me = inquiry
    seq = service.live(row.id).state.seq
    for client, event, payload, error in [
        (phones[0], "ai_pair", {}, "Only the facilitator can do that."),
        (phones[0], "ai_story", {}, "The story is empty"),
        (phones[0], "ai_story", {"highlights": "x" * 1001}, "too long"),
        (phones[0], "ai_consent", {"story_id": "s9", "consent": True}, "Only the person"),
        (phones[0], "ai_tag", {"story_id": "s9", "theme": "x"}, "after the interviews"),
        (phones[0], "ai_propose", {"text": "x", "stories": []}, "Dream stage"),
        (console, "next_stage", {}, "Discover (step 1) is not closed"),
    ]:
        ack = client.emit(event, {"client_id": f"bad-{event}-{len(error)}", **payload},
                          callback=True)
        assert ack["ok"] is False and error in ack["error"], (event, ack)
    assert service.live(row.id).state.seq == seq
    ack = console.emit("next_stage", {"client_id": "force", "force": True}, callback=True)
    assert ack["ok"]
    assert service.live(row.id).state.stage_index == 1
