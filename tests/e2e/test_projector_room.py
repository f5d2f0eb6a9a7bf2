"""The projector in a big room: the notes wall (200 notes), frequent words, 15 themes and a
vote on 30 items, each at 1920x1080, 1366x768, 1280x720 and 1024x768 (tests/e2e/projector.py
says what is checked)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.conftest import LiveServer
from tests.e2e.projector import Filler, check_projector, make_service, ready_plan, screen_url
from tests.e2e.roomtext import NAMES, THEMES, notes

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
PHONES = 70


def _wall(service: Any, texts: list[str]) -> Filler:
    f = Filler(service, service.create_workshop(ready_plan("notes-wall")))
    f.join(PHONES, names=NAMES)  # some named (their names show), most anonymous
    f.console("start")
    f.console("show_qr", {"visible": False})
    for i, text in enumerate(texts):
        f.phone(i % PHONES, "post_note", {"text": text})
    return f


def _themes(service: Any, texts: list[str], themes: list[str], loose: int) -> Filler:
    """The harvest plan: silent notes revealed, then grouped into ``themes``, ``loose`` left."""
    f = Filler(service, service.create_workshop(ready_plan("silent-harvest")))
    f.join(PHONES)
    f.console("start")
    f.console("show_qr", {"visible": False})
    ids = [f.phone(i % PHONES, "post_note", {"text": t})["note_id"] for i, t in enumerate(texts)]
    f.console("reveal_notes")
    f.console("next_stage")
    grouped = ids[:len(ids) - loose]
    for k, name in enumerate(themes):
        f.console("group_notes", {"note_ids": grouped[k::len(themes)], "name": name})
    return f


@pytest.fixture(scope="module")
def rooms(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, dict]]:
    tmp = tmp_path_factory.mktemp("bigroom")
    service = make_service(tmp / "room.db")
    texts = notes(200)
    out: dict[str, Any] = {}
    out["wall"] = (_wall(service, texts), texts)

    words = _wall(service, texts)
    words.console("show_view", {"view": "words"})
    from facilitator.core.views import words_view

    view = words_view(service.live(words.row.id).state)
    out["words"] = (words, [w for w, _ in view["words"]] + [p for p, _ in view["phrases"][:8]])

    themed = _themes(service, texts, THEMES[:15], loose=20)
    out["themes"] = (themed, texts + THEMES[:15])

    voted = _themes(service, notes(90, seed=2), THEMES, loose=0)
    voted.console("next_stage")
    voted.console("open_vote", {"dots": 3})
    for i in range(PHONES):
        for k in range(3):
            voted.phone(i, "place_dot", {"item_id": f"t{1 + (i * 7 + k * 11) % 30}"})
    voted.console("close_vote")
    out["results"] = (voted, THEMES)

    lobby = Filler(service, service.create_workshop(ready_plan("world-cafe")))
    lobby.join(48)
    out["lobby"] = (lobby, [lobby.row.code, service.live(lobby.row.id).state.plan.purpose])

    server = LiveServer(tmp / "room.db", tmp / "server.log").start()
    yield server, out
    server.stop()


@pytest.mark.parametrize("view", ["lobby", "wall", "words", "themes", "results"])
def test_projector_view_holds_a_big_room(browser: Browser, rooms: tuple[LiveServer, dict],
                                         view: str) -> None:
    server, out = rooms
    filler, expected = out[view]
    figures = check_projector(browser, screen_url(server, filler.row), expected, view,
                              ready="#join-code" if view == "lobby" else "[data-fit] [data-item]")
    big = figures["1920x1080"]
    if view in ("wall", "themes"):  # 200 notes cannot be read on one page at 24 px
        assert big["pages"] > 1


def test_pages_turn_by_themselves_and_a_new_note_gets_its_moment(
        browser: Browser, rooms: tuple[LiveServer, dict]) -> None:
    """Without a clicker the pages go round on their own; a note written while another page
    is showing is brought on screen, marked, and paging then goes on."""
    server, out = rooms
    filler, _ = out["wall"]
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.goto(screen_url(server, filler.row))
    pager = page.locator("#pager")
    expect(pager).to_be_visible()
    pages = int(pager.get_attribute("data-pages"))
    seconds = int(pager.get_attribute("data-seconds"))
    assert pages >= 3 and 8 <= seconds <= 12 and pages * seconds <= 60
    expect(pager).to_have_attribute("data-page", "1")
    expect(pager).to_contain_text(f"Page 1 of {pages}")
    expect(pager).to_have_attribute("data-page", "2", timeout=(seconds + 3) * 1000)

    import socketio  # the python-socketio client, as a phone
    phone = socketio.Client()
    phone.connect(server.url, auth={"role": "phone", "code": filler.row.code},
                  transports=["websocket"])
    try:
        joined = phone.call("join", {"client_id": "late-join", "name": "Latecomer"})
        assert joined["ok"]
        page.wait_for_timeout(5200)  # the page on screen has had its minimum time
        ack = phone.call("post_note", {"client_id": "late-note", "text": "Just arrived: a bench"})
        assert ack["ok"]
        card = page.locator(f'#wall [data-note-id="{ack["note_id"]}"]')
        expect(card).to_be_visible(timeout=3000)
        expect(card).to_have_attribute("data-new", "")
    finally:
        phone.disconnect()
        context.close()


def test_the_console_turns_and_pauses_the_screens_pages(
        browser: Browser, rooms: tuple[LiveServer, dict]) -> None:
    server, out = rooms
    filler, _ = out["wall"]
    screen = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    console = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    try:
        screen.goto(screen_url(server, filler.row))
        console.goto(f"{server.url}/console/{filler.row.console_key}")
        pager, status = screen.locator("#pager"), console.locator("#pager-status")
        expect(pager).to_be_visible()
        pages = pager.get_attribute("data-pages")
        console.locator("#pager-next").click()  # a first report may race the console's connect
        expect(status).to_contain_text(f"of {pages}")
        console.locator("#pager-pause").click()
        expect(pager).to_have_attribute("data-paused", "true")
        expect(status).to_contain_text("paging is paused")
        expect(console.locator("#pager-pause")).to_have_text("Go on paging")
        at = int(pager.get_attribute("data-page"))
        console.locator("#pager-next").click()
        expect(pager).to_have_attribute("data-page", str(at % int(pages) + 1))
        expect(status).to_contain_text(f"page {at % int(pages) + 1} of {pages}")
        console.locator("#pager-prev").click()
        expect(pager).to_have_attribute("data-page", str(at))
        console.locator("#pager-pause").click()
        expect(pager).to_have_attribute("data-paused", "false")
        expect(status).to_contain_text("turns the pages by itself")
    finally:
        screen.context.close()
        console.context.close()
