"""Anonymise on export: every format (JSON, CSV, Markdown, HTML, the asset inventory and map,
an Open Space's book) shows the same stable label for the same person, never their name, and
no contact detail."""

from __future__ import annotations

import json

import pytest
from room import FAC, Room

from facilitator.core.state import replay
from facilitator.export import FORMATS, render
from facilitator.export import asset_inventory as inv
from facilitator.export.anonymise import anonymise
from facilitator.export.harvest import Harvest
from facilitator.store.sqlite import WorkshopRow

ROW = WorkshopRow(id="w1", code="QKH4A7", screen_key="s" * 32, console_key="c" * 40,
                  title="Elmside", created_at=1_760_000_000.0)
NAMES = ("Ann Smith", "Bob Jones", "Mrs Okafor")
CONTACTS = ("ann@example.org", "07700 900123")


def workshop() -> Room:
    room = Room([
        {"kind": "notes", "prompt": "Hopes"},
        {"kind": "openspace", "prompt": "What shall we talk about?"},
        {"kind": "assets", "prompt": "Gifts", "options": {"step": "personal",
                                                           "review": False}},
        {"kind": "assets", "prompt": "Connect", "options": {"step": "connections",
                                                             "review": False}},
    ], purpose="Help Elmside stay connected")
    ann, bob = room.join("Ann Smith"), room.join("Bob Jones")
    room.do(FAC, "start")
    room.do(ann, "post_note", {"text": "A street party", "stage": 0})
    room.do(bob, "post_note", {"text": "More benches", "stage": 0})
    room.do(FAC, "next_stage")
    room.do(ann, "os_topic_post", {"title": "Street parties", "blurb": ""})
    room.do(FAC, "next_stage")
    room.do(ann, "asset_gift_add", {"category": "offer", "text": "Bass guitar lessons"})
    vid = room.do(bob, "asset_interviewee", {"name": "Mrs Okafor", "consent": True})[0]
    room.do(bob, "asset_gift_add", {"category": "wish", "text": "To find live music locally",
                                    "person": vid.data["id"]})
    room.do(FAC, "next_stage")
    room.do(ann, "asset_contact", {"contact": "ann@example.org"})
    room.do(bob, "asset_contact", {"contact": "07700 900123", "person": vid.data["id"]})
    room.do(ann, "asset_follow", {"connection": "g1~g2", "follow": True})
    room.do(bob, "asset_follow", {"connection": "g1~g2", "follow": True,
                                  "person": vid.data["id"]})
    return room


def exports(events) -> dict[str, str]:
    out = {fmt: render(fmt, ROW, events).body for fmt in FORMATS}
    state = replay(events)
    out["inventory"] = json.dumps(inv.inventory(state))
    out["inventory.csv"] = inv.inventory_csv(state)
    out["connections.csv"] = inv.connections_csv(state)
    out["map"] = inv.map_html(Harvest.build(ROW, events))
    return out


def test_names_are_in_the_plain_exports_so_the_check_below_means_something() -> None:
    plain = exports(workshop().events)
    assert "Ann Smith" in plain["json"] and "Ann Smith" in plain["md"]
    assert "Mrs Okafor" in plain["connections.csv"]


@pytest.mark.parametrize("fmt", [*FORMATS, "inventory", "inventory.csv", "connections.csv",
                                 "map"])
def test_every_format_holds_labels_and_no_name_or_contact(fmt: str) -> None:
    room = workshop()
    body = exports(anonymise(room.events))[fmt]
    for secret in (*NAMES, *CONTACTS):
        assert secret not in body, (fmt, secret)
    if fmt in FORMATS:  # the export route's option gives the same
        assert render(fmt, ROW, room.events, anonymised=True).body == body


def test_the_same_person_has_the_same_label_in_every_format() -> None:
    body = exports(anonymise(workshop().events))
    for fmt in ("json", "md", "html", "csv"):
        assert "Participant 1" in body[fmt], fmt  # Ann wrote a note in a named stage
    assert "Participant 1" in body["connections.csv"]  # and follows a connection up
    assert "Interviewee 1" in body["connections.csv"]  # Mrs Okafor, recorded by Bob
    data = json.loads(body["json"])
    assert data["participants"] == [{"id": "p1", "name": "Participant 1"},
                                    {"id": "p2", "name": "Participant 2"}]
    # the book of proceedings names the convener by the same label
    [book] = data["openspaces"]
    assert book["unplaced"][0]["conveners"] == ["Participant 1"]


def test_the_log_itself_is_not_changed() -> None:
    room = workshop()
    before = [e.to_dict() for e in room.events]
    anonymise(room.events)
    assert [e.to_dict() for e in room.events] == before
