"""The projector in a big room for a check-in round: 120 phones give one short answer each,
shown as the words used most (the default view; unlike a notes stage a word said once
counts, so the view holds more words) at 1920x1080, 1366x768, 1280x720 and 1024x768
(tests/e2e/projector.py says what is checked). The wall view is the notes wall, held to the
same standard with 200 notes in test_projector_room.py. Then a phone's answer reaches the
projector's wall and the phone offers no second answer."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.conftest import LiveServer
from tests.e2e.projector import Filler, check_projector, make_service, screen_url

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
PHONES = 120
MOODS = ["curious", "tired", "hopeful", "excited", "calm", "busy", "ready", "nervous",
         "grateful", "cold", "happy", "distracted", "energised", "open", "sleepy", "keen",
         "a bit late", "glad to be here", "full of coffee", "thinking about the bus",
         "looking forward to lunch", "worried about the park", "ready to listen",
         "proud of our street", "new here, curious", "still waking up"]


def answers(n: int) -> list[str]:
    rng = random.Random(7)
    return [rng.choice(MOODS) if i % 5 else f"{rng.choice(MOODS)} and {rng.choice(MOODS)}"
            for i in range(n)]


def _round(service: Any, view: str, phones: int = PHONES) -> tuple[Filler, list[str]]:
    from facilitator.core.plan import load_plan

    plan = load_plan({"title": "Monday forum", "stages": [
        {"kind": "checkin", "prompt": "One word for how you arrive today",
         "options": {"view": view}}]})
    f = Filler(service, service.create_workshop(plan))
    f.join(phones)
    f.console("start")
    f.console("show_qr", {"visible": False})
    texts = answers(phones)
    for i, text in enumerate(texts):
        f.phone(i, "post_note", {"text": text})
    return f, texts


@pytest.fixture(scope="module")
def rooms(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, dict]]:
    tmp = tmp_path_factory.mktemp("checkin")
    service = make_service(tmp / "room.db")
    from facilitator.core.views import words_view

    words, _texts = _round(service, "words")
    view = words_view(service.live(words.row.id).state)
    wall, texts = _round(service, "wall", phones=12)
    out = {"words": (words, [w for w, _ in view["words"]]), "wall": (wall, texts)}
    server = LiveServer(tmp / "room.db", tmp / "server.log").start()
    yield server, out
    server.stop()


def test_a_check_in_holds_a_big_room(browser: Browser, rooms: tuple[LiveServer, dict]) -> None:
    server, out = rooms
    filler, expected = out["words"]
    assert len(expected) == 30  # the view's limit: many words said once or twice
    check_projector(browser, screen_url(server, filler.row), expected, "checkin-words",
                    ready="[data-fit] [data-item]")


def test_a_phone_answers_once_and_the_answer_reaches_the_projector(
        browser: Browser, rooms: tuple[LiveServer, dict]) -> None:
    server, out = rooms
    filler, _ = out["wall"]
    screen = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    try:
        screen.goto(screen_url(server, filler.row))
        phone.goto(f"{server.url}/j/{filler.row.code}")
        phone.get_by_role("button", name="Join").click()
        expect(phone.locator("#stage-what")).to_contain_text("Check-in: one short answer each")
        phone.locator("#note-text").fill("Zestful")
        expect(phone.locator("#note-count")).to_contain_text("80")  # the round's own limit
        phone.locator("#note-form button[type=submit]").click()
        expect(phone.locator(".checkin-mine")).to_contain_text("Your answer: “Zestful”")
        expect(phone.locator("#note-form")).to_be_hidden()  # one answer each
        expect(screen.locator("#wall [data-note-id]", has_text="Zestful")).to_have_count(1)
    finally:
        screen.context.close()
        phone.context.close()
