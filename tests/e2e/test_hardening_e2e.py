"""The pages show the server's sentence when it refuses their connection (issue 14): a phone
arriving at a closed door, a console and a projector left open on a deleted workshop; the
console shows the door and its control."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.conftest import Room


@pytest.mark.slow
def test_refused_pages_say_why_closed_door_and_deleted_workshop(room: Room) -> None:
    w = room.server.create()
    console = room.console(w["console_url"])
    screen = room.screen(w["projector_url"])
    member = room.phone(w["join_url"], "Ada")
    console.get_by_role("button", name="Close the door").click()
    expect(console.locator("#door-state")).to_be_visible()
    expect(console.get_by_role("button", name="Open the door")).to_be_visible()
    newcomer = room.new_page(**room.PHONE)
    newcomer.goto(w["join_url"])
    expect(newcomer.locator("#conn")).to_contain_text("closed the door to new participants")
    expect(member.locator("#conn")).not_to_contain_text("closed the door")
    console.get_by_role("button", name="Open the door").click()
    expect(console.locator("#door-state")).to_be_hidden()

    r = requests.post(f"{room.server.url}/console/{w['console_key']}/delete",
                      data={"confirm_code": w["code"]}, timeout=5)
    assert r.ok
    for page in (console, screen):  # the Wi-Fi drops; the page reconnects and is refused
        page.context.set_offline(True)
        page.context.set_offline(False)
    for page in (console, screen):
        expect(page.locator("#conn")).to_contain_text("This workshop could not be found")
    assert not room.errors
