"""End to end in a real Chromium: projector, console and phones around one notes wall."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

PROMPT_ONE = "What helps you keep well?"
PROMPT_TWO = "What could we build on?"


def started(room: Any) -> tuple[dict, Page, Page]:
    """A new workshop with its projector and console open, started from the console."""
    w = room.server.create()
    screen = room.screen(w["projector_url"])
    console = room.console(w["console_url"])
    console.locator("[data-action=start]").click()
    expect(console.locator("[data-action=start]")).to_be_hidden()
    expect(screen.locator("#prompt")).to_have_text(PROMPT_ONE)
    return w, screen, console


def test_five_phones_join_by_the_projected_qr_code_and_fill_the_wall(room: Any) -> None:
    w = room.server.create()
    screen = room.screen(w["projector_url"])
    qr = screen.locator("#qr")
    expect(qr).to_be_visible()
    expect(qr).to_have_js_property("complete", True)
    assert qr.evaluate("img => img.naturalWidth") > 0
    join_url = room.decode_qr(qr.screenshot())
    assert join_url == w["join_url"]

    names = ["Ada", "", "Grace", "Linus", ""]
    phones = [room.phone(join_url, name) for name in names]
    expect(screen.locator("#people")).to_contain_text("5 joined")
    for phone in phones:
        expect(phone.locator("#stage-what")).to_have_text("Waiting for the facilitator to start.")
        expect(phone.locator("#note-form")).to_be_hidden()

    console = room.console(w["console_url"])
    console.locator("[data-action=start]").click()
    expect(screen.locator("#prompt")).to_have_text(PROMPT_ONE)

    texts = []
    for i, phone in enumerate(phones):
        expect(phone.locator("#stage-prompt")).to_have_text(PROMPT_ONE)
        for j in range(2):
            text = f"Phone {i} idea {j}"
            room.post_note(phone, text)
            texts.append(text)
    for phone in phones:
        expect(phone.locator("#mine li[data-note-id]")).to_have_count(2)
    wall = screen.locator("#wall li[data-note-id]")
    expect(wall).to_have_count(len(texts))
    for text in texts:
        expect(room.cards(screen, "#wall", text)).to_have_count(1)
    # a named author's name is shown with the note; an anonymous one shows none
    expect(room.cards(screen, "#wall", "Phone 0 idea 0").locator(".who")).to_have_text("Ada")
    expect(room.cards(screen, "#wall", "Phone 1 idea 0").locator(".who")).to_have_count(0)
    expect(console.locator("#notes li[data-note-id]")).to_have_count(len(texts))
    expect(screen.locator("#wall-empty")).to_be_hidden()


def test_offline_phone_keeps_notes_and_sends_each_once_when_back(room: Any) -> None:
    w, screen, _console = started(room)
    phone = room.phone(w["join_url"], "Sam")
    room.post_note(phone, "Before the tunnel")
    expect(room.cards(screen, "#wall", "Before the tunnel")).to_have_count(1)

    phone.context.set_offline(True)
    expect(phone.locator("#conn")).to_have_attribute("data-status", re.compile("offline|error"))
    offline = ["Written in the tunnel", "Also in the tunnel"]
    for text in offline:
        room.post_note(phone, text)
    pending = phone.locator("#mine li.pending")
    expect(pending).to_have_count(2)
    expect(pending.filter(has_text="Written in the tunnel")).to_contain_text("Waiting to send")
    expect(pending.filter(has_text="Also in the tunnel")).to_contain_text("Waiting to send")
    for text in offline:
        expect(room.cards(screen, "#wall", text)).to_have_count(0)

    phone.context.set_offline(False)
    expect(phone.locator("#conn")).to_have_text("Connected")
    for text in offline:
        expect(room.cards(screen, "#wall", text)).to_have_count(1)
        expect(room.cards(phone, "#mine", text)).to_have_count(1)
    expect(pending).to_have_count(0)
    # and nothing arrives twice a little later (a resend would be applied at most once)
    phone.wait_for_timeout(1500)
    for text in offline:
        expect(room.cards(screen, "#wall", text)).to_have_count(1)
        expect(room.cards(phone, "#mine", text)).to_have_count(1)
    expect(screen.locator("#wall li[data-note-id]")).to_have_count(3)
    expect(phone.locator("#mine li")).to_have_count(3)


def test_reloaded_phone_keeps_its_identity_and_notes(room: Any) -> None:
    w, screen, _console = started(room)
    phone = room.phone(w["join_url"], "Ada")
    room.post_note(phone, "First from Ada")
    expect(room.cards(phone, "#mine", "First from Ada")).to_have_count(1)
    expect(phone.locator("#me-line")).to_have_text("You are taking part as Ada.")

    phone.reload()
    expect(phone.locator("#conn")).to_have_text("Connected")
    expect(phone.locator("#stage")).to_be_visible()
    expect(phone.locator("#join")).to_be_hidden()
    expect(room.cards(phone, "#mine", "First from Ada")).to_have_count(1)
    expect(phone.locator("#me-line")).to_have_text("You are taking part as Ada.")

    room.post_note(phone, "Second from Ada")
    expect(room.cards(phone, "#mine", "Second from Ada")).to_have_count(1)
    card = room.cards(screen, "#wall", "Second from Ada")
    expect(card).to_have_count(1)
    expect(card.locator(".who")).to_have_text("Ada")
    expect(screen.locator("#people")).to_contain_text("1 joined")


def test_markup_in_a_note_is_shown_as_text_everywhere(room: Any) -> None:
    w, screen, console = started(room)
    phone = room.phone(w["join_url"])
    text = "<img src=x onerror=alert(1)>"
    room.post_note(phone, text)
    for page, where in ((screen, "#wall"), (console, "#notes"), (phone, "#mine")):
        expect(room.cards(page, where, text)).to_have_count(1)
        expect(page.locator(f"{where} img")).to_have_count(0)
    phone.wait_for_timeout(300)  # give a stray onerror handler the chance to fire
    assert room.dialogs == []  # checked again for every page when the test ends


def test_console_hides_a_note_from_the_projector_and_its_author(room: Any) -> None:
    w, screen, console = started(room)
    phone = room.phone(w["join_url"], "Sam")
    room.post_note(phone, "Keep me")
    room.post_note(phone, "Hide me")
    for text in ("Keep me", "Hide me"):
        expect(room.cards(screen, "#wall", text)).to_have_count(1)
        expect(room.cards(phone, "#mine", text)).to_have_count(1)

    row = room.cards(console, "#notes", "Hide me")
    expect(row).to_contain_text("Sam")  # the console says who wrote it
    row.get_by_role("button", name=re.compile("^Hide")).click()
    expect(room.cards(screen, "#wall", "Hide me")).to_have_count(0, timeout=2000)
    expect(room.cards(phone, "#mine", "Hide me")).to_have_count(0, timeout=2000)
    expect(row).to_contain_text("Hidden by")
    expect(row.get_by_role("button", name=re.compile("^Show again"))).to_be_visible()
    expect(room.cards(screen, "#wall", "Keep me")).to_have_count(1)
    expect(room.cards(phone, "#mine", "Keep me")).to_have_count(1)


def test_console_moves_stages_and_locks_input(room: Any) -> None:
    w, screen, console = started(room)
    phones = [room.phone(w["join_url"], name) for name in ("Ada", "")]
    for phone in phones:
        expect(phone.locator("#stage-prompt")).to_have_text(PROMPT_ONE)
        expect(phone.locator("#note-form")).to_be_visible()

    console.get_by_role("button", name="Next stage").click()
    expect(screen.locator("#prompt")).to_have_text(PROMPT_TWO)
    expect(screen.locator("#step")).to_contain_text("Step 2 of 2")
    for phone in phones:
        expect(phone.locator("#stage-prompt")).to_have_text(PROMPT_TWO)

    console.get_by_role("button", name="Lock input").click()
    expect(screen.locator("#status")).to_have_text("Writing is paused.")
    for phone in phones:
        expect(phone.locator("#note-form")).to_be_hidden()
        expect(phone.locator("#stage-what")).to_have_text("Writing is paused by the facilitator.")

    console.get_by_role("button", name="Unlock input").click()
    for phone in phones:
        expect(phone.locator("#note-form")).to_be_visible()
        expect(phone.locator("#stage-what")).not_to_have_text(
            "Writing is paused by the facilitator.")
    room.post_note(phones[0], "Written in stage two")
    expect(room.cards(screen, "#wall", "Written in stage two")).to_have_count(1)


def test_pages_reconnect_by_themselves_after_a_server_restart(room: Any) -> None:
    w, screen, console = started(room)
    phones = [room.phone(w["join_url"], name) for name in ("Ada", "Sam")]
    for i, phone in enumerate(phones):
        room.post_note(phone, f"Before restart {i}")
    for i in range(len(phones)):
        expect(room.cards(screen, "#wall", f"Before restart {i}")).to_have_count(1)

    room.server.stop()
    offline = re.compile("offline|error")
    for page in (screen, console, *phones):
        expect(page.locator("#conn")).to_have_attribute("data-status", offline)
    expect(phones[0].locator("#conn")).not_to_have_text("Connected")
    room.server.start()

    for page in (screen, console, *phones):
        expect(page.locator("#conn")).to_have_attribute("data-status", "online")
    for phone in phones:
        expect(phone.locator("#conn")).to_have_text("Connected")
    expect(screen.locator("#wall li[data-note-id]")).to_have_count(2)
    room.post_note(phones[1], "After restart")
    card = room.cards(screen, "#wall", "After restart")
    expect(card).to_have_count(1)
    expect(card.locator(".who")).to_have_text("Sam")
    expect(room.cards(phones[1], "#mine", "After restart")).to_have_count(1)
    expect(room.cards(console, "#notes", "After restart")).to_have_count(1)
    expect(screen.locator("#wall li[data-note-id]")).to_have_count(3)


def test_unknown_join_code_shows_a_clear_page(room: Any) -> None:
    page = room.new_page(**room.PHONE)
    response = page.goto(f"{room.server.url}/j/ZZZZZZ")
    assert response is not None and response.status == 404
    expect(page.locator("body")).to_contain_text("ZZZZZZ")
    expect(page.get_by_role("alert")).to_contain_text("There is no workshop with the code")
    expect(page.locator("body")).not_to_contain_text("Traceback")
    # a code typed in lower case, with spaces, is the same code
    r = requests.get(f"{room.server.url}/j/zz%20zzzz", timeout=10)
    assert r.status_code == 404 and "ZZZZZZ" in r.text


def test_a_burst_from_sixty_phones_at_once_reaches_the_projector_and_console_whole(
        room: Any) -> None:
    """60 phones post at the same moment: the server sends the projector and the console a
    turn's notes as one `batch` message, which the pages unpack in order."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from tests.live.test_chaos import shut, sioclient

    w, screen, console = started(room)
    sio = sioclient()
    batches: list[int] = []

    async def burst() -> None:
        listener = sio.SioClient("127.0.0.1", room.server.port, lambda *_a: None)
        await listener.connect({"role": "console", "key": w["console_key"]}, timeout=10)
        phones = []
        for i in range(60):
            phone = sio.SioClient("127.0.0.1", room.server.port, None)
            await phone.connect({"role": "phone", "code": w["code"]}, timeout=10)
            assert (await phone.call("join", {"client_id": f"j{i}"}, timeout=10))["ok"]
            phones.append(phone)
        calls = [p.call_nowait("post_note", {"client_id": f"b{i}", "text": f"Burst idea {i}"})
                 for i, p in enumerate(phones)]
        for fut, _t in calls:
            ack, _at = await asyncio.wait_for(fut, 30)
            assert ack["ok"], ack
        await asyncio.sleep(0.5)
        batches.append(listener.batches)
        for c in (listener, *phones):
            await shut(c)

    with ThreadPoolExecutor(1) as pool:  # (Playwright's loop runs in this thread)
        pool.submit(asyncio.run, burst()).result(60)
    assert batches[0] > 0  # the notes came in batches (else this test proves nothing)
    expect(console.locator("#notes li[data-note-id]")).to_have_count(60)
    expect(screen.locator("#wall li[data-note-id]")).to_have_count(60)
    for i in (0, 29, 59):
        expect(room.cards(console, "#notes", f"Burst idea {i}")).to_have_count(1)
