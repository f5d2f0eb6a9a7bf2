"""The asset map over Socket.IO: an entry reaches its author's phone, the console and the
projector, never other phones; a private one never reaches the projector or the console;
refusals change nothing; a person-centred map sends nothing to the projector and its person
can delete it."""

from pathlib import Path

import pytest
import yaml
from clients import open_room, received

from facilitator.core.plan import load_plan, plan_in_language

ROOT = Path(__file__).resolve().parents[2]


def english(data: dict) -> dict:
    """A ready plan (English and Welsh) in English only, as these tests read its texts."""
    return plan_in_language(data, "en")


def plan(name: str) -> dict:
    return english(yaml.safe_load((ROOT / "sessions" / f"{name}.yaml").read_text()))


@pytest.fixture
def mapping(service, connect):
    row, console, screen, phones = open_room(service, connect, plan("asset-mapping"), 3,
                                             "assets")
    assert console.emit("start", {}, callback=True)["ok"]
    ack = console.emit("asset_purpose", {"text": "Find each other"}, callback=True)
    assert ack["ok"] and ack["can_undo"]
    assert console.emit("next_stage", {}, callback=True)["ok"]
    for c in (console, screen, *phones):
        c.get_received()
    return row, console, screen, phones


def test_an_entry_reaches_its_author_the_console_and_the_projector_only(mapping) -> None:
    row, console, screen, phones = mapping
    ack = phones[0].emit("asset_gift_add", {"client_id": "g1", "category": "offer",
                                            "text": "Bass guitar lessons"}, callback=True)
    assert ack["ok"] and ack["gift_id"] == "g1"
    mine = received(phones[0], "assets")[-1]["assets"]
    assert [g["text"] for g in mine["gifts"]] == ["Bass guitar lessons"]
    for other in phones[1:]:
        assert received(other, "assets") == []
    offers = received(screen, "assets")[-1]["assets"]["personal"][3]
    assert offers["count"] == 1 and offers["items"][0]["text"] == "Bass guitar lessons"
    assert received(console, "assets")[-1]["assets"]["personal"][3]["items"][0]["who"] == "P0"
    # the same client_id again: applied once
    again = phones[0].emit("asset_gift_add", {"client_id": "g1", "category": "offer",
                                              "text": "Bass guitar lessons"}, callback=True)
    assert again["duplicate"] and again["gift_id"] == "g1"


def test_a_private_entry_reaches_its_author_only(mapping) -> None:
    row, console, screen, phones = mapping
    ack = phones[1].emit("asset_gift_add", {"client_id": "p1", "category": "heart",
                                            "text": "My own worry", "visibility": "private"},
                         callback=True)
    assert ack["ok"]
    assert "My own worry" in str(received(phones[1], "assets"))
    assert received(screen, "assets") == [], "nothing the room sees changed"
    assert "My own worry" not in str(received(console, "assets"))
    assert received(phones[0], "assets") == []


def test_refusals_change_nothing(mapping, service) -> None:
    row, console, screen, phones = mapping
    seq = service.live(row.id).state.seq
    for client, event, payload, error in [
        (phones[0], "asset_purpose", {"text": "x"}, "Only the facilitator can do that."),
        (phones[0], "asset_gift_add", {"category": "head", "text": "x" * 201}, "too long"),
        (phones[0], "asset_gift_add", {"category": "elbows", "text": "x"}, "Choose one of"),
        (phones[0], "asset_gift_add", {"category": "head", "text": "x",
                                       "visibility": "world"}, "who can see it"),
        (phones[0], "asset_gift_add", {"category": "head", "text": ["x"]}, "must be text"),
        (phones[0], "asset_add", {"kind": "physical", "name": "Park"}, "community assets step"),
        (phones[0], "asset_interviewee", {"consent": False}, "agree"),
        (phones[0], "asset_gift_delete", {"gift_id": "g99"}, "does not exist"),
        (phones[0], "asset_follow", {"connection": "g1~g2", "follow": True},
         "connections step"),
        (console, "asset_merge", {"keep": "a1", "merge": "a2"}, "no asset"),
        (screen, "asset_gift_add", {"category": "head", "text": "x"}, "cannot send"),
    ]:
        ack = client.emit(event, {"client_id": f"bad-{event}-{error[:5]}", **payload},
                          callback=True)
        assert ack["ok"] is False and error in ack["error"], (event, ack)
    assert service.live(row.id).state.seq == seq


def test_a_person_centred_map_never_reaches_the_projector_and_can_be_deleted(
        app, service, connect) -> None:
    row = service.create_workshop(load_plan(plan("my-assets")))
    screen = connect({"role": "screen", "key": row.screen_key})
    console = connect({"role": "console", "key": row.console_key})
    phone = connect({"role": "phone", "code": row.code})
    token = "my-own-token-0123456789"
    assert phone.emit("join", {"client_id": "j", "name": "Sam", "token": token},
                      callback=True)["ok"]
    assert console.emit("start", {}, callback=True)["ok"]
    assert console.emit("asset_purpose", {"text": "What keeps me well"}, callback=True)["ok"]
    assert console.emit("next_stage", {}, callback=True)["ok"]
    for category, text in [("people", "My sister Jo"), ("places", "The allotment"),
                           ("activities", "Swimming on Fridays")]:
        assert phone.emit("asset_gift_add", {"client_id": text, "category": category,
                                             "text": text}, callback=True)["ok"]
    seen = str(screen.get_received())
    for text in ("My sister Jo", "The allotment", "Swimming", "What keeps me well"):
        assert text not in seen
    assert received(console, "assets")[-1]["assets"]["personal"][1]["private"] == 1
    client = app.test_client()
    refused = client.post(f"/j/{row.code}/forget", json={"token": "someone-else-0123456789"})
    assert refused.status_code == 403 and service.store.find(id=row.id)
    done = client.post(f"/j/{row.code}/forget", json={"token": token})
    assert done.status_code == 200 and done.get_json()["ok"]
    assert service.store.find(id=row.id) is None and service.store.events(row.id) == []
    assert client.get(f"/j/{row.code}").status_code == 404


def test_a_community_map_cannot_be_deleted_from_a_phone(mapping, app, service) -> None:
    row, console, screen, phones = mapping
    r = app.test_client().post(f"/j/{row.code}/forget",
                               json={"token": "assets-token-0-0123456789"})
    assert r.status_code == 403 and "person-centred" in r.get_json()["error"]
    assert service.store.find(id=row.id)


def test_a_structured_offer_and_a_located_asset_reach_the_right_rooms(mapping,
                                                                     service) -> None:
    row, console, screen, phones = mapping
    ack = phones[0].emit("asset_gift_add", {"client_id": "o1", "category": "offer",
                                            "text": "Lifts to the surgery",
                                            "when": "Mornings", "for_whom": "Neighbours"},
                         callback=True)
    assert ack["ok"]
    line = "Lifts to the surgery (when: Mornings; for: Neighbours)"
    assert received(phones[0], "assets")[-1]["assets"]["gifts"][0]["line"] == line
    assert received(screen, "assets")[-1]["assets"]["personal"][3]["items"][0]["text"] == line
    assert received(phones[1], "assets") == []
    assert console.emit("next_stage", {}, callback=True)["ok"]  # community assets
    for c in (console, screen, *phones):
        c.get_received()
    ack = phones[1].emit("asset_add", {"client_id": "a1", "kind": "physical",
                                       "name": "Elm Park", "place": "Elm Road gates",
                                       "access": "Step-free", "lat": 51.4613, "lon": -0.1156},
                         callback=True)
    assert ack["ok"]
    mine = received(phones[1], "assets")[-1]["assets"]["assets"][0]
    assert (mine["lat"], mine["lon"], mine["located"]) == (51.4613, -0.1156, True)
    shown = received(screen, "assets")[-1]["assets"]
    assert "51.46" not in str(shown) and "Elm Road gates" in str(shown)  # no coordinates
    park = received(console, "assets")[-1]["assets"]["kinds"][3]["items"][0]
    assert park["located"] and park["access"] == "Step-free" and "lat" not in park
    assert received(phones[0], "assets") == [] and received(phones[2], "assets") == []
    seq = service.live(row.id).state.seq
    for payload, error in [({"lat": 51.0}, "both its latitude"),
                           ({"lat": 123.0, "lon": 0.0}, "not a place on Earth"),
                           ({"lat": "here", "lon": "there"}, "not a place on Earth")]:
        ack = phones[1].emit("asset_add", {"client_id": f"bad-{payload}", "kind": "physical",
                                           "name": "Pond", **payload}, callback=True)
        assert ack["ok"] is False and error in ack["error"], ack
    assert service.live(row.id).state.seq == seq
    assert not any(c.get_received() for c in (console, screen, *phones))
