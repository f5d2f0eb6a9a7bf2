"""Playwright fixtures: one headless Chromium per module, helpers to open the three pages."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
TIMEOUT = 10_000  # ms, for expect() and actions

expect.set_options(timeout=TIMEOUT)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Room:
    """The pages of one test: every page records dialogs and page errors, checked at the end."""

    def __init__(self, browser: Browser, server: Any) -> None:
        self.PHONE = PHONE
        self.browser = browser
        self.server = server
        self.contexts: list[BrowserContext] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []

    def new_page(self, **context_options: Any) -> Page:
        context = self.browser.new_context(**context_options)
        context.set_default_timeout(TIMEOUT)
        self.contexts.append(context)
        page = context.new_page()

        def on_dialog(dialog: Any) -> None:
            self.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        return page

    def screen(self, url: str) -> Page:
        page = self.new_page(viewport={"width": 1280, "height": 800})
        page.goto(url)
        expect(page.locator("#wall-empty")).to_be_visible()
        return page

    def console(self, url: str) -> Page:
        page = self.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url)
        expect(page.locator("#conn")).to_have_text("Connected")
        return page

    def phone(self, join_url: str, name: str | None = None) -> Page:
        """A phone in its own context: open the join link, type a name (or not), join."""
        page = self.new_page(**PHONE)
        page.goto(join_url)
        expect(page.locator("#join")).to_be_visible()
        if name:
            page.locator("#name").fill(name)
        page.get_by_role("button", name="Join").click()
        expect(page.locator("#join")).to_be_hidden()
        expect(page.locator("#stage")).to_be_visible()
        return page

    @staticmethod
    def decode_qr(png: bytes) -> str:
        """Read a QR code from a screenshot, as a phone's camera would."""
        import zxingcpp
        from PIL import Image

        found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
        assert len(found) == 1, f"expected one QR code, found {len(found)}"
        return found[0].text

    @staticmethod
    def post_note(phone: Page, text: str) -> None:
        phone.locator("#note-text").fill(text)
        phone.get_by_role("button", name="Add note").click()

    @staticmethod
    def exactly(text: str) -> re.Pattern[str]:
        return re.compile(rf"^\s*{re.escape(text)}\s*$")

    @staticmethod
    def cards(page: Page, list_selector: str, text: str) -> Locator:
        """The notes (``li[data-note-id]``) in a list whose text is exactly ``text``."""
        return page.locator(f"{list_selector} li[data-note-id]").filter(
            has=page.locator(".text", has_text=Room.exactly(text)))

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def room(browser: Browser, live_server: Any) -> Iterator[Room]:
    r = Room(browser, live_server)
    yield r
    r.close()
    assert r.dialogs == [], f"dialogs opened: {r.dialogs}"
    assert r.errors == [], f"errors in pages: {r.errors}"
