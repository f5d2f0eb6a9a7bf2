"""Export a workshop's harvest: JSON, CSV, a Markdown report or a printable HTML page.

Every format is built from the event log alone (``replay``), so an export made today and one
made next year from the same log are identical. Secret keys and device tokens never appear:
the log holds neither, and only the row's code, title and creation time are read from it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from facilitator.core.state import Event
from facilitator.export.harvest import Files, Harvest, filename
from facilitator.i18n import _

if TYPE_CHECKING:
    from facilitator.store.sqlite import WorkshopRow

FORMATS = ("json", "csv", "md", "html")


@dataclass(frozen=True)
class Rendered:
    """An export ready to send or save: its text, MIME type and suggested file name."""

    body: str
    mimetype: str
    filename: str


def _renderers() -> dict[str, tuple[Callable[[Harvest], str], str]]:
    from facilitator.export import as_csv, as_html, as_json, as_markdown

    return {
        "json": (as_json.render, "application/json; charset=utf-8"),
        "csv": (as_csv.render, "text/csv; charset=utf-8"),
        "md": (as_markdown.render, "text/markdown; charset=utf-8"),
        "html": (as_html.render, "text/html; charset=utf-8"),
    }


def render(fmt: str, row: WorkshopRow, events: list[Event], files: Files | None = None,
           anonymised: bool = False) -> Rendered:
    """Render the workshop ``row`` with its log ``events`` in format ``fmt``. ``files`` reads
    the workshop's stored files: the printable report embeds its tablecloth photos.
    ``anonymised`` replaces names by stable labels and leaves contacts out
    (``export.anonymise``).

    :raises ValueError: ``fmt`` is not one of ``FORMATS``.
    """
    renderers = _renderers()
    if fmt not in renderers:
        raise ValueError(_("Unknown export format '%(fmt)s'; use one of: %(known)s.")
                         % {"fmt": str(fmt)[:20], "known": ", ".join(FORMATS)})
    fn, mimetype = renderers[fmt]
    if anonymised:
        from facilitator.export.anonymise import anonymise

        events = anonymise(events)
    harvest = Harvest.build(row, events, files)
    return Rendered(fn(harvest), mimetype, filename(row, fmt))


__all__ = ["FORMATS", "Rendered", "render"]
