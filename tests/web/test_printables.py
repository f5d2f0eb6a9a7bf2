"""HTTP: the printables (facilitator/web/printables.py): what each page holds, its links, and
where it is not found. Rendering and reading the QR codes: tests/e2e/test_printables_e2e.py."""

import re

import yaml

from facilitator.core.plan import load_plan
from facilitator.core.signs import sign
from tests.conftest import ROOT

JOIN = "http://phones.example:5000/j/"


def cafe_row(service, **options):
    plan = yaml.safe_load((ROOT / "sessions" / "world-cafe.yaml").read_text())
    plan["stages"][0].setdefault("options", {}).update(options)
    return service.create_workshop(load_plan(plan))


def test_table_tents_for_200_tables_all_look_different(app, service) -> None:
    row = cafe_row(service, tables=12)
    page = app.test_client().get(f"/console/{row.console_key}/print/tables?n=9999")  # at most 200
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    fronts = re.findall(r'class="tent-side tent-front">\s*<div class="tent-sign"><svg class="sign '
                        r'sign-(\w+)" data-sign="(\d+)" data-colour="(\w+)" data-shape="(\w+)"',
                        html)
    assert len(fronts) == 200
    assert len({(style, colour, shape) for style, _n, colour, shape in fronts}) == 200
    urls = re.findall(r'data-url="([^"]+)"', html)
    assert urls == [f"{JOIN}{row.code}/table/{n}" for n in range(1, 201)]
    assert f"Table 7</p>\n      <p class=\"tent-label\">{sign(7).label()}" in html


def test_table_tents_default_to_the_plans_tables_and_keep_counts_sane(app, service) -> None:
    client = app.test_client()
    row = cafe_row(service, tables=6)
    assert client.get(f"/console/{row.console_key}/print/tables").get_data(
        as_text=True).count('class="sheet tent"') == 6
    for asked, got in (("0", 1), ("lots", 6)):
        html = client.get(f"/console/{row.console_key}/print/tables?n={asked}").get_data(
            as_text=True)
        assert html.count('class="sheet tent"') == got, asked


def test_poster_and_cards(app, service) -> None:
    row = cafe_row(service)
    client = app.test_client()
    poster = client.get(f"/console/{row.console_key}/print/poster").get_data(as_text=True)
    assert row.code in poster and "To hear what helps people" in poster
    assert f'aria-label="QR code to join: {JOIN}{row.code}"' in poster
    assert "<script" not in poster.split("</main>")[0]  # a page to print, nothing to run
    cards = client.get(f"/console/{row.console_key}/print/cards?n=23").get_data(as_text=True)
    assert cards.count('class="card-cut"') == 23 and cards.count('class="sheet cards"') == 3


def test_space_signs_only_for_an_open_space(app, service) -> None:
    client = app.test_client()
    cafe = cafe_row(service)
    assert client.get(f"/console/{cafe.console_key}/print/spaces").status_code == 404
    plan = yaml.safe_load((ROOT / "sessions" / "open-space.yaml").read_text())
    row = service.create_workshop(load_plan(plan))
    html = client.get(f"/console/{row.console_key}/print/spaces").get_data(as_text=True)
    assert html.count('class="sheet space"') >= 2
    assert client.get(f"/console/{row.console_key}/print/tables").status_code == 404
    listing = client.get(f"/console/{row.console_key}/print").get_data(as_text=True)
    assert "space signs" in listing and "table tents" not in listing


def test_the_console_links_to_the_printables_and_strangers_get_nothing(app, service) -> None:
    row = cafe_row(service)
    client = app.test_client()
    console = client.get(f"/console/{row.console_key}").get_data(as_text=True)
    assert f'href="/console/{row.console_key}/print"' in console
    for path in ("print", "print/poster", "print/tables", "print/cards"):
        assert client.get(f"/console/not-a-key/{path}").status_code == 404
        assert client.get(f"/console/{row.screen_key}/{path}").status_code == 404
