"""Languages end to end in a real Chromium (docs/translating.md, docs/plans.md).

A phone switches from English to Welsh in the middle of a stage and keeps its notes and its
identity; an Arabic phone is mirrored and passes axe; a ``languages: [cy, en]`` projector
shows the prompt and the timer in both; right-to-left and bidi-control text on an English
wall leaves everything around it in order.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from facilitator import i18n
from tests.e2e.a11y import assert_axe_clean

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PLAN = {
    "title": {"en": "What keeps us well?", "cy": "Beth sy'n ein cadw ni'n iach?"},
    "stages": [{"kind": "notes",
                "prompt": {"en": "What helps you keep well?",
                           "cy": "Beth sy'n eich helpu i gadw'n iach?"},
                "duration": 5, "timer": "manual"}],
}


def welsh(message: str) -> str:
    """The shipped Welsh of an English message (the catalogue the page uses)."""
    found = i18n.translations("cy").gettext(message)
    assert found != message, f"no Welsh for {message!r}"
    return found


def start(room: Any, plan: dict) -> tuple[dict, Page]:
    w = room.server.create(plan)
    console = room.console(w["console_url"])
    console.locator("[data-action=start]").click()
    expect(console.locator("[data-action=start]")).to_be_hidden()
    return w, console


def test_a_phone_switches_to_welsh_mid_stage_and_keeps_its_notes_and_identity(room: Any) -> None:
    w, console = start(room, PLAN)
    phone = room.phone(w["join_url"], "Ada")
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(phone.locator("#stage-prompt")).to_have_text("What helps you keep well?")
    room.post_note(phone, "A bench by the bus stop")
    expect(phone.locator("#mine li[data-note-id]")).to_have_count(1)
    identity = phone.evaluate("() => Object.fromEntries(Object.entries(localStorage))")

    phone.get_by_role("link", name="Cymraeg").click()  # mid-stage, a note already written
    expect(phone.locator("html")).to_have_attribute("lang", "cy")
    expect(phone.locator("#stage-prompt")).to_have_text("Beth sy'n eich helpu i gadw'n iach?")
    expect(phone.get_by_role("button", name=welsh("Add note"))).to_be_visible()
    expect(phone.locator("#mine li[data-note-id] .text")).to_have_text(["A bench by the bus stop"])
    expect(phone.locator("#me-line")).to_contain_text("Ada")
    expect(phone.locator("#join")).to_be_hidden()  # still joined: not asked to join again
    after = phone.evaluate("() => Object.fromEntries(Object.entries(localStorage))")
    assert after == identity  # the device's token, notes and outbox untouched

    phone.locator("#note-text").fill("Y llyfrgell")  # and it goes on writing, the same person
    phone.get_by_role("button", name=welsh("Add note")).click()
    expect(phone.locator("#mine li[data-note-id]")).to_have_count(2)
    expect(console.locator("#notes li[data-note-id] .small")).to_have_text(["Ada", "Ada"])
    # a refusal raised by the server now comes back in Welsh
    phone.locator("#note-text").fill("x" * 281)
    phone.get_by_role("button", name=welsh("Add note")).click()
    expect(phone.locator("#feedback")).not_to_be_empty()
    expect(phone.locator("#feedback")).not_to_contain_text("too long")


def test_an_arabic_phone_is_mirrored_and_passes_axe(room: Any) -> None:
    w, _console = start(room, {**PLAN, "languages": ["ar"]})
    phone = room.new_page(**room.PHONE, locale="ar")
    phone.goto(w["join_url"])
    expect(phone.locator("html")).to_have_attribute("dir", "rtl")
    expect(phone.locator("html")).to_have_attribute("lang", "ar")
    expect(phone.locator("#join")).to_be_visible()
    assert_axe_clean(phone, "the Arabic join screen")
    main = phone.locator("main").bounding_box()
    words = phone.locator("label[for=name]").inner_text()
    first = char_boxes(phone, "label[for=name]", words[:2])
    assert main and first
    # the label's first letters are at the inline start: the right, with room on the left
    assert max(c["right"] for c in first) > main["x"] + main["width"] - 40
    assert min(c["left"] for c in first) > main["x"] + main["width"] / 2
    # the picker sits at the inline end, the left: its first language rightmost of them
    boxes = [b for b in (li.bounding_box() for li in phone.locator("nav.languages li").all()) if b]
    assert len(boxes) == 4 and min(b["x"] for b in boxes) < main["x"] + 24
    assert boxes[0]["x"] > boxes[-1]["x"]

    phone.locator("button[type=submit]").first.click()
    expect(phone.locator("#stage")).to_be_visible()
    expect(phone.locator("#note-text")).to_be_visible()
    assert_axe_clean(phone, "the Arabic writing screen")
    prompt = phone.locator("#stage-prompt")
    assert prompt.evaluate("e => getComputedStyle(e).direction") == "rtl"

    # the Arabic workshop's projector mirrors too: the wall fills from the right
    screen = room.new_page(viewport={"width": 1280, "height": 720}, reduced_motion="reduce")
    screen.goto(w["projector_url"])
    expect(screen.locator("html")).to_have_attribute("dir", "rtl")
    phone.locator("#note-text").fill("المكتبة")
    phone.locator("#note-form button[type=submit]").click()
    card = screen.locator("#wall li[data-note-id]")
    expect(card).to_have_count(1)
    screen.wait_for_timeout(400)  # the fit engine settles
    wall, first = screen.locator("#wall").bounding_box(), card.bounding_box()
    assert wall and first
    assert abs((first["x"] + first["width"]) - (wall["x"] + wall["width"])) <= 2
    assert first["x"] > wall["x"] + wall["width"] / 2


def test_a_bilingual_projector_shows_the_prompt_and_the_timer_in_both(room: Any) -> None:
    w, console = start(room, {**PLAN, "languages": ["cy", "en"]})
    screen = room.new_page(viewport={"width": 1920, "height": 1080})
    screen.goto(w["projector_url"])
    prompt = screen.locator("#prompt")
    expect(prompt.locator(".lang-first")).to_have_text("Beth sy'n eich helpu i gadw'n iach?")
    expect(prompt.locator(".lang-second")).to_have_text("What helps you keep well?")
    expect(prompt.locator(".lang-second")).to_have_attribute("lang", "en")
    expect(screen.locator("html")).to_have_attribute("lang", "cy")
    # side by side: the English to the right of the Welsh, on the same line
    first = prompt.locator(".lang-first").bounding_box()
    second = prompt.locator(".lang-second").bounding_box()
    assert first and second and second["x"] >= first["x"] + first["width"] - 1
    assert abs(second["y"] - first["y"]) < 5
    # a manual timer not started yet says so in both languages
    prefix = screen.locator("#timer-box .timer-prefix")
    expect(prefix).to_contain_text(welsh("Timer not started:"))
    expect(prefix.locator(".lang-second")).to_have_text("Timer not started:")
    expect(screen.locator("#step .lang-first")).to_have_text(
        welsh("Step {n} of {total}").replace("{n}", "1").replace("{total}", "1"))
    expect(screen.locator("#step .lang-second")).to_have_text("Step 1 of 1")
    # started, then paused from the console: the word beside the digits, in both
    console.locator("#timer-start").click()
    expect(screen.locator("#timer-box")).to_have_attribute("data-state", "running")
    expect(screen.locator("#timer")).to_have_text("04:59")  # a moment in: paused, not ready
    console.locator("#timer-pause").click()
    word = screen.locator("#timer-word")
    expect(word).to_be_visible()
    expect(word).to_contain_text(welsh("Paused"))
    expect(word.locator(".lang-second")).to_have_text("Paused")
    expect(word.locator(".lang-second")).to_have_attribute("lang", "en")
    assert_axe_clean(screen, "the bilingual projector")


def char_boxes(page: Page, selector: str, needle: str) -> list[dict[str, float]]:
    """The rendered boxes of each character of ``needle`` inside the element's text."""
    return page.locator(selector).evaluate("""(el, needle) => {
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      let node;
      while ((node = walker.nextNode())) {
        const at = node.data.indexOf(needle);
        if (at < 0) continue;
        const out = [];
        for (let i = 0; i < needle.length; i += 1) {
          const r = document.createRange();
          r.setStart(node, at + i); r.setEnd(node, at + i + 1);
          const b = r.getBoundingClientRect();
          if (b.width > 0) out.push({ left: b.left, right: b.right, top: b.top });
        }
        return out;
      }
      return [];
    }""", needle)


def test_arabic_and_override_text_leave_the_english_around_them_in_order(room: Any) -> None:
    """The projector's wall sets each note's author line after its text, on the same line:
    a note's U+202E (right-to-left override) must not reverse the name after it, and an
    Arabic note's closing "!" stays at its end (its left), not beside its first word."""
    w, console = start(room, {"title": "Our wall", "stages": [
        {"kind": "notes", "prompt": "What helps you keep well?"}]})
    screen = room.new_page(viewport={"width": 1366, "height": 768}, reduced_motion="reduce")
    screen.goto(w["projector_url"])
    ada = room.phone(w["join_url"], "Ada")
    sam = room.phone(w["join_url"], "Sam")
    room.post_note(ada, "Plain note one")
    room.post_note(ada, "المكتبة مفتوحة للجميع!")
    room.post_note(sam, "\u202eA bench")
    room.post_note(sam, "المكتبة قريبة")
    room.post_note(ada, "Plain note two")
    expect(screen.locator("#wall li[data-note-id]")).to_have_count(5)
    screen.wait_for_timeout(600)  # the fit engine settles (200 ms between fits)

    def card(i: int) -> str:
        return f"#wall li[data-note-id]:nth-child({i})"

    # the override reverses its own note, never the name after it
    name = char_boxes(screen, f"{card(3)} .who", "Sam")
    assert len(name) == 3 and name[0]["left"] < name[1]["left"] < name[2]["left"], name
    own = char_boxes(screen, f"{card(3)} .text", "A bench")
    if abs(own[0]["top"] - name[0]["top"]) < 5:  # on one line: the name after the text
        assert name[0]["left"] >= max(c["right"] for c in own) - 1
    # an Arabic note's "!" ends it on its left
    bang = char_boxes(screen, f"{card(2)} .text", "!")
    word = char_boxes(screen, f"{card(2)} .text", "المكتبة")
    assert bang and word and bang[0]["right"] <= min(c["left"] for c in word) + 1
    # the next note is untouched
    plain = char_boxes(screen, f"{card(5)} .text", "Plain")
    assert [round(c["left"]) for c in plain] == sorted(round(c["left"]) for c in plain)

    # frequent words: an Arabic word keeps its count after it, on the English screen
    console.locator("[data-view=words]").click()
    word_item = screen.locator("#words li.word").filter(has_text="المكتبة")
    expect(word_item).to_have_count(1)
    w_box = word_item.locator(".w").bounding_box()
    n_box = word_item.locator(".n").bounding_box()
    assert w_box and n_box and n_box["x"] >= w_box["x"] + w_box["width"] - 1
