"""Languages in the core: choosing one, plans in several, bidi isolation, stop words."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator import i18n
from facilitator.core.errors import PlanError
from facilitator.core.plan import load_plan, parse_plan, resolve_text
from facilitator.core.state import Event, WorkshopState, apply
from facilitator.core.words import frequent, stop_words_for, tokens

# -- choosing a language ---------------------------------------------------------------------


def test_the_shipped_languages_are_found_from_the_catalogues() -> None:
    assert i18n.languages()[0] == "en"
    assert {"cy", "pl", "ar"} <= set(i18n.languages())
    assert {c["code"]: c["name"] for c in i18n.choices()}["cy"] == "Cymraeg"
    assert i18n.direction("ar") == "rtl" and i18n.direction("cy") == "ltr"


@pytest.mark.parametrize(("wanted", "default", "got"), [
    (["cy-GB", "en-GB"], None, "cy"),
    (["fr-FR", "pl"], None, "pl"),
    (["fr", "de"], "cy", "cy"),  # nothing shipped: the workshop's default
    (["fr"], "xx", "en"),
    ([], None, "en"),
    (["AR_eg"], None, "ar"),
])
def test_the_best_shipped_match_of_a_browsers_languages(wanted: list[str], default: str | None,
                                                        got: str) -> None:
    assert i18n.best_match(wanted, default) == got


def test_use_sets_and_restores_the_current_language() -> None:
    assert i18n.current() == "en"
    with i18n.use("cy"):
        assert i18n.current() == "cy"
        with i18n.use("zz"):  # not shipped: English
            assert i18n.current() == "en"
        assert i18n.current() == "cy"
    assert i18n.current() == "en"


# -- plans in several languages --------------------------------------------------------------

PLAN = {
    "title": {"en": "What keeps us well?", "cy": "Beth sy'n ein cadw'n iach?"},
    "purpose": "Plain in every language.",
    "stages": [
        {"kind": "notes", "title": {"en": "Notes", "cy": "Nodiadau"},
         "prompt": {"en": "What helps you?", "cy": "Beth sy'n eich helpu?"}},
        {"kind": "cafe", "prompt": {"en": "Talk", "cy": "Sgwrs"},
         "options": {"questions": [{"en": "First?", "cy": "Cyntaf?"}, "Second?"],
                     "etiquette": {"en": ["Listen"], "cy": ["Gwrandewch"]}}},
    ],
}


def test_a_plan_gives_each_text_in_the_language_asked_for_else_its_first() -> None:
    plan = load_plan(PLAN)
    assert plan.first_language == "en" and plan.workshop_languages == ("en",)
    assert plan.title == "What keeps us well?"
    cy = plan.in_language("cy")
    assert cy.title == "Beth sy'n ein cadw'n iach?"
    assert cy.purpose == "Plain in every language."
    assert [s.prompt for s in cy.stages] == ["Beth sy'n eich helpu?", "Sgwrs"]
    assert cy.stages[1].options["questions"] == ["Cyntaf?", "Second?"]
    assert cy.stages[1].options["etiquette"] == ["Gwrandewch"]
    pl = plan.in_language("pl")  # no Polish given: the plan's first language
    assert pl.title == "What keeps us well?" and pl.stages[0].title == "Notes"
    assert plan.in_language("cy") is cy  # built once per language


def test_every_language_comes_back_from_to_dict_and_the_state_speaks_the_current() -> None:
    plan = load_plan(PLAN)
    again = load_plan(plan.to_dict())
    assert again.to_dict() == plan.to_dict()
    assert again.in_language("cy").stages[0].prompt == "Beth sy'n eich helpu?"
    state = WorkshopState()
    apply(state, Event(1, "workshop_created", "facilitator", 0.0, {"plan": plan.to_dict()}))
    assert state.stages[0].prompt == "What helps you?"
    with i18n.use("cy"):
        assert state.stages[0].prompt == "Beth sy'n eich helpu?"
        assert state.plan is not None and state.plan.title == "Beth sy'n ein cadw'n iach?"


def test_languages_names_the_workshops_languages_in_order() -> None:
    plan = load_plan({**PLAN, "languages": ["cy", "en"]})
    assert plan.workshop_languages == ("cy", "en")
    assert plan.title == "Beth sy'n ein cadw'n iach?"  # the first named language
    plain = parse_plan("title: T\nlanguages: [pl]\nstages: [{kind: notes, prompt: P}]")
    assert plain.workshop_languages == ("pl",) and plain.to_dict()["languages"] == ["pl"]


@pytest.mark.parametrize(("change", "field", "says"), [
    ({"title": {"en": "T", "fr": "Titre"}}, "title.fr", "unknown language 'fr'"),
    ({"languages": ["cy", "xx"]}, "languages[1]", "unknown language 'xx'"),
    ({"languages": ["cy", "en", "pl"]}, "languages", "at most two languages"),
    ({"languages": ["cy", "cy"]}, "languages", "each language once"),
    ({"title": {"en": "", "cy": ""}}, "title", "is required"),
    ({"title": {"en": "x" * 121}}, "title.en", "too long"),
])
def test_a_wrong_language_is_refused_with_a_sentence(change: dict, field: str, says: str) -> None:
    with pytest.raises(PlanError) as err:
        load_plan({**PLAN, **change})
    assert err.value.field == field and says in err.value.message


def test_a_wrong_language_inside_an_option_is_refused() -> None:
    stage = {"kind": "cafe", "prompt": "Talk", "options": {"questions": [{"de": "Erste?"}]}}
    with pytest.raises(PlanError) as err:
        load_plan({"title": "T", "stages": [stage]})
    assert err.value.field == "stages[0].options.questions[0].de"


def test_the_ready_plans_carry_english_and_welsh() -> None:
    from pathlib import Path

    sessions = Path(__file__).resolve().parents[2] / "sessions"
    for path in sorted(sessions.glob("*.yaml")):
        plan = parse_plan(path.read_bytes())
        assert {"en", "cy"} <= set(plan.text_languages), path.name
        cy = plan.in_language("cy")
        assert cy.title != plan.in_language("en").title, path.name
        assert all(s.prompt != e.prompt for s, e in zip(cy.stages, plan.stages, strict=True)
                   if s.prompt), path.name


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(["en", "cy", "pl", "ar"]), st.text(max_size=20),
                       min_size=1), st.sampled_from(["en", "cy", "pl", "ar", None]))
def test_resolve_text_gives_the_asked_language_or_a_given_one(texts: dict[str, str],
                                                              lang: str | None) -> None:
    got = resolve_text(texts, lang, ["en"])
    if lang in texts and texts[lang]:
        assert got == texts[lang]
    elif any(texts.values()):
        assert got in texts.values() and got
    else:
        assert got == ""


# -- bidi isolation in plain-text exports ----------------------------------------------------

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def balanced(text: str) -> bool:
    """Every opener closed, nothing closed that was not opened (UAX #9: a PDI also closes the
    embeddings opened inside its isolate)."""
    stack: list[str] = []
    for ch in text:
        if ch in "\u202a\u202b\u202d\u202e\u2066\u2067\u2068":
            stack.append(ch)
        elif ch == "\u202c":
            if not stack or stack[-1] in "\u2066\u2067\u2068":
                return False
            stack.pop()
        elif ch == "\u2069":
            if not any(c in "\u2066\u2067\u2068" for c in stack):
                return False
            while stack.pop() not in "\u2066\u2067\u2068":
                pass
    return not stack


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(BIDI) + list("ab \u0627\u0644")), max_size=30))
def test_an_isolated_text_closes_everything_it_opens(text: str) -> None:
    out = i18n.isolate(text)
    if i18n.needs_isolation(text):
        assert out.startswith("\u2068") and out.endswith("\u2069") and balanced(out)
        assert [c for c in out if c not in BIDI] == [c for c in text if c not in BIDI]
    else:
        assert out == text


def test_plain_latin_text_is_left_as_it_is() -> None:
    assert i18n.isolate("A bench by the bus stop") == "A bench by the bus stop"
    assert i18n.isolate("\u202eevil") == "\u2068\u202eevil\u202c\u2069"


# -- stop words per language -----------------------------------------------------------------

def test_each_note_loses_the_stop_words_of_its_own_language() -> None:
    words = frequent(["Mae'r llyfrgell yn dda", "Mae llyfrgell yn y dref",
                      "Biblioteka jest w centrum", "biblioteka i park",
                      "المكتبة في المدينة", "المَكتبة جميلة",
                      "a pan and a pot", "the pan is hot"])["words"]
    assert words == [["biblioteka", 2], ["llyfrgell", 2], ["pan", 2], ["المكتبة", 2]]


def test_arabic_words_are_read_without_short_vowels() -> None:
    assert tokens("المَكْتَبَةُ") == ["المكتبة"]
    assert "في" in stop_words_for(tokens("كتاب في المكتبة"))
