"""The README's pictures show the pages as they are: scripts/pictures records a digest of
templates/ and static/ as it photographed them, and the README shows every picture."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _pictures():
    spec = importlib.util.spec_from_file_location("pictures", ROOT / "scripts" / "pictures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_pictures_were_taken_of_the_pages_as_they_are() -> None:
    pictures = _pictures()
    recorded = (ROOT / "docs" / "pictures" / "pages.sha256").read_text().strip()
    assert recorded == pictures.pages_digest(), \
        "the pages changed since the README's pictures were taken: run scripts/pictures"


def test_the_readme_shows_each_methods_projector_console_and_phone() -> None:
    pictures = _pictures()
    readme = (ROOT / "README.md").read_text()
    for name, _ in pictures.ROOMS:
        for part in ("projector", "console", "phone"):
            path = f"docs/pictures/{name}-{part}.jpg"
            assert (ROOT / path).stat().st_size > 5_000, path
            assert path in readme, f"README does not show {path}"
