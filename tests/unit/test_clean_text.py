"""Participant text as stored (facilitator/core/commands.py ``clean_text``): NFC, one kind of
line break, no control characters but the line break, no surrounding space."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from facilitator.core.commands import clean_text
from facilitator.core.errors import DomainError


def by_definition(value: str) -> str:
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in value if ch == "\n" or unicodedata.category(ch) != "Cc").strip()


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_any_text_is_cleaned_as_defined(value: str) -> None:
    expected = by_definition(value)
    if not expected:
        with pytest.raises(DomainError):
            clean_text(value, 1000, "note")
    else:
        assert clean_text(value, 1000, "note") == expected


def test_control_characters_go_and_line_breaks_stay() -> None:
    assert clean_text(" Caf\u0065\u0301\x07 bar\r\nbaz\x00 ", 100, "note") == "Caf\u00e9 bar\nbaz"
    assert clean_text("zero\u200bwidth\u00a0space", 100, "note") == "zero\u200bwidth\u00a0space"
