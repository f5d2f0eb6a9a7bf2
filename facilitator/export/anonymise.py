"""Anonymise an export: names replaced by stable labels, contact details left out.

``anonymise(events)`` rewrites a workshop's log before any export folds it, so every format
(JSON, CSV, Markdown, the printable page, the asset inventory, the asset map, an Open Space's
book of proceedings) shows the same label for the same person: "Participant 3" for the third
to join (their id ``p3``, the label exports already use for anyone who gave no name), and
"Interviewee 2" for the second person an asset-map interviewer recorded for. Contact details
(``contact`` in any event) are emptied: an anonymised report reaches nobody.

What it cannot do: a name written inside free text ("with Sam on Tuesday", a note that says
"Ask Priya") stays as written. The facilitator reads the report before sharing it.

Pure: a new list of new events; the log itself is never changed.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from facilitator.core.state import Event
from facilitator.i18n import _

NAMED = ("participant_joined", "participant_renamed")


def participant_label(pid: str) -> str:
    """The stable label of a participant id: "Participant 3" for ``p3``."""
    return _("Participant %s") % pid.lstrip("p")


def interviewee_label(vid: str) -> str:
    """The stable label of an asset-map interviewee id: "Interviewee 2" for ``v2``."""
    return _("Interviewee %s") % vid.lstrip("v")


def _data(event: Event) -> dict[str, Any] | None:
    """The event's data with names and contacts replaced, or None when nothing changes."""
    d = event.data
    if event.type in NAMED and "participant" in d:
        return {**d, "name": participant_label(str(d["participant"]))}
    if event.type == "asset_interviewee_added" and "id" in d:
        return {**d, "name": interviewee_label(str(d["id"]))}
    if isinstance(d.get("contact"), str) and d["contact"]:
        return {**d, "contact": ""}
    return None


def anonymise(events: list[Event]) -> list[Event]:
    """The log with every participant's and interviewee's name replaced by their stable label
    and every contact detail emptied; all else as it was."""
    out = []
    for e in events:
        data = _data(e)
        out.append(e if data is None else replace(e, data=data))
    return out
