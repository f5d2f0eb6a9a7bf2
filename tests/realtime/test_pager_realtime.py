"""The projector's pages over Socket.IO: the console's page turns reach the screen only, the
screen's page k of n reaches the console only, nothing is logged, and anything else is
answered with a sentence."""

from __future__ import annotations

from tests.conftest import NOTES_PLAN
from tests.realtime.clients import open_room, received


def test_the_console_turns_the_screens_pages_and_sees_where_it_is(service, connect) -> None:
    row, console, screen, phones = open_room(service, connect, NOTES_PLAN, 2, "pager")
    for c in (console, screen, *phones):
        c.get_received()
    seq = service.live(row.id).state.seq

    for action in ("next", "prev", "first", "pause", "resume"):
        assert console.emit("screen_pager", {"action": action, "client_id": f"p-{action}"},
                            callback=True) == {"ok": True}
        assert received(screen, "pager") == [{"action": action}]
    assert all(received(p, "pager") == [] for p in phones)
    assert received(console, "pager") == []

    report = {"page": 2, "pages": 5, "paused": True}
    assert screen.emit("pager_state", report, callback=True) == {"ok": True}
    assert received(console, "pager_state") == [report]
    assert all(received(p, "pager_state") == [] for p in phones)
    assert service.live(row.id).state.seq == seq  # presentation, not workshop state


def test_page_turns_and_reports_from_the_wrong_place_are_refused(service, connect) -> None:
    row, console, screen, phones = open_room(service, connect, NOTES_PLAN, 1, "pager2")
    for c in (console, screen, *phones):
        c.get_received()
    ack = phones[0].emit("screen_pager", {"action": "next"}, callback=True)
    assert ack == {"ok": False, "error": "Only the facilitator turns the screen's pages."}
    ack = console.emit("screen_pager", {"action": "explode"}, callback=True)
    assert not ack["ok"] and "next, prev, first, pause, resume" in ack["error"]
    ack = console.emit("screen_pager", "next", callback=True)
    assert not ack["ok"]
    ack = console.emit("pager_state", {"page": 1, "pages": 1, "paused": False}, callback=True)
    assert ack == {"ok": False, "error": "Only the projector screen reports its pages."}
    for bad in ({"page": 3, "pages": 2, "paused": False}, {"page": "1", "pages": 2},
                {"page": True, "pages": 2, "paused": False}, [1, 2]):
        ack = screen.emit("pager_state", bad, callback=True)
        assert not ack["ok"] and ack["error"], bad
    assert received(screen, "pager") == [] and received(console, "pager_state") == []
