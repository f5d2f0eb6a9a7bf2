"""The asset map's exports: the shareable inventory (public assets only, by kind, the
documented schema), agreed connections without contact details, the printable map, and the
asset map's part of the harvest. Private entries appear in none of them."""

import csv
import io
import json

from room import FAC, Room
from test_asset_map import STEPS, gift, mapping, to_step

from facilitator.core.assets import KINDS, Asset
from facilitator.export import asset_inventory as inv
from facilitator.export import render
from facilitator.export.harvest import Harvest
from facilitator.store.sqlite import WorkshopRow

ROW = WorkshopRow(id="w1", code="QKH4A7", screen_key="s" * 32, console_key="c" * 40,
                  title="T", created_at=1_760_000_000.0)


def mapped() -> Room:
    room, (a, b, c) = mapping(review=False)
    to_step(room, "personal")
    gift(room, a, "offer", "Bass guitar lessons")
    gift(room, b, "wish", "To find live music locally")
    gift(room, c, "heart", "A private hope", visibility="private")
    to_step(room, "community")
    for who, kind, name, extra in [
        (a, "cultural", "Brass band", {}), (b, "organisations", "Central Library",
                                            {"offers": "meeting room", "place": "High St"}),
        (c, "physical", "Elm Park", {}), (a, "organisations", "the library", {}),
        (b, "economic", "=cmd|' /C calc'!A0", {}),
        (c, "associations", "Secret society", {"visibility": "private"}),
        (c, "individuals", "Mrs Patel, retired nurse", {"visibility": "group"})]:
        room.do(who, "asset_add", {"kind": kind, "name": name, **extra})
    room.do(FAC, "asset_merge", {"keep": "a2", "merge": "a4"})
    to_step(room, "connections")
    cid = "g1~g2"  # bass guitar lessons ~ live music (the brass band meets it too)
    room.do(a, "asset_contact", {"contact": "07700 900123"})
    room.do(a, "asset_follow", {"connection": cid, "follow": True})
    room.do(b, "asset_follow", {"connection": cid, "follow": True})
    return room


def test_the_inventory_holds_every_public_asset_by_kind_in_the_documented_schema() -> None:
    room = mapped()
    data = inv.inventory(room.state)
    assert data["format"] == "facilitator-asset-map" and data["version"] == 1
    assert data["purpose"] == "Help Elmside stay connected"
    names = [r["name"] for r in data["assets"]]
    assert names == ["Central Library", "Elm Park", "=cmd|' /C calc'!A0", "Brass band"]
    order = list(KINDS)
    assert [order.index(r["kind"]) for r in data["assets"]] == sorted(
        order.index(r["kind"]) for r in data["assets"])
    assert all(r["owner"] is None for r in data["assets"])
    library = data["assets"][0]
    assert library["aliases"] == ["the library"] and library["merged_from"] == ["a4"]
    assert [Asset.from_dict(r).to_dict() for r in data["assets"]] == data["assets"]
    rows = list(csv.DictReader(io.StringIO(inv.inventory_csv(room.state))))
    assert [(r["name"], r["kind"]) for r in rows] == [
        ("Central Library", "organisations"), ("Elm Park", "physical"),
        ("'=cmd|' /C calc'!A0", "economic"), ("Brass band", "cultural")]
    assert rows[0]["kind_label"] == "Organisations" and rows[0]["place"] == "High St"
    assert rows[0]["aliases"] == "the library" and rows[0]["offers"] == "meeting room"
    text = inv.inventory_csv(room.state) + json.dumps(data)
    for secret in ("Secret society", "Mrs Patel", "private hope", "Bass guitar"):
        assert secret not in text


def test_agreed_connections_name_who_follows_up_never_their_contact() -> None:
    room = mapped()
    rows = list(csv.DictReader(io.StringIO(inv.connections_csv(room.state))))
    assert len(rows) == 1
    assert rows[0]["offer"] == "Bass guitar lessons"
    assert rows[0]["wish"] == "To find live music locally"
    assert "both about music" in rows[0]["why"]
    assert rows[0]["followed_up_by"] == "P0; P1"
    assert "07700" not in inv.connections_csv(room.state)


def test_the_printable_map_and_the_harvest() -> None:
    room = mapped()
    harvest = Harvest.build(ROW, room.events)
    page = inv.map_html(harvest)
    assert "Help Elmside stay connected" in page
    for shown in ("Bass guitar lessons", "Central Library", "the library", "Mrs Patel",
                  "Thin: a gap"):
        assert shown in page
    for hidden in ("Secret society", "private hope", "07700", "<script"):
        assert hidden not in page
    assert page.count("P0") == 1 and "P0, P1" in page, "names only as who follows up"
    data = json.loads(render("json", ROW, room.events).body)
    assert [r["name"] for r in data["asset_map"]["inventory"]["assets"]][0] == "Central Library"
    kinds = {k["key"]: k["count"] for k in data["asset_map"]["map"]["kinds"]}
    assert kinds == {"individuals": 1, "associations": 0, "organisations": 1, "physical": 1,
                     "economic": 1, "cultural": 1}
    assert len(data["asset_map"]["map"]["connections"]) == 1
    report = render("md", ROW, room.events).body
    assert "Asset map, step: community" in report and "Organisations 1" in report
    assert "Secret society" not in report and "private hope" not in report
    assert "1 agreed by both sides" in render("html", ROW, room.events).body


def test_a_workshop_without_a_map_has_no_asset_map_export() -> None:
    room = Room([{"kind": "notes", "prompt": "P"}])
    data = json.loads(render("json", ROW, room.events).body)
    assert data["asset_map"] is None and not inv.has_map(room.state)
    assert STEPS[0] == "purpose"


# -- places, access notes, coordinates shared from a phone, GeoJSON ---------------------------

def placed() -> Room:
    room, (a, b, c) = mapping()
    to_step(room, "community")
    room.do(a, "asset_add", {"kind": "physical", "name": "Elm Park", "place": "Elm Road gates",
                             "access": "Step-free from Elm Road; gates shut at dusk",
                             "lat": 51.5072178, "lon": -0.1275862})
    room.do(b, "asset_add", {"kind": "organisations", "name": "Central Library",
                             "place": "12 High St", "access": "Lift to every floor"})
    room.do(c, "asset_add", {"kind": "associations", "name": "Allotment society",
                             "lat": 51.51, "lon": -0.13, "visibility": "group"})
    room.do(c, "asset_add", {"kind": "cultural", "name": "My house", "place": "3 Oak Lane",
                             "lat": 51.0, "lon": 0.0, "visibility": "private"})
    return room


def test_geojson_is_a_valid_rfc7946_collection_of_public_located_assets() -> None:
    data = json.loads(json.dumps(inv.geojson(placed().state)))
    assert data["type"] == "FeatureCollection" and "crs" not in data
    [park] = data["features"]  # the library has no coordinates; group/private never leave
    assert park["type"] == "Feature" and park["geometry"]["type"] == "Point"
    lon, lat = park["geometry"]["coordinates"]
    assert (lon, lat) == (-0.127586, 51.507218)  # [longitude, latitude], rounded to ~1 m
    assert -180 <= lon <= 180 and -90 <= lat <= 90
    assert park["properties"] == {"asset": "a1", "kind": "physical", "kind_label": "Physical",
                                  "name": "Elm Park", "aliases": [], "offers": [],
                                  "place": "Elm Road gates",
                                  "access": "Step-free from Elm Road; gates shut at dusk"}
    assert isinstance(park["id"], str)


def test_the_csv_fills_its_place_and_access_columns_and_the_printable_map_lists_places() -> None:
    room = placed()
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(inv.inventory_csv(room.state)))}
    assert set(rows) == {"Elm Park", "Central Library"}
    assert rows["Elm Park"]["place"] == "Elm Road gates"
    assert (rows["Elm Park"]["lat"], rows["Elm Park"]["lon"]) == ("51.507218", "-0.127586")
    assert rows["Central Library"]["access"] == "Lift to every floor"
    assert rows["Central Library"]["lat"] == ""
    html = inv.map_html(Harvest.build(ROW, room.events))
    assert "Places" in html and "12 High St" in html and "Elm Road gates" in html
    assert "51.50722, -0.12759 (shared from a phone)" in html
    assert "Lift to every floor" in html
    assert "3 Oak Lane" not in html and "My house" not in html  # private: nowhere
    # a group asset's place is listed in words, but its coordinates stay in the room
    assert "Allotment society" in html and "51.51000" not in html


def test_a_location_is_checked_and_never_reaches_the_projector() -> None:
    from test_asset_map import screen

    room, (a, _b, _c) = mapping()
    to_step(room, "community")
    for payload, error in [({"lat": 51.5}, "both its latitude and its longitude"),
                           ({"lat": 91.0, "lon": 0.0}, "not a place on Earth"),
                           ({"lat": "north", "lon": 0.0}, "not a place on Earth"),
                           ({"lat": True, "lon": 0.0}, "not a place on Earth"),
                           ({"lat": float("nan"), "lon": 0.0}, "not a place on Earth")]:
        assert error in room.refused(a, "asset_add", {"kind": "physical", "name": "Pond",
                                                      **payload})
    room.do(a, "asset_add", {"kind": "physical", "name": "Pond", "lat": 51.5, "lon": -0.1})
    assert "51.5" not in str(screen(room)) and "-0.1" not in str(screen(room))
    # the owner can take the location off again, keeping the place in words
    room.do(a, "asset_edit", {"asset_id": "a1", "place": "By the church"})
    assert inv.geojson(room.state)["features"][0]["properties"]["place"] == "By the church"
    room.do(a, "asset_edit", {"asset_id": "a1", "forget_location": True})
    assert inv.geojson(room.state)["features"] == []
    assert inv.public_assets(room.state)[0]["places"] == [{"label": "By the church"}]
