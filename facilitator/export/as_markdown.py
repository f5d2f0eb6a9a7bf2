"""The Markdown report: readable as plain text, safe to render.

Participant text is escaped so it stays text: no links, images, HTML, headings or lists.
Hidden notes are left out; each stage says how many the facilitator hid. A pre-moderated
stage ends with "Not shown on the screen": the notes never approved, and how many were
refused. Each stage says whether it was anonymous (then no name is shown: "Anonymous") and
written silently; a notes stage lists its notes, a cluster stage its themes, a vote stage its
ranked results.
"""

from __future__ import annotations

import re

from facilitator.export.harvest import Harvest, StageNotes, day, facts, rank_label
from facilitator.i18n import _, isolate, ngettext

# CommonMark lets a backslash escape any ASCII punctuation; these are the ones that mean
# something (``~`` strikethrough, ``&`` entities and ``=`` setext headings included)
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-!|~&=])")
_ORDERED = re.compile(r"^(\d+)([.)])")  # "1." or "1)" would start an ordered list
_AUTOLINK = re.compile(r"(?i)(:)(?=//)|(?<=www)(\.)")  # GFM turns bare URLs into links
HARD_BREAK = "  \n"


def escape(text: str) -> list[str]:
    """Escape one piece of text, returned as lines (leading spaces dropped: no code blocks)."""
    lines = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = _SPECIAL.sub(r"\\\1", line.strip())
        line = _ORDERED.sub(r"\1\\\2", line)
        line = _AUTOLINK.sub(lambda m: "\\" + m.group(0), line)
        lines.append(line)
    return lines


def inline(text: str, indent: str = "") -> str:
    """Escaped text whose line breaks stay line breaks inside a paragraph or list item, and
    whose blank lines stay blank lines (within a list item: the item's next paragraph); each
    line a bidi isolate where it holds right-to-left letters or bidi controls, so an Arabic
    note, or a U+202E in one, never reorders the words around it."""
    lines = [isolate(line) if line else line for line in escape(text)]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    out = lines[0] if lines else ""
    for before, line in zip(lines, lines[1:], strict=False):
        if line and before:
            out += HARD_BREAK + indent + line
        else:  # a blank line, or the line after one: no trailing spaces, no lost indent
            out += "\n" + (indent + line if line else "")
    return out


def title_line(text: str) -> str:
    """Participant text (a title, a theme's name) as one line of a heading."""
    return isolate(" ".join(escape(text)))


def render(harvest: Harvest) -> str:
    """The report: title, date, who took part, then each stage's visible notes."""
    people = len(harvest.state.participants)
    notes = harvest.visible_count
    out = [
        "# " + title_line(harvest.title),
        "",
        _("Created on %(date)s (UTC), join code %(code)s.")
        % {"date": day(harvest.created_at), "code": inline(harvest.code)},
        "",
        ngettext("%d person took part", "%d people took part", people) % people
        + ", "
        + ngettext("and wrote %d note.", "and wrote %d notes.", notes) % notes,
    ]
    for stage in harvest.stages:
        out += ["", "## " + title_line(stage.heading), ""]
        if stage.stage.prompt:
            out += ["> " + inline(stage.stage.prompt, "> "), ""]
        out += ["*" + " ".join(inline(f) for f in facts(stage)) + "*", ""]
        if stage.openspace is not None:
            out += _openspace(stage)
        elif stage.adopt is not None:
            out += _adopt(stage)
        elif stage.cafe is not None:
            out += _cafe(stage)
        elif stage.inquiry is not None:
            out += _inquiry(stage)
        elif stage.themes is not None:
            out += _themes(stage)
        elif stage.stage.kind == "vote":
            out += _vote(stage)
        else:
            out += _notes(harvest, stage)
    return "\n".join(out) + "\n"


def _notes(harvest: Harvest, stage: StageNotes) -> list[str]:
    out = []
    for note in stage.visible:
        name = harvest.note_name(note) or _("Anonymous")
        out.append("- " + inline(note.text, "  ") + " — *" + inline(name) + "*")
    if not stage.visible:
        out.append("*" + _("No notes.") + "*")
    if stage.hidden_count:
        n = stage.hidden_count
        out += ["", "*" + ngettext("%d note was hidden by the facilitator.",
                                   "%d notes were hidden by the facilitator.", n) % n + "*"]
    return out + _unshown(harvest, stage)


def _unshown(harvest: Harvest, stage: StageNotes) -> list[str]:
    """Pre-moderation: the notes never approved, so never on the screen (refused ones counted,
    not quoted, like hidden notes)."""
    if not (stage.awaiting or stage.refused_count):
        return []
    out = ["", "### " + _("Not shown on the screen"), ""]
    if stage.awaiting:
        n = len(stage.awaiting)
        out += [ngettext("%d note was still waiting for the facilitator's approval:",
                         "%d notes were still waiting for the facilitator's approval:", n) % n,
                ""]
        out += ["- " + inline(note.text, "  ") + " — *"
                + inline(harvest.note_name(note) or _("Anonymous")) + "*"
                for note in stage.awaiting]
    if stage.refused_count:
        n = stage.refused_count
        out += ["", "*" + ngettext(
            "%d note was refused by the facilitator.",
            "%d notes were refused by the facilitator.", n) % n + "*"]
    return out


def _themes(stage: StageNotes) -> list[str]:
    assert stage.themes is not None
    out: list[str] = []
    groups = [(t.name, t.notes) for t in stage.themes.themes]
    if stage.themes.ungrouped:
        groups.append((_("Not grouped"), stage.themes.ungrouped))
    for name, notes in groups:
        count = ngettext("%d note", "%d notes", len(notes)) % len(notes)
        out += ["### " + title_line(name) + " (" + count + ")", ""]
        out += ["- " + inline(n.text, "  ") for n in notes]
        out.append("")
    if not stage.themes.themes:
        out += ["*" + _("No themes.") + "*", ""]
    return out[:-1]


def _vote(stage: StageNotes) -> list[str]:
    if stage.vote is None:
        return []
    out = []
    for row in stage.vote.results:
        dots = ngettext("%d dot", "%d dots", row["count"]) % row["count"]
        out.append("- **" + rank_label(row) + "** " + inline(row["label"], "  ") + " — " + dots)
    return out


def _cafe(stage: StageNotes) -> list[str]:
    assert stage.cafe is not None
    out: list[str] = []
    for tables in stage.cafe.rounds:
        r = tables[0].round + 1 if tables else 0
        out += ["### " + _("Round %d") % r, ""]
        for table in tables:
            out += ["#### " + _("Table %d") % (table.table + 1), ""]
            out.append("> " + inline(table.question, "> "))
            out.append("")
            people = []
            if table.host:
                people.append(_("Host: %s.") % inline(table.host))
            if table.members:
                people.append(_("With: %s.") % inline(", ".join(table.members)))
            if people:
                out += ["*" + " ".join(people) + "*", ""]
            if table.summary:
                out += ["**" + _("Host's summary:") + "** " + inline(table.summary), ""]
            out += ["- " + inline(n.text, "  ") for n in table.notes]
            if table.photos:
                n = len(table.photos)
                out.append("- *" + ngettext("%d photo of the tablecloth", "%d photos of the "
                                            "tablecloth", n) % n + "*")
            if not table.notes:
                out.append("*" + _("No notes.") + "*")
            out.append("")
    return out[:-1]


def _openspace(stage: StageNotes) -> list[str]:
    """The book of proceedings: the theme, the grid, each session's report, the action plan."""
    assert stage.openspace is not None
    book = stage.openspace
    out = ["### " + _("Theme"), "", "> " + inline(book.theme, "> "), "",
           "### " + _("The grid"), "",
           "| " + _("Time") + " | " + _("Space") + " | " + _("Session") + " | "
           + _("Convened by") + " | " + _("Attendance") + " |",
           "| --- | --- | --- | --- | --- |"]
    cell = lambda text: inline(text).replace("|", "\\|")  # noqa: E731
    for x in book.sessions:
        out.append(f"| {cell(x.slot)} | {cell(x.space)} | {cell(x.title)} | "
                   f"{cell(', '.join(x.conveners))} | {x.attended} |")
    out.append("")
    for x in book.sessions + book.unplaced:
        out += ["### " + title_line(x.title), ""]
        where = (_("%(space)s, %(slot)s.") % {"space": inline(x.space), "slot": inline(x.slot)}
                 if x.space else _("Not on the grid."))
        came = ngettext("%d person checked in.", "%d people checked in.", x.attended) % x.attended
        out += ["*" + where + " " + _("Convened by %s.") % inline(", ".join(x.conveners))
                + " " + came + "*", ""]
        if x.names:
            out += [_("Participants who agreed to be named: %s.") % inline(", ".join(x.names)),
                    ""]
        for heading, items in ((_("Key points"), x.points),
                               (_("Recommendations"), x.recommendations)):
            if items:
                out += ["**" + heading + "**", ""] + ["- " + inline(t, "  ") for t in items] + [""]
        if x.actions:
            out += ["**" + _("Actions") + "**", ""]
            out += ["- " + inline(t, "  ") + " — " + _("%(owner)s, by %(due)s")
                    % {"owner": inline(o), "due": d} for t, o, d in x.actions]
            out.append("")
        for question, texts in x.answers:
            out += ["**" + inline(question) + "**", ""] + ["- " + inline(t, "  ") for t in texts]
            out.append("")
        if x.contacts:
            out += ["**" + _("Contacts (shared by those who agreed)") + "**", ""]
            out += ["- " + inline(n) + ": " + inline(c) for n, c in x.contacts]
            out.append("")
        if not (x.points or x.recommendations or x.actions or x.answers):
            out += ["*" + _("No report.") + "*", ""]
    if book.actions:
        out += ["### " + _("Action plan"), ""]
        out += ["- " + d + ": " + inline(a, "  ") + " — " + inline(o) + " (" + inline(t) + ")"
                for t, a, o, d in book.actions]
        out.append("")
    return out[:-1]


def action_line(action: dict[str, str]) -> str:
    """One action of a priority's action plan, as a sentence-like line."""
    if action["with"]:
        return _("%(text)s (owner: %(owner)s, by %(due)s, with %(with)s)") % action
    return _("%(text)s (owner: %(owner)s, by %(due)s)") % action


def _adopt(stage: StageNotes) -> list[str]:
    assert stage.adopt is not None
    out = []
    for item in stage.adopt.items:
        who = ngettext("%d volunteer", "%d volunteers", item["volunteers"]) % item["volunteers"]
        if item["names"]:
            who += ": " + inline(", ".join(item["names"]))
        out.append("- **" + item["rank"] + "** " + inline(item["label"], "  ") + " — " + who)
        out += ["  - " + inline(step, "    ") for step in item["steps"]]
        out += ["  - " + inline(action_line(a), "    ") for a in item["actions"]]
    if not out:
        out.append("*" + _("Nobody signed up.") + "*")
    return out


def _inquiry(stage: StageNotes) -> list[str]:
    from facilitator.export.inquiry import sections

    assert stage.inquiry is not None
    out: list[str] = []
    for heading, items in sections(stage.inquiry):
        out += ["### " + " ".join(escape(heading)), ""]
        out += ["- " + inline(text, "  ") + (" — *" + inline(detail) + "*" if detail else "")
                for text, detail in items]
        if not items:
            out.append("*" + _("Nothing yet.") + "*")
        out.append("")
    return out[:-1]
