"""End to end in Chromium: Discover with a timed swap (interview_seconds: 4), no console
open. At half time both phones of each pair are prompted and the roles have swapped; the
facilitator's button still swaps at any time (an override)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PLAN = {"title": "Timed interviews", "stages": [
    {"kind": "ai_discover", "prompt": "Interviews",
     "options": {"interview_seconds": 4, "unlikely": "What is your role?",
                 "unlikely_choices": ["Staff", "Resident"]}}]}


def test_roles_swap_at_half_time_with_a_prompt_on_both_phones(room: Any) -> None:
    w = room.server.create(PLAN)
    console = room.console(w["console_url"])
    phones = [room.phone(w["join_url"], f"Person {i}") for i in range(4)]
    console.locator("[data-action=start]").click()
    # unlikely pairs: each phone picks an answer before the pairing
    for i, phone in enumerate(phones):
        phone.get_by_label("What is your role?").select_option("Staff" if i < 2 else "Resident")
        phone.get_by_role("button", name="Save my answer").click()
        expect(phone.locator(".ai-answer-is")).to_contain_text("Your answer:")
    expect(console.locator("#ai_discover-panel .ai-answers")).to_contain_text("Staff 2")
    console.locator(".ai-pair").click()
    for phone in phones:
        expect(phone.locator(".ai-swap-when")).to_contain_text("Roles swap by themselves in")
    # unlikely pairs: each staff member (Person 0, 1) interviews or is interviewed by a
    # resident (Person 2, 3), as each phone's line names its partner
    for i, phone in enumerate(phones):
        others = ("Person 2", "Person 3") if i < 2 else ("Person 0", "Person 1")
        line = phone.locator(".ai-status").inner_text()
        assert any(name in line for name in others), line
    asking = [p for p in phones if p.locator(".ai-status").get_attribute("data-now") == "asking"]
    telling = [p for p in phones if p.locator(".ai-status").get_attribute("data-now") == "telling"]
    assert len(asking) == len(telling) == 2
    # close the console: the phones themselves bring the swap at half time
    console.close()
    for phone in asking:
        expect(phone.locator(".ai-status")).to_have_attribute("data-now", "telling",
                                                              timeout=15_000)
        expect(phone.locator(".ai-swap-prompt")).to_contain_text("Half time: swap roles. Now")
        expect(phone.locator(".ai-swap-prompt")).to_contain_text("interviews you")
    for phone in telling:
        expect(phone.locator(".ai-status")).to_have_attribute("data-now", "asking")
        expect(phone.locator(".ai-swap-prompt")).to_contain_text("Now you interview")
        expect(phone.locator(".ai-swap-when")).to_be_hidden()
