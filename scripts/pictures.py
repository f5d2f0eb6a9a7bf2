"""Pictures of each method for the README: a realistic room per ready plan, filled through the
real commands (the big-room fills of tests/e2e), served by `facilitator serve`, and the
projector, the console and one participant's phone photographed in headless Chromium.

    scripts/pictures            # writes docs/pictures/*.jpg and docs/pictures/pages.sha256

pages.sha256 is a digest of templates/ and static/ as they were photographed:
tests/web/test_pictures.py fails when the pages change and the pictures were not taken again.
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "pictures"

from tests.conftest import LiveServer  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.e2e.projector import Filler, make_service, ready_plan  # noqa: E402
from tests.e2e.roomtext import NAMES, THEMES, notes  # noqa: E402


def pages_digest() -> str:
    """One digest of every page source (templates, scripts, styles), in a stable order."""
    h = hashlib.sha256()
    for folder in ("templates", "static/js", "static/css"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file():
                h.update(str(path.relative_to(ROOT)).encode())
                h.update(path.read_bytes())
    return h.hexdigest()


def wall(service: Any) -> Any:
    f = Filler(service, service.create_workshop(ready_plan("notes-wall")))
    f.join(40, NAMES)
    f.console("start")
    for i, text in enumerate(notes(60, seed=5)):
        f.phone(i % 40, "post_note", {"text": text})
    return f.row


def themes(service: Any) -> Any:
    f = Filler(service, service.create_workshop(ready_plan("silent-harvest")))
    f.join(40)
    f.console("start")
    ids = [f.phone(i % 40, "post_note", {"text": t})["note_id"]
           for i, t in enumerate(notes(80, seed=6))]
    f.console("reveal_notes")
    f.console("next_stage")
    for k, name in enumerate(THEMES[:8]):
        f.console("group_notes", {"note_ids": ids[k:70:8], "name": name})
    return f.row


def cafe(service: Any) -> Any:
    from tests.e2e.test_projector_cafe_openspace import fill_cafe

    return fill_cafe(service, rounds_done=1, harvest=False)["row"]


def open_space(service: Any) -> Any:
    from tests.e2e.test_projector_cafe_openspace import fill_openspace

    return fill_openspace(service, news=False)["row"]


def inquiry(service: Any) -> Any:
    from tests.e2e.test_projector_assets_inquiry import _inquiry

    return _inquiry(service, "ai_dream")[0]


def assets(service: Any) -> Any:
    from tests.e2e.test_projector_assets_inquiry import _asset_map

    return _asset_map(service, "connections")[0]


ROOMS: list[tuple[str, Callable[[Any], Any]]] = [
    ("notes-wall", wall), ("harvest", themes), ("world-cafe", cafe), ("open-space", open_space),
    ("appreciative-inquiry", inquiry), ("asset-mapping", assets)]


def shoot(browser: Any, url: str, path: Path, viewport: dict[str, int],
          init: str | None = None, **context: Any) -> None:
    ctx = browser.new_context(viewport=viewport, **context)
    try:
        page = ctx.new_page()
        if init:
            page.add_init_script(init)
        page.goto(url)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(1500)  # the fit, a first timer tick, fonts
        page.screenshot(path=str(path), type="jpeg", quality=80)
    finally:
        ctx.close()


def main() -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "pictures.db"
        service = make_service(db)
        rows = [(name, build(service)) for name, build in ROOMS]
        server = LiveServer(db, Path(tmp) / "server.log").start()
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for name, row in rows:
                    shoot(browser, f"{server.url}/screen/{row.screen_key}",
                          OUT / f"{name}-projector.jpg", {"width": 1600, "height": 900})
                    shoot(browser, f"{server.url}/console/{row.console_key}",
                          OUT / f"{name}-console.jpg", {"width": 1366, "height": 768})
                    # the first participant's phone: its device token, as the fills made it
                    token = f"bigroom-{row.code}-0-0123"
                    init = (f"localStorage.setItem('fac:{row.code}:token', "
                            f"JSON.stringify('{token}'))")
                    shoot(browser, f"{server.url}/j/{row.code}", OUT / f"{name}-phone.jpg",
                          {"width": 360, "height": 740}, init=init, is_mobile=True,
                          has_touch=True, device_scale_factor=1)
                    print(f"pictures: {name}")
                browser.close()
        finally:
            server.stop()
    (OUT / "pages.sha256").write_text(pages_digest() + "\n")
    print(f"pictures: written to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
