"""Signs (facilitator/core/signs.py): unique, readable, the same drawing in Jinja and JS."""

import json
import re
from pathlib import Path

import pytest

from facilitator.core.signs import (
    COLOURS,
    LIGHT,
    OUTLINE,
    SHAPES,
    UNIQUE,
    contrast,
    sign,
)

ROOT = Path(__file__).resolve().parents[2]


def test_signs_1_to_200_are_unique_in_colour_and_shape() -> None:
    looks = [(sign(n).colour, sign(n).shape, sign(n).style) for n in range(1, 201)]
    assert len(set(looks)) == 200
    labels = [sign(n).label() for n in range(1, 201)]
    assert len(set(labels)) == 200  # told apart in words too, not by colour alone
    assert UNIQUE >= 200


def test_the_first_72_are_plain_and_neighbours_differ_in_colour_and_shape() -> None:
    assert {sign(n).style for n in range(1, 73)} == {"solid"}
    for n in range(1, 216):
        a, b = sign(n), sign(n + 1)
        assert a.colour != b.colour and a.shape != b.shape


def test_every_number_is_readable_on_its_colour() -> None:
    for key, hex_colour, _name in COLOURS:
        s = next(sign(n) for n in range(1, 9) if sign(n).colour == key)
        assert contrast(s.text, hex_colour) >= 4.5, key  # WCAG AA for the number
        # the shape stands out from white paper by its colour or its dark outline (1.4.11)
        assert max(contrast(hex_colour, LIGHT), contrast(OUTLINE, LIGHT)) >= 3


def test_labels_name_colour_and_shape() -> None:
    assert sign(1).label() == "blue circle"
    assert sign(3).label() == "green triangle"
    assert sign(73).label() == "outlined blue circle"
    assert sign(145).label() == "banded blue circle"
    d = sign(7).to_dict()
    assert d["number"] == 7 and d["colour_name"] == "red" and d["shape_name"] == "cross"


def test_no_sign_zero() -> None:
    with pytest.raises(ValueError):
        sign(0)


def test_the_javascript_draws_the_same_shapes() -> None:
    js = (ROOT / "static" / "js" / "signs.js").read_text()
    table = re.search(r"// BEGIN SHAPES.*?\n.*?= (\{.*?\});\n// END SHAPES", js, re.S)
    assert table, "static/js/signs.js lost its SHAPES table"
    shapes = json.loads(table.group(1))
    assert shapes == {key: [path, x, y] for key, _name, path, x, y in SHAPES}
