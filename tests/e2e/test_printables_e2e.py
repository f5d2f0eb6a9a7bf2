"""The printables render in Chromium at A4 and their QR codes read, as a phone's camera would,
as the right join links; axe-core finds nothing on them; the page's signs (static/js/signs.js)
are the server's (facilitator/core/signs.py) for every number up to 216."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Page, expect

from facilitator.core.signs import UNIQUE, sign
from tests.e2e.a11y import assert_axe_clean

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SHOTS = os.environ.get("FACILITATOR_SHOTS")
A4 = {"width": 794, "height": 1123}  # A4 at 96 px per inch


def plan() -> dict:
    """A day with a World Café (6 tables) and an Open Space (its four spaces)."""
    cafe = yaml.safe_load((ROOT / "sessions" / "world-cafe.yaml").read_text())
    space = yaml.safe_load((ROOT / "sessions" / "open-space.yaml").read_text())
    cafe["stages"][0].setdefault("options", {})["tables"] = 6
    openspace = next(s for s in space["stages"] if s["kind"] == "openspace")
    openspace["options"]["spaces"] = ["Main hall, 40", "Library, 12", "Garden room, 8",
                                      "Some place else"]
    return {**cafe, "stages": [cafe["stages"][0], openspace]}


def render(page: Page, url: str, name: str, sheets: int) -> None:
    """Open a printable, check it on screen (axe), then as print: A4 pages, one per sheet."""
    page.goto(url)
    expect(page.locator(".sheet").first).to_be_visible()
    assert page.locator(".sheet").count() == sheets
    assert_axe_clean(page, name)
    page.emulate_media(media="print")
    expect(page.locator(".print-help")).to_be_hidden()
    shot = page.screenshot(full_page=False)
    assert len(shot) > 1000
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        Path(SHOTS, f"print-{name}.png").write_bytes(shot)
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    if SHOTS:
        Path(SHOTS, f"print-{name}.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == sheets, f"{name}: {pages} PDF pages for {sheets} sheets"
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf)
    assert box and abs(float(box.group(1)) - 595.3) < 2 and abs(float(box.group(2)) - 841.9) < 2
    page.emulate_media(media="screen")


def decode(room: Any, page: Page, selector: str) -> str:
    target = page.locator(selector)
    target.scroll_into_view_if_needed()
    return room.decode_qr(target.screenshot())


def test_printables_render_and_their_codes_read_as_the_join_links(room: Any) -> None:
    w = room.server.create(plan())
    join = w["join_url"]
    base = w["console_url"] + "/print"
    page = room.new_page(viewport=A4)

    # from the console
    console = room.console(w["console_url"])
    link = console.locator("#print-link")
    expect(link).to_have_attribute("href", re.compile(r"/console/[^/]+/print$"))
    page.goto(base)
    for text in ("Join poster", "QR cards", "table tents", "space signs"):
        expect(page.locator(".print-list")).to_contain_text(text)
    assert_axe_clean(page, "print list")

    render(page, f"{base}/poster", "poster", 1)
    assert decode(room, page, ".poster-qr svg") == join
    expect(page.locator(".poster .code strong")).to_have_text(w["code"])
    expect(page.locator(".poster .purpose")).to_contain_text("stay well")

    render(page, f"{base}/tables", "tables", 6)
    looks = set()
    for n in range(1, 7):
        tent = page.locator(f".tent[data-table='{n}']")
        expect(tent.locator(".tent-front .tent-name")).to_have_text(f"Table {n}")
        expect(tent.locator(".tent-front .tent-label")).to_have_text(sign(n).label())
        svg = tent.locator(".tent-front svg.sign")
        looks.add((svg.get_attribute("data-colour"), svg.get_attribute("data-shape")))
        assert decode(room, page, f".tent[data-table='{n}'] .tent-front .tent-qr svg") \
            == f"{join}/table/{n}"
    assert len(looks) == 6
    # the folded-over half is upside down, and reads the same
    assert decode(room, page, ".tent[data-table='2'] .tent-back .tent-qr svg") \
        == f"{join}/table/2"
    render(page, f"{base}/spaces", "spaces", 4)
    expect(page.locator(".space[data-space='2'] .space-name")).to_have_text("Library")
    expect(page.locator(".space[data-space='2'] .space-capacity")).to_have_text(
        "Room for 12 people")
    expect(page.locator(".space[data-space='4'] .space-capacity")).to_have_count(0)

    render(page, f"{base}/cards?n=12", "cards", 2)
    assert page.locator(".card-cut").count() == 12
    for card in (1, 12):
        assert decode(room, page, f".card-cut[data-card='{card}'] .card-qr svg") == join

    # the page draws the same signs as the server, for every number up to 216
    js = page.evaluate("""async (n) => {
        const m = await import("/static/js/signs.js");
        return Array.from({ length: n }, (_, i) => m.signOf(i + 1));
    }""", UNIQUE)
    for n, drawn in enumerate(js, start=1):
        assert drawn == sign(n).to_dict(), n
