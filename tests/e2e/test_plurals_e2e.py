"""Counted words in the pages' JavaScript, in a real Chromium (plural() in static/js/common.js).

The console in Polish gets every counted message as {CLDR category: form}, the categories
Polish uses, and ``plural()`` picks "few" for 3 and 22 and "many" for 5, 12 and 25 with the
browser's ``Intl.PluralRules``, the same form gettext's Plural-Forms gives Python for that
number; English picks "one" for 1 and "other" for the rest, and the ranks read 1st, 2nd, 3rd.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from facilitator import i18n

pytestmark = [pytest.mark.e2e]

TAGGED = {"one": "ONE {n}", "few": "FEW {n}", "many": "MANY {n}", "other": "OTHER {n}"}


def console_in(room: Any, lang: str) -> tuple[Page, dict]:
    w = room.server.create()
    page = room.new_page(viewport={"width": 1280, "height": 900})
    page.context.add_cookies([{"name": "lang", "value": lang, "url": room.server.url}])
    page.goto(w["console_url"])
    page.wait_for_function("() => document.documentElement.lang !== ''")
    assert page.evaluate("() => document.documentElement.lang") == lang
    t = page.evaluate("() => JSON.parse(document.getElementById('config').textContent).t")
    return page, t


def pick(page: Page, entry: dict, numbers: list[int]) -> list[str]:
    return page.evaluate("""async ([entry, numbers]) => {
        const { plural } = await import("/static/js/common.js");
        return numbers.map((n) => plural(entry, n));
    }""", [entry, numbers])


def test_polish_picks_few_for_3_and_many_for_5_as_gettext_does(room: Any) -> None:
    page, t = console_in(room, "pl")
    assert set(t["dots"]) == {"one", "few", "many", "other"}  # Polish's categories, from CLDR
    numbers = [1, 3, 5, 12, 22, 25]
    assert pick(page, TAGGED, numbers) == ["ONE 1", "FEW 3", "MANY 5", "MANY 12", "FEW 22",
                                           "MANY 25"]
    with i18n.use("pl"):  # the page's own forms: the ones gettext gives for the same numbers
        want = [i18n.ngettext("{n} dot", "{n} dots", n).replace("{n}", str(n)) for n in numbers]
    assert pick(page, t["dots"], numbers) == want


def test_english_picks_one_and_other_and_ranks_read_1st_2nd_3rd(room: Any) -> None:
    page, t = console_in(room, "en")
    assert t["dots"] == {"one": "{n} dot", "other": "{n} dots"}
    assert pick(page, t["dots"], [0, 1, 2, 5]) == ["0 dots", "1 dot", "2 dots", "5 dots"]
    assert pick(page, {"other": "{n} only"}, [3]) == ["3 only"]  # a missing category: other
    ranks = page.evaluate("""async () => {
        const { rankWords } = await import("/static/js/results.js");
        return [1, 2, 3, 4, 11, 21, 22, 23].map((rank) => rankWords({ rank, tied: false }, {}));
    }""")
    assert ranks == ["1st", "2nd", "3rd", "4th", "11th", "21st", "22nd", "23rd"]
