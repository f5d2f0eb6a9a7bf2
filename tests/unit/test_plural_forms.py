"""Counted messages for the pages' JavaScript (i18n.plural_forms, docs/translating.md).

Each shipped language gets one form per CLDR plural category it uses, each the gettext form
for a number in that category; and no template or script goes back to the "_one / _other"
pair that only knew English's two forms.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel import Locale

from facilitator import i18n

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
SCRIPTS = sorted(p for p in (ROOT / "static" / "js").rglob("*.js") if "vendor" not in p.parts)

WANT = {"en": {"one", "other"}, "pl": {"one", "few", "many", "other"},
        "cy": {"zero", "one", "two", "few", "many", "other"},
        "ar": {"zero", "one", "two", "few", "many", "other"}}


def test_every_shipped_language_is_covered_here() -> None:
    assert set(i18n.languages()) == set(WANT)


@pytest.mark.parametrize("lang", sorted(WANT))
def test_plural_forms_has_the_categories_of_each_language(lang: str) -> None:
    with i18n.use(lang):
        forms = i18n.plural_forms("{n} dot", "{n} dots")
    assert set(forms) == WANT[lang]


@pytest.mark.parametrize("lang", sorted(WANT))
def test_each_sample_is_in_its_category_and_gets_gettexts_form(lang: str) -> None:
    rule = Locale.parse(lang).plural_form
    samples = i18n.plural_samples(lang)
    for category, n in samples.items():
        if category != "other" or "many" not in samples or lang != "pl":
            assert rule(n) == category, (lang, category, n)
    with i18n.use(lang):
        forms = i18n.plural_forms("{n} dot", "{n} dots")
        for category, n in samples.items():
            assert forms[category] == i18n.ngettext("{n} dot", "{n} dots", n)


def test_polish_samples_and_english_forms() -> None:
    assert i18n.plural_samples("pl") == {"one": 1, "few": 2, "many": 0, "other": 0}
    assert i18n.plural_samples("cy") == {"zero": 0, "one": 1, "two": 2, "few": 3, "many": 6,
                                         "other": 4}
    with i18n.use("en"):
        assert i18n.plural_forms("{n} dot", "{n} dots") == {"one": "{n} dot", "other": "{n} dots"}


def test_a_translated_plural_gives_each_category_its_own_form(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """With a real Plural-Forms header, the few and many forms come out apart."""
    import gettext
    from io import BytesIO

    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    catalog = Catalog(locale="pl")
    catalog.add(("{n} dot", "{n} dots"), ("{n} kropka", "{n} kropki", "{n} kropek"))
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    polish = gettext.GNUTranslations(buffer)
    monkeypatch.setattr(i18n, "translations", lambda lang: polish)
    with i18n.use("pl"):
        forms = i18n.plural_forms("{n} dot", "{n} dots")
    assert forms == {"one": "{n} kropka", "few": "{n} kropki", "many": "{n} kropek",
                     "other": "{n} kropek"}


def _keys(text: str) -> set[str]:
    return set(re.findall(r'"(\w+)":\s*(?:_|plural_forms|pgettext)\(', text))


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_keeps_a_one_other_pair(path: Path) -> None:
    keys = _keys(path.read_text())
    pairs = sorted(k for k in keys if k.endswith("_one")
                   and (k[:-4] in keys or f"{k[:-4]}_other" in keys))
    pairs += sorted(k for k in keys if k.endswith("_other") and f"{k[:-6]}_one" in keys)
    assert pairs == [], f"{path}: counted words as a _one/_other pair; use plural_forms()"


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_script_chooses_a_string_by_n_equals_1(path: Path) -> None:
    text = path.read_text()
    chooses = re.findall(r"===\s*1\s*\?\s*(?:this\.|ctx\.)?t(?:\.\w+_(?:one|other)\b|\[)", text)
    keyed = re.findall(r"\$\{\w+\}_(?:one|other)", text)
    assert chooses == [] and keyed == [], f"{path}: use plural(entry, n) from common.js"
