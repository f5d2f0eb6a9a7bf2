"""Every page in the reader's language (docs/translating.md).

The create, review, join, phone, projector and console pages, fetched in Welsh, Polish and
Arabic: ``<html lang>`` says the language (and ``dir="rtl"`` for Arabic), and no English
sentence is left. "English sentence" is not a hand-made list: it is any message of the English
catalogue (messages.pot) whose translation differs, found whole in a text node, an attribute
people read (aria-label, title, alt, placeholder) or a string of the pages' JSON dictionaries,
with its placeholders matching anything. Participant and plan texts are allowed.
"""

from __future__ import annotations

import json
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po

from facilitator import i18n
from facilitator.core.plan import load_plan

LANGS = ("cy", "pl", "ar")
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdfr]|%[sdf]|\{\w+\}")
READ_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder"}
PLAN = {
    "title": "Our street",
    "purpose": "To hear what helps on our street.",
    "stages": [{"kind": "notes", "title": "First", "prompt": "What helps you keep well?"},
               {"kind": "cluster", "prompt": "Which themes?"},
               {"kind": "vote", "prompt": "Which first?"}],
}


@cache
def english_sentences(lang: str) -> tuple[set[str], list[tuple[str, re.Pattern[str], int]]]:
    """Each English message the language translates differently: plain ones as a set, those
    with placeholders as whole-text patterns."""
    with (i18n.LOCALE_DIR / "messages.pot").open("rb") as fh:
        template = read_po(fh)
    translated = i18n.translations(lang)
    plain, out = set(), []
    for message in template:
        if not message.id:
            continue
        forms = message.id if isinstance(message.id, tuple) else (message.id,)
        for english in forms:
            if not re.search(r"[A-Za-z]{2}", PLACEHOLDER.sub("", english)):
                continue  # no words of its own ("{n}", "%(a)s · %(b)s")
            if isinstance(message.id, tuple):
                theirs = translated.ngettext(message.id[0], message.id[1], 2)
            elif message.context:
                theirs = translated.pgettext(message.context, english)
            else:
                theirs = translated.gettext(english)
            if theirs == english:
                continue  # the same in both (a name, "OK"), or not translated: the catalogue
                # test reports untranslated messages
            if PLACEHOLDER.search(english):
                out.append((english, *pattern_of(english)))
            else:
                plain.add(" ".join(english.split()))
    return plain, out


class Texts(HTMLParser):
    """What a person can read on a page: text nodes, read attributes, JSON strings."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.html_attrs: dict[str, str] = {}
        self._skip = 0
        self._json = False
        self._buffer: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.html_attrs = {k: v or "" for k, v in found.items()}
        if tag in ("script", "style"):
            self._skip += 1
            self._json = tag == "script" and found.get("type") == "application/json"
            self._buffer = []
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value:
                self.texts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
            if self._json:
                self.texts.extend(strings(json.loads("".join(self._buffer))))
            self._json = False

    def handle_data(self, data: str) -> None:
        if self._skip:
            self._buffer.append(data)
        elif data.strip():
            self.texts.append(data)


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def pattern_of(message: str) -> tuple[re.Pattern[str], int]:
    """A message as a whole-text pattern (placeholders match anything), and how many of its
    characters are its own words."""
    parts = PLACEHOLDER.split(message)
    body = ".+?".join(re.escape(p) for p in parts)
    return re.compile(rf"\s*{body}\s*", re.S), len("".join(parts))


@cache
def own_sentences(lang: str) -> tuple[set[str], list[tuple[re.Pattern[str], int]]]:
    """The language's own translations: a text that is one of them is not English left, even
    when the words are the same ("1 dot" is Welsh too). Plain ones as a set, those with
    placeholders as patterns."""
    with i18n.catalogue_path(lang).open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    plain, patterns = set(), []
    for message in catalog:
        if message.id and not message.fuzzy:
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            for form in filter(None, forms):
                if PLACEHOLDER.search(form):
                    patterns.append(pattern_of(form))
                else:
                    plain.add(" ".join(form.split()))
    return plain, patterns


def own(text: str, lang: str) -> bool:
    plain, patterns = own_sentences(lang)
    return text in plain or any(matches(text, p, n) for p, n in patterns)


def matches(text: str, pattern: re.Pattern[str], literal: int) -> bool:
    # the message's own words must be most of the text, so "{first} and {last}" is not found
    # in every sentence with an "and" in it
    return literal * 2 >= len(text) and literal >= 3 and bool(pattern.fullmatch(text))


def english_left(page: str, lang: str, allowed: set[str]) -> list[str]:
    reader = Texts()
    reader.feed(page)
    left = []
    for text in reader.texts:
        text = " ".join(text.split())
        if text in allowed or own(text, lang):
            continue
        plain, patterns = english_sentences(lang)
        if text in plain:
            left.append(f"{text!r}")
            continue
        for english, pattern, literal in patterns:
            if matches(text, pattern, literal):
                left.append(f"{text!r} (msgid {english!r})")
                break
    return left


def html_attrs(page: str) -> dict[str, str]:
    reader = Texts()
    reader.feed(page)
    return reader.html_attrs


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """Each page in each language, fetched once (an app, a workshop per language)."""
    from facilitator.app import create_app, get_service

    app = create_app({"DATABASE": str(tmp_path_factory.mktemp("langs") / "t.db"),
                      "ASYNC_MODE": "threading", "TESTING": True,
                      "PUBLIC_URL": "http://phones.example:5000"})
    service = get_service(app)
    out: dict[str, dict[str, str]] = {}
    for lang in LANGS:
        client = app.test_client()
        client.set_cookie("lang", lang)
        row = service.create_workshop(load_plan({**PLAN, "languages": [lang]}))
        got = {
            "create": client.get("/"),
            "review": client.post("/create/review", data={"plan": "notes-wall"}),
            "join": client.get("/join"),
            "phone": client.get(f"/j/{row.code}"),
            "projector": app.test_client().get(f"/screen/{row.screen_key}"),
            "console": client.get(f"/console/{row.console_key}"),
        }
        for name, response in got.items():
            assert response.status_code == 200, (lang, name)
        out[lang] = {name: r.get_data(as_text=True) for name, r in got.items()}
    return out


def plan_texts() -> set[str]:
    """The plans' own texts (participant-written, not the app's sentences) are allowed."""
    out = set(strings(PLAN))
    root = Path(__file__).resolve().parents[2] / "sessions"
    for path in root.glob("*.yaml"):
        import yaml

        out |= {" ".join(s.split()) for s in strings(yaml.safe_load(path.read_text()))}
    return out


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", ["create", "review", "join", "phone", "projector", "console"])
def test_the_page_speaks_the_language_whole(pages: dict[str, dict[str, str]], lang: str,
                                            page: str) -> None:
    body = pages[lang][page]
    attrs = html_attrs(body)
    assert attrs.get("lang") == lang
    assert attrs.get("dir") == ("rtl" if lang == "ar" else "ltr")
    left = english_left(body, lang, plan_texts())
    assert not left, f"English left on the {lang} {page} page:\n" + "\n".join(left[:30])


def test_the_check_finds_english_when_there_is_some(pages: dict[str, dict[str, str]]) -> None:
    """The comparison can fail: an English page read as Welsh is all English sentences."""
    from facilitator.app import create_app

    app = create_app({"DATABASE": ":memory:", "ASYNC_MODE": "threading", "TESTING": True})
    english = app.test_client().get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert html_attrs(english)["lang"] == "en"
    assert len(english_left(english, "cy", set())) >= 5


def test_the_browsers_language_then_the_picker_choose_it(app) -> None:
    client = app.test_client()
    page = client.get("/join", headers={"Accept-Language": "pl-PL,pl;q=0.9,en;q=0.5"})
    assert html_attrs(page.get_data(as_text=True))["lang"] == "pl"
    picked = client.get("/language/ar?next=/join")
    assert picked.status_code == 303 and picked.headers["Location"] == "/join"
    page = client.get("/join", headers={"Accept-Language": "pl"})
    assert html_attrs(page.get_data(as_text=True)) == {"lang": "ar", "dir": "rtl"}
    # the picker goes back only to a page of this site
    assert client.get("/language/cy?next=https://evil.example/").headers["Location"] == "/"
    assert client.get("/language/cy?next=//evil.example/").headers["Location"] == "/"


def test_a_phone_without_a_choice_starts_in_the_workshops_language(app, service) -> None:
    row = service.create_workshop(load_plan({**PLAN, "languages": ["cy"]}))
    page = app.test_client().get(f"/j/{row.code}", headers={"Accept-Language": "fr, de"})
    assert html_attrs(page.get_data(as_text=True))["lang"] == "cy"


def test_every_page_but_the_projector_has_the_picker(pages: dict[str, dict[str, str]]) -> None:
    for name, body in pages["cy"].items():
        has = 'class="languages"' in body
        assert has == (name != "projector"), name
        if has:
            assert 'hreflang="ar" dir="rtl"' in body and 'aria-current="true">Cymraeg' in body


def test_exports_speak_the_facilitators_language(app, service) -> None:
    from facilitator.core.commands import PARTICIPANT, Actor
    from facilitator.core.state import FACILITATOR

    row = service.create_workshop(load_plan(PLAN))
    assert service.handle(row.id, Actor(FACILITATOR), "start", {}).ok
    joined = service.handle(row.id, Actor("visitor"), "join",
                            {"name": "Sam", "token": "sam-0123456789abcdef"})
    pid = joined.extra["participant"]["participant"]
    for text in ("\u202eA bench", "المكتبة مفتوحة"):
        assert service.handle(row.id, Actor(PARTICIPANT, pid), "post_note", {"text": text}).ok
    client = app.test_client()
    client.set_cookie("lang", "cy")
    with i18n.use("cy"):
        people = i18n.ngettext("%d person took part", "%d people took part", 1) % 1
        column = i18n.pgettext("CSV column", "text")
    assert column != "text"
    html = client.get(f"/console/{row.console_key}/export.html").get_data(as_text=True)
    assert html_attrs(html) == {"lang": "cy", "dir": "ltr"}
    md = client.get(f"/console/{row.console_key}/export.md").get_data(as_text=True)
    assert people in md
    # right-to-left or bidi-control text is an isolate in the plain-text report
    assert "\u2068\u202eA bench\u202c\u2069" in md and "\u2068المكتبة مفتوحة\u2069" in md
    csv = client.get(f"/console/{row.console_key}/export.csv").get_data(as_text=True)
    assert csv.splitlines()[0].split(",")[6] == column
    client.set_cookie("lang", "ar")
    html = client.get(f"/console/{row.console_key}/export.html").get_data(as_text=True)
    assert html_attrs(html) == {"lang": "ar", "dir": "rtl"}
