"""The ``onetwofour`` activity: 1-2-4-All (docs/activities/onetwofour.md, METHODS.md).

One stage holds the four steps: ``one`` (a minute alone, silent: each phone has a private
jotting pad), ``pairs`` (the tool forms pairs, one trio for an odd count; each pair has a
shared note any member writes), ``fours`` (pairs joined two by two, see
``facilitator.core.grouping``; each four has a shared note: its chosen idea) and ``all`` (each
four's chosen idea on the projector). Each step starts its own timer (``timer: auto``).

The fours' chosen ideas are ordinary notes of this stage (author ``g<four number>``, never a
person, so no name reaches the room), so a ``cluster`` or ``vote`` stage after it works on them
like on any notes. They reach the room only from the "All" step on. Pair notes and jottings are
not notes: they stay with their pair, or their writer.

Shared notes: last edit wins. Every save goes to each member's phone at once; a phone that is
being typed on keeps its text and shows the newer one beside it (static/js/kinds/onetwofour.js).
Writing the same text twice changes nothing but the time of the last save, so a resend is
harmless (and the client id makes it a no-op anyway).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from facilitator.core.commands import (
    JOIN_HOOKS,
    PARTICIPANT,
    STAGE_ENTERED,
    Actor,
    Draft,
    Field,
    clean_text,
    command,
    require_running,
)
from facilitator.core.errors import DomainError
from facilitator.core.grouping import Grouping, add_late, form_fours, form_pairs
from facilitator.core.plan import Option, Stage, stage_option
from facilitator.core.signs import sign_dict
from facilitator.core.state import FACILITATOR, Event, Note, Timer, WorkshopState, reducer
from facilitator.core.views import (
    CONSOLE,
    PHONE,
    PHONES,
    SCREEN,
    Emit,
    author_name,
    notifier,
    stage_is_anonymous,
)
from facilitator.i18n import _

SCREEN_VIEW = "onetwofour"
STEPS = ("one", "pairs", "fours", "all")
MAX_SHARED = 500
MAX_JOT = 1000

OPTIONS = {
    "alone_minutes": Option(int, 1, 1, 60, "Minutes alone, in silence (the 1)."),
    "pairs_minutes": Option(int, 2, 1, 60, "Minutes in pairs (the 2)."),
    "fours_minutes": Option(int, 4, 1, 60, "Minutes in fours (the 4)."),
    "all_minutes": Option(int, 5, 1, 120, "Minutes all together (the All)."),
}
_MINUTES = {"one": "alone_minutes", "pairs": "pairs_minutes", "fours": "fours_minutes",
            "all": "all_minutes"}


@dataclass
class Shared:
    """A pair's or a four's shared note: its text and who saved it last, when."""

    text: str
    by: str
    at: float


@dataclass
class OneTwoFour:
    """A 1-2-4-All stage's progress."""

    phase: str = "one"
    grouping: Grouping = field(default_factory=Grouping)
    jots: dict[str, str] = field(default_factory=dict)  # person -> private jottings
    pair_notes: dict[int, Shared] = field(default_factory=dict)  # pair index -> note
    four_notes: dict[int, str] = field(default_factory=dict)  # four index -> note id
    four_by: dict[int, tuple[str, float]] = field(default_factory=dict)  # last save: who, when


def step_seconds(stage: Stage, step: str) -> int:
    return stage_option(stage, _MINUTES[step]) * 60


def planned_length(stage: Stage) -> int:
    """The whole 1-2-4-All in seconds (the console's run of show)."""
    return sum(step_seconds(stage, s) for s in STEPS)


def timer_length(state: WorkshopState) -> int | None:
    """The current step's length: what the timer resets to."""
    stage = state.stage
    if stage is None or stage.kind != "onetwofour":
        return None
    return step_seconds(stage, otf(state, state.stage_index).phase)


def otf(state: WorkshopState, index: int) -> OneTwoFour:
    return state.groupings.get(index) or OneTwoFour()


def _here(state: WorkshopState) -> tuple[int, OneTwoFour]:
    require_running(state)
    stage = state.stage
    if stage is None or stage.kind != "onetwofour":
        raise DomainError(_("This step is not a 1-2-4-All."))
    return state.stage_index, otf(state, state.stage_index)


def _timer(state: WorkshopState, index: int, step: str, now: float) -> dict[str, Any]:
    """The step's timer: running from now (``timer: auto``), or waiting for "Start timer"."""
    stage = state.stages[index]
    seconds = step_seconds(stage, step)
    return {"duration": seconds, "ends_at": now + seconds if stage.timer == "auto" else None}


def _entered(state: WorkshopState, index: int, now: float) -> list[Draft]:
    """Entering the stage starts the current step's timer (step one, the first time)."""
    stage = state.stages[index]
    if stage.kind != "onetwofour" or stage.timer != "auto":
        return []
    seconds = step_seconds(stage, otf(state, index).phase)
    return [Draft("timer_started", {"ends_at": now + seconds, "duration": seconds,
                                    "auto": True})]


STAGE_ENTERED.append(_entered)


# -- facilitator commands: the steps ---------------------------------------------------------

@command("otf_form_pairs", {FACILITATOR})
def form_pairs_cmd(state: WorkshopState, actor: Actor, payload: dict, now: float
                   ) -> list[Draft]:
    """End the minute alone: form pairs (a trio for an odd count) and start the pairs' timer."""
    index, o = _here(state)
    if o.phase != "one":
        raise DomainError(_("The pairs have already been formed."))
    people = list(state.participants)
    if len(people) < 2:
        raise DomainError(_("Wait until at least 2 people have joined to form pairs."))
    grouping = Grouping(form_pairs(people, seed=state.seq))
    return [Draft("otf_pairs_formed", {"stage": index, "grouping": grouping.to_dict(),
                                       **_timer(state, index, "pairs", now)})]


@command("otf_form_fours", {FACILITATOR})
def form_fours_cmd(state: WorkshopState, actor: Actor, payload: dict, now: float
                   ) -> list[Draft]:
    """End the pairs: join them two by two into fours and start the fours' timer."""
    index, o = _here(state)
    if o.phase == "one":
        raise DomainError(_("Form the pairs first."))
    if o.phase != "pairs":
        raise DomainError(_("The fours have already been formed."))
    grouping = Grouping(o.grouping.pairs, form_fours(o.grouping.pairs))
    return [Draft("otf_fours_formed", {"stage": index, "grouping": grouping.to_dict(),
                                       **_timer(state, index, "fours", now)})]


@command("otf_all", {FACILITATOR})
def all_together(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """End the fours: the whole room together, each four's chosen idea on the projector."""
    index, o = _here(state)
    if o.phase == "all":
        raise DomainError(_("Everyone is already together."))
    if o.phase != "fours":
        raise DomainError(_("Form the fours first."))
    return [Draft("otf_all_started", {"stage": index, **_timer(state, index, "all", now)})]


def _late(state: WorkshopState, pid: str, now: float) -> list[Draft]:
    """Someone joins once the groups are formed: they join a group, nobody else moves."""
    stage = state.stage
    if state.status != "running" or stage is None or stage.kind != "onetwofour":
        return []
    o = otf(state, state.stage_index)
    if o.phase == "one":
        return []  # they are in the pairs when they are formed
    return [Draft("otf_joined", {"stage": state.stage_index, "participant": pid,
                                 "grouping": add_late(o.grouping, pid).to_dict()})]


JOIN_HOOKS.append(_late)


# -- participant commands: writing -----------------------------------------------------------

def _open(state: WorkshopState) -> tuple[int, OneTwoFour]:
    index, o = _here(state)
    if index in state.locked:
        raise DomainError(_("The facilitator has paused writing for now, so this was not "
                            "saved. Keep it and try again when writing reopens."))
    return index, o


@command("otf_jot", {PARTICIPANT}, {"text": Field(str, max_length=MAX_JOT)})
def jot(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Keep one's own ideas (private: only this person's phones see them)."""
    index, _o = _open(state)
    text = payload["text"]
    if text.strip():
        text = clean_text(text, MAX_JOT, _("jotting"))
    return [Draft("otf_jotted", {"stage": index, "text": text.strip()})]


@command("otf_write", {PARTICIPANT}, {"group": Field(str, max_length=10),
                                      "text": Field(str, max_length=MAX_SHARED)},
         ack=lambda events: {"group": events[0].data["group"],
                             "number": events[0].data["number"] + 1})
def write_shared(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Save one's pair's or four's shared note (``group``: "pair" or "four"); last edit wins."""
    index, o = _open(state)
    group, pid = payload["group"], actor.participant or ""
    if group not in ("pair", "four"):
        raise DomainError(_("A shared note belongs to a pair or a four."))
    if group == "pair":
        if o.phase == "one":
            raise DomainError(_("The pairs have not been formed yet: think on your own "
                                "for now."))
        if o.phase != "pairs":
            raise DomainError(_("The pairs' time is over: write in your four's note now."))
        number = o.grouping.pair_of(pid)
    else:
        if o.phase in ("one", "pairs"):
            raise DomainError(_("The fours have not been formed yet."))
        number = o.grouping.four_of(pid)
    if number is None:
        raise DomainError(_("You are not in a group yet. Ask the facilitator."))
    text = clean_text(payload["text"], MAX_SHARED, _("note"))
    return [Draft("otf_written", {"stage": index, "group": group, "number": number,
                                  "text": text})]


@command("otf_hide_idea", {FACILITATOR}, {"four": Field(int), "hidden": Field(bool)})
def hide_idea(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Take a four's idea off the screen and the phones (``hidden``: false shows it again);
    it stays in the log."""
    index, o = _here(state)
    note = state.notes.get(o.four_notes.get(payload["four"] - 1, ""))
    if note is None:
        raise DomainError(_("That four has not written an idea yet."))
    if note.hidden == payload["hidden"]:
        raise DomainError(_("That idea is already hidden.") if note.hidden
                          else _("That idea is already shown."))
    return [Draft("otf_idea_hidden", {"stage": index, "four": payload["four"] - 1,
                                      "note": note.id, "hidden": payload["hidden"]})]


# -- reducers --------------------------------------------------------------------------------

def _for(state: WorkshopState, event: Event) -> OneTwoFour:
    return state.groupings.setdefault(event.data["stage"], OneTwoFour())


def _start_timer(state: WorkshopState, event: Event) -> None:
    ends_at, duration = event.data.get("ends_at"), event.data["duration"]
    state.timer = (Timer(duration=duration, running=True, ends_at=ends_at) if ends_at
                   else Timer(duration=duration, remaining=float(duration)))


@reducer("otf_pairs_formed")
def _pairs_formed(state: WorkshopState, event: Event) -> None:
    o = _for(state, event)
    o.phase, o.grouping = "pairs", Grouping.from_dict(event.data["grouping"])
    _start_timer(state, event)


@reducer("otf_fours_formed")
def _fours_formed(state: WorkshopState, event: Event) -> None:
    o = _for(state, event)
    o.phase, o.grouping = "fours", Grouping.from_dict(event.data["grouping"])
    _start_timer(state, event)


@reducer("otf_all_started")
def _all_started(state: WorkshopState, event: Event) -> None:
    _for(state, event).phase = "all"
    _start_timer(state, event)


@reducer("otf_joined")
def _joined(state: WorkshopState, event: Event) -> None:
    _for(state, event).grouping = Grouping.from_dict(event.data["grouping"])


@reducer("otf_jotted")
def _jotted(state: WorkshopState, event: Event) -> None:
    _for(state, event).jots[event.actor] = event.data["text"]


@reducer("otf_written")
def _written(state: WorkshopState, event: Event) -> None:
    o, d = _for(state, event), event.data
    if d["group"] == "pair":
        o.pair_notes[d["number"]] = Shared(d["text"], event.actor, event.at)
        return
    note_id = o.four_notes.get(d["number"])
    if note_id is None:  # the four's first save: its chosen idea becomes a note of the stage
        note_id = f"n{event.seq}"
        o.four_notes[d["number"]] = note_id
        state.notes[note_id] = Note(note_id, d["stage"], f"g{d['number'] + 1}", d["text"],
                                    event.at)
    else:
        note = state.notes[note_id]
        note.text, note.edited_at = d["text"], event.at
    o.four_by[d["number"]] = (event.actor, event.at)


@reducer("otf_idea_hidden")
def _idea_hidden(state: WorkshopState, event: Event) -> None:
    note = state.notes[event.data["note"]]
    note.hidden = event.data["hidden"]
    note.hidden_by = FACILITATOR if note.hidden else None
    note.hidden_at = event.at if note.hidden else None


def note_on_screen(state: WorkshopState, note: Note) -> bool:
    """A four's chosen idea reaches the room from the "All" step on (or once the stage is
    over); before that it is its four's."""
    o = otf(state, note.stage)
    return o.phase == "all" or note.stage != state.stage_index


# -- views -----------------------------------------------------------------------------------

def _public_name(state: WorkshopState, index: int, pid: str) -> str:
    return "" if stage_is_anonymous(state, index) else author_name(state, pid)


def _label(state: WorkshopState, pid: str) -> str:
    return author_name(state, pid) or _("Participant %s") % pid.lstrip("p")


def _steps(stage: Stage) -> dict[str, int]:
    return {s: step_seconds(stage, s) for s in STEPS}


def _four_note(state: WorkshopState, o: OneTwoFour, four: int) -> dict[str, Any] | None:
    note_id = o.four_notes.get(four)
    note = state.notes.get(note_id or "")
    if note is None or note.deleted:
        return None
    by, at = o.four_by.get(four, ("", note.posted_at))
    return {"text": note.text, "by": by, "at": at, "hidden": note.hidden, "id": note.id}


def ideas(state: WorkshopState, index: int) -> list[dict[str, Any]]:
    """Each four's chosen idea, with its four's number and sign (no names: it is a group's)."""
    o = otf(state, index)
    out = []
    for four in sorted(o.four_notes):
        note = state.notes.get(o.four_notes[four])
        if note is None or note.deleted or note.hidden:
            continue
        out.append({"four": four + 1, "sign": sign_dict(four + 1), "text": note.text,
                    "id": note.id})
    return out


def _group(state: WorkshopState, index: int, members: tuple[str, ...], number: int,
           pid: str) -> dict[str, Any]:
    return {"number": number + 1, "sign": sign_dict(number + 1), "size": len(members),
            "mates": [{"name": _public_name(state, index, p)} for p in members if p != pid]}


def phone_view(state: WorkshopState, index: int, pid: str | None) -> dict[str, Any]:
    o, pid = otf(state, index), pid or ""
    out: dict[str, Any] = {"phase": o.phase, "steps": _steps(state.stages[index]),
                           "jot": o.jots.get(pid, "")}
    g = o.grouping
    p = g.pair_of(pid)
    if p is not None:
        out["pair"] = _group(state, index, g.pairs[p], p, pid)
        shared = o.pair_notes.get(p)
        out["pair"]["note"] = ({"text": shared.text, "mine": shared.by == pid, "at": shared.at}
                               if shared else None)
    f = g.four_of(pid)
    if f is not None:
        out["four"] = _group(state, index, g.fours[f], f, pid)
        note = _four_note(state, o, f)
        out["four"]["note"] = ({"text": note["text"], "mine": note["by"] == pid,
                                "at": note["at"]} if note else None)
    if o.phase == "all":
        out["ideas"] = ideas(state, index)
    return out


def screen_view(state: WorkshopState, index: int) -> dict[str, Any]:
    o = otf(state, index)
    g = o.grouping
    out: dict[str, Any] = {"phase": o.phase, "steps": _steps(state.stages[index]),
                           "people": len(g.people) if g.pairs else len(state.participants),
                           "pairs": len(g.pairs), "fours": len(g.fours),
                           "trios": sum(1 for grp in g.pairs if len(grp) == 3)}
    if o.phase == "all":
        out["ideas"] = ideas(state, index)
    return out


def console_view(state: WorkshopState, index: int) -> dict[str, Any]:
    o = otf(state, index)
    g = o.grouping
    out = screen_view(state, index)
    out["waiting"] = len(state.participants)
    out["pair_groups"] = [
        {"number": i + 1, "sign": sign_dict(i + 1),
         "people": [{"id": p, "name": _label(state, p)} for p in grp],
         "note": o.pair_notes[i].text if i in o.pair_notes else ""}
        for i, grp in enumerate(g.pairs)]
    out["four_groups"] = [
        {"number": i + 1, "sign": sign_dict(i + 1),
         "people": [{"id": p, "name": _label(state, p)} for p in grp],
         "pairs": [j + 1 for j, pair in enumerate(g.pairs) if set(pair) & set(grp)],
         "note": (n or {}).get("text", ""), "note_id": (n or {}).get("id"),
         "hidden": bool((n or {}).get("hidden"))}
        for i, grp in enumerate(g.fours) for n in [_four_note(state, o, i)]]
    return out


def view(state: WorkshopState, index: int, audience: str, participant: str | None
         ) -> dict[str, Any]:
    if audience == SCREEN:
        return {"onetwofour": screen_view(state, index)}
    if audience == CONSOLE:
        return {"onetwofour": console_view(state, index)}
    return {"onetwofour": phone_view(state, index, participant)}


# -- notifiers -------------------------------------------------------------------------------

def _emit(state: WorkshopState, index: int, audience: str, pid: str | None = None) -> Emit:
    return Emit(pid or audience, "onetwofour",
                {"seq": state.seq, "stage": index,
                 "onetwofour": view(state, index, audience, pid)["onetwofour"]})


@notifier("otf_pairs_formed", "otf_fours_formed", "otf_all_started")
def _step_changed(state: WorkshopState, event: Event) -> list[Emit]:
    # the timer, the step and every phone's group change: each audience's whole view again
    return [Emit(SCREEN, "snapshot", None), Emit(CONSOLE, "snapshot", None),
            Emit(PHONES, "snapshot", None)]


@notifier("otf_joined")
def _joined_notice(state: WorkshopState, event: Event) -> list[Emit]:
    index, pid = event.data["stage"], event.data["participant"]
    o = otf(state, index)
    people: set[str] = set()
    for groups, at in ((o.grouping.pairs, o.grouping.pair_of(pid)),
                       (o.grouping.fours, o.grouping.four_of(pid))):
        if at is not None:
            people.update(groups[at])
    return [_emit(state, index, CONSOLE), _emit(state, index, SCREEN),
            *(_emit(state, index, PHONE, p) for p in sorted(people))]


@notifier("otf_jotted")
def _jotted_notice(state: WorkshopState, event: Event) -> list[Emit]:
    return [_emit(state, event.data["stage"], PHONE, event.actor)]


@notifier("otf_idea_hidden")
def _hidden_notice(state: WorkshopState, event: Event) -> list[Emit]:
    index = event.data["stage"]
    o = otf(state, index)
    four = event.data["four"]
    members = o.grouping.fours[four] if four < len(o.grouping.fours) else ()
    out = [_emit(state, index, CONSOLE), _emit(state, index, SCREEN),
           *(_emit(state, index, PHONE, p) for p in members)]
    if o.phase == "all":
        out.append(Emit(PHONES, "otf_ideas", {"seq": state.seq, "stage": index,
                                               "ideas": ideas(state, index)}))
    return out


@notifier("otf_written")
def _written_notice(state: WorkshopState, event: Event) -> list[Emit]:
    index, d = event.data["stage"], event.data
    o = otf(state, index)
    groups = o.grouping.pairs if d["group"] == "pair" else o.grouping.fours
    members = groups[d["number"]] if d["number"] < len(groups) else ()
    out = [_emit(state, index, CONSOLE), *(_emit(state, index, PHONE, p) for p in members)]
    if d["group"] == "four" and o.phase == "all":
        out.append(_emit(state, index, SCREEN))
        out.append(Emit(PHONES, "otf_ideas", {"seq": state.seq, "stage": index,
                                               "ideas": ideas(state, index)}))
    return out
