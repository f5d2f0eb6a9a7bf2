"""Deficit-wording advice and the standard interview guide (facilitator/core/affirmative.py)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.core.affirmative import (
    DEFICIT_WORDS,
    DEFICIT_WORDS_CY,
    STANDARD_GUIDE,
    Advice,
    deficit_advice,
)

ALL_WORDS = sorted({w for words in DEFICIT_WORDS.values() for w in words})
AFFIRMATIVE = [
    "what makes us healthy",
    "how do we make this a smoke-free town",
    "How do we make this a smoke-free town?",
    "What gives life to our neighbourhood when it is at its best?",
    "When were you most proud of our school?",
    "How do we become a place where everyone has somewhere to meet?",
    "a not-for-profit, problem-solving cafe",
    "Notable stopovers and fixtures",
]


def kinds(text: str) -> dict[str, tuple[str, ...]]:
    return {a.kind: a.words for a in deficit_advice(text)}


def test_the_smoking_example_points_at_a_smoke_free_town() -> None:
    (advice,) = deficit_advice("how do we stop people smoking")
    assert advice.kind == "stop"
    assert advice.words == ("stop",)
    assert advice.spans == ((10, 14),)
    assert "smoke-free town" in advice.hint
    assert advice.message


@pytest.mark.parametrize(("text", "kind", "word"), [
    ("How do we stop people smoking?", "stop", "stop"),
    ("Reduce waste in the canteen", "stop", "Reduce"),
    ("How to prevent falls", "stop", "prevent"),
    ("The parking problem", "problem", "problem"),
    ("Barriers to volunteering", "problem", "Barriers"),
    ("Our funding deficit", "problem", "deficit"),
    ("The issue with buses", "problem", "issue"),
    ("How do we fix the library?", "fix", "fix"),
    ("The lack of youth clubs", "lack", "lack"),
    ("Why projects fail", "fail", "fail"),
    ("Why do people not vote?", "negative", "not"),
    ("Young people never come", "negative", "never"),
    ("Why we can't recruit", "negative", "can't"),
    ("Why we can\u2019t recruit", "negative", "can\u2019t"),
    ("They won't come back", "negative", "won't"),
    ("There is NOT ENOUGH housing", "lack", "NOT ENOUGH"),
    ("Get rid  of graffiti", "stop", "Get rid  of"),
])
def test_deficit_words_are_flagged(text: str, kind: str, word: str) -> None:
    found = kinds(text)
    assert word in found.get(kind, ()), found


@pytest.mark.parametrize("text", AFFIRMATIVE)
def test_affirmative_phrasings_are_not_flagged(text: str) -> None:
    assert deficit_advice(text) == []


def test_each_kind_is_reported_once_with_all_its_words_in_order() -> None:
    advice = deficit_advice("Never mind the problems: stop the issues, never stop.")
    assert [a.kind for a in advice] == ["negative", "problem", "stop"]
    assert advice[0].words == ("Never", "never")
    assert advice[1].words == ("problems", "issues")
    assert advice[2].words == ("stop", "stop")


def test_a_longer_phrase_wins_over_a_word_inside_it() -> None:
    assert kinds("not enough, and not now") == {"lack": ("not enough",), "negative": ("not",)}


def test_word_lists_are_lowercase_and_each_word_has_one_kind() -> None:
    listed = [w for words in DEFICIT_WORDS.values() for w in words]
    assert len(listed) == len(set(listed))
    assert all(w == w.lower().strip() for w in listed)
    for kind in DEFICIT_WORDS:
        assert kind in {a.kind for a in deficit_advice(DEFICIT_WORDS[kind][0])}


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=80))
def test_advice_never_refuses_and_points_at_real_words(text: str) -> None:
    advice = deficit_advice(text)
    spans = sorted(s for a in advice for s in a.spans)
    assert all(a <= b for (_s, a), (b, _e) in zip(spans, spans[1:], strict=False))
    for a in advice:
        assert isinstance(a, Advice) and a.message and a.hint
        assert a.words == tuple(text[s:e] for s, e in a.spans)
        for word in a.words:
            plain = re.sub(r"\s+", " ", word.replace("\u2019", "'")).lower()
            assert plain in DEFICIT_WORDS[a.kind] + DEFICIT_WORDS_CY[a.kind]


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(ALL_WORDS), st.sampled_from(AFFIRMATIVE), st.booleans())
def test_a_deficit_word_in_an_affirmative_sentence_is_flagged(word: str, sentence: str,
                                                              upper: bool) -> None:
    text = f"{sentence} {word.upper() if upper else word} today"
    found = [w.lower() for a in deficit_advice(text) for w in a.words]
    assert word in found


# -- Welsh -----------------------------------------------------------------------------------

WELSH_AFFIRMATIVE = [
    "Beth sy'n ein gwneud ni'n iach?",
    "Sut gallwn ni wneud hon yn dref ddi-fwg?",
    "Pryd oeddech chi fwyaf balch o'n hysgol?",
    "Beth sy'n rhoi bywyd i'n cymdogaeth ar ei gorau?",
]


def test_welsh_deficit_wording_is_noticed_mutated_forms_too() -> None:
    found = kinds("Sut i ddatrys problem y diffyg tai? Dydy pobl ddim yn dod.")
    assert found == {"fix": ("ddatrys",), "problem": ("problem",), "lack": ("diffyg",),
                     "negative": ("Dydy", "ddim")}
    assert kinds("Sut mae atal pobl rhag ysmygu?") == {"stop": ("atal",)}
    assert kinds("ei broblemau a'i fethiant") == {"problem": ("broblemau",),
                                                   "fail": ("fethiant",)}


@pytest.mark.parametrize("text", WELSH_AFFIRMATIVE)
def test_affirmative_welsh_is_left_alone(text: str) -> None:
    assert deficit_advice(text) == []


def test_welsh_lists_are_lowercase_the_same_kinds_and_each_word_has_one_kind() -> None:
    assert set(DEFICIT_WORDS_CY) == set(DEFICIT_WORDS)
    listed = [w for words in DEFICIT_WORDS_CY.values() for w in words]
    assert len(listed) == len(set(listed))
    assert all(w == w.lower().strip() for w in listed)


def test_the_advice_speaks_the_current_language(monkeypatch: pytest.MonkeyPatch) -> None:
    import gettext

    from facilitator import i18n

    class Welsh(gettext.NullTranslations):
        def gettext(self, message: str) -> str:
            return "CY " + message

    monkeypatch.setattr(i18n, "translations", lambda lang: Welsh() if lang == "cy"
                        else gettext.NullTranslations())
    with i18n.use("cy"):
        (advice,) = deficit_advice("sut i atal ysmygu")
        assert advice.message.startswith("CY ") and advice.hint.startswith("CY ")
        assert STANDARD_GUIDE[0].title == "CY A high point"
    assert STANDARD_GUIDE[0].title == "A high point"


# -- the interview guide ---------------------------------------------------------------------

def test_standard_guide_has_the_four_generic_questions() -> None:
    assert [q.key for q in STANDARD_GUIDE] == ["high_point", "values", "core_factors", "wishes"]
    assert all(q.title and q.question and q.prompts for q in STANDARD_GUIDE)
    values = STANDARD_GUIDE[1].question
    assert all(w in values for w in ("yourself", "work", "community", "modest"))
    assert "three wishes" in STANDARD_GUIDE[3].question
    assert "give life" in STANDARD_GUIDE[2].question


def test_the_guide_itself_is_worded_affirmatively() -> None:
    for q in STANDARD_GUIDE:
        for text in (q.title, q.question, *q.prompts):
            assert deficit_advice(text) == [], text
