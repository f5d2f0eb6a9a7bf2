"""End to end in Chromium: 1-2-4-All with 9 phones through its four steps (sessions/1-2-4-all.yaml).

Nine people: the pairs are three pairs and a trio, the fours a four and a five; every phone
says whom to find and shows its group's sign large; a pair's and a four's shared note written on
one phone appears on the others; the fours' ideas reach the projector in "All".
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Page, expect

from tests.e2e.a11y import assert_axe_clean

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SHOTS = os.environ.get("FACILITATOR_SHOTS")  # a folder to keep screenshots in, if set
NAMES = ["Sam", "Ali", "", "Jo", "", "Priya", "", "Marek", ""]  # four stay anonymous


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def groups_of(phones: list[Page], kind: str) -> dict[str, list[int]]:
    """Which phones are in which pair or four, as each phone shows it (data-group)."""
    out: dict[str, list[int]] = {}
    for i, phone in enumerate(phones):
        find = phone.locator(".otf-find")
        expect(find).to_have_attribute("data-group", re.compile(rf"^{kind}-\d+$"))
        out.setdefault(find.get_attribute("data-group"), []).append(i)
    return out


def test_nine_phones_through_one_two_four_all(room: Any) -> None:
    plan = yaml.safe_load((ROOT / "sessions" / "1-2-4-all.yaml").read_text())
    w = room.server.create(plan)
    screen = room.new_page(viewport={"width": 1280, "height": 720})
    screen.goto(w["projector_url"])
    console = room.console(w["console_url"])
    phones = [room.phone(w["join_url"], name or None) for name in NAMES]
    console.locator("[data-action=start]").click()

    # 1: alone, in silence; the timer runs by itself; private jottings
    expect(screen.locator(".otf-step[aria-current]")).to_contain_text("Alone")
    expect(screen.locator(".otf-step[aria-current]")).to_contain_text("now")
    expect(screen.locator("#timer-box")).to_be_visible()
    expect(screen.locator("#timer")).to_have_text(re.compile(r"^(01:00|00:[0-5]\d)$"))
    for phone in phones:
        expect(phone.locator(".otf-line")).to_have_text("1 · On your own, in silence")
        expect(phone.locator(".otf-jot")).to_be_visible()
    phones[0].locator("#otf-jot-text").fill("Neighbours who check in")
    phones[0].get_by_role("button", name="Keep my ideas").click()
    expect(phones[0].locator("#feedback")).to_have_text("Kept. Only you see them.")
    expect(console.locator("#next-move")).to_have_text("Form pairs")

    # 2: pairs, formed by the tool: three pairs and a trio, nobody alone
    console.locator("#next-move").click()
    expect(screen.locator(".otf-step[aria-current]")).to_contain_text("Pairs")
    expect(screen.locator(".otf-count")).to_have_text("9 people in 4 pairs")
    expect(screen.locator("#timer")).to_have_text(re.compile(r"^(02:00|01:[0-5]\d)$"))
    pairs = groups_of(phones, "pair")
    assert sorted(len(v) for v in pairs.values()) == [2, 2, 2, 3]
    for key, members in pairs.items():
        for i in members:
            phone = phones[i]
            expect(phone.locator(".otf-sign svg")).to_have_attribute("data-sign", key.split("-")[1])
            mates = [NAMES[j] for j in members if j != i]
            who = phone.locator(".otf-who")
            sign = phone.locator(".otf-sign svg")
            colour, shape = sign.get_attribute("data-colour"), sign.get_attribute("data-shape")
            assert colour and shape
            if any(mates):
                expect(who).to_contain_text(re.compile(r"^Find "))
                for mate in filter(None, mates):
                    expect(who).to_contain_text(mate)
                if not all(mates):
                    expect(who).to_contain_text("1 other")
                expect(who).to_contain_text(f": pair {key.split('-')[1]}, ")
            else:
                expect(who).to_contain_text(f"Pair {key.split('-')[1]}, ")
                expect(who).to_contain_text("on the other phone")
            if len(members) == 3:
                expect(phone.locator(".otf-hint")).to_contain_text("You are a trio")
    # the sign is big enough to hold up across a room
    box = phones[0].locator(".otf-sign svg").bounding_box()
    assert box and box["width"] >= 150
    expect(phones[0].locator(".otf-earlier")).to_contain_text("Neighbours who check in")
    shot(phones[0], "otf-phone-pairs")
    assert_axe_clean(phones[0], "phone in pairs")
    # a pair's note, written on one phone, on the other phones of the pair at once
    first_pair = next(iter(pairs.values()))
    writer, reader = phones[first_pair[0]], phones[first_pair[1]]
    writer.locator("#otf-shared-text").fill("We both lean on neighbours")
    writer.get_by_role("button", name="Save").click()
    expect(writer.locator("#feedback")).to_have_text("Saved. Your group sees it now.")
    expect(reader.locator("#otf-shared-text")).to_have_value("We both lean on neighbours")
    expect(reader.locator(".otf-status")).to_have_text("Saved from another phone in your group.")
    # and the other answers: last edit wins, on both
    reader.locator("#otf-shared-text").fill("Neighbours and the library")
    reader.get_by_role("button", name="Save").click()
    expect(writer.locator("#otf-shared-text")).to_have_value("Neighbours and the library")
    expect(console.locator(".otf-groups")).to_contain_text("Neighbours and the library")
    expect(console.locator("#next-move")).to_have_text("Form fours")

    # 4: fours made of pairs: a four and a five
    console.locator("#next-move").click()
    expect(screen.locator(".otf-step[aria-current]")).to_contain_text("Fours")
    expect(screen.locator(".otf-count")).to_have_text("9 people in 2 fours")
    fours = groups_of(phones, "four")
    assert sorted(len(v) for v in fours.values()) == [4, 5]
    for members in pairs.values():  # every pair is inside one four
        assert any(set(members) <= set(f) for f in fours.values())
    expect(phones[first_pair[0]].locator(".otf-earlier")).to_contain_text(
        "Neighbours and the library")
    ideas = {}
    for key, members in fours.items():
        n = key.split("-")[1]
        text = f"Idea of four {n}: a lift scheme to the surgery"
        ideas[n] = text
        phones[members[-1]].locator("#otf-shared-text").fill(text)
        phones[members[-1]].get_by_role("button", name="Save").click()
        expect(phones[members[0]].locator("#otf-shared-text")).to_have_value(text)
    # not for the room yet
    expect(screen.locator("#view-onetwofour .otf-idea")).to_have_count(0)
    expect(console.locator("#next-move")).to_have_text("All together")

    # All: each four's idea on the projector, with its four's sign
    console.locator("#next-move").click()
    expect(screen.locator(".otf-step[aria-current]")).to_contain_text("All")
    expect(screen.locator("#timer")).to_have_text(re.compile(r"^(05:00|04:[0-5]\d)$"))
    for n, text in ideas.items():
        idea = screen.locator(f"#view-onetwofour .otf-idea:has(svg[data-sign='{n}'])")
        expect(idea).to_contain_text(text)
        expect(idea).to_contain_text(f"Four {n} · ")
    for phone in phones:
        expect(phone.locator(".otf-ideas li.otf-idea")).to_have_count(2)
    shot(screen, "otf-screen-all")
    shot(console, "otf-console-all")
    assert_axe_clean(screen, "screen in All")
    assert_axe_clean(console, "console in All")
    # a late edit by a four reaches the projector too
    late = f"{ideas['1']} and back"
    members = fours["four-1"]
    phones[members[0]].locator("#otf-shared-text").fill(late)
    phones[members[0]].get_by_role("button", name="Save").click()
    expect(screen.locator("#view-onetwofour .otf-idea:has(svg[data-sign='1'])")).to_contain_text(
        "and back")
    # then the next stage, a dot vote, takes the fours' ideas like any notes
    expect(console.locator("#next-move")).to_have_text("Next: Priorities")
    console.locator("#next-move").click()
    expect(console.locator("#next-move")).to_have_text("Open the vote")
    console.locator("#next-move").click()
    expect(phones[0].locator("#vote-items li")).to_have_count(2)
    for n, text in ideas.items():
        expect(phones[0].locator("#vote-items")).to_contain_text(text if n != "1" else late)
