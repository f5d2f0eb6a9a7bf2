"""End to end in a real Chromium at 1366x768: the console's next move and run of show.

The one primary button (#next-move) names the next step of the current stage and does it;
it and the current stage's controls sit above the fold for every stage of every ready plan,
which axe-core finds clean; and the console's wording defects stay fixed (plurals, the café's
mixing, ranks, theme names, no projector buttons for a person-centred plan).
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import socketio
import yaml
from a11y import assert_axe_clean
from playwright.sync_api import Page, expect

from facilitator.core.plan import plan_in_language
from tests.conftest import unbatched

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def english(data: dict) -> dict:
    """A ready plan (English and Welsh) in English only, as these tests read its texts."""
    return plan_in_language(data, "en")


PLANS = sorted((ROOT / "sessions").glob("*.yaml"))
LAPTOP = {"width": 1366, "height": 768}


class Live:
    """A python-socketio client of the live server (a phone, or a second console)."""

    def __init__(self, url: str, auth: dict[str, Any]) -> None:
        self.events: list[tuple[str, Any]] = []
        self.lock = threading.Lock()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("*", unbatched(self._on))
        self.sio.connect(url, auth=auth, transports=["websocket"], wait_timeout=10)

    def _on(self, event: str, data: Any = None) -> None:
        with self.lock:
            self.events.append((event, data))

    def call(self, event: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.sio.call(event, {"client_id": uuid.uuid4().hex, **(payload or {})},
                             timeout=10)

    def ok(self, event: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        ack = self.call(event, payload)
        assert ack["ok"], f"{event}: {ack}"
        return ack

    def close(self) -> None:
        self.sio.disconnect()


def phones(url: str, code: str, n: int, tag: str) -> list[Live]:
    out = []
    for i in range(n):
        phone = Live(url, {"role": "phone", "code": code})
        phone.ok("join", {"name": f"Person {i + 1}", "token": f"{tag}-{i}-0123456789abcdef"})
        out.append(phone)
    return out


FOLD = """() => {
  scrollTo(0, 0);
  const shown = (n) => n && !n.closest("[hidden]") && n.getClientRects().length > 0;
  const out = [];
  let lowest = 0;
  const within = (node, what) => {
    const r = node.getBoundingClientRect();
    lowest = Math.max(lowest, r.bottom);
    if (r.top < 0 || r.bottom > innerHeight || r.right > innerWidth) {
      out.push(`${what} at ${Math.round(r.top)}..${Math.round(r.bottom)} px`);
    }
  };
  within(document.getElementById("next-move"), "#next-move");
  const panels = [...document.querySelectorAll(".console-grid > section.panel")].filter(shown);
  const stage = panels.find((p) => p.id !== "now-panel");
  if (stage) {
    within(stage.querySelector("h2"), `#${stage.id} heading`);
    const control = [...stage.querySelectorAll("button, input, select, textarea")]
      .filter((c) => shown(c) && !c.closest("details"))[0];
    if (control) within(control, `#${stage.id} first control (${control.outerHTML.slice(0, 80)})`);
  }
  const primaries = [...document.querySelectorAll(".primary")].filter(shown);
  if (primaries.length !== 1 || primaries[0].id !== "next-move") {
    out.push(`primary buttons: ${primaries.map((p) => p.id || p.textContent.trim()).join(", ")}`);
  }
  return { problems: out, panel: stage ? stage.id : null, lowest: Math.round(lowest) };
}"""


def check_console(page: Page, where: str) -> tuple[str | None, int]:
    """#next-move and the current stage's first panel (heading, first control) are whole in
    the first 768 px, #next-move is the one primary button, and axe-core finds nothing.
    Returns that panel's id and the lowest bottom edge (px) of what was checked."""
    found = page.evaluate(FOLD)
    assert not found["problems"], f"{where}: {found['problems']}"
    assert_axe_clean(page, where)
    return found["panel"], found["lowest"]


def open_console(page: Page, w: dict[str, Any]) -> None:
    page.goto(w["console_url"])
    expect(page.locator("#conn")).to_have_text("Connected")
    expect(page.locator("#next-move")).to_be_enabled()


def current(page: Page, index: int, title: str) -> None:
    item = page.locator("#stages li[aria-current=step]")
    expect(item).to_contain_text(f"{index + 1}. {title}")
    expect(item.locator(".now-tag")).to_have_text("now")  # marked in words, not colour alone


def test_the_console_at_every_stage_of_every_ready_plan(room: Any) -> None:
    page = room.new_page(viewport=LAPTOP)
    started = time.monotonic()
    checked = []
    for path in PLANS:
        plan = english(yaml.safe_load(path.read_text()))
        w = room.server.create(plan)
        console = Live(room.server.url, {"role": "console", "key": w["console_key"]})
        people = phones(room.server.url, w["code"], 3, path.stem)
        open_console(page, w)
        check_console(page, f"{path.name} before the start")
        person_centred = any((s.get("options") or {}).get("person_centred")
                             for s in plan["stages"])
        for button in ("#views", "#qr-toggle", "#qr-keep", "#screen-link"):
            # nothing of a person-centred map reaches a projector: no projector buttons
            expect(page.locator(button)).to_be_visible(visible=not person_centred)
        page.locator("#next-move").click()  # Start
        for i, stage in enumerate(plan["stages"]):
            title = stage.get("title") or stage["prompt"]
            if i:
                console.ok("go_to_stage", {"stage": i, "force": True})
            current(page, i, title)
            if stage["kind"] == "notes":
                for n, phone in enumerate(people):
                    phone.ok("post_note", {"text": f"A thought from person {n + 1}"})
                expect(page.locator("#notes li[data-note-id]")).to_have_count(len(people))
            panel, lowest = check_console(page, f"{path.name} stage {i + 1} ({stage['kind']})")
            checked.append((path.stem, i, panel, lowest))
            if stage["kind"] == "cafe":
                expect(page.locator("#next-move")).to_have_text("Start round 1")
                page.locator("#next-move").click()
                expect(page.locator("#next-move")).to_have_text("End round")
                share = page.locator("#cafe-panel .cafe-share")
                expect(share).to_contain_text("Round 2:")
                # plain sentences, not "12 pairs meet again · 0% new encounters"
                assert not re.search(r"new encounters|pairs meet again|·", share.inner_text())
                expect(share).to_contain_text("fewest possible")
                check_console(page, f"{path.name} café round 1")
        for c in (console, *people):
            c.close()
    seconds = time.monotonic() - started
    worst = max(checked, key=lambda c: c[3])
    print(f"console checked at {len(checked)} stages of {len(PLANS)} plans in {seconds:.0f} s;"
          f" lowest checked control at {worst[3]} px ({worst[0]} stage {worst[1] + 1})")
    assert len(checked) == sum(len(yaml.safe_load(p.read_text())["stages"]) for p in PLANS)
    # every stage shows a panel of its own under the run of show
    assert all(panel for _, _, panel, _ in checked), checked


HARVEST = english(yaml.safe_load((ROOT / "sessions" / "silent-harvest.yaml").read_text()))
LONG_THEME = "Places and people who help us keep well together"


def test_the_next_move_names_each_step_as_it_is_pressed(room: Any) -> None:
    w = room.server.create(HARVEST)
    page = room.new_page(viewport=LAPTOP)
    page.clock.install()
    open_console(page, w)
    move = page.locator("#next-move")
    expect(move).to_have_text("Start")
    expect(page.locator("#plan-workshop")).to_have_text("Planned length: 24 min.")
    expect(page.locator("#up-next")).to_have_text("Then: On your own (4 min).")
    expect(page.locator("#stages li")).to_have_text(
        [re.compile(r"1\. On your own\s*4 min"), re.compile(r"2\. Themes\s*10 min"),
         re.compile(r"3\. Priorities\s*5 min"), re.compile(r"4\. Next steps\s*5 min")])
    move.click()
    current(page, 0, "On your own")
    expect(move).to_have_text("Reveal notes")  # a silent stage: reveal comes first
    expect(page.locator("#clock")).to_have_text(re.compile(r"^\d\d:\d\d"))
    expect(page.locator("#plan-stage")).to_have_text(re.compile(r"· [34] min left of plan"))
    expect(page.locator("#up-next")).to_have_text("Then: Themes (10 min).")
    # the timer started with the stage: no "Ready", no button to press
    expect(page.locator("#console-timer")).to_have_attribute("data-remaining",
                                                             re.compile(r"^2[0-9]{2}$"))
    # seven minutes later the strip says the stage and the workshop are over their plan
    page.clock.set_system_time(datetime.now() + timedelta(minutes=7))
    expect(page.locator("#plan-stage")).to_have_text(re.compile(r"· [23] min over"))
    expect(page.locator("#plan-workshop")).to_have_text(
        re.compile(r"^Workshop: [23] min behind plan, likely to end at \d\d:\d\d"))
    page.clock.set_system_time(datetime.now())

    people = phones(room.server.url, w["code"], 2, "moves")
    people[0].ok("post_note", {"text": "The library on Saturdays"})
    marker = page.locator("#silent-marker")
    expect(marker).to_contain_text("Silent writing: 1 note so far")
    people[1].ok("post_note", {"text": "Neighbours who check in"})
    expect(marker).to_contain_text("Silent writing: 2 notes so far")
    move.click()
    expect(move).to_have_text("Next: Themes")
    move.click()
    current(page, 1, "Themes")
    expect(move).to_have_text("Next: Priorities")

    # a long theme name is never cut on the board, nor "Not yet grouped"
    console = Live(room.server.url, {"role": "console", "key": w["console_key"]})
    notes = console.ok("resync")["snapshot"]["notes"]
    console.ok("group_notes", {"note_ids": [notes[0]["id"]], "name": LONG_THEME})
    console.ok("group_notes", {"note_ids": [notes[1]["id"]], "name": "Neighbours"})
    name = page.locator("#board .theme-name").first
    expect(name).to_have_value(LONG_THEME)
    for selector in ("#board .theme-name", "#board .zone.loose h3"):
        box = page.locator(selector).first.evaluate(
            "n => ({sw: n.scrollWidth, cw: n.clientWidth, sh: n.scrollHeight, ch: n.clientHeight})")
        assert box["sw"] <= box["cw"] and box["sh"] <= box["ch"], f"{selector} is cut: {box}"
    expect(page.locator("#board .zone.loose h3")).to_have_text("Not yet grouped")

    move.click()
    current(page, 2, "Priorities")
    expect(move).to_have_text("Open the vote")
    page.locator("#vote-dots").fill("1")
    move.click()
    expect(move).to_have_text("Close the vote")
    expect(page.locator("#vote-state")).to_contain_text("Each person has 1 dot.")
    # nobody has voted: every item shares first place, said in words
    expect(page.locator("#results-table .rank").first).to_have_text("joint 1st")
    people[0].ok("place_dot", {"item_id": page.locator("#results-table tbody tr").first
                               .get_attribute("data-item-id")})
    expect(page.locator("#results-table .rank")).to_have_text(["1st", "2nd"])
    move.click()
    expect(move).to_have_text("Next: Next steps")
    move.click()
    current(page, 3, "Next steps")
    expect(move).to_have_text("Finish the workshop")
    expect(page.locator("#up-next")).to_have_text("This is the last stage.")
    move.click()
    expect(move).to_have_text("Open the printable report")
    for c in (console, *people):
        c.close()


def test_the_join_panel_shrinks_at_the_start_unless_kept_large(room: Any) -> None:
    plan = {"title": "Join", "stages": [{"kind": "notes", "prompt": "One"},
                                        {"kind": "notes", "prompt": "Two"}]}
    page = room.new_page(viewport=LAPTOP)
    for keep in (False, True):
        w = room.server.create(plan)
        open_console(page, w)
        keep_button = page.locator("#qr-keep")
        expect(keep_button).to_have_attribute("aria-pressed", "false")
        expect(page.locator("#qr-help")).to_contain_text("shrinks to a corner")
        if keep:
            keep_button.click()
            expect(keep_button).to_have_attribute("aria-pressed", "true")
            expect(page.locator("#qr-help")).to_contain_text("stays large")
        page.locator("#next-move").click()
        expect(page.locator("#qr-toggle")).to_have_attribute("aria-pressed", str(keep).lower())
        # and the toggle still works at any time
        page.locator("#qr-toggle").click()
        expect(page.locator("#qr-toggle")).to_have_attribute("aria-pressed", str(not keep).lower())


def test_a_manual_timer_says_in_words_that_it_has_not_started(room: Any) -> None:
    plan = {"title": "Manual", "stages": [{"kind": "notes", "prompt": "One", "duration": 5,
                                           "timer": "manual"}]}
    w = room.server.create(plan)
    screen = room.screen(w["projector_url"])
    page = room.new_page(viewport=LAPTOP)
    open_console(page, w)
    phone = room.phone(w["join_url"], "Sam")
    page.locator("#next-move").click()
    for p, box in ((screen, "#timer-box"), (phone, "#timer-box"), (page, "#console-timer-box")):
        expect(p.locator(box)).to_have_text(re.compile(r"Timer not started: 05:00\s*$"))
        expect(p.locator(box)).not_to_contain_text("Ready")
    page.get_by_role("button", name="Start timer").click()
    expect(screen.locator("#timer-box")).not_to_contain_text("not started")
    expect(screen.locator("#timer")).to_have_attribute("data-remaining",
                                                       re.compile(r"^(29\d|300)$"))


def test_a_double_click_on_the_next_move_takes_one_step(room: Any) -> None:
    plan = {"title": "Steps", "stages": [{"kind": "notes", "title": t, "prompt": t}
                                         for t in ("One", "Two", "Three")]}
    w = room.server.create(plan)
    page = room.new_page(viewport=LAPTOP)
    open_console(page, w)
    page.locator("#next-move").click()
    current(page, 0, "One")
    expect(page.locator("#next-move")).to_have_text("Next: Two")
    page.locator("#next-move").dblclick()
    current(page, 1, "Two")
    page.wait_for_timeout(1000)  # a second step would have arrived by now
    current(page, 1, "Two")
    expect(page.locator("#next-move")).to_have_text("Next: Three")
