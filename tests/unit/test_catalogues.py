"""Every shipped catalogue is complete and safe (docs/translating.md).

- the template (messages.pot) holds exactly the messages the code and templates mark today,
  and every language's catalogue holds exactly the template's messages (`scripts/translations
  update` makes both true);
- every message is translated, none fuzzy, with as many plural forms as the language's
  Plural-Forms says and that number the one CLDR gives the language (cy 6, ar 6, pl 3);
- every translation keeps the English placeholders exactly (%(name)s, %d, {name}), and the
  python-format ones pass Babel's own checks.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from facilitator import i18n

ROOT = Path(__file__).resolve().parents[2]
POT = i18n.LOCALE_DIR / "messages.pot"
PLACEHOLDER = re.compile(r"%\([A-Za-z_]\w*\)[#0\- +]*\d*(?:\.\d+)?[sdfri]|%[sdfi]|\{[A-Za-z_]\w*\}")
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None,  # as scripts/translations extracts
            "plural_forms": (1, 2)}  # counted words for the pages' JavaScript


def load(path: Path, lang: str | None = None):  # type: ignore[no-untyped-def]
    with path.open("rb") as fh:
        return read_po(fh, locale=lang)


def ids(catalog) -> set[object]:  # type: ignore[no-untyped-def]
    return {m.id for m in catalog if m.id}


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


@pytest.fixture(scope="module")
def template():  # type: ignore[no-untyped-def]
    return load(POT)


def test_the_template_is_current_with_the_code(template) -> None:  # type: ignore[no-untyped-def]
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    marked: set[object] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS):
        marked.add(message if isinstance(message, str) else tuple(message))
    missing = marked - ids(template)
    stale = ids(template) - marked
    assert not missing and not stale, (
        f"run scripts/translations update: {len(missing)} messages not in messages.pot "
        f"(e.g. {sorted(map(str, missing))[:3]}), {len(stale)} no longer used")


@pytest.mark.parametrize("lang", i18n.languages())
def test_the_catalogue_holds_the_templates_messages(lang: str, template) -> None:  # type: ignore[no-untyped-def]
    catalog = load(i18n.catalogue_path(lang), lang)
    assert ids(catalog) == ids(template), "run scripts/translations update"


@pytest.mark.parametrize("lang", i18n.languages())
def test_plural_forms_are_cldrs(lang: str) -> None:
    catalog = load(i18n.catalogue_path(lang), lang)
    assert catalog.num_plurals == get_plural(lang).num_plurals
    assert catalog.plural_expr == get_plural(lang).plural_expr


@pytest.mark.parametrize("lang", i18n.languages())
def test_every_message_is_translated_whole(lang: str) -> None:
    catalog = load(i18n.catalogue_path(lang), lang)
    problems: list[str] = []
    for message in catalog:
        if not message.id:
            continue
        shown = message.id if isinstance(message.id, str) else message.id[0]
        if message.fuzzy:
            problems.append(f"fuzzy: {shown!r}")
        if message.pluralizable:
            forms = list(message.string)
            if len(forms) != catalog.num_plurals or not all(forms):
                problems.append(f"plural forms missing ({sum(map(bool, forms))} of "
                                f"{catalog.num_plurals}): {shown!r}")
            # a form says every placeholder of the singular and only those of the plural: a
            # form used for one alone may say "One dot" for "%(n)d dots", as English does
            least, most = set(placeholders(message.id[0])), set(placeholders(message.id[1]))
            for form in forms:
                if form and not least <= set(placeholders(form)) <= most:
                    problems.append(f"placeholders {placeholders(form)} not between "
                                    f"{sorted(least)} and {sorted(most)}: {shown!r}")
        else:
            if not message.string:
                problems.append(f"untranslated: {shown!r}")
            elif placeholders(message.string) != placeholders(message.id):
                problems.append(f"placeholders {placeholders(message.string)} not "
                                f"{placeholders(message.id)}: {shown!r}")
        for error in message.check(catalog):
            problems.append(f"{error}: {shown!r}")
    assert not problems, f"{lang}: {len(problems)} problems\n" + "\n".join(problems[:40])


def test_the_app_compiles_each_catalogue_in_memory() -> None:
    """What a fresh install serves: the .po itself, no compiled file that could lag behind."""
    assert not list(i18n.LOCALE_DIR.rglob("*.mo"))
    for lang in i18n.languages():
        catalog = load(i18n.catalogue_path(lang), lang)
        compiled = i18n.translations(lang)
        for message in catalog:
            if message.id and not message.pluralizable and message.string and not message.fuzzy:
                got = (compiled.pgettext(message.context, message.id) if message.context
                       else compiled.gettext(message.id))
                assert got == message.string
