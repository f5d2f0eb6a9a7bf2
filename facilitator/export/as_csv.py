"""The CSV export: one row per note, ready for a spreadsheet.

New columns go at the end of ``HEADER`` so existing consumers keep working. The header row is
in the facilitator's language (``column_names``; English gives ``HEADER`` itself). ``name`` is empty
for notes of an anonymous stage; ``theme`` names the themes a note was grouped into (in any
cluster stage, joined with "; "). In a World Café, ``round`` and ``table`` (from 1) say where a
note was written, and each host's summary is a row of ``type`` "summary" (its ``name`` is the
host as the café showed them).

In an Open Space, each topic is a row of ``type`` "topic" (``text`` its title, ``theme`` its
space and slot, ``name`` its conveners, ``hidden`` unused, ``round`` the attendance count),
followed by its report's "point", "recommendation" and "action" rows (an action's ``name`` is
its owner and ``edited_at`` its date), "answer" rows (to the report template's question in
``edited_at``) and "contact" rows (``name`` and ``text``: only people who opted in); sign-ups
are rows of ``type`` "adopt", each followed
by its action plan's rows of ``type`` "adopt_action" (``prompt`` the priority, ``name`` the
owner, ``edited_at`` the date, ``theme`` who else).
An Appreciative Inquiry stage adds a row per topic, framing, consented story, theme,
proposition, design statement, commitment (its ``name`` is the owner; the text ends with
the date and who with) and team (``name`` lists the members);
``theme`` holds the item's themes, links, dots or owner. Vote results are not contributions,
so they are not here.

``moderation`` is set for the notes of a pre-moderated stage: "approved", "pending" (never
approved, so never on the screen) or "refused" (hidden by the facilitator before approval).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from facilitator.export.harvest import Harvest, StageNotes, iso
from facilitator.i18n import pgettext

HEADER = ("stage", "stage_title", "prompt", "note_id", "author", "name", "text", "hidden",
          "posted_at", "edited_at", "theme", "round", "table", "type", "moderation")
# a spreadsheet runs a cell that starts with one of these as a formula (OWASP: CSV injection)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def column_names() -> list[str]:
    """``HEADER`` in the current language (the CSV's first row)."""
    labels = {
        "stage": pgettext("CSV column", "stage"),
        "stage_title": pgettext("CSV column", "stage_title"),
        "prompt": pgettext("CSV column", "prompt"),
        "note_id": pgettext("CSV column", "note_id"),
        "author": pgettext("CSV column", "author"),
        "name": pgettext("CSV column", "name"),
        "text": pgettext("CSV column", "text"),
        "hidden": pgettext("CSV column", "hidden"),
        "posted_at": pgettext("CSV column", "posted_at"),
        "edited_at": pgettext("CSV column", "edited_at"),
        "theme": pgettext("CSV column", "theme"),
        "round": pgettext("CSV column", "round"),
        "table": pgettext("CSV column", "table"),
        "type": pgettext("CSV column", "type"),
        "moderation": pgettext("CSV column", "moderation"),
    }
    return [labels[h] for h in HEADER]


def defuse(cell: str) -> str:
    """Prefix an apostrophe to a cell a spreadsheet would read as a formula."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def render(harvest: Harvest) -> str:
    """Every note not deleted, hidden ones flagged; ``stage`` is the index from 0."""
    out = io.StringIO(newline="")
    writer = _Padded(csv.writer(out))
    writer.writerow(column_names())
    for stage in harvest.stages:
        for note in stage.notes:
            writer.writerow([
                stage.index, defuse(stage.stage.title), defuse(stage.stage.prompt),
                note.id, defuse(note.author), defuse(harvest.note_name(note)),
                defuse(note.text), "true" if note.hidden else "false",
                iso(note.posted_at), iso(note.edited_at) or "",
                defuse("; ".join(harvest.theme_names(note))),
                "" if note.round is None else note.round + 1,
                "" if note.table is None else note.table + 1, "note",
                harvest.moderation(note),
            ])
        for tables in stage.cafe.rounds if stage.cafe else ():
            for t in tables:
                if t.summary:
                    writer.writerow([
                        stage.index, defuse(stage.stage.title), defuse(t.question),
                        f"summary-{t.round + 1}-{t.table + 1}", "", defuse(t.host),
                        defuse(t.summary), "false", "", "", "", t.round + 1, t.table + 1,
                        "summary"])
        if stage.openspace is not None:
            _openspace(writer, stage)
        for item in stage.adopt.items if stage.adopt else ():
            writer.writerow([stage.index, defuse(stage.stage.title), defuse(stage.stage.prompt),
                             "", "", defuse(", ".join(item["names"])), defuse(item["label"]),
                             "false", "", "", defuse("; ".join(item["steps"])),
                             item["volunteers"], "", "adopt"])
            for action in item["actions"]:  # the priority's action plan, a row each
                writer.writerow([stage.index, defuse(stage.stage.title),
                                 defuse(item["label"]), "", "", defuse(action["owner"]),
                                 defuse(action["text"]), "false", "", action["due"],
                                 defuse(action["with"]), "", "", "adopt_action"])
        if stage.inquiry is not None:  # Appreciative Inquiry: one row per item
            from facilitator.export.inquiry import rows

            for kind, item, who, text, extra in rows(stage.inquiry):
                writer.writerow([stage.index, defuse(stage.stage.title),
                                 defuse(stage.stage.prompt), item, "", defuse(who),
                                 defuse(text), "false", "", "", defuse(extra), "", "", kind])
    return out.getvalue()


class _Padded:
    """A csv writer whose rows all have ``HEADER``'s length (later columns empty)."""

    def __init__(self, writer: Any) -> None:
        self.writer = writer

    def writerow(self, row: Any) -> None:
        row = list(row)
        self.writer.writerow(row + [""] * (len(HEADER) - len(row)))


def _openspace(writer: Any, stage: StageNotes) -> None:
    assert stage.openspace is not None
    book = stage.openspace
    for x in book.sessions + book.unplaced:
        where = f"{x.space}, {x.slot}" if x.space else ""
        base = [stage.index, defuse(stage.stage.title), defuse(book.theme)]
        writer.writerow([*base, x.id, "", defuse(", ".join(x.conveners)), defuse(x.title),
                         "false", "", "", defuse(where), x.attended, "", "topic"])
        rows = ([("point", t, "", "") for t in x.points]
                + [("recommendation", t, "", "") for t in x.recommendations]
                + [("action", t, o, d) for t, o, d in x.actions]
                + [("answer", t, "", q) for q, texts in x.answers for t in texts]
                + [("contact", c, n, "") for n, c in x.contacts])
        for kind, text, owner, due in rows:
            writer.writerow([*base, x.id, "", defuse(owner), defuse(text), "false", "",
                             defuse(due),
                             defuse(x.title), "", "", kind])
