"""End to end in Chromium: a World Café with 12 phones at 3 tables over 2 rounds."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Page, expect

from facilitator.core.plan import plan_in_language

pytestmark = pytest.mark.e2e


def english(data: dict) -> dict:
    """A ready plan (English and Welsh) in English only, as these tests read its texts."""
    return plan_in_language(data, "en")


ROOT = Path(__file__).resolve().parents[2]


def cafe_plan() -> dict:
    plan = english(yaml.safe_load((ROOT / "sessions" / "world-cafe.yaml").read_text()))
    plan["stages"][0]["options"]["rounds"] = 2
    return plan


def tablecloth_photo() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 240), (240, 235, 200)).save(out, "JPEG")
    return out.getvalue()


def table_of(phone: Page) -> int:
    """The table the phone tells its person to go to (from 1)."""
    where = phone.locator(".cafe-where")
    expect(where).to_have_attribute("data-table", re.compile(r"^\d+$"))
    return int(where.get_attribute("data-table"))


def console_tables(console: Page) -> dict[str, int]:
    """Who sits where, as the console (the server's seating) lists it: name -> table."""
    out = {}
    for spot in console.locator(".cafe-seating > li").all():
        table = int(spot.get_attribute("data-table")) + 1
        for person in spot.locator("li[data-pid]").all():
            out[person.inner_text().split(" (")[0].replace("Gone", "").strip()] = table
    return out


def test_twelve_phones_three_tables_two_rounds(room: Any) -> None:
    w = room.server.create(cafe_plan())
    screen = room.new_page(viewport={"width": 1280, "height": 800})
    screen.goto(w["projector_url"])
    expect(screen.locator("#view-cafe")).to_be_visible()
    console = room.console(w["console_url"])
    names = [f"Person {i}" for i in range(12)]
    phones = [room.phone(w["join_url"], name) for name in names]
    console.locator("[data-action=start]").click()

    # before round 1: the etiquette card, and one person offers to host
    for phone in phones:
        expect(phone.locator(".cafe-etiquette")).to_contain_text("Focus on what matters")
    expect(screen.locator(".cafe-etiquette")).to_be_visible()
    phones[7].locator(".cafe-offer").click()
    expect(console.locator(".cafe-volunteers")).to_contain_text("Person 7")
    # the facilitator asks someone else too
    console.locator("#cafe-host-pick").select_option(label="Person 3")
    console.get_by_role("button", name="Add as host").click()
    expect(console.locator(".cafe-volunteers")).to_have_text("Offered to host: Person 7, Person 3")
    expect(phones[3].locator(".cafe-offer")).to_have_attribute("aria-pressed", "true")

    console.locator(".cafe-start").click()
    expect(console.locator(".cafe-seating > li")).to_have_count(3)
    seating = {}
    expect(console.locator(".cafe-seating li[data-pid]")).to_have_count(12)
    seating[1] = console_tables(console)
    hosts: dict[int, str] = {}
    for name, phone in zip(names, phones, strict=True):
        expect(phone.locator(".cafe-where")).to_contain_text("Round 1 of 2")
        table = table_of(phone)
        assert table == seating[1][name], f"{name}'s phone shows table {table}"
        if "you host table" in phone.locator(".cafe-where").inner_text():
            hosts[table] = name
    assert sorted(hosts) == [1, 2, 3] and {"Person 7", "Person 3"} <= set(hosts.values())
    for name, phone in zip(names, phones, strict=True):
        table = seating[1][name]
        if hosts[table] != name:
            expect(phone.locator(".cafe-where")).to_have_text(
                f"Round 1 of 2: go to table {table} ({hosts[table]} hosts)")
        expect(phone.locator("#stage-prompt")).to_contain_text("felt really well looked after")
        expect(phone.locator("#timer-box")).to_be_visible()
    map_spots = screen.locator(".cafe-map > li")
    expect(map_spots).to_have_count(3)
    for spot in map_spots.all():
        expect(spot.locator(".seated")).to_have_text("4 seated")

    # each writes on their table's tablecloth; other tables never see it, nor the projector
    for name, phone in zip(names, phones, strict=True):
        room.post_note(phone, f"Idea from {name} at table {seating[1][name]}")
    for name, phone in zip(names, phones, strict=True):
        cloth = phone.locator(".cafe-cloth li[data-note-id]")
        expect(cloth).to_have_count(4)
        for text in cloth.locator(".text").all_inner_texts():
            assert text.endswith(f"at table {seating[1][name]}"), (name, text)
    for spot in map_spots.all():
        expect(spot.locator(".count")).to_have_text("4 notes")
    assert "Idea from" not in screen.locator("body").inner_text()
    # the facilitator shows frequent words for a moment, then the table map again
    console.get_by_role("button", name="Frequent words").click()
    expect(screen.locator("#view-words")).to_be_visible()
    console.get_by_role("button", name="This step's own view").click()
    expect(screen.locator("#view-cafe")).to_be_visible()
    expect(console.get_by_role("button", name="This step's own view")).to_have_attribute(
        "aria-pressed", "true")

    # someone photographs their table's paper tablecloth: the table sees it, others do not
    photographer = phones[1]
    photo_table = seating[1][names[1]]
    photographer.locator("#cafe-photo").set_input_files(files=[{
        "name": "IMG_0042.JPG", "mimeType": "image/jpeg", "buffer": tablecloth_photo()}])
    photographer.get_by_role("button", name="Send photo").click()
    expect(photographer.locator(".cafe-photo-status")).to_have_text(
        "Photo added to the tablecloth.")
    for name, phone in zip(names, phones, strict=True):
        photos = phone.locator(".cafe-cloth .photo img")
        expect(photos).to_have_count(1 if seating[1][name] == photo_table else 0)
    expect(photographer.locator(".cafe-cloth .photo img")).to_have_js_property("complete", True)
    assert photographer.locator(".cafe-cloth .photo img").evaluate("i => i.naturalWidth") == 320

    # the round ends; each host writes the handover summary
    console.locator(".cafe-end").click()
    for table, host in hosts.items():
        phone = phones[names.index(host)]
        expect(phone.locator(".cafe-where")).to_contain_text("Write a short handover summary")
        phone.locator("#cafe-summary").fill(f"Summary of table {table}: walking and lunch clubs")
        phone.get_by_role("button", name="Save summary").click()
        expect(phone.locator(".cafe-summary-saved")).to_have_text("Summary saved.")
    traveller = next(p for n, p in zip(names, phones, strict=True) if n not in hosts.values())
    expect(traveller.locator(".cafe-where")).to_contain_text("Carry one key idea")
    expect(traveller.locator(".cafe-summary-form")).to_be_hidden()

    # round 2: hosts stay, travellers move; the summary and tablecloth wait at each table
    console.locator(".cafe-start").click()
    expect(console.locator(".cafe-seating-h")).to_have_text("Seating, round 2")
    expect(console.locator(".cafe-seating li[data-pid]")).to_have_count(12)
    seating[2] = console_tables(console)
    moved = 0
    for name, phone in zip(names, phones, strict=True):
        expect(phone.locator(".cafe-where")).to_contain_text("Round 2 of 2")
        table = table_of(phone)
        assert table == seating[2][name]
        moved += table != seating[1][name]
        handover = phone.locator(".cafe-handover")
        expect(handover).to_contain_text(f"Summary of table {table}: walking and lunch clubs")
        expect(phone.locator(".cafe-cloth li[data-note-id]")).to_have_count(4)
        expect(phone.locator(".cafe-cloth")).to_contain_text(f"at table {table}")
        expect(phone.locator("#stage-prompt")).to_contain_text("Which people, groups and places")
        if name in hosts.values():
            assert table == seating[1][name], "a host stays at their table"
            expect(handover.locator("h2")).to_have_text("Retell this to the newcomers")
    assert moved == 9, "every traveller moves"

    console.locator(".cafe-end").click()
    console.locator(".cafe-harvest-btn").click()
    harvest = screen.locator(".cafe-harvest .cafe-table")
    expect(harvest).to_have_count(3)
    for i in range(3):
        table = harvest.nth(i)
        expect(table.locator("li[data-note-id]")).to_have_count(4)
        expect(table).to_contain_text(f"Summary of table {i + 1}")
        expect(table.locator(".photo img")).to_have_count(1 if i + 1 == photo_table else 0)
    expect(phones[0].locator(".cafe-harvest .cafe-table")).to_have_count(3)


def test_a_volunteer_stays_to_host_the_next_round(room: Any) -> None:
    plan = cafe_plan()
    plan["stages"][0]["options"].update(hosts="volunteer", table_size=3)
    w = room.server.create(plan)
    console = room.console(w["console_url"])
    names = [f"Guest {i}" for i in range(6)]
    phones = [room.phone(w["join_url"], name) for name in names]
    console.locator("[data-action=start]").click()
    console.locator(".cafe-start").click()
    expect(console.locator(".cafe-seating li[data-pid]")).to_have_count(6)
    first = {name: table_of(phone) for name, phone in zip(names, phones, strict=True)}
    stayer_name = next(n for n, p in zip(names, phones, strict=True)
                       if "you host" not in p.locator(".cafe-where").inner_text())
    stayer = phones[names.index(stayer_name)]
    # someone's Wi-Fi drops: they write on the tablecloth anyway; it waits on the phone
    writer_name = next(n for n, p in zip(names, phones, strict=True) if n != stayer_name
                       and "you host" not in p.locator(".cafe-where").inner_text())
    writer = phones[names.index(writer_name)]
    writer.context.set_offline(True)
    expect(writer.locator("#conn")).to_have_attribute("data-status", re.compile("offline|error"))
    room.post_note(writer, "Written while the Wi-Fi was down")
    expect(writer.locator("#mine .pending")).to_have_count(1)
    # during the round someone offers to stay and host the next one
    offer = stayer.locator(".cafe-offer")
    expect(offer).to_have_text("I'll stay and host the next round here")
    offer.click()
    expect(offer).to_have_attribute("aria-pressed", "true")
    expect(console.locator(".cafe-volunteers")).to_have_text(f"Offered to host: {stayer_name}")
    console.locator(".cafe-end").click()
    # as the round ends every phone says where to go next, and that is where round 2 seats it
    expect(stayer.locator(".cafe-where")).to_contain_text(
        f"Next round you host table {first[stayer_name]}")
    expect(offer).to_be_hidden()
    told = {}
    for name, phone in zip(names, phones, strict=True):
        if name == writer_name:
            continue
        where = phone.locator(".cafe-where")
        expect(where).to_have_attribute("data-next-table", re.compile(r"^\d+$"))
        told[name] = int(where.get_attribute("data-next-table"))
        if name != stayer_name:
            expect(where).to_contain_text(f"Next: table {told[name]}")
    console.locator(".cafe-start").click()
    expect(stayer.locator(".cafe-where")).to_have_text(
        f"Round 2 of 2: you host table {first[stayer_name]}: stay here")
    for name, phone in zip(names, phones, strict=True):
        if name == writer_name:
            continue  # offline: it learns its round-2 table when it is back
        expect(phone.locator(".cafe-where")).to_contain_text("Round 2 of 2")
        assert table_of(phone) == told[name], f"{name} sits where their phone said"
        if name != stayer_name and "you host" not in phone.locator(".cafe-where").inner_text():
            assert table_of(phone) != first[name], f"{name} travels to a new table"

    # back online in round 2: the note lands on the tablecloth it was written at, in round 1
    writer.context.set_offline(False)
    expect(writer.locator("#mine .pending")).to_have_count(0)
    expect(writer.locator(".cafe-where")).to_contain_text("Round 2 of 2")
    written_at = first[writer_name]
    for phone in phones:
        cloth = phone.locator(".cafe-cloth")
        if table_of(phone) == written_at:
            note = cloth.locator("li[data-note-id]", has_text="Written while the Wi-Fi was down")
            expect(note).to_have_count(1)
            expect(note).to_contain_text("round 1")
        else:
            expect(cloth).not_to_contain_text("Written while the Wi-Fi was down")


@pytest.mark.slow
def test_a_phone_scanning_a_table_qr_mid_round_sits_there_and_nobody_moves(room: Any) -> None:
    plan = cafe_plan()
    plan["stages"][0]["options"].update(table_size=2, hosts="none")
    w = room.server.create(plan)
    console = room.console(w["console_url"])
    names = [f"Guest {i}" for i in range(4)]
    phones = [room.phone(w["join_url"], name) for name in names]
    console.locator("[data-action=start]").click()
    console.locator(".cafe-start").click()
    expect(console.locator(".cafe-seating li[data-pid]")).to_have_count(4)
    before = console_tables(console)

    # a late arrival scans table 2's tent (its QR code opens /j/<code>/table/2) and joins
    late = room.new_page(**room.PHONE)
    late.goto(f"{w['join_url']}/table/2")
    late.locator("#name").fill("Late Lee")
    late.get_by_role("button", name="Join").click()
    expect(late.locator(".cafe-where")).to_have_attribute("data-table", "2")
    expect(late.locator(".cafe-where")).to_contain_text("Round 1 of 2: go to table 2")
    expect(console.locator(".cafe-seating li[data-pid]")).to_have_count(5)
    after = console_tables(console)
    assert after == {**before, "Late Lee": 2}, "nobody else moved"
    for name, phone in zip(names, phones, strict=True):
        assert table_of(phone) == before[name]

    # someone seated at table 1 scans table 2's code too: asked first, moved only on "Move"
    name = next(n for n in names if before[n] == 1)
    phone = phones[names.index(name)]
    phone.goto(f"{w['join_url']}/table/2")
    question = phone.locator(".cafe-qr")
    expect(question).to_contain_text("You sit at table 1 this round. Move to table 2")
    assert table_of(phone) == 1
    question.get_by_role("button", name="Move to table 2").click()
    expect(phone.locator(".cafe-where")).to_have_attribute("data-table", "2")
    expect(question).to_be_hidden()
    # table 2 (index 1) has its two, the late arrival and the mover
    expect(console.locator(".cafe-seating > li[data-table='1'] li[data-pid]")).to_have_count(4)
    assert console_tables(console) == {**after, name: 2}
    assert room.errors == []
