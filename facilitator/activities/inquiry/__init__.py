"""Appreciative Inquiry (METHODS.md): Define, Discover, Dream, Design, Destiny.

One activity kind per stage (``ai_define`` ... ``ai_destiny``), each a pure module with its
OPTIONS, commands, reducers, notifiers and view; what they share is in ``common``. A plain
``vote`` stage after a Dream holds the dot vote on its propositions.
"""

from types import ModuleType

from facilitator.activities import vote
from facilitator.activities.inquiry import (
    ai_define,
    ai_design,
    ai_destiny,
    ai_discover,
    ai_dream,
    common,
)

KINDS: dict[str, ModuleType] = {"ai_define": ai_define, "ai_discover": ai_discover,
                                "ai_dream": ai_dream, "ai_design": ai_design,
                                "ai_destiny": ai_destiny}

vote.ITEM_SOURCES["ai_dream"] = ai_dream.vote_items

__all__ = ["KINDS", "common"]
