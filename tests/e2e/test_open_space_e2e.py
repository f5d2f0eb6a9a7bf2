"""End to end in Chromium: an Open Space with 8 phones, from the marketplace to the book of
proceedings. Phones propose topics and mark interest, the agenda is suggested and accepted
(one topic moved by drag and drop), phones check in and one moves mid-session while the
projector's attendance follows, two reports are written from two phones (a draft survives a
reload), the convergence vote runs, someone takes the top priority forward, and every export
contains all of it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from playwright.sync_api import Page, expect

from facilitator.core.plan import plan_in_language

pytestmark = pytest.mark.e2e


def english(data: dict) -> dict:
    """A ready plan (English and Welsh) in English only, as these tests read its texts."""
    return plan_in_language(data, "en")


ROOT = Path(__file__).resolve().parents[2]
TOPICS = ["Safe pavements and benches", "Lunch clubs that reach people", "Buses to the clinic",
          "Intergenerational gardening", "Help at home without the wait", "Loneliness in winter"]


def screen_counts(screen: Page) -> dict[str, int]:
    """Attendance per session as the projector shows it: title -> count."""
    out = {}
    for cell in screen.locator(".os-cell-topic").all():
        count = cell.locator(".os-count")
        if count.count():
            out[cell.locator(".os-title").inner_text()] = int(count.get_attribute("data-count"))
    return out


def test_eight_phones_run_an_open_space_to_its_proceedings(room: Any) -> None:
    plan = english(yaml.safe_load((ROOT / "sessions" / "open-space.yaml").read_text()))
    w = room.server.create(plan)
    screen = room.new_page(viewport={"width": 1280, "height": 900})
    screen.goto(w["projector_url"])
    console = room.console(w["console_url"])
    names = ["Ann", "Bo", "Cy", "Di", "Ed", "Fay", "Gus", "Hal"]
    phones = [room.phone(w["join_url"], name) for name in names]
    console.locator("[data-action=start]").click()
    expect(screen.locator("#view-openspace")).to_be_visible()
    expect(screen.locator(".os-principle-list li")).to_have_count(5)
    expect(screen.locator(".os-law")).to_contain_text("Law of Two Feet")

    # the marketplace: six conveners post; the projector shows topics as they arrive
    for phone, title in zip(phones, TOPICS, strict=False):
        expect(phone.locator("#openspace")).to_be_visible()
        phone.locator("#os-title").fill(title)
        phone.locator("#os-blurb").fill(f"About {title.lower()}.")
        phone.locator(".os-post-btn").click()
    expect(screen.locator(".os-unplaced li")).to_have_count(6)
    for phone in phones:
        expect(phone.locator(".os-topics > li")).to_have_count(6)
    # everyone marks interest in two or three topics
    for i, phone in enumerate(phones):
        for k in (i % 6, (i + 1) % 6, (i + 3) % 6) if i % 2 else (i % 6, (i + 2) % 6):
            phone.locator(f".os-topics > li:nth-child({k + 1}) .os-interest").click()
    expect(phones[0].locator(".os-topics .os-interest[aria-pressed=true]")).to_have_count(2)
    expect(phones[0].locator(".os-my-topic")).to_contain_text("marked they are likely")

    # the opt-in suggestion, then accepted: the grid fills on the projector
    console.locator(".os-suggest").click()
    expect(phones[0].locator(".os-suggested")).to_be_visible()
    console.locator(".os-accept").click()
    expect(screen.locator(".os-grid .os-cell-topic")).to_have_count(6)
    expect(screen.locator(".os-arriving")).to_be_hidden()
    expect(phones[0].locator(".os-my-topic .os-cell")).not_to_contain_text("Not on the grid")

    # the facilitator makes sure two sessions run in slot 1, moving one by drag and drop
    slot1 = console.locator("tr[data-slot=slot1]")
    if slot1.locator(".os-chip").count() < 2:
        mover = console.locator("tr[data-slot=slot2] .os-chip, tr[data-slot=slot3] .os-chip").first
        title = mover.locator(".os-title").inner_text()
        mover.drag_to(slot1.locator(".os-drop:not(:has(.os-chip))").first)
        expect(slot1.locator(".os-chip .os-title", has_text=title)).to_have_count(1)
    running = slot1.locator(".os-chip .os-title").all_inner_texts()
    assert len(running) >= 2

    # a convener picking a cell is offered only free ones, with the clash count as information
    options = phones[0].locator(".os-my-topic .os-cell-select option")
    assert options.count() == 15 - 6
    expect(options.first).to_contain_text("of your interested people marked another session")

    # sessions start: everyone checks in; one person moves mid-session
    console.locator(".os-next-slot").click()
    expect(screen.locator(".os-line")).to_contain_text("Now: Session 1")
    # the projector's grid has a column per slot: now and next are said in its heads
    expect(screen.locator("thead th.os-now")).to_have_text("now Session 1 (10:00–11:00)")
    expect(screen.locator("thead th.os-next")).to_have_text("next Session 2 (11:15–12:45)")
    for i, phone in enumerate(phones):
        target = running[i % 2]
        phone.locator(".os-checkin li", has_text=target).locator("button").click()
        expect(phone.locator(".os-now-line")).to_contain_text(f"You are in “{target}”")
    expect(screen.locator(".os-count", has_text="4 here")).to_have_count(2)
    assert screen_counts(screen) == {running[0]: 4, running[1]: 4}
    mover_phone = phones[0]
    mover_phone.locator(".os-checkin li", has_text=running[1]).locator("button").click()
    expect(screen.locator(".os-count", has_text="3 here")).to_have_count(1)
    expect(screen.locator(".os-count", has_text="5 here")).to_have_count(1)
    assert screen_counts(screen) == {running[0]: 3, running[1]: 5}
    # nobody agreed to be named with their session: the projector shows counts only
    expect(screen.locator(".os-names")).to_have_count(0)

    # two reports from two phones at once; a draft survives a reload
    writer_a, writer_b = phones[2], phones[3]  # Cy in running[0], Di in running[1]
    assert writer_a.locator(".os-report-topic").input_value()
    writer_a.locator("#os-add-point").fill("Dropped kerbs at every crossing")
    writer_a.reload()
    expect(writer_a.locator("#openspace")).to_be_visible()
    expect(writer_a.locator("#os-add-point")).to_have_value("Dropped kerbs at every crossing")
    writer_a.get_by_role("button", name="Add key point").click()
    writer_b.locator("#os-add-rec").fill("Run lunch clubs in the library too")
    writer_b.get_by_role("button", name="Add recommendation").click()
    for writer, text, owner in ((writer_a, "Walk the route with the council", "Cy"),
                                (writer_b, "Ask the library for a room", "Di")):
        writer.locator("#os-add-action").fill(text)
        writer.locator("#os-add-owner").fill(owner)
        writer.locator("#os-add-due").fill("2026-04-30")
        writer.get_by_role("button", name="Add action").click()
    report_a = phones[6].locator(".os-news-item", has_text=running[0])
    expect(report_a).to_contain_text("Dropped kerbs at every crossing")
    expect(report_a).to_contain_text("Walk the route with the council")
    expect(phones[6].locator(".os-news-item", has_text=running[1])).to_contain_text(
        "Ask the library for a room")
    console.locator(".os-screen[data-view=news]").click()
    expect(screen.locator(".os-news-item", has_text=running[0])).to_contain_text(
        "Cy, by 2026-04-30")

    # convergence: the dot vote on the topics, then people take the top one forward
    console.locator("[data-action=next_stage]").click()
    console.locator("#open-vote button[type=submit]").click()
    for phone in phones:
        expect(phone.locator("#vote-items li")).to_have_count(6)
        phone.locator("#vote-items li", has_text=running[0]).locator(".add-dot").click()
    expect(console.locator("#vote-state")).to_contain_text("8")
    console.locator("#close-vote").click()
    expect(screen.locator("#view-results")).to_contain_text(running[0])
    console.locator("[data-action=next_stage]").click()
    item = phones[4].locator(".adopt-items > li", has_text=running[0])
    item.locator("input[type=checkbox]").check()
    item.locator(".adopt-sign").click()
    expect(screen.locator("#view-adopt")).to_contain_text("Ed")
    # whoever takes it forward writes its action plan: what, who owns it, by when, who else
    item.get_by_label("What will be done").fill("Meet the council in May")
    item.get_by_label("Who owns it").fill("Ed")
    item.get_by_label("By when").fill("2027-05-01")
    item.get_by_label("Who else (optional)").fill("the lunch club")
    item.get_by_role("button", name="Add an action").click()
    expect(item.locator(".adopt-plan-list li")).to_have_count(1)
    expect(screen.locator("#view-adopt")).to_contain_text(
        "Meet the council in May: Ed, by 2027-05-01, with the lunch club")

    # the book of proceedings, in all four formats
    base = w["console_url"]
    md = requests.get(f"{base}/export.md", timeout=10).text
    html = requests.get(f"{base}/export.html", timeout=10).text
    data = json.loads(requests.get(f"{base}/export.json", timeout=10).text)
    rows = list(csv.DictReader(io.StringIO(requests.get(f"{base}/export.csv", timeout=10).text)))
    for body in (md, html):
        for text in [plan["stages"][0]["prompt"], *TOPICS, "Dropped kerbs at every crossing",
                     "Run lunch clubs in the library too", "Walk the route with the council",
                     "Ask the library for a room", "2026-04-30", "Meet the council in May",
                     "people checked in", "Action plan"]:
            assert text.replace("'", "&#39;") in body or text in body, text
    book = data["openspaces"][0]
    attended = {s["title"]: s["attended"] for s in book["sessions"]}
    assert attended[running[0]] == 4 and attended[running[1]] == 5  # Ann came to both
    assert len(book["sessions"]) == 6 and len(book["actions"]) == 2
    ranked = data["votes"][0]["results"]
    assert ranked[0]["label"] == running[0] and ranked[0]["count"] == 8
    assert data["adoptions"][0]["items"][0]["actions"] == [
        {"text": "Meet the council in May", "owner": "Ed", "due": "2027-05-01",
         "with": "the lunch club"}]
    kinds = {(r["type"], r["text"]) for r in rows}
    assert ("action", "Walk the route with the council") in kinds
    assert ("recommendation", "Run lunch clubs in the library too") in kinds
    assert {t for k, t in kinds if k == "topic"} == set(TOPICS)


@pytest.mark.slow
def test_an_announcement_reaches_phones_and_the_projector(room: Any) -> None:
    plan = yaml.safe_load((ROOT / "sessions" / "open-space.yaml").read_text())
    w = room.server.create(plan)
    screen = room.new_page(viewport={"width": 1280, "height": 800})
    screen.goto(w["projector_url"])
    console = room.console(w["console_url"])
    convener, other = (room.phone(w["join_url"], name) for name in ("Ann", "Bo"))
    console.locator("[data-action=start]").click()
    convener.locator("#os-title").fill("Buses to the clinic")
    convener.locator(".os-post-btn").click()
    expect(screen.locator(".os-unplaced li")).to_have_count(1)

    # the facilitator announces from the console: every phone's news wall and the projector
    console.locator("#os-announce-text").fill("Lunch at 12:30")
    console.get_by_role("button", name="Announce", exact=True).click()
    strip = screen.locator(".os-announce-strip")
    expect(strip).to_be_visible()
    expect(strip.locator("li")).to_have_text(["Lunch at 12:30"])
    for phone in (convener, other):
        expect(phone.locator(".os-announcements li")).to_have_count(1)
        expect(phone.locator(".os-announcements li")).to_contain_text(
            "Lunch at 12:30 (the facilitator)")
    # a convener announces from their phone (someone who convenes nothing cannot)
    expect(other.locator(".os-announce")).to_be_hidden()
    convener.locator("#os-announce-text").fill("Session on transport moved to the garden")
    convener.get_by_role("button", name="Announce", exact=True).click()
    expect(strip.locator("li")).to_have_text(["Session on transport moved to the garden",
                                              "Lunch at 12:30"])
    expect(other.locator(".os-announcements li").first).to_contain_text(
        "Session on transport moved to the garden (Ann, convener)")
    # the announcement strip sits above the box, so nothing the room wrote is covered
    box = screen.locator(".os-box").bounding_box()
    band = strip.bounding_box()
    assert band["y"] + band["height"] <= box["y"] + 1
    # the facilitator takes one down: gone from phones and the projector
    console.locator(".os-announcements li", has_text="Lunch at 12:30").get_by_role(
        "button", name="Remove").click()
    expect(strip.locator("li")).to_have_text(["Session on transport moved to the garden"])
    expect(other.locator(".os-announcements li")).to_have_count(1)
    assert room.errors == []
