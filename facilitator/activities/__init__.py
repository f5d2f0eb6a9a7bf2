"""Activity kinds a plan's stage can use, and the mechanics every stage shares.

Each kind's module is pure: OPTIONS for the plan, commands
(``facilitator.core.commands.command``), reducers, notifiers and ``view``.
"""

from types import ModuleType

from facilitator.activities import (
    adopt,
    asset_map,
    cafe,
    checkin,
    cluster,
    inquiry,
    mechanics,
    notes,
    onetwofour,
    openspace,
    vote,
)
from facilitator.core.state import WorkshopState

KINDS: dict[str, ModuleType] = {"notes": notes, "cluster": cluster, "vote": vote, "cafe": cafe,
                                "assets": asset_map}
KINDS.update(openspace=openspace, adopt=adopt)  # Open Space and its convergence sign-ups
KINDS.update(inquiry.KINDS)  # Appreciative Inquiry: ai_define ... ai_destiny
KINDS["checkin"] = checkin  # check-in and check-out rounds, in any plan
KINDS.update(onetwofour=onetwofour)  # 1-2-4-All

__all__ = ["KINDS", "mechanics", "source_stage"]


def source_stage(state: WorkshopState, index: int) -> int:
    """The notes stage whose notes a stage is about (itself, for a notes stage)."""
    kind = state.stages[index].kind
    if kind == "cluster":
        return cluster.source_of(state, index)
    if kind == "vote":
        src = vote.vote_source(state, index)
        return cluster.source_of(state, src) if state.stages[src].kind == "cluster" else src
    return index
