"""The routing key in the pages' Socket.IO URL (docs/architecture.md, "Scale-out"): a proxy
hashes on ``route`` so that one workshop's sockets, long-polling included, reach one process;
with ``--spread N`` each device draws k in [0, N) once and keeps it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import LiveServer
from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def spread_server(tmp_path_factory) -> Iterator[LiveServer]:
    tmp: Path = tmp_path_factory.mktemp("route")
    server = LiveServer(tmp / "route.db", tmp / "server.log", args=["--spread", "3"]).start()
    yield server
    server.stop()


def socket_routes(page: Page) -> list[str]:
    """The ``route`` of every Socket.IO request the page makes (WebSocket or polling)."""
    routes: list[str] = []

    def seen(url: str) -> None:
        if "/socket.io/" in url:
            routes.extend(parse_qs(urlsplit(url).query).get("route", []))

    page.on("websocket", lambda ws: seen(ws.url))
    page.on("request", lambda request: seen(request.url))
    return routes


def test_every_page_sends_its_workshops_code_and_a_phone_keeps_its_share(
        browser: Browser, spread_server: LiveServer) -> None:
    w = spread_server.create()
    code = w["code"]
    key = re.compile(rf"^{code}\.[012]$")
    phone = browser.new_context(**PHONE)
    try:
        page = phone.new_page()
        routes = socket_routes(page)
        page.goto(f"{spread_server.url}/j/{code}")
        expect(page.locator("#join")).to_be_visible()
        page.wait_for_function("() => document.querySelector('#conn') !== null")
        expect(page.locator("#conn")).to_have_text("Connected")
        assert routes and all(key.match(r) for r in routes), routes
        first = routes[0]
        page.reload()
        expect(page.locator("#conn")).to_have_text("Connected")
        assert set(routes) == {first}  # the same device, the same share, every time
        # with SPREAD 1 the key is the code itself
        assert page.evaluate("async (code) => (await import('/static/js/common.js'))"
                             ".routeKey(code, 1)", code) == code
    finally:
        phone.close()
    desk = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        for path in (f"/screen/{w['screen_key']}", f"/console/{w['console_key']}"):
            page = desk.new_page()
            routes = socket_routes(page)
            page.goto(f"{spread_server.url}{path}")
            page.wait_for_function("() => window.io !== undefined")
            page.wait_for_timeout(300)
            assert routes and all(key.match(r) for r in routes), (path, routes)
            page.close()
    finally:
        desk.close()
