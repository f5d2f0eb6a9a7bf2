"""End to end in Chromium: on a 320x568 phone, every stage of every ready plan leads with its
main action. For each plan one phone page joins; a console (a Socket.IO client) steps through
the stages, and a second phone (another Socket.IO client) gives the stages something to show
(a partner to interview, a topic, a dot). At each step the element marked ``data-main-action``
is visible and whole within the first 568 px with the page at the top, and axe-core finds no
WCAG 2.2 A/AA violation."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import socketio
import yaml
from playwright.sync_api import Page, expect

from facilitator.core.plan import plan_in_language
from tests.e2e.a11y import assert_axe_clean

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
PLANS = sorted(p.stem for p in (ROOT / "sessions").glob("*.yaml"))
SMALL_PHONE = {"viewport": {"width": 320, "height": 568}, "is_mobile": True, "has_touch": True,
               "device_scale_factor": 2}
_ids = itertools.count()


def english(data: dict) -> dict:
    """A ready plan (English and Welsh) in English only, as these tests read its texts."""
    return plan_in_language(data, "en")


class Client:
    """A Socket.IO client of the live server: the console, or a second phone."""

    def __init__(self, url: str, auth: dict[str, Any]) -> None:
        self.sio = socketio.Client(reconnection=False)
        self.sio.connect(url, auth=auth, transports=["websocket"], wait_timeout=10)

    def do(self, event: str, payload: dict[str, Any] | None = None, ok: bool = True) -> dict:
        ack = self.sio.call(event, {**(payload or {}), "client_id": f"c{next(_ids)}"},
                            timeout=10)
        if ok:
            assert ack and ack.get("ok"), f"{event}: {ack}"
        return ack

    def close(self) -> None:
        self.sio.disconnect()


def main_action_in_view(phone: Page, where: str) -> None:
    """The stage's main action is shown, and whole in the first 568 px at the top."""
    phone.evaluate("window.scrollTo(0, 0)")
    marked = phone.locator("[data-main-action]:visible")
    expect(marked.first).to_be_visible()
    assert phone.evaluate("window.scrollY") == 0
    boxes = [marked.nth(i).bounding_box() for i in range(marked.count())]
    for box in boxes:
        assert box and box["height"] > 0, where
        assert box["y"] >= 0 and box["y"] + box["height"] <= 568, (
            f"{where}: the main action ends at {box['y'] + box['height']:.0f} px, "
            f"below the first 568 px")
    # a card that has just arrived pops in (a quarter of a second): judge it once it has landed
    phone.evaluate("Promise.all(document.getAnimations().map((a) => a.finished))")
    assert_axe_clean(phone, where)


def at_step(phone: Page, n: int, total: int) -> None:
    expect(phone.locator("#stage-step")).to_contain_text(f"Step {n} of {total}")


# What the rest of the room does in a stage before the phone is looked at again, per kind
# (and, for assets, per step): it gives the phone's stage something to act on.
Seed = Callable[[Page, Client, Client], None]


def seed_notes(phone: Page, console: Client, other: Client) -> None:
    phone.locator("#note-text").fill("A walking group on Tuesdays")
    phone.get_by_role("button", name="Add note").click()
    expect(phone.locator("#mine li[data-note-id]")).not_to_have_count(0)
    expect(phone.locator("#feedback")).to_have_text("Added. Thank you!")


def seed_openspace(phone: Page, console: Client, other: Client) -> None:
    other.do("os_topic_post", {"title": "Benches on the high street", "blurb": ""})


def seed_onetwofour(phone: Page, console: Client, other: Client) -> None:
    """Pairs, fours, an idea for the room, all together: each step leads with whom to find."""
    for step, line in (("otf_form_pairs", "2 · In pairs"), ("otf_form_fours", "4 · In fours")):
        console.do(step)
        expect(phone.locator(".otf-line")).to_have_text(line)
        main_action_in_view(phone, f"1-2-4-All, {line}")
    other.do("otf_write", {"group": "four", "text": "A bench halfway up the hill"})
    console.do("otf_all")
    expect(phone.locator(".otf-ideas li.otf-idea")).to_have_count(1)
    main_action_in_view(phone, "1-2-4-All, all together")


def run_plan(room: Any, name: str) -> list[str]:
    plan = english(yaml.safe_load((ROOT / "sessions" / f"{name}.yaml").read_text()))
    w = room.server.create(plan)
    key = w["console_url"].rsplit("/", 1)[1]
    code = w["join_url"].rsplit("/", 1)[1]
    console = Client(room.server.url, {"role": "console", "key": key})
    other = Client(room.server.url, {"role": "phone", "code": code})
    other.do("join", {"name": "Amina", "token": f"other-{name}-0123456789abcdef"})
    phone = room.new_page(**SMALL_PHONE)
    phone.goto(w["join_url"])
    expect(phone.locator("#join")).to_be_visible()
    # what the workshop is for: on joining, on the first screen, and folded away at any time
    expect(phone.locator("#join-purpose")).to_have_text(f"What this is for: {plan['purpose']}")
    main_action_in_view(phone, f"{name}: joining")
    phone.get_by_role("button", name="Join").click()
    expect(phone.locator("#stage")).to_be_visible()
    expect(phone.locator("#purpose-now")).to_have_text(f"What this is for: {plan['purpose']}")
    assert_axe_clean(phone, f"{name}: waiting for the start")
    stages = plan["stages"]
    total = len(stages)
    seen = []
    try:
        for i, stage in enumerate(stages):
            console.do("start" if i == 0 else "next_stage", {} if i == 0 else {"force": True})
            at_step(phone, i + 1, total)
            expect(phone.locator("#purpose-now")).to_be_hidden()
            expect(phone.locator("#purpose-box > summary")).to_have_text("What this is for")
            kind = stage["kind"]
            step = (stage.get("options") or {}).get("step", "")
            where = f"{name}, stage {i + 1} ({kind}{' ' + step if step else ''})"
            before_start = {"cafe", "vote", "ai_discover"}
            if kind not in before_start:
                main_action_in_view(phone, where)
            if kind == "cafe":
                main_action_in_view(phone, f"{where}, before round 1")
                console.do("cafe_start_round")
                expect(phone.locator(".cafe-where")).to_contain_text("Round 1 of")
                main_action_in_view(phone, f"{where}, round 1")
                seed_notes(phone, console, other)
            elif kind == "vote":
                main_action_in_view(phone, f"{where}, before the vote opens")
                if console.do("open_vote", ok=False).get("ok"):
                    expect(phone.locator("#vote-items li")).not_to_have_count(0)
                    main_action_in_view(phone, f"{where}, open")
                    phone.locator(".add-dot").first.click()
                    expect(phone.locator("#vote-items li[data-mine='1']")).to_have_count(1)
                    console.do("close_vote")
            elif kind == "ai_discover":
                main_action_in_view(phone, f"{where}, before pairing")
                console.do("ai_pair")
                expect(phone.locator(".ai-q-text")).not_to_be_empty()
                main_action_in_view(phone, f"{where}, paired")
            elif kind == "notes":
                seed_notes(phone, console, other)
            elif kind == "openspace":
                seed_openspace(phone, console, other)
            elif kind == "onetwofour":
                seed_onetwofour(phone, console, other)
            seen.append(where)
    finally:
        console.close()
        other.close()
    return seen


@pytest.mark.parametrize("name", PLANS)
def test_every_stage_leads_with_its_action_on_a_small_phone(room: Any, name: str) -> None:
    seen = run_plan(room, name)
    plan = english(yaml.safe_load((ROOT / "sessions" / f"{name}.yaml").read_text()))
    assert len(seen) == len(plan["stages"])
    assert all(re.match(rf"^{re.escape(name)}, stage \d+", s) for s in seen)


CAFE = {"title": "Café", "stages": [{"kind": "cafe", "prompt": "What helps?",
                                      "options": {"rounds": 2, "tables": 1,
                                                  "hosts": "none"}}]}


def test_the_cafe_names_tablemates_and_counts_the_unnamed(room: Any) -> None:
    """"3 others at your table: Amina, Ben" showed two names for three people: the names, then
    "and 1 other" for whoever joined without one."""
    w = room.server.create(CAFE)
    key = w["console_url"].rsplit("/", 1)[1]
    code = w["join_url"].rsplit("/", 1)[1]
    console = Client(room.server.url, {"role": "console", "key": key})
    others = [Client(room.server.url, {"role": "phone", "code": code}) for _ in range(3)]
    try:
        for i, (other, name) in enumerate(zip(others, ["Amina", "Ben", ""], strict=True)):
            other.do("join", {"name": name, "token": f"cafe-other-{i}-0123456789abcdef"})
        phone = room.phone(w["join_url"], "Chi")
        console.do("start")
        console.do("cafe_start_round")
        expect(phone.locator(".cafe-mates")).to_have_text("At your table: Amina, Ben and 1 other")
        main_action_in_view(phone, "café with three tablemates")
    finally:
        console.close()
        for other in others:
            other.close()
