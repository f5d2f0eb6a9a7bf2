"""The big-room check (tests/e2e/projector.py) for 1-2-4-All's projector: 200 people, so 100
pairs and 50 fours, each four's idea (20 to 300 characters) on the screen in the All step, and
the pairs step's strip and counts. The room is filled in-process through the real commands, a
live server replays the log, and Chromium checks each view at four projector sizes: no
scrolling, every idea whole on screen on some page, nothing under the floor, axe-core clean,
every page shown within a minute."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser

from facilitator.core.signs import sign
from tests.conftest import LiveServer
from tests.e2e.projector import Filler, check_projector, make_service, ready_plan, screen_url

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

STARTS = ["Neighbours who knock when the curtains stay shut", "The lunch club at the library",
          "A lift to the surgery from someone on the street", "The choir that meets on Tuesdays",
          "Allotments where nobody is a stranger", "The corner shop that keeps a tab",
          "Young people teaching phones to their elders", "A bench halfway up the hill",
          "The men's shed fixing bikes for the school", "Free tea after the Friday market"]
MORE = ["because nobody asks why you came", "and it costs nothing to join",
        "which people from round here run themselves, not an office",
        "so that carers get an hour to themselves every week without having to ask",
        "and the council grant ends in March, so it needs a new home and a few more volunteers "
        "who can open up on winter evenings", "in our own languages"]


def ideas(n: int, seed: int = 4) -> list[str]:
    rng = random.Random(seed)
    out = []
    while len(out) < n:
        text = rng.choice(STARTS)
        for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
            text += ", " + rng.choice(MORE)
        text = f"{text} ({len(out) + 1})."
        out.append(text[:300])
    return out


def fill(service: Any, step: str) -> dict[str, Any]:
    f = Filler(service, service.create_workshop(ready_plan("1-2-4-all")))
    f.join(200, [f"Person {i}" for i in range(0, 200, 3)])
    f.console("start")
    f.console("otf_form_pairs")
    if step == "pairs":
        return {"row": f.row}
    f.console("otf_form_fours")
    grouping = service.live(f.row.id).state.groupings[0].grouping
    texts = ideas(len(grouping.fours))
    for four, text in zip(grouping.fours, texts, strict=True):
        f.phone(f.phones.index(four[-1]), "otf_write", {"group": "four", "text": text})
    f.console("otf_all")
    return {"row": f.row, "ideas": texts, "fours": len(grouping.fours)}


@pytest.fixture(scope="module")
def rooms(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("onetwofour")
    db = tmp / "rooms.db"
    service = make_service(db)
    filled = {"pairs": fill(service, "pairs"), "all": fill(service, "all")}
    server = LiveServer(db, tmp / "server.log").start()
    try:
        yield {"server": server, **filled}
    finally:
        server.stop()


def test_fifty_fours_ideas_in_all(browser: Browser, rooms: dict) -> None:
    room = rooms["all"]
    assert room["fours"] == 50
    expected = ["Every four's idea", *room["ideas"],
                *(f"Four {n} · {sign(n).label()}" for n in range(1, 51))]
    figures = check_projector(browser, screen_url(rooms["server"], room["row"]), expected,
                              "1-2-4-All, 50 fours' ideas", ready=".otf-idea")
    assert all(f["seconds"] <= 60 for f in figures.values())


def test_the_pairs_step_for_two_hundred(browser: Browser, rooms: dict) -> None:
    expected = ["200 people in 100 pairs", "Pairs", "2 minutes", "now",
                "Find your partner: your phone shows whom, and a sign to hold up."]
    check_projector(browser, screen_url(rooms["server"], rooms["pairs"]["row"]), expected,
                    "1-2-4-All, pairs", sizes=[(1920, 1080), (1024, 768)],
                    ready=".otf-step[aria-current]")
