"""Pre-moderation and the spotlight over Socket.IO: who gets a pending note (and who does
not), what approval and refusal send, and the export of a moderated stage."""

from __future__ import annotations

import csv
import io

import pytest

from tests.realtime.clients import open_room, received

PLAN = {"title": "Moderated", "stages": [
    {"kind": "notes", "title": "Ideas", "prompt": "What could we do?",
     "options": {"moderate": True}},
    {"kind": "notes", "title": "Open", "prompt": "Anything else?"},
]}


def names(client) -> list[str]:
    """The names of every event ``client`` got since the last call."""
    return [e["name"] for e in client.get_received()]


def drain(*clients) -> None:
    for c in clients:
        c.get_received()


@pytest.fixture
def room(service, connect):
    row, console, screen, phones = open_room(service, connect, PLAN, 3, "mod")
    assert console.emit("start", {}, callback=True)["ok"]
    drain(console, screen, *phones)
    return row, console, screen, phones


def post(phone, text: str, cid: str) -> dict:
    ack = phone.emit("post_note", {"client_id": cid, "text": text}, callback=True)
    assert ack["ok"], ack
    return ack


def test_a_pending_note_reaches_no_screen_and_no_other_phone(room, service) -> None:
    row, console, screen, phones = room
    ack = post(phones[0], "A bench by the bus stop", "p1")
    assert ack["moderation"] == "pending"
    # durable: in the log before the ack, like any note
    assert service.store.events(row.id)[-1].type == "note_posted"
    assert names(screen) == []  # not the note, not a silent count, not words
    assert names(phones[1]) == [] and names(phones[2]) == []
    mine = received(phones[0], "note")
    assert [(n["note"]["text"], n["note"]["moderation"]) for n in mine] == [
        ("A bench by the bus stop", "pending")]
    assert [n["note"]["moderation"] for n in received(console, "note")] == ["pending"]
    # a screen that connects now (or reconnects) does not get it in its snapshot either
    again = screen.emit("resync", {"since": 0}, callback=True)
    assert again["snapshot"]["notes"] == []


def test_approving_sends_the_note_to_the_screen_and_phones_see_it_approved(room) -> None:
    row, console, screen, phones = room
    note_id = post(phones[0], "Free repair café", "p1")["note_id"]
    post(phones[1], "Street party", "p2")
    drain(console, screen, *phones)
    ack = console.emit("approve_note", {"note_id": note_id}, callback=True)
    assert ack["ok"], ack
    on_screen = received(screen, "note")
    assert [n["note"]["text"] for n in on_screen] == ["Free repair café"]
    assert "moderation" not in on_screen[0]["note"] and on_screen[0]["note"]["name"] == "P0"
    assert [n["note"]["moderation"] for n in received(phones[0], "note")] == ["approved"]
    assert names(phones[1]) == [] and names(phones[2]) == []  # notes go to their author only
    assert [n["note"]["id"] for n in received(console, "note")] == [note_id]
    # approve all: the other pending note follows; a second time changes nothing
    ack = console.emit("approve_all", {}, callback=True)
    assert ack["ok"], ack
    assert [n["note"]["text"] for n in received(screen, "note")] == ["Street party"]
    seq = ack["seq"]
    again = console.emit("approve_all", {}, callback=True)
    assert again == {"ok": False, "error": "No notes are waiting for approval."}
    assert console.emit("resync", {"since": 0}, callback=True)["snapshot"]["seq"] == seq
    snap = screen.emit("resync", {"since": 0}, callback=True)["snapshot"]
    assert [n["text"] for n in snap["notes"]] == ["Free repair café", "Street party"]


def test_refusals_change_nothing_and_hiding_a_pending_note_sends_the_room_nothing(
        room, service) -> None:
    row, console, screen, phones = room
    note_id = post(phones[0], "Something rude", "p1")["note_id"]
    drain(console, screen, *phones)
    seq = service.live(row.id).state.seq
    for client, event, payload, error in [
        (phones[1], "approve_note", {"note_id": note_id}, "Only the facilitator can do that."),
        (console, "approve_note", {"note_id": "n999"},
         "That note does not exist (it may have been deleted)."),
    ]:
        ack = client.emit(event, {"client_id": f"x-{event}-{error[:4]}", **payload},
                          callback=True)
        assert ack == {"ok": False, "error": error}
    assert service.live(row.id).state.seq == seq
    assert console.emit("hide_note", {"note_id": note_id}, callback=True)["ok"]
    assert names(screen) == []
    assert names(phones[1]) == [] and names(phones[2]) == []
    assert [e["note"]["hidden"] for e in received(console, "note")] == [True]
    assert received(phones[0], "note_removed") == [{"seq": seq + 1, "note_id": note_id}]
    # refused notes stay in the log
    assert [e.type for e in service.store.events(row.id)][-2:] == ["note_posted", "note_hidden"]


def test_spotlight_reaches_the_screen_and_console_and_hiding_clears_it(room) -> None:
    row, console, screen, phones = room
    note_id = post(phones[0], "Walking group on Sundays", "p1")["note_id"]
    pending = post(phones[1], "Not yet approved", "p2")["note_id"]
    console.emit("approve_note", {"note_id": note_id}, callback=True)
    drain(console, screen, *phones)
    ack = console.emit("spotlight", {"note_id": pending}, callback=True)
    assert ack == {"ok": False, "error": "That note is waiting for your approval: "
                                         "approve it first."}
    assert console.emit("spotlight", {"note_id": note_id}, callback=True)["ok"]
    for client in (screen, console):
        stage = received(client, "stage")
        assert stage[-1]["workshop"]["spotlight"] == {"id": note_id,
                                                      "text": "Walking group on Sundays",
                                                      "name": "P0"}
    assert console.emit("hide_note", {"note_id": note_id}, callback=True)["ok"]
    assert received(screen, "stage")[-1]["workshop"]["spotlight"] is None
    snap = screen.emit("resync", {"since": 0}, callback=True)["snapshot"]
    assert snap["workshop"]["spotlight"] is None


def test_export_says_which_notes_were_never_approved(app, room) -> None:
    row, console, screen, phones = room
    approved = post(phones[0], "Shown words", "p1")["note_id"]
    pending = post(phones[1], "Waiting words", "p2")["note_id"]
    refused = post(phones[2], "Refused words", "p3")["note_id"]
    console.emit("approve_note", {"note_id": approved}, callback=True)
    console.emit("hide_note", {"note_id": refused}, callback=True)
    client = app.test_client()
    body = client.get(f"/console/{row.console_key}/export.csv").get_data(as_text=True)
    rows = {r["note_id"]: r["moderation"] for r in csv.DictReader(io.StringIO(body))}
    assert rows == {approved: "approved", pending: "pending", refused: "refused"}
    data = client.get(f"/console/{row.console_key}/export.json").get_json()
    assert {n["id"]: n["moderation"] for n in data["notes"]} == rows
    for fmt in ("md", "html"):
        report = client.get(f"/console/{row.console_key}/export.{fmt}").get_data(as_text=True)
        shown, _, unshown = report.partition("Not shown on the screen")
        assert "Shown words" in shown and "Waiting words" not in shown
        assert "Waiting words" in unshown and "1 note was refused by the facilitator." in unshown
        assert "Refused words" not in report
