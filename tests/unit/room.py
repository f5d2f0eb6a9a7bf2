"""A workshop driven in memory through the pure core: commands decided, events applied."""

import pytest

from facilitator.core.commands import PARTICIPANT, VISITOR, Actor, decide
from facilitator.core.errors import DomainError
from facilitator.core.plan import load_plan
from facilitator.core.state import FACILITATOR, Event, apply, replay

FAC = Actor(FACILITATOR)


class Room:
    def __init__(self, stages: list[dict], **plan_fields) -> None:
        plan = load_plan({"title": "T", **plan_fields, "stages": stages})
        self.events = [Event(1, "workshop_created", FACILITATOR, 0.0,
                             {"plan": plan.to_dict(), "code": "ABCDEF"})]
        self.state = replay(self.events)
        self.now = 1000.0

    def do(self, actor: Actor, name: str, payload=None) -> list[Event]:
        out = []
        drafts = decide(self.state, actor, name, payload or {}, self.now)
        author = drafts[0].data["participant"] if name == "join" else actor.id
        for d in drafts:
            event = Event(self.state.seq + 1, d.type, author, self.now, d.data)
            apply(self.state, event)
            self.events.append(event)
            out.append(event)
        return out

    def join(self, name: str = "") -> Actor:
        return Actor(PARTICIPANT, self.do(Actor(VISITOR), "join", {"name": name})[0]
                     .data["participant"])

    def refused(self, actor: Actor, name: str, payload=None) -> str:
        seq = self.state.seq
        with pytest.raises(DomainError) as err:
            self.do(actor, name, payload)
        assert self.state.seq == seq
        return err.value.message
