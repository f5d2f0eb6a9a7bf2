"""No emoji on the pages: venue laptops often lack an emoji font, so an emoji shows as an
empty box ("Time is up" did). Icons are inline SVG; these characters never appear."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# characters shown as emoji by default (Unicode's Emoji_Presentation), the ranges that occur
EMOJI = re.compile("[\U0001F300-\U0001FAFF\u23E9-\u23FA\u231A\u231B\u2614\u2615\u267F\u2693"
                   "\u26A1\u26AA\u26AB\u26BD\u26BE\u26C4\u26C5\u26CE\u26D4\u26EA\u26F2-\u26FD"
                   "\u2705\u270A\u270B\u2728\u274C\u274E\u2753-\u2755\u2757\u2795-\u2797"
                   "\u27B0\u27BF\u2B1B\u2B1C\u2B50\u2B55\uFE0F]")


# symbol characters many venue laptops and old phones lack a font for (the before-stop check's
# ranges): none on the pages either; marks are drawn in CSS (.tick, .star) or inline SVG
SYMBOLS = re.compile("[\u2600-\u27BF\u23F0-\u23FF]")


def test_pages_use_no_symbol_characters() -> None:
    found = []
    for folder, pattern in [("templates", "**/*.html"), ("static/js", "**/*.js"),
                            ("static/css", "**/*.css")]:
        for path in (ROOT / folder).glob(pattern):
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if SYMBOLS.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()[:80]}")
    assert not found, "symbol characters (draw them in CSS or inline SVG):\n" + "\n".join(found)


def test_pages_and_their_strings_use_no_emoji() -> None:
    found = []
    for folder, pattern in [("templates", "**/*.html"), ("static/js", "**/*.js"),
                            ("static/css", "**/*.css"), ("facilitator", "**/*.py")]:
        for path in (ROOT / folder).glob(pattern):
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if EMOJI.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()[:80]}")
    assert not found, "emoji (use inline SVG):\n" + "\n".join(found)
