"""End to end in a real Chromium: pre-moderation and the spotlight, console and phones.

The screen's spotlight view is ``#spotlight`` in screen.html; this test
checks what the console and phones do, and that the screen's wall only shows approved notes.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.a11y import assert_axe_clean

pytestmark = pytest.mark.e2e

PLAN = {"title": "Moderated wall", "stages": [
    {"kind": "notes", "title": "Ideas", "prompt": "What could we do together?",
     "options": {"moderate": True}},
    {"kind": "notes", "title": "More", "prompt": "What else?"},
]}


def test_a_moderated_note_waits_for_the_console_then_reaches_the_screen(room: Any) -> None:
    w = room.server.create(PLAN)
    screen = room.screen(w["projector_url"])
    console = room.console(w["console_url"])
    ada = room.phone(w["join_url"], "Ada")
    ben = room.phone(w["join_url"], "Ben")
    console.locator("[data-action=start]").click()
    expect(screen.locator("#prompt")).to_have_text("What could we do together?")

    room.post_note(ada, "A repair café in the library")
    mine = room.cards(ada, "#mine", "A repair café in the library")
    expect(mine).to_contain_text("Waiting for the facilitator")
    expect(ada.locator("#feedback")).to_have_text(
        "Sent. It goes on the screen once the facilitator approves it.")
    assert_axe_clean(ada, "phone with a note waiting for the facilitator")

    queue = console.locator("#moderation")
    expect(queue).to_be_visible()
    expect(console.locator("#approve-all")).to_have_text("Approve all (1)")
    pending = room.cards(console, "#pending-notes", "A repair café in the library")
    expect(pending).to_contain_text("Ada")
    # not listed twice on the console: the notes list keeps it hidden while it waits
    expect(room.cards(console, "#notes", "A repair café in the library")).to_be_hidden()
    assert_axe_clean(console, "console with notes waiting for approval")
    # the room does not see it: not on the wall, and no other phone has it
    expect(screen.locator("#wall li[data-note-id]")).to_have_count(0)
    expect(screen.locator("#wall-empty")).to_be_visible()
    expect(ben.locator("#mine li[data-note-id]")).to_have_count(0)

    pending.get_by_role("button", name="Approve: A repair café").click()
    expect(room.cards(screen, "#wall", "A repair café in the library")).to_be_visible()
    expect(mine).not_to_contain_text("Waiting for the facilitator")
    expect(queue).to_be_hidden()

    # a second note is refused: it never reaches the screen and leaves its author's phone
    room.post_note(ben, "Something rude")
    refused = room.cards(console, "#pending-notes", "Something rude")
    expect(refused).to_be_visible()
    expect(room.cards(ben, "#mine", "Something rude")).to_contain_text(
        "Waiting for the facilitator")
    refused.get_by_role("button", name="Hide: Something rude").click()
    expect(room.cards(ben, "#mine", "Something rude")).to_have_count(0)
    expect(room.cards(console, "#notes", "Something rude")).to_contain_text("Hidden by")
    expect(queue).to_be_hidden()
    expect(screen.locator("#wall li[data-note-id]")).to_have_count(1)

    # two more, approved together
    room.post_note(ada, "Swap shop")
    room.post_note(ben, "Street party")
    expect(console.locator("#approve-all")).to_have_text("Approve all (2)")
    console.locator("#approve-all").click()
    expect(room.cards(screen, "#wall", "Swap shop")).to_be_visible()
    expect(room.cards(screen, "#wall", "Street party")).to_be_visible()
    expect(queue).to_be_hidden()


def test_the_console_puts_a_note_in_the_spotlight_and_back_to_the_wall(room: Any) -> None:
    w = room.server.create(PLAN)
    screen = room.screen(w["projector_url"])
    console = room.console(w["console_url"])
    ada = room.phone(w["join_url"], "Ada")
    console.locator("[data-action=start]").click()
    room.post_note(ada, "Walking group on Sundays")
    pending = room.cards(console, "#pending-notes", "Walking group on Sundays")
    # a pending note cannot be spotlighted: the only place it shows has no such button
    expect(pending.get_by_role("button", name="Spotlight: Walking group")).to_have_count(0)
    pending.get_by_role("button", name="Approve: Walking group").click()
    expect(room.cards(screen, "#wall", "Walking group on Sundays")).to_be_visible()

    note = room.cards(console, "#notes", "Walking group on Sundays")
    note.get_by_role("button", name="Spotlight: Walking group on Sundays").focus()
    console.keyboard.press("Enter")  # with the keyboard: focus stays on the note's button
    now = console.locator("#spotlight-now")
    expect(now).to_be_visible()
    expect(console.locator("#spotlight-text")).to_have_text("Walking group on Sundays")
    expect(note.get_by_role("button", name="Back to the wall: Walking group")).to_be_focused()
    assert_axe_clean(console, "console with a note in the spotlight")
    # the screen shows the note alone, very large, instead of the wall
    expect(screen.locator("#spotlight-text")).to_have_text("Walking group on Sundays")
    expect(screen.locator("#spotlight-who")).to_have_text("Ada")
    expect(screen.locator("#wall")).to_be_hidden()
    size = float(screen.locator("#spotlight").evaluate("e => parseFloat(e.style.fontSize)"))
    assert size >= 2.5 * 24 * 800 / 1080, size  # well above the wall's floor
    assert_axe_clean(screen, "screen with a note in the spotlight")

    now.get_by_role("button", name="Back to the wall").click()
    expect(now).to_be_hidden()
    expect(screen.locator("#view-spotlight")).to_be_hidden()
    expect(room.cards(screen, "#wall", "Walking group on Sundays")).to_be_visible()
    expect(note.get_by_role("button", name="Spotlight: Walking group on Sundays")).to_be_visible()

    # hiding the note in the spotlight takes it off
    note.get_by_role("button", name="Spotlight: Walking group on Sundays").click()
    expect(now).to_be_visible()
    note.get_by_role("button", name="Hide: Walking group").click()
    expect(now).to_be_hidden()
    expect(room.cards(screen, "#wall", "Walking group on Sundays")).to_have_count(0)


def test_notes_still_waiting_can_be_approved_after_moving_on(room: Any) -> None:
    plan = {"title": "Moderated then grouped", "stages": [
        PLAN["stages"][0], {"kind": "cluster", "title": "Group", "prompt": "Group the ideas"}]}
    w = room.server.create(plan)
    screen = room.screen(w["projector_url"])
    console = room.console(w["console_url"])
    ada = room.phone(w["join_url"], "Ada")
    console.locator("[data-action=start]").click()
    room.post_note(ada, "Late idea")
    expect(room.cards(console, "#pending-notes", "Late idea")).to_be_visible()
    console.locator("[data-action=next_stage]").click()
    expect(screen.locator("#prompt")).to_have_text("Group the ideas")
    # the board leaves it out; the queue stays on the console, saying where it is from
    expect(console.locator("#board")).not_to_contain_text("Late idea")
    expect(screen.locator("main")).not_to_contain_text("Late idea")
    pending = room.cards(console, "#pending-notes", "Late idea")
    expect(pending).to_be_visible()
    expect(pending).to_contain_text("from stage 1")
    pending.get_by_role("button", name="Approve: Late idea").click()
    expect(console.locator("#board")).to_contain_text("Late idea")
    expect(screen.locator("main")).to_contain_text("Late idea")
    expect(console.locator("#moderation")).to_be_hidden()
