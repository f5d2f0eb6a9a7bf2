"""``ai_discover``: appreciative interviews in pairs, then the positive core (Discover).

Phases: ``gathering`` (people arrive), ``interviews`` (the server pairs everyone with
``facilitator.core.pairing``, recorded whole in the log; trios only for an odd count; no
repeat partners across rounds where possible), ``themes`` (pairs meet in small groups and tag
the life-giving themes across their consented stories), ``closed`` (Discover is done: Dream
may start; see ``stage_guard``).

The interviewer's phone shows the guide and captures the partner's story (highlights,
quotable words, what gave it life, wishes); roles swap on the facilitator's signal. A story
stays between its interviewer and its teller until the teller consents on their own phone;
only consented stories reach groups, the projector and the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from facilitator.activities.inquiry.ai_define import guide
from facilitator.activities.inquiry.common import (
    MAX_ID,
    ai_emit,
    current,
    earlier,
    for_event,
    get,
    label,
    public_name,
    refresh_all,
    short,
    text,
    writable,
)
from facilitator.core.commands import (
    JOIN_HOOKS,
    PARTICIPANT,
    STAGE_GUARDS,
    Actor,
    Draft,
    Field,
    command,
)
from facilitator.core.errors import DomainError
from facilitator.core.pairing import (
    Pairing,
    add_late,
    pair_people,
    roles,
    small_groups,
    turns,
)
from facilitator.core.plan import Option, stage_option
from facilitator.core.state import FACILITATOR, Event, WorkshopState, reducer
from facilitator.core.views import CONSOLE, PHONE, SCREEN, Emit, notifier
from facilitator.core.words import frequent
from facilitator.i18n import _

SCREEN_VIEW = "ai_discover"
STORY_FIELDS = ("highlights", "quote", "life", "wishes")
MAX_THEME = 60
MAX_TAGS = 12  # themes on one story

OPTIONS = {
    "rounds": Option(int, 1, 1, 3, "Interview rounds (each with new partners)."),
    "group_size": Option(int, 4, 2, 8, "About how many people meet in each small group to "
                                       "find the themes (pairs are kept together)."),
    "max_length": Option(int, 1000, 100, 4000, "Longest answer in a story, in characters."),
    "questions": Option(list, [], maximum=4, help="The interview guide if there is no Define "
                                                  "stage before (empty: the standard "
                                                  "questions)."),
    "interview_seconds": Option(int, 0, 0, 7200, "Seconds for a pair's interviews, both ways: "
                                                 "roles swap by themselves at half time, with "
                                                 "a prompt on both phones (0: the facilitator "
                                                 "swaps them with the button)."),
    "unlikely": Option(str, "", help="Unlikely pairs: a question each person answers on their "
                                     "phone, such as 'What is your role?'; people are paired "
                                     "across different answers where possible (empty: off)."),
    "unlikely_choices": Option(list, [], maximum=12, help="The answers to choose from for "
                                                          "unlikely pairs (empty: people write "
                                                          "a short answer)."),
}
MAX_ANSWER = 40


@dataclass
class Story:
    id: str
    round: int
    interviewer: str
    teller: str
    fields: dict[str, str]
    consent: bool | None = None  # None: not asked yet / not answered
    tags: list[str] = field(default_factory=list)  # theme keys


@dataclass
class Discover:
    phase: str = "gathering"  # gathering -> interviews -> themes -> closed
    round: int = -1
    pairings: list[Pairing] = field(default_factory=list)  # per round, as recorded
    turn: int = 0
    groups: list[list[str]] = field(default_factory=list)  # small groups for the themes
    stories: dict[str, Story] = field(default_factory=dict)
    themes: dict[str, str] = field(default_factory=dict)  # key -> name as first written
    forced: bool = False
    hidden: set[str] = field(default_factory=set)
    turn_at: float = 0.0  # when the current turn of interviews began (for the timed swap)
    answers: dict[str, str] = field(default_factory=dict)  # unlikely pairs: pid -> answer

    def has(self, item: str) -> bool:
        return item in self.stories

    @property
    def pairing(self) -> Pairing | None:
        return self.pairings[self.round] if 0 <= self.round < len(self.pairings) else None

    def previous(self) -> list[tuple[str, ...]]:
        return [g for p in self.pairings for g in p.groups]

    def story(self, rnd: int, interviewer: str, teller: str) -> Story | None:
        for s in self.stories.values():
            if (s.round, s.interviewer, s.teller) == (rnd, interviewer, teller):
                return s
        return None

    def shared(self) -> list[Story]:
        """Stories whose tellers consented (and the facilitator did not hide)."""
        return [s for s in self.stories.values() if s.consent and s.id not in self.hidden]

    def group_of(self, pid: str) -> int | None:
        for i, g in enumerate(self.groups):
            if pid in g:
                return i
        return None


def discover(state: WorkshopState, index: int) -> Discover:
    return get(state, index, Discover)


def theme_key(name: str) -> str:
    return " ".join(name.casefold().split())


def _pairing_data(p: Pairing) -> dict[str, Any]:
    return {"groups": [list(g) for g in p.groups], "waiting": list(p.waiting),
            "repeats": p.repeats}


def _pairing_from(data: dict[str, Any]) -> Pairing:
    return Pairing(tuple(tuple(g) for g in data["groups"]), tuple(data.get("waiting", ())),
                   unavoidable=None)


# -- the stage guard: no Dream before Discover is closed (unless skipped on purpose) --------

LATER = ("ai_dream", "ai_design", "ai_destiny")


def stage_guard(state: WorkshopState, target: int) -> str | None:
    """A reason not to move to ``target``: a Discover stage before it is not closed."""
    if not 0 <= target < len(state.stages) or state.stages[target].kind not in LATER:
        return None
    for i in range(target):
        if state.stages[i].kind == "ai_discover" and discover(state, i).phase != "closed":
            return (_("Discover (step %d) is not closed yet: close it so the stories and the "
                      "positive core are settled, or skip it on purpose.") % (i + 1))
    return None


STAGE_GUARDS.append(stage_guard)


# -- facilitator commands --------------------------------------------------------------------

def _people(state: WorkshopState) -> list[str]:
    return list(state.participants)


@command("ai_pair", {FACILITATOR})
def pair(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Pair everyone for the next interview round (new partners where possible)."""
    index = current(state, "ai_discover")
    d = discover(state, index)
    rounds = stage_option(state.stages[index], "rounds")
    if d.phase not in ("gathering", "interviews"):
        raise DomainError(_("The interviews are over: the groups are finding the themes."))
    if d.round + 1 >= rounds:
        raise DomainError(_("All %d interview rounds have been paired.") % rounds)
    people = _people(state)
    if len(people) < 2:
        raise DomainError(_("Interviews need at least two people: wait for a partner to join."))
    apart = _apart(state, index, d)
    pairing = pair_people(people, d.previous(), seed=index, apart=apart)
    return [Draft("ai_paired", {"stage": index, "round": d.round + 1,
                                **_pairing_data(pairing), "alike": len(pairing.alike)})]


def _apart(state: WorkshopState, index: int, d: Discover) -> dict[str, str] | None:
    """Unlikely pairs: each person's answer, compared as written (case and spacing aside)."""
    if not stage_option(state.stages[index], "unlikely"):
        return None
    return {pid: theme_key(a) for pid, a in d.answers.items() if pid in state.participants}


def _half(state: WorkshopState, index: int) -> float:
    """Seconds of one turn of a timed interview (half a pair's time), or 0: not timed."""
    return stage_option(state.stages[index], "interview_seconds") / 2


def swap_at(state: WorkshopState, index: int, d: Discover) -> float | None:
    """When the roles swap by themselves next (server time), or None: not timed, or no turn
    is left in this round."""
    half = _half(state, index)
    if not half or d.phase != "interviews" or d.pairing is None:
        return None
    longest = max((len(turns(g)) for g in d.pairing.groups), default=2)
    return d.turn_at + half if d.turn + 1 < longest else None


SWAP_EARLY = 2.0  # seconds a phone's clock may run ahead when it asks for the timed swap


@command("ai_swap", {FACILITATOR, PARTICIPANT}, {"due": Field(bool, required=False),
                                                "turn": Field(int, required=False)})
def swap_roles(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Swap roles: the interviewer now tells their story (trios rotate).

    The facilitator's button swaps at any time (an override). With ``due`` (the timed swap,
    sent by the console or a phone at half time) it swaps only once the half time has come
    and only if ``turn`` is the next turn, so the many phones asking at once swap it once.
    """
    index = current(state, "ai_discover")
    d = discover(state, index)
    due = bool(payload.get("due"))
    if actor.role != FACILITATOR and not due:
        raise DomainError(_("Only the facilitator swaps the roles before half time."))
    if d.phase != "interviews":
        raise DomainError(_("Roles swap during the interviews."))
    if due and not _half(state, index):
        raise DomainError(_("These interviews are not timed: the facilitator swaps the "
                            "roles."))
    if due and payload.get("turn") != d.turn + 1:
        raise DomainError(_("The roles have already swapped."))
    longest = max((len(turns(g)) for g in d.pairing.groups), default=2) if d.pairing else 2
    if d.turn + 1 >= longest:
        raise DomainError(_("Everyone has been interviewed in this round."))
    if due:
        at = swap_at(state, index, d)
        assert at is not None  # timed, interviews, a turn left
        if now < at - SWAP_EARLY:
            raise DomainError(_("It is not half time yet: the roles swap by themselves."))
    return [Draft("ai_roles_swapped", {"stage": index, "turn": d.turn + 1, "timed": due})]


@command("ai_answer", {PARTICIPANT}, {"answer": Field(str, max_length=200)})
def answer(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Unlikely pairs: the person's own answer (a role, an organisation) to pair across."""
    index = current(state, "ai_discover")
    stage = state.stages[index]
    if not stage_option(stage, "unlikely"):
        raise DomainError(_("This Discover does not pair people across answers."))
    d = discover(state, index)
    if d.phase not in ("gathering", "interviews") or d.round + 1 >= stage_option(stage,
                                                                              "rounds"):
        raise DomainError(_("Everyone has been paired for the last time, so an answer "
                            "changes nothing now."))
    value = short(payload["answer"], MAX_ANSWER, _("answer"), required=True)
    choices = stage_option(stage, "unlikely_choices")
    if choices:
        found = [c for c in choices if theme_key(c) == theme_key(value)]
        if not found:
            raise DomainError(_("Choose one of the answers: %s.") % ", ".join(choices))
        value = found[0]
    if theme_key(d.answers.get(actor.participant or "", "")) == theme_key(value):
        raise DomainError(_("That is already your answer."))
    return [Draft("ai_answered", {"stage": index, "answer": value})]


@command("ai_groups", {FACILITATOR})
def form_groups(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """End the interviews: pairs meet in small groups to find the life-giving themes."""
    index = current(state, "ai_discover")
    d = discover(state, index)
    if d.phase != "interviews":
        raise DomainError(_("Pair people and hold the interviews first."))
    size = stage_option(state.stages[index], "group_size")
    p = d.pairing
    units = [*(p.groups if p else ()), *((w,) for w in (p.waiting if p else ()))]
    groups = small_groups(units, size) if units else []
    return [Draft("ai_groups_formed", {"stage": index, "groups": groups})]


@command("ai_close", {FACILITATOR})
def close(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Close Discover: the stories and the positive core are settled; Dream may begin."""
    index = current(state, "ai_discover")
    if discover(state, index).phase == "closed":
        raise DomainError(_("Discover is already closed."))
    return [Draft("ai_discover_closed", {"stage": index})]


@command("ai_reopen", {FACILITATOR})
def reopen(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Reopen a closed Discover (back to the themes, or the interviews if no groups met)."""
    index = current(state, "ai_discover")
    d = discover(state, index)
    if d.phase != "closed":
        raise DomainError(_("Discover is not closed."))
    phase = "themes" if d.groups else "interviews" if d.pairings else "gathering"
    return [Draft("ai_discover_reopened", {"stage": index, "phase": phase})]


# -- participant commands --------------------------------------------------------------------

def _partner(d: Discover, pid: str) -> str:
    if d.pairing is None:
        raise DomainError(_("The interviews have not started yet: your partner will appear "
                            "here."))
    role = roles(d.pairing).get(pid)
    if role is None:
        raise DomainError(_("You do not have a partner yet: the next person to arrive pairs "
                            "with you."))
    return role.interviews


@command("ai_story", {PARTICIPANT}, {**{f: Field(str, required=False, max_length=4000)
                                        for f in STORY_FIELDS}},
         ack=lambda events: {"story_id": events[0].data["story"]})
def capture_story(state: WorkshopState, actor: Actor, payload: dict, now: float
                  ) -> list[Draft]:
    """The interviewer captures (or updates) their partner's story: highlights, quotable
    words, what gave it life, wishes. It stays in the pair until the teller consents."""
    index = writable(state, "ai_discover")
    d = discover(state, index)
    if d.phase != "interviews":
        raise DomainError(_("Stories are captured during the interviews."))
    pid = actor.participant or ""
    teller = _partner(d, pid)
    limit = stage_option(state.stages[index], "max_length")
    what = {"highlights": _("story"), "quote": _("quote"), "life": _("answer"),
            "wishes": _("wishes")}
    fields = {f: short_text(payload.get(f), limit, what[f]) for f in STORY_FIELDS}
    if not any(fields.values()):
        raise DomainError(_("The story is empty: write something first."))
    found = d.story(d.round, pid, teller)
    story_id = found.id if found else f"s{state.seq + 1}"
    return [Draft("ai_story_saved", {"stage": index, "story": story_id, "round": d.round,
                                     "teller": teller, "fields": fields})]


def short_text(value: Any, limit: int, what: str) -> str:
    """An optional answer: line breaks kept, trimmed; empty is fine."""
    if not value or not str(value).strip():
        return ""
    return text(value, limit, what)


@command("ai_consent", {PARTICIPANT}, {"story_id": Field(str, max_length=MAX_ID),
                                       "consent": Field(bool)})
def consent(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """The teller agrees (or no longer agrees) that their story goes beyond the pair."""
    index = current(state, "ai_discover")
    d = discover(state, index)
    s = d.stories.get(payload["story_id"])
    if s is None or s.teller != actor.participant:
        raise DomainError(_("Only the person who told a story can share it."))
    if d.phase == "closed":
        raise DomainError(_("Discover is closed: ask the facilitator to change what is "
                            "shared."))
    if s.consent == payload["consent"]:
        raise DomainError(_("That is already noted."))
    return [Draft("ai_consent_given", {"stage": index, "story": s.id,
                                       "consent": payload["consent"]})]


def _taggable(state: WorkshopState, actor: Actor, story_id: str) -> tuple[int, Discover, Story]:
    index = writable(state, "ai_discover")
    d = discover(state, index)
    if d.phase != "themes":
        raise DomainError(_("Themes are found in small groups, after the interviews."))
    s = d.stories.get(story_id)
    pid = actor.participant or ""
    group = d.group_of(pid)
    if s is None or not s.consent or s.id in d.hidden:
        raise DomainError(_("That story is not shared with your group."))
    if pid not in (s.teller, s.interviewer) and (
            group is None or (s.teller not in d.groups[group]
                              and s.interviewer not in d.groups[group])):
        raise DomainError(_("That story is not shared with your group."))
    return index, d, s


@command("ai_tag", {PARTICIPANT}, {"story_id": Field(str, max_length=MAX_ID),
                                   "theme": Field(str, max_length=MAX_THEME)})
def tag(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Tag a shared story of one's group with a life-giving theme (new or existing)."""
    index, d, s = _taggable(state, actor, payload["story_id"])
    name = short(payload["theme"], MAX_THEME, _("theme"), required=True)
    key = theme_key(name)
    if key in s.tags:
        raise DomainError(_("This story already has that theme."))
    if len(s.tags) >= MAX_TAGS:
        raise DomainError(_("A story can have at most %d themes.") % MAX_TAGS)
    return [Draft("ai_tagged", {"stage": index, "story": s.id, "theme": d.themes.get(key, name),
                                "tag": True})]


@command("ai_untag", {PARTICIPANT}, {"story_id": Field(str, max_length=MAX_ID),
                                     "theme": Field(str, max_length=MAX_THEME)})
def untag(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Take a theme off a story of one's group."""
    index, d, s = _taggable(state, actor, payload["story_id"])
    key = theme_key(payload["theme"])
    if key not in s.tags:
        raise DomainError(_("This story does not have that theme."))
    return [Draft("ai_tagged", {"stage": index, "story": s.id, "theme": d.themes[key],
                                "tag": False})]


def _on_join(state: WorkshopState, pid: str, now: float) -> list[Draft]:
    """Someone arriving during the interviews is paired at once, moving nobody else."""
    stage = state.stage
    if state.status != "running" or stage is None or stage.kind != "ai_discover":
        return []
    index = state.stage_index
    d = discover(state, index)
    if d.phase == "interviews" and d.pairing is not None:
        before = [g for q in d.pairings[:d.round] for g in q.groups]
        p = add_late(d.pairing, pid, before)
        return [Draft("ai_pairing_changed", {"stage": index, "round": d.round,
                                             "person": pid, **_pairing_data(p)})]
    if d.phase == "themes" and d.groups:
        groups = [list(g) for g in d.groups]
        min(groups, key=len).append(pid)
        return [Draft("ai_groups_formed", {"stage": index, "groups": groups, "person": pid})]
    return []


JOIN_HOOKS.append(_on_join)


# -- reducers --------------------------------------------------------------------------------

def _d(state: WorkshopState, event: Event) -> Discover:
    return for_event(state, event, Discover)


@reducer("ai_paired")
def _paired(state: WorkshopState, event: Event) -> None:
    d = _d(state, event)
    d.phase, d.round, d.turn = "interviews", event.data["round"], 0
    d.turn_at = event.at
    d.pairings.append(_pairing_from(event.data))


@reducer("ai_answered")
def _answered(state: WorkshopState, event: Event) -> None:
    _d(state, event).answers[event.actor] = event.data["answer"]


@reducer("ai_pairing_changed")
def _pairing_changed(state: WorkshopState, event: Event) -> None:
    d = _d(state, event)
    d.pairings[event.data["round"]] = _pairing_from(event.data)


@reducer("ai_roles_swapped")
def _swapped(state: WorkshopState, event: Event) -> None:
    d = _d(state, event)
    d.turn, d.turn_at = event.data["turn"], event.at


@reducer("ai_groups_formed")
def _groups(state: WorkshopState, event: Event) -> None:
    d = _d(state, event)
    d.phase, d.groups = "themes", [list(g) for g in event.data["groups"]]


@reducer("ai_discover_closed")
def _closed(state: WorkshopState, event: Event) -> None:
    _d(state, event).phase = "closed"


@reducer("ai_discover_reopened")
def _reopened(state: WorkshopState, event: Event) -> None:
    _d(state, event).phase = event.data["phase"]


@reducer("ai_story_saved")
def _story(state: WorkshopState, event: Event) -> None:
    d = _d(state, event)
    sid = event.data["story"]
    if sid in d.stories:
        d.stories[sid].fields = dict(event.data["fields"])
    else:
        d.stories[sid] = Story(sid, event.data["round"], event.actor, event.data["teller"],
                               dict(event.data["fields"]))


@reducer("ai_consent_given")
def _consent(state: WorkshopState, event: Event) -> None:
    _d(state, event).stories[event.data["story"]].consent = event.data["consent"]


@reducer("ai_tagged")
def _tagged(state: WorkshopState, event: Event) -> None:
    d = _d(state, event)
    s = d.stories[event.data["story"]]
    key = theme_key(event.data["theme"])
    if event.data["tag"]:
        d.themes.setdefault(key, event.data["theme"])
        s.tags.append(key)
    else:
        s.tags = [t for t in s.tags if t != key]


# -- views -----------------------------------------------------------------------------------

def positive_core(state: WorkshopState, index: int) -> dict[str, Any]:
    """Themes with their counts (stories tagged) and quotes, and the frequent words, from the
    consented stories only."""
    d = discover(state, index)
    shared = d.shared()
    counts: dict[str, list[Story]] = {}
    for s in shared:
        for key in s.tags:
            counts.setdefault(key, []).append(s)
    themes = [{"theme": d.themes[k], "count": len(stories),
               "quotes": [s.fields["quote"] for s in stories if s.fields.get("quote")][:3]}
              for k, stories in counts.items()]
    themes.sort(key=lambda t: (-t["count"], t["theme"].casefold()))
    texts = [" ".join(s.fields.get(f, "") for f in STORY_FIELDS) for s in shared]
    return {"themes": themes, "stories": len(shared), **frequent(texts, limit=20)}


def story_view(state: WorkshopState, s: Story, d: Discover) -> dict[str, Any]:
    return {"id": s.id, "round": s.round, "fields": dict(s.fields), "consent": s.consent,
            "themes": [d.themes[k] for k in s.tags]}


def _guide(state: WorkshopState, index: int) -> list[dict[str, Any]]:
    define = earlier(state, index, "ai_define")
    return guide(state, define if define is not None else index)


def _base(state: WorkshopState, index: int, d: Discover) -> dict[str, Any]:
    p = d.pairing
    return {"kind": "ai_discover", "phase": d.phase, "round": d.round,
            "rounds": stage_option(state.stages[index], "rounds"), "turn": d.turn,
            "pairs": len(p.groups) if p else 0, "guide": _guide(state, index),
            "fields": list(STORY_FIELDS),
            "themes": sorted({d.themes[k] for s in d.shared() for k in s.tags},
                             key=str.casefold),
            "swap_at": swap_at(state, index, d), "turn_seconds": _half(state, index),
            "unlikely": stage_option(state.stages[index], "unlikely")}


def _me(state: WorkshopState, index: int, d: Discover, pid: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    p = d.pairing
    group = p.group_of(pid) if p else None
    if group:
        role = roles(p)[pid]
        order = turns(group)
        now = order[d.turn % len(order)] if d.turn < len(order) else None
        out.update(
            partner={"id": role.interviews, "name": public_name(state, index, role.interviews)},
            interviewer={"id": role.interviewed_by,
                         "name": public_name(state, index, role.interviewed_by)},
            trio=len(group) == 3,
            now=("asking" if now and now[0] == pid else "telling" if now and now[1] == pid
                 else "listening" if now else "done"))
        mine = d.story(d.round, pid, role.interviews)
        out["capture"] = story_view(state, mine, d) if mine else None
    elif p and pid in p.waiting:
        out["waiting"] = True
    out["told"] = [{**story_view(state, s, d), "by": public_name(state, index, s.interviewer)}
                   for s in d.stories.values() if s.teller == pid and s.id not in d.hidden]
    g = d.group_of(pid)
    if d.phase in ("themes", "closed") and g is not None:
        members = d.groups[g]
        out["group"] = {"number": g + 1, "size": len(members),
                        "stories": [story_view(state, s, d) for s in d.shared()
                                    if s.teller in members or s.interviewer in members]}
    return out


def inquiry_view(state: WorkshopState, index: int, audience: str,
                 participant: str | None = None) -> dict[str, Any]:
    d = discover(state, index)
    out = _base(state, index, d)
    if audience == SCREEN:
        out["core"] = positive_core(state, index)
        out["captured"] = len(d.stories)
        out["waiting"] = len(state.participants)
        out["groups"] = len(d.groups)
    elif audience == CONSOLE:
        out["core"] = positive_core(state, index)
        p = d.pairing
        out["pairing"] = [[{"id": x, "name": label(state, x)} for x in g]
                          for g in (p.groups if p else ())]
        out["waiting"] = [label(state, x) for x in (p.waiting if p else ())]
        out["problems"] = ([_("%s and %s were partners in an earlier round.")
                            % tuple(sorted(label(state, x) for x in pair))
                            for pair in p.repeated] if p else [])
        out["repeats"] = p.repeats if p else 0
        out["captured"] = len(d.stories)
        out["consented"] = sum(1 for s in d.stories.values() if s.consent)
        out["groups"] = [[label(state, x) for x in g] for g in d.groups]
        out["people"] = len(state.participants)
        out["next_guarded"] = stage_guard(state, index + 1) is not None
        out["answers"] = _answer_counts(state, d) if out["unlikely"] else []
        out["alike"] = len(_alike(state, index, d))
    elif participant:
        out["me"] = _me(state, index, d, participant)
        if out["unlikely"]:
            out["choices"] = list(stage_option(state.stages[index], "unlikely_choices"))
            out["me"]["answer"] = d.answers.get(participant, "")
    return out


def _answer_counts(state: WorkshopState, d: Discover) -> list[dict[str, Any]]:
    """How many gave each answer (for the console: a lopsided room pairs alike people)."""
    counts: dict[str, list[Any]] = {}
    for pid, value in d.answers.items():
        if pid in state.participants:
            counts.setdefault(theme_key(value), [value, 0])[1] += 1
    return [{"answer": a, "count": n} for a, n in sorted(counts.values(),
                                                          key=lambda x: (-x[1], x[0]))]


def _alike(state: WorkshopState, index: int, d: Discover) -> list[frozenset[str]]:
    """Partners this round who gave the same answer (unlikely pairs could not part them)."""
    apart = _apart(state, index, d)
    if not apart or d.pairing is None:
        return []
    return [pair for pair in d.pairing.pairs()
            if len({apart.get(p) for p in pair} - {None}) == 1
            and all(p in apart for p in pair)]


def view(state: WorkshopState, index: int, audience: str, participant: str | None
         ) -> dict[str, Any]:
    return {"inquiry": inquiry_view(state, index, audience, participant)}


def _group_people(d: Discover, *people: str) -> set[str]:
    out: set[str] = set(people)
    for x in people:
        g = d.group_of(x)
        if g is not None:
            out.update(d.groups[g])
    return out


@notifier("ai_paired", "ai_groups_formed", "ai_discover_closed", "ai_discover_reopened",
          "ai_roles_swapped", "ai_pairing_changed")
def _phase(state: WorkshopState, event: Event) -> list[Emit]:
    return refresh_all()


@notifier("ai_answered")
def _answer_notice(state: WorkshopState, event: Event) -> list[Emit]:
    """Only the console (the counts) and the person's own phone: an answer is never shown."""
    index = event.data["stage"]
    return [ai_emit(state, index, CONSOLE, inquiry_view),
            ai_emit(state, index, PHONE, inquiry_view, event.actor)]


@notifier("ai_story_saved", "ai_consent_given")
def _story_notice(state: WorkshopState, event: Event) -> list[Emit]:
    index = event.data["stage"]
    d = discover(state, index)
    s = d.stories[event.data["story"]]
    out = [ai_emit(state, index, CONSOLE, inquiry_view), ai_emit(state, index, SCREEN,
                                                                 inquiry_view)]
    people = {s.teller, s.interviewer}
    if event.type == "ai_consent_given" and d.phase == "themes":
        people |= _group_people(d, s.teller, s.interviewer)
    out += [ai_emit(state, index, PHONE, inquiry_view, p) for p in sorted(people)
            if p in state.participants]
    return out


@notifier("ai_tagged")
def _tag_notice(state: WorkshopState, event: Event) -> list[Emit]:
    index = event.data["stage"]
    d = discover(state, index)
    s = d.stories[event.data["story"]]
    people = _group_people(d, event.actor, s.teller, s.interviewer)
    return [ai_emit(state, index, SCREEN, inquiry_view), ai_emit(state, index, CONSOLE,
                                                                 inquiry_view),
            *[ai_emit(state, index, PHONE, inquiry_view, p) for p in sorted(people)
              if p in state.participants]]

