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
