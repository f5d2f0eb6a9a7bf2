"""End to end in Chromium: asset mapping with 8 phones (purpose, head/hands/heart, the six
kinds, a merge, a confirmed connection, the gaps, the CSV inventory), then a person-centred
map that never reaches the projector, printed and deleted by its person."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from playwright.sync_api import Page, expect

from facilitator.core.plan import plan_in_language

pytestmark = pytest.mark.e2e


def english(data: dict) -> dict:
    """A ready plan (English and Welsh) in English only, as these tests read its texts."""
    return plan_in_language(data, "en")


ROOT = Path(__file__).resolve().parents[2]
PURPOSE = "Help people in Elmside find each other and what is already here"

# (category, text, visibility) per phone; Person 5 also interviews Mrs Okafor
GIFTS = [
    [("offer", "Bass guitar lessons", "group"), ("head", "Local history", "group"),
     ("hands", "Fixing bikes", "public")],
    [("wish", "To find live music locally", "group"), ("heart", "Clean streets", "group")],
    [("head", "Knows the allotment association", "group"), ("hands", "Cooking for a crowd",
                                                            "group")],
    [("wish", "To grow food", "group"), ("heart", "My private worry about money", "private")],
    [("hands", "Sewing", "group"), ("heart", "Young people", "public")],
    [("head", "First aid", "group")],
    [("offer", "Lifts to the doctor's", "group"), ("wish", "Learn to use email", "group")],
    [("heart", "Older neighbours", "group"), ("head", "Welsh", "group")],
]
ASSETS = [  # (phone, kind, name, offers, place)
    (0, "individuals", "Mrs Patel, retired nurse", "", ""),
    (1, "associations", "Elmside FC", "", ""),
    (2, "organisations", "Central Library", "meeting room; free wifi", "High St"),
    (3, "physical", "Elm Park", "", "Elm Rd"),
    (4, "economic", "Saturday market", "", ""),
    (5, "cultural", "Brass band", "", ""),
    (6, "organisations", "the library", "", ""),
    (7, "physical", "Community hall", "hall hire", ""),
    (7, "associations", "Quiz team at the Crown", "", ""),
]


def load(name: str) -> dict:
    return english(yaml.safe_load((ROOT / "sessions" / f"{name}.yaml").read_text()))


def add_gift(phone: Page, category: str, text: str, visibility: str) -> None:
    form = phone.locator(f'form.assets-add[data-category="{category}"]')
    form.locator(f"#assets-new-{category}").fill(text)
    form.locator("select.assets-vis").select_option(visibility)
    form.locator("button[type=submit]").click()
    entry = phone.locator(f'.assets-category[data-category="{category}"] li[data-gift-id]')
    expect(entry.filter(has_text=text)).to_have_count(1)


def add_asset(phone: Page, kind: str, name: str, offers: str, place: str) -> None:
    phone.locator("#assets-kind").select_option(kind)
    phone.locator("#assets-name").fill(name)
    more = phone.locator(".assets-more")
    if more.get_attribute("open") is None:
        more.locator("summary").click()  # the optional fields fold away under the name
    phone.locator("#assets-offers").fill(offers)
    phone.locator("#assets-place").fill(place)
    phone.get_by_role("button", name="Add asset").click()
    expect(phone.locator(".assets-mine-assets li[data-asset-id]").filter(has_text=name)) \
        .to_have_count(1)


def count(screen: Page, selector: str) -> Any:
    return screen.locator(f"{selector} .count")


def test_eight_phones_map_their_assets(room: Any) -> None:
    w = room.server.create(load("asset-mapping"))
    screen = room.new_page(viewport={"width": 1600, "height": 1000})
    screen.goto(w["projector_url"])
    expect(screen.locator("#view-assets")).to_be_visible()
    console = room.console(w["console_url"])
    names = [f"Person {i}" for i in range(8)]
    phones = [room.phone(w["join_url"], name) for name in names]
    console.locator("[data-action=start]").click()

    # 1. purpose first: the plan's purpose counts from the start, and the console can change it
    planned = load("asset-mapping")["stages"][0]["options"]["purpose"]
    for phone in phones:
        expect(phone.locator(".assets-wait")).to_be_hidden()
        expect(phone.locator(".assets-purpose")).to_have_text(f"Our purpose: {planned}")
    expect(screen.locator(".assets-purpose")).to_have_text(f"Our purpose: {planned}")
    expect(console.locator(".assets-purpose-now")).to_have_text(f"Our purpose: {planned}")
    expect(console.locator("#assets-purpose-text")).to_have_value(planned)
    console.locator("#assets-purpose-text").fill(PURPOSE)
    console.get_by_role("button", name="Save the purpose").click()
    expect(screen.locator(".assets-purpose")).to_have_text(f"Our purpose: {PURPOSE}")
    for phone in phones:
        expect(phone.locator(".assets-purpose")).to_have_text(f"Our purpose: {PURPOSE}")
    console.locator("[data-action=next_stage]").click()

    # 2. head, hands and heart, from every phone; one private entry; an interview
    for phone, gifts in zip(phones, GIFTS, strict=True):
        expect(phone.locator(".assets-category")).to_have_count(5)
        for category, text, visibility in gifts:
            add_gift(phone, category, text, visibility)
    interviewer = phones[5]
    interviewer.get_by_text("Record for someone else (interview)").click()
    interviewer.locator("#assets-interviewee").fill("Mrs Okafor")
    interviewer.locator("#assets-consent").check()
    interviewer.get_by_role("button", name="Start recording for them").click()
    expect(interviewer.locator("#assets-person")).to_have_value(re.compile(r"^v\d+$"))
    expect(interviewer.locator(".assets-category[data-category=head] li[data-gift-id]")) \
        .to_have_count(0)
    add_gift(interviewer, "hands", "Knitting and mending", "group")
    interviewer.locator("#assets-person").select_option("")
    expect(interviewer.locator(".assets-category li[data-gift-id]")).to_have_count(1)
    # an entry is edited: the projector follows
    entry = phones[0].locator("li[data-gift-id]").filter(has_text="Local history")
    entry.get_by_role("button", name=re.compile("^Edit")).click()
    editing = phones[0].locator("li.editing")
    editing.locator("textarea").fill("Local history of the mills")
    editing.get_by_role("button", name="Save").click()
    expect(screen.locator(".assets-box.personal[data-category=head]")).to_contain_text(
        "Local history of the mills")
    expected = {"head": 4, "hands": 4, "heart": 3, "offer": 2, "wish": 3}
    for key, n in expected.items():
        expect(count(screen, f".assets-box.personal[data-category={key}]")).to_have_text(str(n))
    assert "private worry" not in screen.locator("body").inner_text()
    assert "private worry" not in console.locator("body").inner_text()
    for phone in phones[:3] + phones[4:]:
        assert "private worry" not in phone.locator("body").inner_text()
    expect(console.locator('.assets-personal-counts [data-category="heart"]')).to_contain_text(
        "(1 private, not shown)")
    console.locator("[data-action=next_stage]").click()

    # 3. community assets of all six kinds; the facilitator merges a duplicate
    for i, kind, name, offers, place in ASSETS:
        add_asset(phones[i], kind, name, offers, place)
    counts = {"individuals": 1, "associations": 2, "organisations": 2, "physical": 2,
              "economic": 1, "cultural": 1}
    expect(screen.locator(".assets-box.kind")).to_have_count(6)
    for kind, n in counts.items():
        expect(count(screen, f".assets-box.kind[data-kind={kind}]")).to_have_text(str(n))
    expect(screen.locator(".assets-box.kind.thin")).to_have_count(3)
    merge = console.get_by_role("button", name="Merge “the library” into “Central Library”")
    merge.click()
    expect(count(screen, ".assets-box.kind[data-kind=organisations]")).to_have_text("1")
    expect(screen.locator(".assets-box.kind[data-kind=organisations]")).to_contain_text(
        "Central Library")
    expect(screen.locator(".assets-box.kind.thin")).to_have_count(4)
    console.locator("[data-action=next_stage]").click()

    # 4. connections: suggested with reasons, shared, confirmed by both, contacts exchanged
    suggestion = console.locator(".assets-suggestion").filter(
        has_text="Bass guitar lessons").filter(has_text="To find live music locally")
    expect(suggestion).to_have_count(1)
    expect(suggestion.locator(".why")).to_have_text(
        '"Bass guitar" ~ "live music": both about music')
    allotment = console.locator(".assets-suggestion").filter(
        has_text="Knows the allotment association").filter(has_text="To grow food")
    expect(allotment.locator(".why")).to_contain_text("growing food")
    cid = suggestion.get_attribute("data-connection")
    suggestion.get_by_role("button", name="Share with both").click()
    link = f'.assets-link[data-connection="{cid}"]'
    for i in (0, 1):
        expect(phones[i].locator(link)).to_contain_text("both about music")
    for i in range(2, 8):
        expect(phones[i].locator(".assets-links-empty")).to_be_visible()
        expect(phones[i].locator(link)).to_have_count(0)
    phones[0].locator("#assets-contact").fill("07700 900123")
    phones[0].get_by_role("button", name="Save contact").click()
    phones[1].locator("#assets-contact").fill("person1@example.org")
    phones[1].get_by_role("button", name="Save contact").click()
    expect(phones[1].locator("#feedback")).to_have_text("Contact saved.")
    phones[0].locator(link).get_by_role("button", name="I'd like to follow this up").click()
    expect(phones[0].locator(link).locator(".assets-follow")).to_have_attribute(
        "aria-pressed", "true")
    assert "person1@example.org" not in phones[0].locator("body").inner_text()
    phones[1].locator(link).get_by_role("button", name="I'd like to follow this up").click()
    expect(phones[0].locator(link).locator(".contact")).to_have_text(
        "Contact: person1@example.org")
    expect(phones[0].locator(link)).to_contain_text("You both agreed. Person 1")
    expect(phones[1].locator(link).locator(".contact")).to_have_text("Contact: 07700 900123")
    expect(console.locator(f'.assets-suggestion[data-connection="{cid}"]')).to_have_attribute(
        "data-agreed", "true")
    assert "07700" not in console.locator("body").inner_text()
    expect(screen.locator(".assets-lines line.agreed")).to_have_count(1)
    expect(screen.locator(f'.assets-link-list li[data-connection="{cid}"]')).to_have_text(
        "Bass guitar lessons ↔ To find live music locally (both agreed)")
    console.locator("[data-action=next_stage]").click()

    # 5. gaps and opportunities
    expect(screen.locator(".assets-gaps-line")).to_have_text(
        "Few entries yet: Individuals, Organisations, Economic, Cultural. "
        "Who or what could we add?")
    expect(screen.locator(".assets-lines line.agreed")).to_have_count(1)

    # 6. exports: the inventory by kind holds every asset; the agreed connection; the map
    base = w["console_url"]
    rows = list(csv.DictReader(io.StringIO(requests.get(f"{base}/assets.csv", timeout=10).text)))
    by_name = {r["name"]: r["kind"] for r in rows}
    assert by_name == {name: kind for _i, kind, name, _o, _p in ASSETS if name != "the library"}
    library = next(r for r in rows if r["name"] == "Central Library")
    assert library["aliases"] == "the library" and library["offers"] == "meeting room; free wifi"
    inventory = requests.get(f"{base}/assets.json", timeout=10).json()
    assert inventory["format"] == "facilitator-asset-map" and inventory["purpose"] == PURPOSE
    assert len(inventory["assets"]) == 8
    links = requests.get(f"{base}/connections.csv", timeout=10).text
    assert "Bass guitar lessons" in links and "Person 0; Person 1" in links
    assert "07700" not in links
    printable = room.new_page()
    printable.goto(f"{base}/asset-map.html")
    expect(printable.locator("[data-kind=organisations] .count")).to_have_text("1")
    assert "private worry" not in printable.locator("body").inner_text()

    # a phone's own printable map
    phones[3].get_by_role("button", name="My map (printable)").click()
    page = phones[3].locator(".assets-print")
    expect(page).to_be_visible()
    expect(page).to_contain_text("My private worry about money")
    expect(page).to_contain_text("To grow food")
    expect(page).to_contain_text("Elm Park")
    expect(phones[3].locator(".bar")).to_be_hidden()


def test_a_person_centred_map_never_reaches_the_projector(room: Any) -> None:
    w = room.server.create(load("my-assets"))
    screen = room.new_page(viewport={"width": 1280, "height": 800})
    screen.goto(w["projector_url"])
    console = room.console(w["console_url"])
    phone = room.phone(w["join_url"], "Sam")
    console.locator("[data-action=start]").click()
    console.locator("#assets-purpose-text").fill("What keeps me well")
    console.get_by_role("button", name="Save the purpose").click()
    expect(phone.locator(".assets-purpose")).to_have_text(
        "What your map is for: What keeps me well")
    expect(console.locator(".assets-pc")).to_be_visible()
    expect(console.locator(".assets-delete")).to_be_visible()
    console.locator("[data-action=next_stage]").click()
    entries = [("strengths", "I listen well", "private"), ("people", "My sister Jo", "private"),
               ("places", "The allotment at dawn", "private"),
               ("activities", "Swimming on Fridays", "private"),
               ("heart", "My dog Biscuit", "group")]
    expect(phone.locator(".assets-private-note")).to_be_visible()
    expect(phone.locator("#assets-vis-people")).to_have_value("private")
    for category, text, visibility in entries:
        add_gift(phone, category, text, visibility)
    expect(console.locator('.assets-personal-counts [data-category="heart"]')).to_contain_text(
        "1")
    console.locator("[data-action=next_stage]").click()
    expect(phone.locator(".assets-mapstep")).to_be_visible()

    # the projector shows nothing of it
    expect(screen.locator(".assets-private")).to_be_visible()
    shown = screen.locator("body").inner_text()
    for _c, text, _v in entries:
        assert text not in shown
    assert "What keeps me well" not in shown
    console_text = console.locator("body").inner_text()
    assert "Swimming" not in console_text and "My sister Jo" not in console_text

    # the person's printable page holds every entry
    phone.get_by_role("button", name="My map (printable)").click()
    page = phone.locator(".assets-print")
    expect(page.locator("h1")).to_have_text("My asset map")
    for _c, text, _v in entries:
        expect(page).to_contain_text(text)
    for label in ("Strengths", "People", "Places", "Activities", "Heart"):
        expect(page.locator("h2", has_text=label)).to_have_count(1)
    phone.get_by_role("button", name="Back").click()

    # and the person deletes it, entirely
    phone.get_by_text("Delete my map").click()
    phone.get_by_role("button", name="Delete everything now").click()
    expect(phone.locator("main > h1")).to_have_text(
        "Your map has been deleted. You can close this page.")
    assert requests.get(w["join_url"], timeout=10).status_code == 404
    assert requests.get(f"{w['console_url']}/assets.csv", timeout=10).status_code == 404
