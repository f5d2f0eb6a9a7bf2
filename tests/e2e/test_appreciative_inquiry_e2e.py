"""End to end in Chromium: 8 phones through an Appreciative Inquiry's five stages: a topic,
interviews in pairs, tagged themes and the positive core on the projector, propositions
voted, design statements, commitments; the export holds every commitment with its owner."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from playwright.sync_api import expect

from facilitator.core.plan import plan_in_language

pytestmark = pytest.mark.e2e


def english(data: dict) -> dict:
    """A ready plan (English and Welsh) in English only, as these tests read its texts."""
    return plan_in_language(data, "en")


ROOT = Path(__file__).resolve().parents[2]


def test_eight_phones_through_the_five_stages(room: Any) -> None:
    plan = english(yaml.safe_load((ROOT / "sessions" / "appreciative-inquiry.yaml").read_text()))
    w = room.server.create(plan)
    screen = room.new_page(viewport={"width": 1280, "height": 800})
    screen.goto(w["projector_url"])
    console = room.console(w["console_url"])
    names = [f"Person {i}" for i in range(8)]
    phones = [room.phone(w["join_url"], name) for name in names]
    console.locator("[data-action=start]").click()

    # Define: a deficit framing is advised on, not refused; the room supports another
    phones[0].locator("#ai-frame-text").fill("How do we stop people feeling lonely?")
    phones[0].get_by_role("button", name="Propose").click()
    expect(phones[0].locator(".ai-advice [data-advice=stop]")).to_contain_text("stop")
    phones[1].locator("#ai-frame-text").fill("How do we become a town where everyone belongs?")
    phones[1].get_by_role("button", name="Propose").click()
    belongs = "How do we become a town where everyone belongs?"
    for phone in phones[2:6]:
        item = phone.locator(".ai-framings li", has_text=belongs)
        item.get_by_role("button", name=re.compile("^Support")).click()
        expect(item.locator("button")).to_have_attribute("aria-pressed", "true")
    expect(screen.locator("#view-ai_define .ai-framings li").first).to_have_attribute(
        "data-support", "4")
    console.locator("#ai_define-panel li", has_text=belongs).get_by_role(
        "button", name=re.compile("^Adopt")).click()
    expect(screen.locator("#view-ai_define .ai-topic")).to_have_text(f"Our topic: {belongs}")

    # Discover: pairs, the guide, each interviewer notes the partner's story
    console.locator("[data-action=next_stage]").click()
    expect(console.locator("#ai_discover-panel")).to_be_visible()
    console.locator(".ai-pair").click()
    expect(console.locator(".ai-pairing li")).to_have_count(4)
    for phone in phones:
        expect(phone.locator("#ai_discover .ai-status")).to_contain_text("Interview round 1")
        expect(phone.locator(".ai-q-title")).to_have_text("A high point")
    asking = [p for p in phones if p.locator(".ai-status").get_attribute("data-now") == "asking"]
    assert len(asking) == 4
    for i, phone in enumerate(phones):
        phone.locator("#ai-highlights").fill(f"Story {i}: the street party after the flood")
        phone.locator("#ai-quote").fill(f"We found each other again ({i})")
        phone.locator("#ai-life").fill("neighbours helping neighbours")
        phone.get_by_role("button", name="Save the story").click()
        expect(phone.locator("#feedback")).to_contain_text("Story saved")
    console.locator(".ai-swap").click()
    expect(asking[0].locator(".ai-status")).to_have_attribute("data-now", "telling")
    # nothing is on the projector until the tellers share their stories
    expect(screen.locator("#view-ai_discover .ai-stories")).to_have_text("0 stories shared")
    for phone in phones:
        told = phone.locator(".ai-told-list li")
        expect(told).to_have_count(1)
        told.get_by_role("button", name="Share my story beyond our pair").click()
        expect(told).to_have_attribute("data-consent", "true")
    expect(screen.locator("#view-ai_discover .ai-stories")).to_have_text("8 stories shared")

    # small groups tag the life-giving themes; the positive core grows on the projector
    console.locator(".ai-groups").click()
    expect(console.locator(".ai-groups-list li")).to_have_count(2)
    for i, phone in enumerate(phones):
        # each tags the story they noted as interviewer: every story gets one theme
        story = phone.locator(".ai-group-stories li[data-story-id]",
                              has_text=f"Story {i}: the street party")
        story.locator("input").fill("Neighbours helping" if i % 2 else "Celebration")
        story.get_by_role("button", name="Tag").click()
        expect(phone.locator("#feedback")).to_contain_text("Theme added")
    core = screen.locator("#view-ai_discover .ai-core > li")
    expect(core).to_have_count(2)
    celebration = screen.locator("#view-ai_discover .ai-core > li[data-theme=Celebration]")
    expect(celebration).to_have_attribute("data-count", "4")
    expect(screen.locator("#view-ai_discover .ai-words")).to_contain_text("neighbours")

    # no Dream before Discover is closed
    console.locator("[data-action=next_stage]").click()
    expect(console.locator("#feedback")).to_contain_text("Discover (step 2) is not closed")
    console.locator(".ai-close").click()
    expect(console.locator(".ai-reopen")).to_be_visible()
    console.locator("[data-action=next_stage]").click()

    # Dream: propositions grounded in stories, rated against the criteria
    texts = ["Every street holds a party each summer",
             "Neighbours know each other's names",
             "Everyone has somewhere to belong"]
    for phone, text in zip(phones[:3], texts, strict=True):
        phone.locator("#ai-prop-text").fill(text)
        phone.locator(".ai-links-box input").first.check()
        phone.locator(".ai-checks-box input[value=affirmative]").check()
        phone.get_by_role("button", name="Add proposition").click()
        expect(phone.locator("#feedback")).to_contain_text("Proposition added")
    expect(screen.locator("#view-ai_dream .ai-gallery li")).to_have_count(3)
    for phone in phones[3:6]:
        item = phone.locator(".ai-gallery li", has_text=texts[0])
        item.locator("input[data-criterion=desired]").check()
        expect(phone.locator("#feedback")).to_contain_text("Rating saved")
    expect(screen.locator("#view-ai_dream .ai-gallery li").first).to_contain_text("Desired 3")

    # the dot vote on the propositions (the vote kind)
    console.locator("[data-action=next_stage]").click()
    console.locator("#open-vote").get_by_role("button", name="Open vote").click()
    for i, phone in enumerate(phones):
        for text in (texts[0], texts[2] if i < 5 else texts[1]):
            row = phone.locator(".vote-item", has_text=text)
            row.locator(".add-dot").click()
            expect(row).to_have_attribute("data-mine", "1")
    console.locator("#close-vote").click()
    expect(screen.locator("#results")).to_contain_text(texts[0])

    # Design: statements for the chosen propositions
    console.locator("[data-action=next_stage]").click()
    expect(phones[0].locator("#ai-design-prop option")).to_have_count(3)
    phones[0].locator("#ai-design-prop").select_option(label=texts[0])
    phones[0].locator("#ai-design-aspect").select_option("structures")
    phones[0].locator("#ai-design-text").fill("A street party fund everyone can apply to")
    phones[0].get_by_role("button", name="Add design statement").click()
    expect(screen.locator("#view-ai_design [data-aspect=structures]")).to_contain_text(
        "street party fund")

    # Destiny: everyone commits; action teams form from the phones
    console.locator("[data-action=next_stage]").click()
    for i, phone in enumerate(phones):
        phone.locator("#ai-commit-text").fill(f"knock on {i + 2} doors on my street")
        phone.locator("#ai-commit-when").fill(f"{i + 1} June")
        phone.locator("#ai-commit-whom").fill("my neighbours")
        phone.get_by_role("button", name="Commit").click()
        expect(phone.locator(".ai-mine li[data-id]")).to_have_count(1)
    for phone in phones[:3]:
        team = phone.locator(".ai-teams li", has_text=texts[0])
        team.get_by_role("button", name=re.compile("^Join this team")).click()
        expect(team.locator("button.toggle")).to_have_attribute("aria-pressed", "true")
    team = phones[0].locator(".ai-teams li", has_text=texts[0])
    team.locator("input").first.fill("Book the park")
    team.locator("input").nth(1).fill("1 May")
    team.get_by_role("button", name=re.compile("^Save the first step")).click()
    wall = screen.locator("#view-ai_destiny .ai-wall li")
    expect(wall).to_have_count(8)
    expect(wall.first).to_contain_text("I will knock on 2 doors on my street")
    expect(screen.locator("#view-ai_destiny .ai-teams li", has_text=texts[0])).to_have_attribute(
        "data-members", "3")
    expect(screen.locator("#view-ai_destiny .ai-teams")).to_contain_text("Book the park")

    # the export holds every commitment with its owner and date, and the team with members
    base = w["console_url"].rstrip("/")
    data = requests.get(f"{base}/export.json", timeout=10).json()
    destiny = next(x for x in data["inquiry"] if x["kind"] == "ai_destiny")
    owners = {c["owner"]: (c["text"], c["by_when"]) for c in destiny["commitments"]}
    assert owners == {name: (f"I will knock on {i + 2} doors on my street", f"{i + 1} June")
                      for i, name in enumerate(names)}
    team_row = next(t for t in destiny["teams"] if t["text"] == texts[0])
    assert sorted(team_row["members"]) == names[:3] and team_row["owner"] == names[0]
    discover = next(x for x in data["inquiry"] if x["kind"] == "ai_discover")
    assert len(discover["stories"]) == 8
    report = requests.get(f"{base}/export.md", timeout=10).text
    for i, name in enumerate(names):
        assert f"{name}, by {i + 1} June" in report
