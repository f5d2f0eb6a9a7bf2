"""The Markdown report: readable as plain text, safe to render.

Participant text is escaped so it stays text: no links, images, HTML, headings or lists.
Hidden notes are left out; each stage says how many the facilitator hid.
"""

from __future__ import annotations

import re

from facilitator.export.harvest import Harvest, day
from facilitator.i18n import _, ngettext

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
    """Escaped text whose line breaks stay line breaks inside a paragraph or list item."""
    return (HARD_BREAK + indent).join(line for line in escape(text) if line)


def render(harvest: Harvest) -> str:
    """The report: title, date, who took part, then each stage's visible notes."""
    people = len(harvest.state.participants)
    notes = harvest.visible_count
    out = [
        "# " + " ".join(escape(harvest.title)),
        "",
        _("Created on %(date)s (UTC), join code %(code)s.")
        % {"date": day(harvest.created_at), "code": inline(harvest.code)},
        "",
        ngettext("%d person took part", "%d people took part", people) % people
        + ", "
        + ngettext("and wrote %d note.", "and wrote %d notes.", notes) % notes,
    ]
    for stage in harvest.stages:
        out += ["", "## " + " ".join(escape(stage.heading)), ""]
        if stage.stage.prompt:
            out += ["> " + inline(stage.stage.prompt, "> "), ""]
        for note in stage.visible:
            name = harvest.name(note.author) or _("Anonymous")
            out.append("- " + inline(note.text, "  ") + " — *" + inline(name) + "*")
        if not stage.visible:
            out.append("*" + _("No notes.") + "*")
        if stage.hidden_count:
            n = stage.hidden_count
            out += ["", "*" + ngettext("%d note was hidden by the facilitator.",
                                       "%d notes were hidden by the facilitator.", n) % n + "*"]
    return "\n".join(out) + "\n"
