"""The printable HTML report: ``templates/report.html``, rendered without Flask."""

from __future__ import annotations

import base64
import io
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

import facilitator
from facilitator import i18n
from facilitator.core.state import Note
from facilitator.export.as_markdown import action_line
from facilitator.export.harvest import (
    CafeTable,
    Harvest,
    StageNotes,
    day,
    facts,
    rank_label,
)
from facilitator.i18n import _, ngettext

TEMPLATES = Path(facilitator.__file__).parent.parent / "templates"


@cache
def environment() -> jinja2.Environment:
    """A plain Jinja environment on templates/, autoescaping, whose ``_`` speaks the current
    language (the facilitator's, when they export)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(i18n._, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    return env


def context(harvest: Harvest) -> dict[str, Any]:
    """What the template shows: plain values only, visible notes only, no names in an
    anonymous stage."""
    return {
        "title": harvest.title,
        "code": harvest.code,
        "date": day(harvest.created_at),
        "people": len(harvest.state.participants),
        "note_count": harvest.visible_count,
        "stages": [_stage(harvest, s) for s in harvest.stages],
    }


def _stage(harvest: Harvest, s: StageNotes) -> dict[str, Any]:
    out: dict[str, Any] = {
        "heading": s.heading, "prompt": s.stage.prompt, "kind": s.stage.kind,
        "facts": facts(s), "hidden": s.hidden_count, "refused": s.refused_count,
        "awaiting": [{"text": n.text, "name": harvest.note_name(n)} for n in s.awaiting],
        "notes": [{"text": n.text, "name": harvest.note_name(n),
                   "edited": n.edited_at is not None} for n in s.visible],
        "themes": None, "results": None, "cafe": None, "openspace": s.openspace,
        "adopt": [{**i, "actions": [{**a, "line": action_line(a)} for a in i["actions"]]}
                  for i in s.adopt.items] if s.adopt else None, "inquiry": None,
    }
    if s.inquiry is not None:
        from facilitator.export.inquiry import sections

        out["inquiry"] = [{"heading": h, "items": [{"text": t, "detail": d} for t, d in items]}
                          for h, items in sections(s.inquiry)]
    elif s.cafe is not None:
        out["cafe"] = [{"round": tables[0].round + 1 if tables else 0, "tables": [
            {"table": t.table + 1, "question": t.question, "host": t.host,
             "members": ", ".join(t.members), "summary": t.summary,
             "notes": [n.text for n in t.notes],
             **_photos(harvest, t)}
            for t in tables]}
            for tables in s.cafe.rounds]
    elif s.themes is not None:
        groups = [(t.name, t.notes) for t in s.themes.themes]
        if s.themes.ungrouped:
            groups.append((_("Not grouped"), s.themes.ungrouped))
        out["themes"] = [{"name": name, "count": _count(notes), "loose": i >= len(
            s.themes.themes), "notes": [n.text for n in notes]}
            for i, (name, notes) in enumerate(groups)]
    elif s.stage.kind == "vote":
        out["results"] = [{"rank": rank_label(r), "label": r["label"],
                           "count": ngettext("%d dot", "%d dots", r["count"]) % r["count"]}
                          for r in (s.vote.results if s.vote else [])]
    return out


# Photos in the report are scaled to this many pixels at most (a printed page needs no more)
REPORT_PHOTO = 800


def _photos(harvest: Harvest, table: CafeTable) -> dict[str, Any]:
    """A table's tablecloth photos, embedded (data URIs: the page stays one self-contained
    file) and scaled, each with its table and round; the count alone when the files are not
    at hand (an export without its workshop's store)."""
    embedded = []
    for photo_id in table.photos:
        found = harvest.files(photo_id) if harvest.files else None
        if found is None:
            continue
        data, width, height = _scaled(found[1])
        embedded.append({
            "src": "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii"),
            "width": width, "height": height,
            "caption": _("Table %(table)d, round %(round)d") % {
                "table": table.table + 1, "round": table.round + 1},
            "alt": _("Photo of table %(table)d's tablecloth, round %(round)d") % {
                "table": table.table + 1, "round": table.round + 1}})
    missing = len(table.photos) - len(embedded)
    return {"photos": embedded, "photos_missing": ngettext(
        "%d photo of the tablecloth", "%d photos of the tablecloth", missing) % missing
        if missing else ""}


def _scaled(data: bytes) -> tuple[bytes, int, int]:
    """A stored photo (already cleaned: no metadata, upright) at most REPORT_PHOTO px."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image = image.convert("RGB")
        image.thumbnail((REPORT_PHOTO, REPORT_PHOTO))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=80, optimize=True)
        return out.getvalue(), image.width, image.height


def _count(notes: list[Note]) -> str:
    return ngettext("%d note", "%d notes", len(notes)) % len(notes)


def render(harvest: Harvest) -> str:
    """The report as one self-contained HTML page (inline CSS, no scripts, no links out)."""
    lang = i18n.current()
    return environment().get_template("report.html").render(
        context(harvest), lang=lang, lang_dir=i18n.direction(lang))
