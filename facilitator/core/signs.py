"""Signs: a number, a colour and a shape for every table, group, space and pair (docs/signs.md).

People find their table or partner across a hall by the sign: "Table 4, blue triangle". The
colour is never the only cue: every sign has its number and a shape too, and its name says both.

The colours are the Okabe-Ito palette (chosen to stay apart for people with the common colour
vision deficiencies), each with the text colour (black or white) that reaches WCAG AA (4.5:1)
on it, and every shape has a dark outline, so even the yellow shape stands out from white
paper (WCAG 1.4.11, 3:1). Sign ``n`` takes colour ``(n - 1) % 8`` and shape ``(n - 1) % 9``:
as 8 and 9 share no factor, signs 1 to 72 all differ in colour and shape, and neighbouring
numbers differ in both. From 73 the same colours and shapes come back outlined (a white
middle inside a thick coloured edge), from 145 banded (a white band inside the shape):
signs 1 to 216 are all different, so a hall of 200 tables never has two that look alike.

One drawing serves the phone, the projector and paper: ``SHAPES`` holds each shape's SVG path
in a 100 x 100 box; templates/_signs.html draws it in Jinja and static/js/signs.js in the page
(a test keeps the two tables the same); ``signOf`` in signs.js makes the same sign from a number
alone, for pages whose views carry only a table's or a space's index (checked in Chromium by
tests/e2e/test_printables_e2e.py). Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from facilitator.i18n import _

DARK = "#000000"  # the dark text colour
OUTLINE = "#1a1a1a"  # the outline of every shape
LIGHT = "#ffffff"

# key, colour, name (translated when a sign is made)
COLOURS: tuple[tuple[str, str, str], ...] = (
    ("blue", "#0072B2", "blue"),
    ("orange", "#E69F00", "orange"),
    ("green", "#009E73", "green"),
    ("yellow", "#F0E442", "yellow"),
    ("pink", "#CC79A7", "pink"),
    ("sky", "#56B4E9", "light blue"),
    ("red", "#D55E00", "red"),
    ("black", "#000000", "black"),
)

# key, name, SVG path in a 100 x 100 box, and where the number's centre sits in it
SHAPES: tuple[tuple[str, str, str, int, int], ...] = (
    ("circle", "circle", "M50 4A46 46 0 1 1 49.99 4Z", 50, 50),
    ("square", "square", "M8 8H92V92H8Z", 50, 50),
    ("triangle", "triangle", "M50 4L97 92H3Z", 50, 64),
    ("diamond", "diamond", "M50 2L98 50L50 98L2 50Z", 50, 50),
    ("star", "star", "M50 2L61.8 35.5L97.6 35.5L68.9 57.3L79.4 91.5L50 71L20.6 91.5L31.1 57.3"
                     "L2.4 35.5L38.2 35.5Z", 50, 54),
    ("hexagon", "hexagon", "M27 6H73L97 50L73 94H27L3 50Z", 50, 50),
    ("cross", "cross", "M34 4H66V34H96V66H66V96H34V66H4V34H34Z", 50, 50),
    ("heart", "heart", "M50 94L10 54C-4 40 2 10 26 8C38 7 46 14 50 22C54 14 62 7 74 8"
                       "C98 10 104 40 90 54Z", 50, 46),
    ("house", "house", "M50 4L96 42V96H4V42Z", 50, 62),
)

STYLES = ("solid", "outline", "banded")
PER_STYLE = len(COLOURS) * len(SHAPES)  # 72: each colour with each shape once
UNIQUE = PER_STYLE * len(STYLES)  # 216 different signs


def _names() -> tuple[dict[str, str], dict[str, str]]:
    """The colour and shape names, translated (listed here so the catalogue has them)."""
    colours = {"blue": _("blue"), "orange": _("orange"), "green": _("green"),
               "yellow": _("yellow"), "pink": _("pink"), "sky": _("light blue"),
               "red": _("red"), "black": _("black")}
    shapes = {"circle": _("circle"), "square": _("square"), "triangle": _("triangle"),
              "diamond": _("diamond"), "star": _("star"), "hexagon": _("hexagon"),
              "cross": _("cross"), "heart": _("heart"), "house": _("house")}
    return colours, shapes


def _luminance(hex_colour: str) -> float:
    """Relative luminance (WCAG 2)."""
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_on(fill: str) -> str:
    """Black or white, whichever contrasts more with ``fill``."""
    return DARK if contrast(DARK, fill) >= contrast(LIGHT, fill) else LIGHT


@dataclass(frozen=True)
class Sign:
    """A table's, group's, space's or pair's sign."""

    number: int
    colour: str  # key, e.g. "blue"
    hex: str
    text: str  # the number's colour on the shape (black or white): AA on ``hex``
    shape: str  # key, e.g. "triangle"
    style: str  # "solid", "outline" or "banded"

    @property
    def path(self) -> str:
        return next(p for key, _name, p, _x, _y in SHAPES if key == self.shape)

    @property
    def number_colour(self) -> str:
        """The number's colour where it is drawn: on the colour, or on white (outline)."""
        return DARK if self.style == "outline" else self.text

    def label(self) -> str:
        """The sign in words, e.g. "blue triangle", "outlined blue triangle"."""
        colours, shapes = _names()
        names = {"colour": colours[self.colour], "shape": shapes[self.shape]}
        if self.style == "outline":
            return _("outlined %(colour)s %(shape)s") % names
        if self.style == "banded":
            return _("banded %(colour)s %(shape)s") % names
        return _("%(colour)s %(shape)s") % names

    def to_dict(self) -> dict[str, Any]:
        """The sign for a page (static/js/signs.js draws it from this)."""
        colours, shapes = _names()
        return {"number": self.number, "colour": self.colour, "hex": self.hex,
                "text": self.number_colour, "shape": self.shape, "style": self.style,
                "colour_name": colours[self.colour], "shape_name": shapes[self.shape],
                "label": self.label()}

    def drawing(self) -> dict[str, Any]:
        """What the Jinja macro draws: the dict, with the shape's path and number position."""
        _key, _name, path, x, y = next(s for s in SHAPES if s[0] == self.shape)
        return {**self.to_dict(), "path": path, "x": x, "y": y, "outline": OUTLINE}


def sign(number: int) -> Sign:
    """The sign of table, group, space or pair ``number`` (from 1). Numbers past ``UNIQUE``
    reuse the looks of earlier ones; the number itself still tells them apart."""
    if number < 1:
        raise ValueError("signs are numbered from 1")
    i = number - 1
    colour, hex_colour, _name = COLOURS[i % len(COLOURS)]
    shape = SHAPES[i % len(SHAPES)][0]
    style = STYLES[(i // PER_STYLE) % len(STYLES)]
    return Sign(number, colour, hex_colour, text_on(hex_colour), shape, style)


def sign_dict(number: int) -> dict[str, Any]:
    """``sign(number).to_dict()``: what a view sends to a page."""
    return sign(number).to_dict()
