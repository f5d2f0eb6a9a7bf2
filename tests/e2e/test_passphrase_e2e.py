"""A shared server in Chromium: the create page asks for the passphrase once, says so when it
is wrong, creates with the right one and remembers it for the next workshop."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import LiveServer
from tests.e2e.a11y import assert_axe_clean
from tests.e2e.conftest import Room

PASS = "otter marmalade lantern"


@pytest.fixture
def shared_room(browser: Browser, tmp_path: Path,
                monkeypatch: pytest.MonkeyPatch) -> Iterator[Room]:
    """`facilitator serve` started as an organisation would: the passphrase in a file."""
    secret = tmp_path / "passphrase"
    secret.write_text(PASS + "\n")
    monkeypatch.setenv("FACILITATOR_PASSPHRASE_FILE", str(secret))
    monkeypatch.setenv("FACILITATOR_SECRET_KEY", "e2e key")
    server = LiveServer(tmp_path / "live.db", tmp_path / "server.log").start()
    room = Room(browser, server)
    yield room
    room.close()
    server.stop()
    assert room.dialogs == [] and room.errors == []


def create(page: Page) -> None:
    page.get_by_role("button", name="Next: review the plan").click()
    expect(page.get_by_role("heading", name="Review the plan")).to_be_visible()
    page.get_by_role("button", name="Create the workshop").click()
    expect(page).to_have_url(re.compile(r"/console/"))
    expect(page.locator("#conn")).to_have_text("Connected")


def test_the_create_page_asks_once_and_says_when_it_is_wrong(shared_room: Room) -> None:
    server: Any = shared_room.server
    page = shared_room.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server.url + "/")
    expect(page.get_by_text("This server is shared: creating a workshop needs its "
                            "passphrase.")).to_be_visible()
    field = page.get_by_label("This server's passphrase")
    expect(field).to_have_attribute("type", "password")
    expect(field).to_have_attribute("autocomplete", "current-password")
    show = page.get_by_role("button", name="Show passphrase")
    field.fill("otter")
    show.click()
    expect(field).to_have_attribute("type", "text")
    page.get_by_role("button", name="Hide passphrase").click()
    expect(field).to_have_attribute("type", "password")

    page.get_by_text("World Café").first.click()
    page.get_by_role("button", name="Next: review the plan").click()
    alert = page.get_by_role("alert")
    expect(alert).to_have_text("That passphrase is not right. Ask the person who runs this "
                               "server.")
    expect(field).to_be_focused()  # back in the field, ready for the right one
    expect(page.get_by_role("radio", name=re.compile("World Café"))).to_be_checked()
    assert_axe_clean(page, "the create page with the passphrase field, saying it is wrong")

    field.fill(PASS)
    create(page)
    expect(page.get_by_role("button", name="Forget the passphrase")).to_be_visible()
    first = page.url

    page.goto(server.url + "/")  # the next workshop: no second entry
    expect(page.get_by_role("button", name="Forget the passphrase")).to_be_visible()
    expect(page.get_by_label("This server's passphrase")).to_have_count(0)
    create(page)
    assert page.url != first

    # forgetting it (the console offers it, as the home page does) is tested in
    # tests/web/test_passphrase_pages.py
