"""End to end in a real Chromium: the facilitation mechanics (hidden dot vote, timer on the
server clock, silent writing and reveal, clustering by drag and drop and by keyboard)."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.e2e


def start(room: Any, plan: dict[str, Any]) -> tuple[dict, Page, Page]:
    """A workshop from ``plan`` with its projector and console open (not started yet)."""
    w = room.server.create(plan)
    screen = room.screen(w["projector_url"])
    console = room.console(w["console_url"])
    return w, screen, console


def click_start(console: Page, screen: Page, prompt: str) -> None:
    console.locator("[data-action=start]").click()
    expect(screen.locator("#prompt")).to_have_text(prompt)


def remaining(page: Page, selector: str = "#timer") -> int:
    value = page.locator(selector).get_attribute("data-remaining")
    assert value is not None, f"{selector} has no data-remaining"
    return int(value)


def touch_drag(page: Page, source: Locator, target: Locator) -> None:
    """The same with a finger, as real touch events (the page must have touch)."""
    a = source.bounding_box()
    b = target.bounding_box()
    assert a and b
    cdp = page.context.new_cdp_session(page)
    x0, y0 = a["x"] + a["width"] / 2, a["y"] + a["height"] / 2
    x1, y1 = b["x"] + b["width"] / 2, b["y"] + 20
    start = {"x": x0, "y": y0}
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [start]})
    for i in range(1, 9):
        point = {"x": x0 + (x1 - x0) * i / 8, "y": y0 + (y1 - y0) * i / 8}
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def drag(page: Page, source: Locator, target: Locator) -> None:
    """Press on ``source``, move in small steps to ``target``, release: as a hand would."""
    a = source.bounding_box()
    b = target.bounding_box()
    assert a and b
    page.mouse.move(a["x"] + a["width"] / 2, a["y"] + a["height"] / 2)
    page.mouse.down()
    page.mouse.move(b["x"] + b["width"] / 2, b["y"] + 20, steps=8)
    page.mouse.up()


VOTE_PLAN = {
    "title": "Dots",
    "stages": [
        {"kind": "notes", "title": "Ideas", "prompt": "What could we do together?"},
        {"kind": "vote", "title": "Priorities", "prompt": "Which should we do first?",
         "options": {"hidden": True}},
    ],
}
IDEAS = ["Library club", "Park clean-up", "Walking group", "Street market"]
# what each of the ten phones does, in order: (+ place / - remove, idea)
TAPS = [
    *[[("+", "Library club"), ("+", "Library club"), ("+", "Park clean-up")]] * 4,
    *[[("+", "Walking group"), ("+", "Walking group"), ("+", "Park clean-up")]] * 2,
    *[[("+", "Walking group"), ("+", "Street market")]] * 2,
    [("+", "Street market")],
    [("+", "Park clean-up"), ("+", "Street market"), ("-", "Park clean-up")],
]


def test_ten_phones_vote_with_hidden_results_then_the_ranking_is_revealed(room: Any) -> None:
    w, screen, console = start(room, VOTE_PLAN)
    phones = [room.phone(w["join_url"], f"P{i}" if i % 2 else None) for i in range(10)]
    click_start(console, screen, "What could we do together?")
    for phone, idea in zip(phones, IDEAS, strict=False):
        room.post_note(phone, idea)
    expect(screen.locator("#wall li[data-note-id]")).to_have_count(len(IDEAS))

    console.get_by_role("button", name="Next stage").click()
    expect(screen.locator("#prompt")).to_have_text("Which should we do first?")
    expect(console.locator("#vote-hidden")).to_be_checked()  # hidden by default
    console.get_by_label("Dots per person").fill("3")
    console.get_by_label("Several dots on one item").check()
    console.get_by_role("button", name="Open vote").click()
    expect(console.get_by_role("button", name="Close vote")).to_be_visible()

    ids: dict[str, str] = {}
    for i, (phone, taps) in enumerate(zip(phones, TAPS, strict=True)):
        items = phone.locator("#vote-items li.vote-item")
        expect(items).to_have_count(len(IDEAS))
        if not ids:
            for item in items.all():
                ids[item.locator(".label").inner_text()] = item.get_attribute("data-item-id")
        expect(phone.locator("#dots-left")).to_have_text("Dots left: 3")
        offline = i == len(phones) - 1  # the last phone taps in a dead spot, then gets back
        if offline:
            phone.context.set_offline(True)
            expect(phone.locator("#conn")).to_have_attribute("data-status",
                                                             re.compile("offline|error"))
        for sign, idea in taps:
            row = phone.locator(f'li.vote-item[data-item-id="{ids[idea]}"]')
            row.locator(".add-dot" if sign == "+" else ".remove-dot").click()
        if offline:
            expect(phone.locator("#dots-left")).to_have_text(
                f"Dots left: 2 ({len(taps)} waiting to send)")
            expect(screen.locator("#vote-status")).to_contain_text(f"{i} people have voted")
            phone.context.set_offline(False)
            expect(phone.locator("#conn")).to_have_text("Connected")
        mine = Counter()
        for sign, idea in taps:
            mine[idea] += 1 if sign == "+" else -1
        used = sum(mine.values())
        expect(phone.locator("#dots-left")).to_have_text(f"Dots left: {3 - used}")
        for idea, n in mine.items():
            row = phone.locator(f'li.vote-item[data-item-id="{ids[idea]}"]')
            expect(row.locator(".mydots")).to_contain_text(f"Your dots: {n}")
            expect(row.locator(".dotchars")).to_have_text("●" * n if n else "○")
        # while the vote is open and hidden the room sees how many voted, never the results
        expect(screen.locator("#vote-status")).to_contain_text(
            f"{i + 1} {'person has' if i == 0 else 'people have'} voted")
        expect(screen.locator("#results-box li[data-item-id]")).to_have_count(0)

    tally: Counter[str] = Counter()
    for taps in TAPS:
        for sign, idea in taps:
            tally[idea] += 1 if sign == "+" else -1
    expect(screen.locator("#vote-status")).to_contain_text("10 people have voted")
    expect(screen.locator("#results-box li[data-item-id]")).to_have_count(0)
    for phone in phones:
        expect(phone.locator("#vote-results")).to_be_hidden()
    # the console sees the live tally all along
    for idea, n in tally.items():
        expect(console.locator(f'#results-table tr[data-item-id="{ids[idea]}"]')).to_have_attribute(
            "data-count", str(n))

    console.get_by_role("button", name="Close vote").click()
    rows = screen.locator("#results-box li[data-item-id]")
    expect(rows).to_have_count(len(IDEAS))
    expect(screen.locator("#vote-status")).to_contain_text("Voting has closed")
    # competition ranking: equal counts share a rank (1, 2, 2, 4), in words: "joint 2nd"
    counts = sorted(tally.values(), reverse=True)
    expected_order = sorted(IDEAS, key=lambda idea: -tally[idea])
    for position, row in enumerate(rows.all()):
        count = int(row.get_attribute("data-count") or -1)
        assert count == counts[position]
        rank = 1 + sum(1 for n in tally.values() if n > count)
        tied = list(tally.values()).count(count) > 1
        words = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th"}[rank]
        expect(row.locator(".rank")).to_have_text(f"joint {words}" if tied else words)
        expect(row.locator(".count")).to_have_text(f"{count} dots")
    for idea in IDEAS:
        row = screen.locator(f'#results-box li[data-item-id="{ids[idea]}"]')
        expect(row).to_have_attribute("data-count", str(tally[idea]))
        expect(row.locator(".label")).to_have_text(idea)
    expect(rows.first.locator(".label")).to_have_text(expected_order[0])
    expect(rows.last.locator(".label")).to_have_text(expected_order[-1])
    assert tally == Counter({"Library club": 8, "Park clean-up": 6, "Walking group": 6,
                             "Street market": 4})
    expect(rows.locator(".rank")).to_have_text(["1st", "joint 2nd", "joint 2nd", "4th"])
    # phones see the final results, and can no longer move dots
    expect(phones[0].locator("#vote-results h2")).to_have_text("Final results")
    expect(phones[0].locator("#vote-results li[data-item-id]")).to_have_count(len(IDEAS))
    expect(phones[0].locator(".add-dot")).to_have_count(0)


TIMER_PLAN = {
    "title": "Timed",
    "stages": [{"kind": "notes", "title": "Quick", "prompt": "What do you notice?",
                "duration": "2 min", "timer": "manual"}],
}


def test_a_phone_that_reconnects_mid_timer_shows_the_projectors_time(room: Any) -> None:
    w, screen, console = start(room, TIMER_PLAN)
    phone = room.phone(w["join_url"], "Sam")
    click_start(console, screen, "What do you notice?")
    expect(screen.locator("#timer")).to_have_text("02:00")  # the stage's length, not started
    expect(screen.locator("#timer-box")).to_contain_text("Timer not started: 02:00")

    console.get_by_role("button", name="Start timer").click()
    expect(screen.locator("#timer-status")).to_have_text("")
    expect(phone.locator("#timer")).to_have_attribute("data-remaining", re.compile(r"^1\d\d$"))

    phone.context.set_offline(True)
    expect(phone.locator("#conn")).to_have_attribute("data-status", re.compile("offline|error"))
    phone.wait_for_timeout(2500)
    phone.context.set_offline(False)
    expect(phone.locator("#conn")).to_have_text("Connected")
    assert abs(remaining(phone) - remaining(screen)) <= 1
    assert abs(remaining(console, "#console-timer") - remaining(screen)) <= 1

    phone.reload()
    expect(phone.locator("#conn")).to_have_text("Connected")
    expect(phone.locator("#timer")).to_have_attribute("data-remaining", re.compile(r"^\d+$"))
    before = remaining(phone)
    assert abs(before - remaining(screen)) <= 1
    assert before < 120
    phone.wait_for_timeout(2200)
    assert remaining(phone) < before  # it counts down by itself
    assert abs(remaining(phone) - remaining(screen)) <= 1

    # pause keeps the time left everywhere; +1 min adds a minute
    console.get_by_role("button", name="Pause").click()
    for page in (screen, phone):
        expect(page.locator("#timer-status")).to_have_text("Paused")
    paused = remaining(screen)
    assert abs(remaining(phone) - paused) <= 1
    console.get_by_role("button", name="Add one minute").click()
    expect(screen.locator("#timer")).to_have_attribute("data-remaining", str(paused + 60))
    expect(console.get_by_role("button", name="Resume")).to_be_enabled()
    console.get_by_role("button", name="Resume").click()
    expect(phone.locator("#timer-status")).to_have_text("")
    console.get_by_role("button", name="Reset").click()
    expect(screen.locator("#timer")).to_have_attribute("data-remaining", "120")


SILENT_PLAN = {
    "title": "Silent",
    "stages": [{"kind": "notes", "title": "On your own", "prompt": "When were we at our best?",
                "anonymous": True, "options": {"silent": True}}],
}


def test_silent_writing_shows_nothing_on_the_projector_until_the_reveal(room: Any) -> None:
    w, screen, console = start(room, SILENT_PLAN)
    phones = [room.phone(w["join_url"], name) for name in ("Ada", "", "Grace")]
    click_start(console, screen, "When were we at our best?")
    for phone in phones:
        expect(phone.locator("#silent-note")).to_have_text(
            "Your notes are private until the facilitator reveals them.")
        expect(phone.locator("#anon-note")).to_have_text(
            "This step is anonymous: the room will not see your name.")
    expect(console.locator("#anon-marker")).to_contain_text("Anonymous to the room")
    expect(screen.locator("#silent")).to_have_text(
        "0 notes written — they will be revealed together")

    texts = [f"Best moment {i}" for i in range(5)]
    for i, text in enumerate(texts):
        room.post_note(phones[i % len(phones)], text)
    expect(screen.locator("#silent")).to_have_text(
        "5 notes written — they will be revealed together")
    expect(screen.locator("#wall li[data-note-id]")).to_have_count(0)
    expect(screen.locator("#wall-empty")).to_be_hidden()
    for text in texts:
        expect(room.cards(console, "#notes", text)).to_have_count(1)  # the facilitator sees them
    assert "Best moment" not in screen.locator("body").inner_text()

    console.get_by_role("button", name="Reveal notes").click()
    expect(screen.locator("#wall li[data-note-id]")).to_have_count(len(texts))
    for text in texts:
        expect(room.cards(screen, "#wall", text)).to_have_count(1)
    expect(screen.locator("#wall .who")).to_have_count(0)  # anonymous: no names on the screen
    expect(screen.locator("#silent")).to_be_hidden()
    expect(console.get_by_role("button", name="Reveal notes")).to_be_hidden()
    for phone in phones:
        expect(phone.locator("#silent-note")).to_be_hidden()

    # the frequent words, with their counts written out
    console.get_by_role("button", name="Frequent words").click()
    expect(console.get_by_role("button", name="Frequent words")).to_have_attribute(
        "aria-pressed", "true")
    expect(screen.locator("#wall")).to_be_hidden()
    for word in ("best", "moment"):
        row = screen.locator("#words li").filter(has=screen.locator(".w", has_text=word))
        expect(row.locator(".n")).to_have_text("5")
    expect(screen.locator("#phrases li")).to_have_text(["best moment 5"])

    # undo goes back one step at a time: the wall, then the notes leave the projector again
    console.get_by_role("button", name="Undo").click()
    expect(screen.locator("#wall li[data-note-id]")).to_have_count(len(texts))
    console.get_by_role("button", name="Undo").click()
    expect(screen.locator("#wall li[data-note-id]")).to_have_count(0)
    expect(screen.locator("#silent")).to_have_text(
        "5 notes written — they will be revealed together")


CLUSTER_PLAN = {
    "title": "Themes",
    "stages": [
        {"kind": "notes", "title": "Ideas", "prompt": "What keeps you well?"},
        {"kind": "cluster", "title": "Themes", "prompt": "What themes do we see?",
         "options": {"suggest": True}},
    ],
}


def test_clustering_by_drag_and_drop_and_by_keyboard(room: Any) -> None:
    w = room.server.create(CLUSTER_PLAN)
    screen = room.screen(w["projector_url"])
    # a laptop with a touch screen: the mouse and a finger both drag
    console = room.new_page(viewport={"width": 1280, "height": 900}, has_touch=True)
    console.goto(w["console_url"])
    expect(console.locator("#conn")).to_have_text("Connected")
    ada = room.phone(w["join_url"], "Ada")
    sam = room.phone(w["join_url"], "Sam")
    click_start(console, screen, "What keeps you well?")
    notes = {ada: ["The park", "Allotments", "Choir"], sam: ["Riverside walk", "Neighbours"]}
    for phone, texts in notes.items():
        for text in texts:
            room.post_note(phone, text)
    expect(screen.locator("#wall li[data-note-id]")).to_have_count(5)
    console.get_by_role("button", name="Next stage").click()
    expect(screen.locator("#prompt")).to_have_text("What themes do we see?")
    board = console.locator("#board")
    expect(board.locator("li[data-note-id]")).to_have_count(5)
    expect(screen.locator("#ungrouped li[data-note-id]")).to_have_count(5)

    def note(text: str) -> Locator:
        return room.cards(console, "#board", text)

    # the keyboard way: tick notes, "Group as…"
    for text in ("The park", "Allotments"):
        note(text).get_by_role("checkbox").check()
    console.get_by_label("Group as…").fill("Green spaces")
    console.get_by_role("button", name="Group ticked notes").click()
    green = screen.locator("#themes li.theme").filter(has_text="Green spaces")
    expect(green.locator(".count")).to_have_text("2 notes")
    expect(green.locator("li[data-note-id]")).to_have_count(2)
    note("Neighbours").get_by_role("checkbox").press("Space")
    console.get_by_label("Group as…").fill("People")
    console.get_by_label("Group as…").press("Enter")
    people = screen.locator("#themes li.theme").filter(has_text="People")
    expect(people.locator(".count")).to_have_text("1 note")

    # drag and drop with the mouse: a loose note onto a theme
    green_zone = console.locator("#board section.theme").first  # themes keep their order
    expect(green_zone.get_by_label("Theme name")).to_have_value("Green spaces")
    drag(console, note("Riverside walk").locator(".text"), green_zone)
    expect(green.locator(".count")).to_have_text("3 notes")
    expect(room.cards(screen, "#themes", "Riverside walk")).to_have_count(1)
    expect(green_zone.locator("li[data-note-id]")).to_have_count(3)
    # ... and back to "not yet grouped"
    drag(console, note("Allotments").locator(".text"), console.locator("#board section.loose"))
    expect(green.locator(".count")).to_have_text("2 notes")
    expect(room.cards(screen, "#ungrouped", "Allotments")).to_have_count(1)
    # Locator.drag_to works too
    note("Allotments").locator(".text").drag_to(green_zone)
    expect(green.locator(".count")).to_have_text("3 notes")

    # "Move to…" on one note, then undo it
    note("Choir").get_by_label("Move to…").select_option(label="People")
    expect(people.locator(".count")).to_have_text("2 notes")
    console.get_by_role("button", name="Undo").click()
    expect(people.locator(".count")).to_have_text("1 note")
    expect(room.cards(screen, "#ungrouped", "Choir")).to_have_count(1)
    # with a finger
    people_zone = console.locator("#board section.theme").nth(1)
    touch_drag(console, note("Choir").locator(".text"), people_zone)
    expect(people.locator(".count")).to_have_text("2 notes")
    expect(room.cards(screen, "#themes", "Choir")).to_have_count(1)

    # a participant suggests a theme for their own note; the console shows it
    choir = ada.locator("#suggest-list li[data-note-id]").filter(has_text="Choir")
    choir.get_by_label("Suggest a theme").select_option(label="People")
    expect(note("Choir").locator(".suggested")).to_contain_text("Suggested: People")

    # rename in place, then merge by dragging one theme's handle onto the other
    name = console.get_by_label("Theme name").first
    expect(name).to_have_value("Green spaces")
    name.fill("Outdoors")
    name.press("Enter")
    outdoors = screen.locator("#themes li.theme").filter(has_text="Outdoors")
    expect(outdoors.locator(".count")).to_have_text("3 notes")
    drag(console, console.locator("#board section.theme").first.locator(".grip"), people_zone)
    expect(screen.locator("#themes li.theme")).to_have_count(1)
    expect(people.locator(".count")).to_have_text("5 notes")
    expect(people.locator("li[data-note-id]")).to_have_count(5)
    expect(screen.locator("#ungrouped li[data-note-id]")).to_have_count(0)
    expect(screen.locator("#ungrouped-box")).to_be_hidden()
