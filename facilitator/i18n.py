"""Where user-facing text is translated, for the person who reads it.

Every sentence a person reads goes through ``_`` / ``ngettext``. The language they are
translated into is the *current* language, a context variable: a web request sets it from
the person's choice (cookie) or their browser (Accept-Language); a Socket.IO handler sets it
from the sender's socket, so a refusal raised deep in the core reaches its sender in their
own language; a view built for many screens is built once per language inside ``use(lang)``.
Context variables are per thread and per greenlet, so concurrent requests never mix.

Catalogues are ``facilitator/locale/<lang>/LC_MESSAGES/messages.po`` (domain ``messages``,
made and merged by ``scripts/translations``, docs/translating.md). No compiled ``.mo`` file
is kept anywhere: each ``.po`` is compiled in memory the first time its language is asked
for, and cached, so an installed copy can never serve a stale compiled catalogue. Fuzzy
entries are left out (gettext falls back to the English), as ``msgfmt`` does.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache, lru_cache
from io import BytesIO
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
SOURCE = "en"  # the language the msgids are written in

_current: ContextVar[str] = ContextVar("facilitator_language", default=SOURCE)


def catalogue_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=1)
def languages() -> tuple[str, ...]:
    """The shipped languages: English first, then every folder with a catalogue, sorted.

    A translator adds a language by adding its ``.po`` (``scripts/translations add xx``);
    nothing else lists the languages.
    """
    found = sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return (SOURCE, *[lang for lang in found if lang != SOURCE])


def is_shipped(lang: str | None) -> bool:
    return bool(lang) and lang in languages()


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue for ``lang`` (built in memory from its .po once, then cached)."""
    path = catalogue_path(lang)
    if lang == SOURCE or not is_shipped(lang) or not path.exists():
        return gettext.NullTranslations()  # English is the msgids themselves
    # Babel is imported here, not at the top: the pure core imports this module, and Babel
    # brings the clock (datetime) with it (tests/unit/test_agenda.py keeps the core clock-free)
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang, domain=DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def current() -> str:
    """The language text is being produced in right now."""
    return _current.get()


def set_current(lang: str) -> object:
    """Make ``lang`` current until reset (returns the token ``reset`` takes)."""
    return _current.set(lang if is_shipped(lang) else SOURCE)


def reset(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]


@contextmanager
def use(lang: str | None) -> Iterator[str]:
    """Produce text in ``lang`` inside the block (an unshipped language means English)."""
    token = _current.set(lang if lang and is_shipped(lang) else SOURCE)
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def _(message: str) -> str:
    """``message`` in the current language (the message itself when not translated)."""
    return translations(_current.get()).gettext(message)


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language, told apart from the same words elsewhere by
    ``context`` (a CSV column called "text" is not the word "text" in a sentence)."""
    return translations(_current.get()).pgettext(context, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a counted message the current language needs for ``n``."""
    return translations(_current.get()).ngettext(singular, plural, n)


CATEGORIES = ("zero", "one", "two", "few", "many", "other")  # CLDR's plural categories


@cache
def plural_samples(lang: str) -> dict[str, int]:
    """One whole number per CLDR plural category ``lang`` uses for whole numbers (the first
    of 0..200 the language's rule puts in it), e.g. Polish {one: 1, few: 2, many: 0}.

    ``other`` is always there: where a language keeps ``other`` for fractions only (Polish),
    it gets the sample of ``many``, the form the language's rule gives most whole numbers.
    """
    from babel import Locale  # here, not at the top, for the same reason as in translations()

    rule = Locale.parse(lang).plural_form
    samples: dict[str, int] = {}
    for n in range(201):
        samples.setdefault(rule(n), n)
    samples.setdefault("other", samples.get("many", 0))
    return {c: samples[c] for c in CATEGORIES if c in samples}


def plural_forms(singular: str, plural: str) -> dict[str, str]:
    """A counted message for the pages' JavaScript: every form the current language needs,
    by CLDR plural category (``{"one": ..., "few": ..., "many": ..., "other": ...}``).

    The page picks the form with ``Intl.PluralRules`` (``plural()`` in static/js/common.js),
    which speaks the same CLDR categories, so "5 osób" and "3 osoby" both come out right.
    """
    return {category: ngettext(singular, plural, n)
            for category, n in plural_samples(current()).items()}


def N_(message: str) -> str:  # noqa: N802 (the usual gettext name)
    """Mark ``message`` for the catalogue without translating it now (``_()`` it when read)."""
    return message


# Bidirectional text: participant text in one script must never reorder the text around it.
_OPENERS = {"\u202a", "\u202b", "\u202d", "\u202e"}  # LRE RLE LRO RLO, closed by PDF
_ISOLATES = {"\u2066", "\u2067", "\u2068"}  # LRI RLI FSI, closed by PDI
_PDF, _PDI = "\u202c", "\u2069"
_RTL = ("\u0590", "\u08ff")  # Hebrew, Arabic, Syriac, Thaana, N'Ko... (strong RTL letters)
_CONTROLS = _OPENERS | _ISOLATES | {_PDF, _PDI, "\u200e", "\u200f", "\u061c"}


def needs_isolation(text: str) -> bool:
    """Whether ``text`` holds right-to-left letters or bidi controls (U+202E...)."""
    return any(ch in _CONTROLS or _RTL[0] <= ch <= _RTL[1] or "\ufb1d" <= ch <= "\ufefc"
               for ch in text)


def isolate(text: str) -> str:
    """``text`` as a bidi isolate for plain-text exports (FSI ... PDI), where it needs one.

    The text's own controls are balanced first: an unmatched PDI would end our isolate early
    and is dropped; embeddings or isolates it leaves open are closed before our PDI. So a note
    holding U+202E (right-to-left override) cannot reverse the words after it.
    """
    if not needs_isolation(text):
        return text
    out: list[str] = []
    stack: list[str] = []
    for ch in text:
        if ch in _OPENERS or ch in _ISOLATES:
            stack.append(ch)
        elif ch == _PDF:
            if not stack or stack[-1] not in _OPENERS:
                continue  # nothing of its own to close
            stack.pop()
        elif ch == _PDI:
            if not any(c in _ISOLATES for c in stack):
                continue
            while stack and stack.pop() not in _ISOLATES:
                pass  # a PDI closes the embeddings opened inside its isolate too
        out.append(ch)
    closing = "".join(_PDI if c in _ISOLATES else _PDF for c in reversed(stack))
    return "\u2068" + "".join(out) + closing + _PDI


def best_match(wanted: list[str] | tuple[str, ...], default: str | None = None) -> str:
    """The first of ``wanted`` (codes like ``cy-GB``, ``pl``) that is shipped, by its language.

    Falls back to ``default`` when shipped, else English.
    """
    for code in wanted:
        base = code.replace("_", "-").split("-")[0].lower()
        if is_shipped(base):
            return base
    return default if default and is_shipped(default) else SOURCE


@cache
def direction(lang: str) -> str:
    """``rtl`` for a language written right to left (Arabic), else ``ltr``."""
    from babel import Locale, UnknownLocaleError

    try:
        return "rtl" if Locale.parse(lang).text_direction == "rtl" else "ltr"
    except (UnknownLocaleError, ValueError):
        return "ltr"


@cache
def native_name(lang: str) -> str:
    """The language's name in itself, as a picker shows it ("Cymraeg", "العربية")."""
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(lang).get_display_name(lang) or lang
    except (UnknownLocaleError, ValueError):
        return lang
    return name[:1].upper() + name[1:]


def choices() -> list[dict[str, str]]:
    """Every shipped language for a picker: code, name in itself and direction."""
    return [{"code": lang, "name": native_name(lang), "dir": direction(lang)}
            for lang in languages()]


__all__ = ["_", "N_", "ngettext", "plural_forms", "pgettext", "isolate", "use", "current",
           "languages",
           "best_match", "direction", "translations", "choices"]
