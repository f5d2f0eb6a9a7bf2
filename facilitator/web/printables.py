"""Printables for the room (docs/signs.md): A4 pages the facilitator prints from the console.

A join poster (a large QR code, the address, the code, the purpose); World Café table tents
(each table's number, colour and shape, and a QR code for ``/j/<code>/table/<n>``, which seats
whoever scans it at that table); Open Space space signs; and a sheet of small QR cards to hand
out. QR codes are drawn here, by the qrcode library, as SVG: nothing leaves the machine.
"""

from __future__ import annotations

import math
import re
from typing import Any

from flask import Blueprint, abort, render_template, request
from markupsafe import Markup

from facilitator.core.signs import sign
from facilitator.i18n import _
from facilitator.web import _row, links, qr_svg, service

bp = Blueprint("printables", __name__)

MAX_TABLES = 200
MAX_CARDS = 200
CARDS_PER_PAGE = 10  # 2 by 5 on A4


def qr(data: str, label: str) -> Markup:
    """A QR code as inline SVG that scales to its box, named for screen readers."""
    svg = qr_svg(data)
    svg = re.sub(r'^<svg width="[^"]*" height="[^"]*"',
                 f'<svg class="qr" role="img" aria-label="{Markup.escape(label)}"', svg)
    return Markup(svg)  # the qrcode library's own markup; the label is escaped above


def _state(key: str) -> tuple[Any, Any]:
    row = _row(console_key=key)
    live = service().live(row.id)
    if live is None:
        abort(404)
    return row, live.state


def _count(name: str, default: int, most: int) -> int:
    try:
        return max(1, min(int(request.args.get(name, default)), most))
    except ValueError:
        return default


def _cafe_tables(state: Any) -> int:
    """How many tables the café has: its seating once planned, else what the plan says (a
    fixed number of tables, or the people so far at its table size), at least 4."""
    from facilitator.core.plan import stage_option

    for index, stage in enumerate(state.stages):
        if stage.kind != "cafe":
            continue
        c = state.cafes.get(index)
        if c is not None and c.seating is not None:
            return c.seating.tables
        fixed = stage_option(stage, "tables")
        people = len(state.participants)
        return fixed or max(4, math.ceil(people / stage_option(stage, "table_size")))
    return 0


def _spaces(state: Any) -> list[Any]:
    from facilitator.activities.openspace import grid

    for stage in state.stages:
        if stage.kind == "openspace":
            return grid(stage)[0]
    return []


@bp.get("/console/<key>/print")
def printables(key: str) -> str:
    """The list of what can be printed for this workshop."""
    row, state = _state(key)
    return render_template("print/index.html", row=row, links=links(row),
                           tables=_cafe_tables(state), spaces=len(_spaces(state)))


@bp.get("/console/<key>/print/poster")
def poster(key: str) -> str:
    row, state = _state(key)
    join = links(row)["join_url"]
    return render_template("print/poster.html", row=row, join_url=join,
                           purpose=state.plan.purpose if state.plan else "",
                           qr=qr(join, _("QR code to join: %s") % join))


@bp.get("/console/<key>/print/tables")
def tables(key: str) -> str:
    row, state = _state(key)
    planned = _cafe_tables(state)
    if not planned:
        abort(404)
    n = _count("n", planned, MAX_TABLES)
    join = links(row)["join_url"]
    tents = []
    for number in range(1, n + 1):
        url = f"{join}/table/{number}"
        tents.append({"number": number, "sign": sign(number).drawing(), "url": url,
                      "qr": qr(url, _("QR code to join at table %(n)d: %(url)s")
                               % {"n": number, "url": url})})
    return render_template("print/tables.html", row=row, tents=tents, n=n, planned=planned,
                           most=MAX_TABLES)


@bp.get("/console/<key>/print/spaces")
def spaces(key: str) -> str:
    row, state = _state(key)
    found = _spaces(state)
    if not found:
        abort(404)
    signs = [{"number": i + 1, "name": s.name, "capacity": s.capacity,
              "sign": sign(i + 1).drawing()} for i, s in enumerate(found)]
    return render_template("print/spaces.html", row=row, spaces=signs)


@bp.get("/console/<key>/print/cards")
def cards(key: str) -> str:
    row, state = _state(key)
    n = _count("n", CARDS_PER_PAGE * 3, MAX_CARDS)
    join = links(row)["join_url"]
    code = qr(join, _("QR code to join: %s") % join)
    pages = [list(range(start, min(start + CARDS_PER_PAGE, n)))
             for start in range(0, n, CARDS_PER_PAGE)]
    return render_template("print/cards.html", row=row, join_url=join, qr=code, pages=pages,
                           n=n, most=MAX_CARDS, title=state.title)
