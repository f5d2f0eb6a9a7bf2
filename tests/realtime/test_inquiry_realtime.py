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


# -- the timed swap, unlikely pairs, offers and requests --------------------------------------

def _seq(service, row) -> int:
    return service.live(row.id).state.seq


def test_the_timed_swap_reaches_every_phone_once(service, connect, monkeypatch) -> None:
    plan = {"title": "AI", "stages": [{"kind": "ai_discover", "prompt": "Interviews",
                                       "options": {"interview_seconds": 60}}]}
    row, console, screen, phones = open_room(service, connect, plan, 4, "swap")
    start = service.clock()
    monkeypatch.setattr(service, "clock", lambda: start)
    assert console.emit("start", {}, callback=True)["ok"]
    assert console.emit("ai_pair", {}, callback=True)["ok"]
    swap_at = received(phones[0], "snapshot")[-1]["inquiry"]["swap_at"]
    assert swap_at == pytest.approx(start + 30)
    for c in (console, screen, *phones):
        c.get_received()
    seq = _seq(service, row)
    ack = phones[1].emit("ai_swap", {"client_id": "early", "due": True, "turn": 1},
                         callback=True)
    assert ack["ok"] is False and "not half time" in ack["error"]
    assert _seq(service, row) == seq and not any(c.get_received() for c in (screen, *phones))
    monkeypatch.setattr(service, "clock", lambda: start + 30)
    assert phones[1].emit("ai_swap", {"client_id": "due-1", "due": True, "turn": 1},
                          callback=True)["ok"]
    for c in (console, screen, *phones):  # every audience hears of the swap: a fresh view
        assert received(c, "snapshot")[-1]["inquiry"]["turn"] == 1
    seq = _seq(service, row)
    for i, phone in enumerate(phones):
        ack = phone.emit("ai_swap", {"client_id": f"late-{i}", "due": True, "turn": 1},
                         callback=True)
        assert ack["ok"] is False and "already swapped" in ack["error"]
    assert _seq(service, row) == seq
    assert not any(received(c, "snapshot") for c in (console, screen, *phones))


def test_an_answer_for_unlikely_pairs_reaches_its_phone_and_the_console_only(
        service, connect) -> None:
    plan = {"title": "AI", "stages": [{"kind": "ai_discover", "prompt": "Interviews",
                                       "options": {"unlikely": "Your role?",
                                                   "unlikely_choices": ["Staff", "Resident"]}}]}
    row, console, screen, phones = open_room(service, connect, plan, 3, "unlikely")
    assert console.emit("start", {}, callback=True)["ok"]
    for c in (console, screen, *phones):
        c.get_received()
    assert phones[0].emit("ai_answer", {"client_id": "a1", "answer": "Staff"},
                          callback=True)["ok"]
    assert received(phones[0], "inquiry")[-1]["inquiry"]["me"]["answer"] == "Staff"
    assert received(console, "inquiry")[-1]["inquiry"]["answers"] == [
        {"answer": "Staff", "count": 1}]
    assert not screen.get_received() and not phones[1].get_received()
    seq = _seq(service, row)
    ack = phones[1].emit("ai_answer", {"client_id": "a2", "answer": "Mayor"}, callback=True)
    assert ack["ok"] is False and "Choose one of" in ack["error"]
    assert _seq(service, row) == seq and not console.get_received()


def test_offers_and_requests_reach_their_sides_and_contacts_wait_for_both(
        service, connect) -> None:
    plan = {"title": "AI", "stages": [{"kind": "ai_destiny", "prompt": "Destiny"}]}
    row, console, screen, (ann, bob, cy) = open_room(service, connect, plan, 3, "offers")
    assert console.emit("start", {}, callback=True)["ok"]
    assert ann.emit("ai_offer", {"client_id": "o1", "side": "offer",
                                 "text": "I can teach bass guitar"}, callback=True)["ok"]
    assert ann.emit("ai_offer_contact", {"client_id": "k1", "contact": "ann@example.org"},
                    callback=True)["ok"]
    for c in (console, screen, ann, bob, cy):
        c.get_received()
    ack = bob.emit("ai_offer", {"client_id": "o2", "side": "request",
                                "text": "Live music for the fair"}, callback=True)
    assert ack["ok"] and ack["offer_id"] == "o2"
    assert received(screen, "inquiry")[-1]["inquiry"]["offers"][-1]["text"] == \
        "Live music for the fair"
    assert received(console, "inquiry")[-1]["inquiry"]["matches"][0]["id"] == "o1~o2"
    assert received(ann, "inquiry")[-1]["inquiry"]["me"]["matches"][0]["theirs"] == \
        "Live music for the fair"
    assert received(bob, "inquiry")[-1]["inquiry"]["me"]["matches"][0]["id"] == "o1~o2"
    assert not cy.get_received()  # a phone with no part in it hears nothing
    assert ann.emit("ai_offer_follow", {"client_id": "f1", "match": "o1~o2", "follow": True},
                    callback=True)["ok"]
    assert "ann@example.org" not in str(bob.get_received())
    assert bob.emit("ai_offer_follow", {"client_id": "f2", "match": "o1~o2", "follow": True},
                    callback=True)["ok"]
    match = received(bob, "inquiry")[-1]["inquiry"]["me"]["matches"][0]
    assert match["their_contact"] == "ann@example.org" and match["their_name"] == "P0"
    assert "ann@example.org" not in str(screen.get_received() + console.get_received())
    assert not cy.get_received()
    seq = _seq(service, row)
    ack = cy.emit("ai_offer_follow", {"client_id": "f3", "match": "o1~o2", "follow": True},
                  callback=True)
    assert ack["ok"] is False and "not open to you" in ack["error"]
    assert _seq(service, row) == seq
