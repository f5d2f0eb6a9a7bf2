"""The printable HTML report: ``templates/report.html``, rendered without Flask."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2

import facilitator
from facilitator.export.harvest import Harvest, day

TEMPLATES = Path(facilitator.__file__).parent.parent / "templates"


@cache
def environment() -> jinja2.Environment:
    """A plain Jinja environment on templates/, autoescaping, with null gettext as ``_``."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    env.add_extension("jinja2.ext.i18n")
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    return env


def context(harvest: Harvest) -> dict[str, Any]:
    """What the template shows: plain values only, visible notes only."""
    return {
        "title": harvest.title,
        "code": harvest.code,
        "date": day(harvest.created_at),
        "people": len(harvest.state.participants),
        "note_count": harvest.visible_count,
        "stages": [{"heading": s.heading, "prompt": s.stage.prompt,
                    "hidden": s.hidden_count,
                    "notes": [{"text": n.text, "name": harvest.name(n.author),
                               "edited": n.edited_at is not None} for n in s.visible]}
                   for s in harvest.stages],
    }


def render(harvest: Harvest) -> str:
    """The report as one self-contained HTML page (inline CSS, no scripts, no links out)."""
    return environment().get_template("report.html").render(context(harvest))
