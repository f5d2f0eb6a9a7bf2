"""The World Café over Socket.IO: a tablecloth note reaches its own table only; refusals
change nothing; a phone joining mid-round is told its table at once."""

import pytest
from clients import open_room, received

PLAN = {"title": "Café", "stages": [
    {"kind": "cafe", "prompt": "What helps?", "options": {"rounds": 2, "table_size": 3}},
]}


@pytest.fixture
def cafe(service, connect):
    row, console, screen, phones = open_room(service, connect, PLAN, 6, "cafe")
    assert console.emit("start", {}, callback=True)["ok"]
    assert console.emit("cafe_start_round", {}, callback=True)["ok"]
    tables = {}
    for i, phone in enumerate(phones):
        snap = received(phone, "snapshot")[-1]
        tables[i] = snap["cafe"]["table"]
    for c in (console, screen):
        c.get_received()
    return row, console, screen, phones, tables


def test_a_tablecloth_note_reaches_only_its_table(cafe, service) -> None:
    row, console, screen, phones, tables = cafe
    assert sorted(tables.values()) == [0, 0, 0, 1, 1, 1]
    ack = phones[0].emit("post_note", {"client_id": "n1", "text": "Lunch club"}, callback=True)
    assert ack["ok"] and ack["note_id"]
    for i, phone in enumerate(phones):
        updates = received(phone, "cafe")
        if tables[i] == tables[0]:
            assert [n["text"] for n in updates[-1]["cafe"]["tablecloth"]] == ["Lunch club"]
        else:
            assert updates == [], f"phone {i} at another table heard about the note"
    screen_got = screen.get_received()
    assert "Lunch club" not in str(screen_got)
    (counts,) = [e["args"][0] for e in screen_got if e["name"] == "cafe_counts"]
    assert counts["round"] == 0 and counts["counts"] == {str(tables[0]): 1}
    assert {e["name"] for e in screen_got} == {"cafe_counts"}, "no note, no whole café view"
    assert received(console, "note")[-1]["note"]["table"] == tables[0]


def test_refusals_change_nothing(cafe, service) -> None:
    row, console, screen, phones, tables = cafe
    seq = service.live(row.id).state.seq
    for client, event, payload, error in [
        (phones[0], "cafe_start_round", {}, "Only the facilitator can do that."),
        (console, "cafe_start_round", {}, "Round 1 is still running"),
        (console, "cafe_harvest", {}, "Round 1 is still running"),
        (console, "cafe_swap", {"a": "p1", "b": "nobody"}, "nobody is not seated"),
        (phones[0], "cafe_summary", {"text": "x" * 1001}, "too long"),
        (phones[0], "cafe_host", {"host": "yes"}, "must be true or false"),
    ]:
        ack = client.emit(event, {"client_id": f"bad-{event}", **payload}, callback=True)
        assert ack["ok"] is False and error in ack["error"], (event, ack)
    assert service.live(row.id).state.seq == seq


def test_a_phone_joining_mid_round_is_seated_without_moving_anyone(cafe, service,
                                                                     connect) -> None:
    row, console, screen, phones, tables = cafe
    before = service.live(row.id).state.cafes[0].seating.rounds[0]
    late = connect({"role": "phone", "code": row.code})
    ack = late.emit("join", {"client_id": "late", "token": "cafe-token-late-0123456789"},
                    callback=True)
    assert ack["ok"]
    after = service.live(row.id).state.cafes[0].seating.rounds[0]
    grown = [t for t in range(2) if after[t] != before[t]]
    assert len(grown) == 1 and after[grown[0]][:-1] == before[grown[0]]
    assert received(late, "cafe")[-1]["cafe"]["table"] == grown[0]
    # the people already at that table hear who joined them; the others hear nothing
    for i, phone in enumerate(phones):
        heard = received(phone, "cafe")
        assert bool(heard) == (tables[i] == grown[0])
    assert received(console, "cafe")[-1]["cafe"]["seating"][grown[0]]["people"][-1]["id"] \
        == ack["participant"]["participant"]


def jpeg_with_gps() -> bytes:
    import io

    from PIL import Image

    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: (55.0, 57.0, 10.0)})
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_a_tablecloth_photo_is_cleaned_stored_shown_at_its_table_and_deleted_with_all(
        cafe, service, app) -> None:
    import io

    row, console, screen, phones, tables = cafe
    client = app.test_client()

    def upload(token: str, data: bytes, client_id: str):
        return client.post(f"/photos/{row.code}", content_type="multipart/form-data", data={
            "photo": (io.BytesIO(data), "IMG_0001.JPG"), "token": token,
            "client_id": client_id})

    assert upload("not-a-token-0123456789", jpeg_with_gps(), "x").status_code == 403
    refused = upload("cafe-token-0-0123456789", b"%PDF-1.4 not a photo", "pdf")
    assert refused.status_code == 400 and "not a photo" in refused.get_json()["error"]
    seq = service.live(row.id).state.seq
    ack = upload("cafe-token-0-0123456789", jpeg_with_gps(), "ph1").get_json()
    assert ack["ok"] and ack["seq"] == seq + 1
    again = upload("cafe-token-0-0123456789", jpeg_with_gps(), "ph1").get_json()
    assert again["ok"] and again.get("duplicate") and service.live(row.id).state.seq == seq + 1

    photos = received(phones[0], "cafe")[-1]["cafe"]["photos"]
    assert len(photos) == 1 and photos[0]["mine"]
    for i, phone in enumerate(phones[1:], start=1):
        heard = received(phone, "cafe")
        assert bool(heard) == (tables[i] == tables[0])
    image = client.get(photos[0]["src"])
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    assert b"Exif" not in image.data and image.headers["Content-Security-Policy"] == "sandbox"
    assert client.get(f"/photos/{row.code}/ph{'0' * 30}.jpg").status_code == 404

    # the photo command itself is for the upload route only
    forged = phones[1].emit("cafe_photo", {"client_id": "f", "photo": "ph" + "1" * 30,
                                           "width": 1, "height": 1}, callback=True)
    assert forged["ok"] is False and "photo button" in forged["error"]
    # a facilitator can take a photo away; deleting the workshop deletes the file
    assert console.emit("cafe_remove_photo", {"photo": photos[0]["id"]}, callback=True)["ok"]
    assert received(phones[0], "cafe")[-1]["cafe"]["photos"] == []
    service.delete_workshop(row.id)
    assert service.store.get_file(row.id, photos[0]["id"]) is None


def test_a_phone_from_a_table_qr_sits_there_and_only_that_table_hears(cafe, service,
                                                                        connect) -> None:
    row, console, screen, phones, tables = cafe
    before = service.live(row.id).state.cafes[0].seating.rounds[0]
    late = connect({"role": "phone", "code": row.code})
    ack = late.emit("join", {"client_id": "qr", "token": "cafe-token-qr-0123456789",
                             "table": 1}, callback=True)
    assert ack["ok"]
    after = service.live(row.id).state.cafes[0].seating.rounds[0]
    assert after[0] == before[0] and after[1] == (*before[1], ack["participant"]["participant"])
    assert received(late, "cafe")[-1]["cafe"]["table"] == 1
    for i, phone in enumerate(phones):
        assert bool(received(phone, "cafe")) == (tables[i] == 1), i
    assert received(screen, "cafe")[-1]["cafe"]["map"][1]["seated"] == 4

    # someone seated elsewhere is asked first; refusals change nothing
    hosts = service.live(row.id).state.cafes[0].seating.hosts[0]
    mover = next(i for i in tables if tables[i] == 0 and f"p{i + 1}" not in hosts)
    seq = service.live(row.id).state.seq
    for payload, error in [({"table": 1}, "Confirm to move to table 2"),
                           ({"table": 0}, "already sit at table 1"),
                           ({"table": 5, "move": True}, "no table 6"),
                           ({"table": "1"}, "whole number")]:
        got = phones[mover].emit("cafe_sit", {"client_id": f"s{payload}", **payload},
                                 callback=True)
        assert got["ok"] is False and error in got["error"], got
    assert service.live(row.id).state.seq == seq
    assert console.emit("cafe_sit", {"table": 1}, callback=True)["ok"] is False
    for c in (console, screen, late, *phones):
        c.get_received()
    assert phones[mover].emit("cafe_sit", {"client_id": "move", "table": 1, "move": True},
                              callback=True)["ok"]
    moved = service.live(row.id).state.cafes[0].seating.rounds[0]
    assert [p for t in moved for p in t if p != f"p{mover + 1}"] == \
        [p for t in after for p in t if p != f"p{mover + 1}"]
    # both tables' phones hear (one lost a person, one gained one), and the console
    assert received(phones[mover], "cafe")[-1]["cafe"]["table"] == 1
    for i, phone in enumerate(phones):
        if i != mover:
            assert received(phone, "cafe"), i
    assert received(late, "cafe")
    assert received(console, "cafe")


def test_between_rounds_phones_know_their_next_table_and_a_host_change_reaches_them(
        service, connect) -> None:
    plan = {"title": "Café", "stages": [
        {"kind": "cafe", "prompt": "What helps?", "options": {"rounds": 3, "table_size": 3}}]}
    row, console, screen, phones = open_room(service, connect, plan, 9, "cafehost")
    assert console.emit("start", {}, callback=True)["ok"]
    assert console.emit("cafe_start_round", {}, callback=True)["ok"]
    assert console.emit("cafe_end_round", {}, callback=True)["ok"]
    told = {i: received(p, "snapshot")[-1]["cafe"]["next_table"] for i, p in enumerate(phones)}
    seating = service.live(row.id).state.cafes[0].seating
    assert told == {i: seating.table_of(1, f"p{i + 1}") for i in range(9)}
    for c in (console, screen):
        c.get_received()
    # refusals change nothing
    seq = service.live(row.id).state.seq
    for client, payload, error in [
            (phones[0], {"table": 0, "participant": "p2"}, "Only the facilitator"),
            (console, {"table": 3, "participant": "p2"}, "no table 4"),
            (console, {"table": "0"}, "whole number")]:
        got = client.emit("cafe_set_host", {"client_id": f"h{payload}", **payload},
                          callback=True)
        assert got["ok"] is False and error in got["error"], got
    assert service.live(row.id).state.seq == seq
    chosen = next(p for p in seating.rounds[1][0] if p not in seating.hosts[1])
    ack = console.emit("cafe_set_host", {"client_id": "h", "table": 2, "participant": chosen},
                       callback=True)
    assert ack["ok"]
    after = service.live(row.id).state.cafes[0].seating
    changed = {f"p{i + 1}" for i in range(9) if after.table_of(1, f"p{i + 1}") != told[i]}
    assert chosen in changed and len(changed) <= 2 and after.hosts[1][2] == chosen
    for i, phone in enumerate(phones):
        heard = received(phone, "cafe")
        touched = told[i] in (0, 2) or after.table_of(1, f"p{i + 1}") in (0, 2)
        assert bool(heard) == touched, i  # only the two tables concerned hear
        if heard:
            assert heard[-1]["cafe"]["next_table"] == after.table_of(1, f"p{i + 1}")
    assert received(console, "cafe")[-1]["cafe"]["seating"][2]["host"] == chosen


def test_the_printable_report_embeds_tablecloth_photos_scaled_with_table_and_round(
        cafe, service, app) -> None:
    import base64
    import html
    import io
    import re

    from PIL import Image

    row, console, screen, phones, tables = cafe
    client = app.test_client()
    big = io.BytesIO()
    Image.new("RGB", (1500, 1000), "navy").save(big, "JPEG")
    ack = client.post(f"/photos/{row.code}", content_type="multipart/form-data", data={
        "photo": (io.BytesIO(big.getvalue()), "cloth.jpg"),
        "token": "cafe-token-0-0123456789", "client_id": "big"}).get_json()
    assert ack["ok"]
    report = client.get(f"/console/{row.console_key}/export.html").get_data(as_text=True)
    images = re.findall(r'<img src="data:image/jpeg;base64,([^"]+)" width="(\d+)" '
                        r'height="(\d+)" alt="([^"]+)"', report)
    assert len(images) == 1, "the photo is in the page itself, not a link"
    data, width, height, alt = images[0]
    with Image.open(io.BytesIO(base64.b64decode(data))) as shown:
        assert shown.size == (int(width), int(height)) == (800, 533)
    table = tables[0] + 1
    assert html.unescape(alt) == f"Photo of table {table}'s tablecloth, round 1"
    assert f"<figcaption class=\"by\">Table {table}, round 1</figcaption>" in report
    assert "photo of the tablecloth" not in report  # no bare count when the photo is there
    assert "/photos/" not in report
