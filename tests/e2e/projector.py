"""The big-room check for projector views (issue 11's "Must show").

A room is filled in-process through the real commands (``Service.handle``) on a SQLite file,
then ``facilitator serve`` (eventlet, a subprocess) opens that file and replays the log, and
Chromium opens the screen at each projector size. At each size the check asserts: the
document never scrolls; every contribution's text is on screen whole on some page (pages are
turned with PageDown, as a presenter's clicker does; the screen turns them by itself too, every
``#pager[data-seconds]`` seconds, and all pages must go round within 60 s); no visible text is
under the floor (24 px at 1080 px high, in proportion); axe-core finds no WCAG 2.2 A/AA
violation. It returns per size how many contributions fit per page and the seconds to show all.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.e2e.a11y import (
    assert_axe_clean,
    assert_no_scroll,
    floor_px,
    norm,
    small_texts,
    whole_texts,
)

SIZES = [(1920, 1080), (1366, 768), (1280, 720), (1024, 768)]
ROOT = Path(__file__).resolve().parents[2]
FIGURES = os.environ.get("FACILITATOR_ROOM_FIGURES")  # a JSON file to record figures in
SHOTS = os.environ.get("FACILITATOR_ROOM_SHOTS")  # a folder for screenshots of each page 1


@dataclass
class Filler:
    """Runs commands against one workshop in-process, as its console and its phones would."""

    service: Any
    row: Any
    phones: list[str] = field(default_factory=list)
    _n: int = 0

    def _cid(self) -> str:
        self._n += 1
        return f"fill-{self._n}"

    def console(self, name: str, payload: dict | None = None) -> dict:
        from facilitator.core.commands import Actor
        from facilitator.core.state import FACILITATOR

        result = self.service.handle(self.row.id, Actor(FACILITATOR), name, payload or {},
                                     self._cid())
        assert result.ok, f"{name} {payload}: {result.error}"
        return result.ack()

    def phone(self, i: int, name: str, payload: dict | None = None, ok: bool = True) -> dict:
        from facilitator.core.commands import PARTICIPANT, Actor

        result = self.service.handle(self.row.id, Actor(PARTICIPANT, self.phones[i]), name,
                                     {"client_id": self._cid(), **(payload or {})}, self._cid())
        if ok:
            assert result.ok, f"{name} {payload}: {result.error}"
        return result.ack()

    def join(self, n: int, names: Iterable[str] | None = None) -> None:
        from facilitator.core.commands import VISITOR, Actor

        names = list(names or [])
        for i in range(n):
            payload: dict[str, Any] = {"token": f"bigroom-{self.row.code}-{len(self.phones)}-0123"}
            if i < len(names):
                payload["name"] = names[i]
            result = self.service.handle(self.row.id, Actor(VISITOR), "join", payload,
                                         self._cid())
            assert result.ok, result.error
            self.phones.append(result.extra["participant"]["participant"])


def make_service(db: Path) -> Any:
    """A service on ``db`` for filling rooms before the live server opens the same file."""
    from facilitator.app import create_app, get_service

    app = create_app({"DATABASE": str(db), "ASYNC_MODE": "threading",
                      "PUBLIC_URL": "http://192.0.2.10:5000", "TESTING": True})
    return get_service(app)


def ready_plan(name: str) -> Any:
    """A plan from sessions/ (``world-cafe``), loaded as the create page would."""
    import yaml

    from facilitator.core.plan import load_plan

    return load_plan(yaml.safe_load((ROOT / "sessions" / f"{name}.yaml").read_text()))


def screen_url(server: Any, row: Any) -> str:
    return f"{server.url}/screen/{row.screen_key}"


def _settle(page: Page) -> None:
    """Wait until the screen has laid its view out (two frames with no new fit)."""
    page.wait_for_function("() => document.readyState === 'complete'"
                           " && document.body.dataset.fitted !== undefined")
    page.evaluate("""() => new Promise((done) => {
        let last = document.body.dataset.fitted, calm = 0;
        const step = () => {
          const now = document.body.dataset.fitted;
          calm = now === last ? calm + 1 : 0; last = now;
          if (calm >= 8) done(); else setTimeout(step, 80);
        };
        step();
    })""")


def pager_state(page: Page) -> dict[str, Any]:
    return page.evaluate("""() => { const p = document.getElementById("pager");
        return { page: Number(p.dataset.page || 1), pages: Number(p.dataset.pages || 1),
                 seconds: Number(p.dataset.seconds || 0), size: document.body.dataset.fitSize,
                 perPage: (p.dataset.counts || "").split(",").filter(Boolean).map(Number) }; }""")


def _where(page: Page, text: str) -> dict[str, Any]:
    """Where a text that was never shown whole sits: its item, the item's page, its box."""
    return page.evaluate("""(text) => {
        const items = [...document.querySelectorAll("[data-fit] [data-item]")];
        const i = items.findIndex((n) => n.textContent.replace(/\\s+/g, " ").includes(text));
        if (i < 0) return { found: false, items: items.length };
        const node = items[i], box = node.closest("[data-fit]");
        const off = node.hasAttribute("data-off");
        node.removeAttribute("data-off");
        const r = node.getBoundingClientRect(), b = box.getBoundingClientRect();
        if (off) node.setAttribute("data-off", "");
        return { index: i, items: items.length, style: node.getAttribute("style"),
                 item: [r.left, r.top, r.right, r.bottom].map(Math.round),
                 box: [b.left, b.top, b.right, b.bottom].map(Math.round) };
    }""", text[:60])


def check_projector(browser: Browser, url: str, expected: list[str], where: str,
                    sizes: list[tuple[int, int]] = SIZES, ready: str | None = None,
                    axe: bool = True) -> dict[str, Any]:
    """Assert the big-room standard for one projector view at each size; return the figures.

    ``expected``: every contribution's text (each must be on screen whole on some page);
    ``ready``: a selector that is visible once the view has its content.
    """
    want = [norm(t) for t in expected]
    figures: dict[str, Any] = {}
    for w, h in sizes:
        context = browser.new_context(viewport={"width": w, "height": h})
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        try:
            page.goto(url)
            if ready:
                expect(page.locator(ready).locator("visible=true").first).to_be_visible()
            _settle(page)
            state = pager_state(page)
            if state["pages"] > 1:  # hold the pages still while each is checked (P pauses)
                page.keyboard.press("p")
                expect(page.locator("#pager")).to_have_attribute("data-paused", "true")
                page.keyboard.press("Home")
                expect(page.locator("#pager")).to_have_attribute("data-page", "1")
                _settle(page)
                state = pager_state(page)
            if SHOTS:
                Path(SHOTS).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(Path(SHOTS) / f"{where}-{w}x{h}.png"))
            floor = floor_px(page)
            seen: set[str] = set()
            for k in range(state["pages"]):
                label = f"{where} at {w}x{h}, page {k + 1} of {state['pages']}"
                assert_no_scroll(page, label)
                small = small_texts(page, floor)
                assert not small, f"{label}: text under {floor:.1f}px:\n" + "\n".join(small[:10])
                seen |= whole_texts(page)
                if axe and k in (0, state["pages"] - 1):
                    assert_axe_clean(page, label)
                if k + 1 < state["pages"]:
                    page.keyboard.press("PageDown")
                    page.wait_for_function(
                        f"() => document.getElementById('pager').dataset.page === '{k + 2}'")
                    _settle(page)
            missing = [t for t in want if t not in seen and not any(t in s for s in seen)]
            assert not missing, (f"{where} at {w}x{h}: {len(missing)} of {len(want)} never "
                                 f"shown whole, e.g. {missing[:3]}; {_where(page, missing[0])}")
            total = state["pages"] * state["seconds"] if state["pages"] > 1 else 0
            assert not errors, errors
            assert total <= 60, f"{where} at {w}x{h}: {state['pages']} pages take {total} s"
            assert not errors, errors
            figures[f"{w}x{h}"] = {"items": len(want), "pages": state["pages"],
                                   "per_page": state["perPage"], "seconds": total,
                                   "font_px": state["size"]}
        finally:
            context.close()
    if FIGURES:
        path = Path(FIGURES)
        data = json.loads(path.read_text()) if path.exists() else {}
        data[where] = figures
        path.write_text(json.dumps(data, indent=1))
    return figures
