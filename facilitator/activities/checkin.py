"""The ``checkin`` activity: a check-in or check-out round (METHODS.md, mechanics).

Everyone gives one short answer to the round's question ("One word for how you arrive
today", "One thing you take away"). Answers are notes of the stage (so the facilitator hides
one as any note, and the harvest keeps them), one per person, short; the person can change or
delete theirs while the round is open. The projector shows them as frequent words (the
default, ``view: words``) or as a wall of answers (``view: wall``), on the fit engine like
every projector view. Usable anywhere in any plan: at the start, between stages, at the end.
"""

from __future__ import annotations

from typing import Any

from facilitator.core.plan import Option, Stage, stage_option
from facilitator.core.state import WorkshopState
from facilitator.core.views import CONSOLE, PHONE, SCREEN, on_screen

ROUNDS = ("in", "out")
VIEWS = ("words", "wall")

OPTIONS = {
    "round": Option(str, "in", help="'in' for a check-in (how people arrive) or 'out' for a "
                                    "check-out (what they take away): the phones' wording.",
                    choices=ROUNDS),
    "view": Option(str, "words", help="How the projector shows the answers: 'words' (the "
                                      "words used most) or 'wall' (every answer).",
                   choices=VIEWS),
    "max_length": Option(int, 80, 10, 200, "Longest answer, in characters: a check-in is a "
                                           "word or a sentence."),
}


def screen_view_of(stage: Stage) -> str:
    """The projector's own view for a check-in stage: its ``view`` option."""
    return stage_option(stage, "view")


def answers(state: WorkshopState, index: int) -> list[Any]:
    """The round's answers that were not deleted, in the order given."""
    return [n for n in state.notes.values() if n.stage == index and not n.deleted]


def view(state: WorkshopState, index: int, audience: str, participant: str | None
         ) -> dict[str, Any]:
    stage = state.stages[index]
    given = answers(state, index)
    out: dict[str, Any] = {"round": stage_option(stage, "round"),
                           "view": stage_option(stage, "view"),
                           "max_length": stage_option(stage, "max_length"),
                           "answered": sum(1 for n in given if on_screen(state, n))}
    if audience == PHONE:
        mine = next((n for n in given if n.author == participant), None)
        out["mine"] = {"id": mine.id, "text": mine.text} if mine else None
    elif audience == CONSOLE:
        out["people"] = len(state.participants)
        out["answered"] = len({n.author for n in given})
    elif audience == SCREEN:
        out["people"] = len(state.participants)
    return {"checkin": out}
