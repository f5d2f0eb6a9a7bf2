"""What a person in the room can see: axe-core's WCAG 2.2 A/AA check, scrolling, and which
texts are on screen whole and how large (for the projector's 24 px floor at 1080 px).

``axe_violations`` runs the axe-core bundled with axe-playwright-python (MPL-2.0) through
``page.evaluate``, which the pages' CSP (``script-src 'self'``) does not block.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
_AXE = Axe()


def axe_violations(page: Page) -> list[str]:
    """Every WCAG 2.2 A/AA violation axe-core finds on the page, one readable line each."""
    results = _AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                      "resultTypes": ["violations"]})
    out = []
    for v in results.response["violations"]:
        for node in v["nodes"][:5]:
            out.append(f"{v['id']}: {node.get('failureSummary', '').splitlines()[-1:]}"
                       f" at {node['target']} ({node['html'][:120]})")
        if len(v["nodes"]) > 5:
            out.append(f"{v['id']}: and {len(v['nodes']) - 5} more")
    return out


def assert_axe_clean(page: Page, where: str = "") -> None:
    found = axe_violations(page)
    assert not found, f"axe-core on {where or page.url}:\n" + "\n".join(found)


# Every text node with its font size, whether it is visible at all and whether it is whole
# inside the viewport (and inside every ancestor that clips overflow).
_TEXTS = "\n".join(line for line in (Path(__file__).parent / "visible_texts.js").read_text()
                   .splitlines() if not line.startswith("//"))


def visible_texts(page: Page) -> list[dict[str, Any]]:
    """``{text, whole, size, where}`` for every text a person can see now."""
    return page.evaluate(_TEXTS)


def whole_texts(page: Page) -> set[str]:
    """The texts that are on screen whole right now (whitespace collapsed)."""
    return {t["text"] for t in visible_texts(page) if t["whole"]}


def floor_px(page: Page, at_1080: float = 24.0) -> float:
    """The projector's smallest text size for this viewport: 24 px at 1080 px, in proportion."""
    return at_1080 * page.viewport_size["height"] / 1080


def small_texts(page: Page, floor: float) -> list[str]:
    """Visible texts set smaller than ``floor`` px (0.5 px tolerance for rounding)."""
    return [f"{t['size']:.1f}px {t['where']}: {t['text'][:60]}" for t in visible_texts(page)
            if t["size"] < floor - 0.5]


def scroll_size(page: Page) -> dict[str, int]:
    return page.evaluate("""() => { const d = document.scrollingElement;
        return { sw: d.scrollWidth, sh: d.scrollHeight, w: innerWidth, h: innerHeight }; }""")


def assert_no_scroll(page: Page, where: str = "") -> None:
    s = scroll_size(page)
    assert s["sw"] <= s["w"] and s["sh"] <= s["h"], f"{where or page.url} scrolls: {s}"


def norm(text: str) -> str:
    return " ".join(text.split())
