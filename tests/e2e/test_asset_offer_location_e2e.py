"""End to end in Chromium: on a phone, a structured offer (what, when, for whom) and a
capacity inventory skill; a community asset placed in words and, by pressing the button, at
the phone's location (Playwright grants the permission and sets a fake position). The
projector never shows the coordinates; the GeoJSON export and the printable map have them."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

PLAN = {"title": "Elmside map", "purpose": "Find what Elmside already has", "stages": [
    {"kind": "assets", "prompt": "Skills", "options": {
        "step": "personal", "template": "capacity", "areas": ["Gardening", "Driving"]}},
    {"kind": "assets", "prompt": "Places", "options": {"step": "community"}},
]}
ELM_PARK = {"latitude": 51.4613, "longitude": -0.1156, "accuracy": 8}


def geo_phone(room: Any, join_url: str, name: str) -> Page:
    page = room.new_page(**room.PHONE, geolocation=ELM_PARK, permissions=["geolocation"])
    page.goto(join_url)
    page.locator("#name").fill(name)
    page.get_by_role("button", name="Join").click()
    expect(page.locator("#stage")).to_be_visible()
    return page


def test_a_structured_offer_and_an_asset_at_the_phones_location(room: Any) -> None:
    w = room.server.create(PLAN)
    screen = room.new_page(viewport={"width": 1280, "height": 800})
    screen.goto(w["projector_url"])
    console = room.console(w["console_url"])
    phone = geo_phone(room, w["join_url"], "Ada")
    console.locator("[data-action=start]").click()

    # a skill by area, and an offer with what, when and for whom
    have = phone.locator('form.assets-add[data-category="have"]')
    have.get_by_label("Area").select_option("Gardening")
    have.locator("#assets-new-have").fill("Pruning fruit trees")
    have.locator("button[type=submit]").click()
    expect(phone.locator('.assets-category[data-category="have"] li[data-gift-id] .text')
           ).to_have_text("Gardening: Pruning fruit trees")
    offer = phone.locator('form.assets-add[data-category="offer"]')
    offer.get_by_label("What").fill("Lifts to the surgery")
    offer.get_by_label("When (optional)").fill("Weekday mornings")
    offer.get_by_label("For whom (optional)").fill("Older neighbours")
    offer.locator("button[type=submit]").click()
    line = "Lifts to the surgery (when: Weekday mornings; for: Older neighbours)"
    expect(phone.locator('.assets-category[data-category="offer"] li[data-gift-id] .text')
           ).to_have_text(line)
    expect(screen.locator("#view-assets")).to_contain_text(line)

    # a community asset: in words, with access notes, and the location only on the button
    console.locator("[data-action=next_stage]").click()
    phone.locator("#assets-kind").select_option("physical")
    phone.locator("#assets-name").fill("Elm Park")
    phone.locator(".assets-more summary").click()
    phone.locator("#assets-place").fill("Elm Road gates")
    phone.locator("#assets-access").fill("Step-free from Elm Road")
    expect(phone.locator(".assets-located")).to_have_text("")  # nothing until pressed
    phone.get_by_role("button", name="Use my phone's location for this asset").click()
    expect(phone.locator(".assets-located")).to_contain_text("Location added: 51.46130, -0.11560")
    phone.get_by_role("button", name="Add asset").click()
    mine = phone.locator(".assets-mine-assets li[data-asset-id]")
    expect(mine).to_contain_text("location shared")
    expect(mine).to_contain_text("access: Step-free from Elm Road")
    expect(phone.locator(".assets-located")).to_have_text("")  # the next asset starts without
    # a second asset without pressing the button has no coordinates
    phone.locator("#assets-name").fill("Library")
    phone.locator("#assets-place").fill("12 High St")
    phone.get_by_role("button", name="Add asset").click()
    expect(mine).to_have_count(2)

    expect(screen.locator("#view-assets")).to_contain_text("Elm Park")
    assert "51.46" not in screen.locator("body").inner_text()

    key = w["console_url"].rstrip("/").split("/")[-1]
    base = w["console_url"].split("/console/")[0]
    geo = requests.get(f"{base}/console/{key}/assets.geojson", timeout=10)
    assert geo.headers["Content-Type"].startswith("application/geo+json")
    data = geo.json()
    assert [f["properties"]["name"] for f in data["features"]] == ["Elm Park"]
    assert data["features"][0]["geometry"] == {"type": "Point",
                                               "coordinates": [-0.1156, 51.4613]}
    printable = requests.get(f"{base}/console/{key}/asset-map.html", timeout=10).text
    assert "Elm Road gates" in printable and "12 High St" in printable
    assert "51.46130, -0.11560 (shared from a phone)" in printable
    assert not room.errors
