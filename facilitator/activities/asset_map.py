"""The ``assets`` activity: asset mapping (Asset-Based Community Development, METHODS.md).

One map per workshop (``state.asset_map``), built over several ``assets`` stages, each with a
``step``:

- ``purpose``: the group agrees its aim; the facilitator records it. Nothing is collected
  before a purpose is set, in any step. A purpose the plan gives (an assets stage's
  ``purpose`` option, or the plan's ``purpose``) counts as set from the start; the
  facilitator can still change it.
- ``personal``: each person's gifts by head, hands and heart, what they would offer and what
  they wish for (or, with ``template: wellness``, strengths, people, places and activities
  that help them keep well). Short entries, several each, editable, each ``private``,
  ``group`` or ``public``. In interview mode one person records for another, who agreed.
- ``community``: assets of the six kinds (``facilitator.core.assets.KINDS``) with what they
  offer and an optional place; the facilitator merges duplicates (suggested by
  ``similar_assets``), and the merge can be undone.
- ``connections``: offers (and what people know and can do, and community assets) that might
  meet wishes, from ``suggest_connections``, each with the words that matched. The facilitator
  shares or dismisses suggestions; each side says whether they want to follow it up; names and
  contact details are shown to the two sides only once both agreed.
- ``map``: the whole map, with the kinds that are thin (gaps and opportunities).

**Privacy.** Private entries are seen by their owner (and whoever recorded them for an
interviewee) only: never by the projector, the console, other phones or an export, and
never matched. ``group`` and ``public`` entries are seen by the room, without names;
``public`` community assets alone go into the shareable inventory. A workshop whose plan has
``person_centred: true`` on any ``assets`` stage sends nothing to the projector at all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from facilitator.activities.mechanics import inverse
from facilitator.core.assets import (
    KINDS as ASSET_KINDS,
)
from facilitator.core.assets import (
    N_,
    PERSONAL,
    VISIBILITIES,
    Asset,
    Category,
    Connection,
    Item,
    Place,
    merge_assets,
    similar_assets,
    suggest_connections,
)
from facilitator.core.commands import PARTICIPANT, Actor, Draft, Field, clean_text, command
from facilitator.core.errors import DomainError
from facilitator.core.plan import Option, Stage, stage_option
from facilitator.core.state import FACILITATOR, Event, WorkshopState, reducer
from facilitator.core.views import CONSOLE, PHONE, PHONES, SCREEN, Emit, author_name, notifier
from facilitator.i18n import _

SCREEN_VIEW = "assets"  # the projector's view: the live map (templates/kinds/assets)
STEPS = ("purpose", "personal", "community", "connections", "map")
TEMPLATES = ("head-hands-heart", "wellness", "capacity")
MAX_PURPOSE = 500
MAX_NAME = 120
MAX_OFFERS = 300
MAX_PLACE = 120
MAX_ACCESS = 300
MAX_DETAIL = 80  # an offer's "when" and "for whom"
MAX_AREA = 60
#: The skill areas of a capacity inventory unless the plan gives its own (after the
#: community skills inventories of Kretzmann and McKnight's asset-based guide).
CAPACITY_AREAS = (N_("Health and care"), N_("Office and computers"),
                  N_("Building and repairs"), N_("Gardening and outdoors"),
                  N_("Food and cooking"), N_("Children and young people"),
                  N_("Transport and driving"), N_("Music, arts and crafts"),
                  N_("Languages"), N_("Sport and exercise"), N_("Money and business"),
                  N_("Organising and community work"))
MAX_CONTACT = 200
MAX_PEOPLE = 20  # interviewees one person may record for
SCREEN_ITEMS = 40  # items per box on the projector (counts are always complete)
SCREEN_LINKS = 40  # connections drawn on the projector, agreed ones first

#: Categories of a person-centred (wellness toolbox) map, besides ``heart``.
WELLNESS: dict[str, Category] = {
    "strengths": Category("strengths", N_("Strengths"),
                          N_("What you are good at, and what others value in you.")),
    "people": Category("people", N_("People"), N_("Who helps you keep well.")),
    "places": Category("places", N_("Places"), N_("Where you feel well.")),
    "activities": Category("activities", N_("Activities"),
                           N_("What you do that helps you keep well.")),
}
#: A capacity inventory: skills by area, each one a person has or would like to learn.
CAPACITY: dict[str, Category] = {
    "have": Category("have", N_("I have this"), N_("A skill you have, in one of the areas.")),
    "learn": Category("learn", N_("I'd like to learn"),
                      N_("A skill you would like to learn, in one of the areas.")),
}
CATEGORIES: dict[str, Category] = {**PERSONAL, **WELLNESS, **CAPACITY}
TEMPLATE_CATEGORIES = {
    "head-hands-heart": ("head", "hands", "heart", "offer", "wish"),
    "wellness": ("strengths", "people", "places", "activities", "heart"),
    "capacity": ("have", "learn", "offer"),
}
OFFER_SIDE = ("offer", "head", "hands", "have")  # what someone could bring to a wish
WISH_SIDE = ("wish", "learn")
AREA_CATEGORIES = ("have", "learn")  # entries that name a skill area

OPTIONS = {
    "step": Option(str, "personal", help="What this stage does: 'purpose' (agree the aim), "
                                         "'personal' (head, hands and heart), 'community' (the "
                                         "six kinds of asset), 'connections' (offers meet "
                                         "wishes) or 'map' (the whole map and its gaps).",
                   choices=STEPS),
    "template": Option(str, "head-hands-heart",
                       help="Personal categories: 'head-hands-heart' (with offers and wishes), "
                            "'wellness' (strengths, people, places, activities, heart) or "
                            "'capacity' (a capacity inventory: skills by area, each 'I have "
                            "this' or 'I'd like to learn', and offers).",
                       choices=TEMPLATES),
    "areas": Option(list, [], maximum=30, help="The skill areas of a capacity inventory "
                                               "(empty: twelve common areas, from health and "
                                               "care to organising)."),
    "person_centred": Option(bool, False, help="One person's own map with a practitioner: "
                                               "private by default, nothing on a projector."),
    "visibility": Option(str, "group", help="Who sees a new entry unless its author says "
                                            "otherwise: 'private', 'group' or 'public'.",
                         choices=VISIBILITIES),
    "interview": Option(bool, True, help="Someone may record answers for another person who "
                                         "agreed (door-knocking, no phone)."),
    "review": Option(bool, True, help="Connections: the facilitator shares each suggestion "
                                      "before people see it."),
    "min_score": Option(int, 1, 1, 5, "Connections: how much two entries must share to be "
                                      "suggested (1: one topic or word)."),
    "thin": Option(int, 1, 0, 100, "A kind of asset with at most this many entries is shown "
                                   "as thin: a gap, or an opportunity."),
    "max_length": Option(int, 200, 20, 500, "Longest personal entry, in characters."),
    "max_per_category": Option(int, 10, 1, 50, "Most entries one person can make in each "
                                               "category."),
    "max_assets": Option(int, 30, 1, 200, "Most community assets one person can add."),
    "purpose": Option(str, "", help="The map's purpose, set from the start (the facilitator "
                                    "can change it on the console). Without it, the plan's "
                                    "purpose is used."),
}


def warnings(stage: Stage) -> list[str]:
    """Advice about an asset-mapping stage before it runs (the review page shows it)."""
    out = []
    step = stage_option(stage, "step")
    if stage_option(stage, "person_centred"):
        if step == "connections":
            out.append(_("A person-centred map is private: connections need other people's "
                         "entries, so this step will have little to show."))
        if step == "personal" and stage_option(stage, "visibility") != "private":
            out.append(_("Person-centred maps are private by default: new entries start as "
                         "private whatever this stage's visibility says."))
    if step == "personal" and stage_option(stage, "template") == "wellness" \
            and not stage_option(stage, "person_centred"):
        out.append(_("The wellness template is meant for a person's own map: consider "
                     "person_centred."))
    return out


# -- state -----------------------------------------------------------------------------------

@dataclass
class Gift:
    """One personal entry: head, hands, heart, an offer, a wish (or a wellness category)."""

    id: str
    owner: str  # a participant id, or an interviewee id ("v1")
    category: str
    text: str
    visibility: str
    recorded_by: str
    created: float
    edited: float | None = None
    deleted: bool = False
    area: str = ""  # a capacity inventory's skill area
    when: str = ""  # an offer's when
    for_whom: str = ""  # an offer's for whom

    @property
    def match_text(self) -> str:
        """What the matcher reads: the area with the skill, an offer with whom it is for."""
        return " ".join(x for x in (self.area, self.text, self.for_whom) if x)

@dataclass
class Interviewee:
    """Someone without a phone whose answers another participant records, with consent."""

    id: str
    name: str
    recorded_by: str
    agreed_at: float


@dataclass
class AssetMap:
    """The workshop's map: purpose, gifts, community assets, interviewees, contacts, and the
    connections' review (``status``) and follow-ups (``follows``: connection -> owners)."""

    purpose: str = ""
    gifts: dict[str, Gift] = field(default_factory=dict)
    assets: list[Asset] = field(default_factory=list)
    asset_count: int = 0
    interviewees: dict[str, Interviewee] = field(default_factory=dict)
    contacts: dict[str, str] = field(default_factory=dict)
    status: dict[str, str] = field(default_factory=dict)  # connection -> shared | dismissed
    follows: dict[str, set[str]] = field(default_factory=dict)
    version: int = 0  # bumped by any change to what can be matched
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def asset(self, asset_id: str) -> Asset | None:
        return next((a for a in self.assets if a.id == asset_id), None)


def planned_purpose(state: WorkshopState) -> str:
    """The purpose the plan gives the map: an assets stage's own ``purpose`` option, or else
    the plan's ``purpose``. It counts as agreed from the start; the facilitator can change it."""
    for stage in state.stages:
        if stage.kind == "assets" and (text := stage_option(stage, "purpose").strip()):
            return text[:MAX_PURPOSE]
    return (state.plan.purpose if state.plan else "")[:MAX_PURPOSE]


def asset_map(state: WorkshopState) -> AssetMap:
    if state.asset_map is not None:
        return state.asset_map
    return AssetMap(purpose=planned_purpose(state)) if state.plan else AssetMap()


def _map_for(state: WorkshopState) -> AssetMap:
    if state.asset_map is None:
        state.asset_map = AssetMap(purpose=planned_purpose(state))
    return state.asset_map


def person_centred(state: WorkshopState) -> bool:
    """Whether this workshop is one person's own map: nothing ever goes to a projector."""
    return any(s.kind == "assets" and stage_option(s, "person_centred") for s in state.stages)


def step_of(state: WorkshopState, index: int) -> str:
    return stage_option(state.stages[index], "step")


def categories(stage: Stage) -> tuple[str, ...]:
    return TEMPLATE_CATEGORIES[stage_option(stage, "template")]


def areas(stage: Stage) -> list[str]:
    """A capacity inventory's skill areas: the plan's, or the common ones (translated)."""
    return list(stage_option(stage, "areas")) or [_(a) for a in CAPACITY_AREAS]


def gift_line(g: Gift) -> str:
    """An entry as one line for the room and the report: an offer with its when and for
    whom, a skill with its area."""
    if g.area:
        return _("%(area)s: %(skill)s") % {"area": g.area, "skill": g.text}
    if g.when and g.for_whom:
        return _("%(what)s (when: %(when)s; for: %(whom)s)") % {
            "what": g.text, "when": g.when, "whom": g.for_whom}
    if g.when:
        return _("%(what)s (when: %(when)s)") % {"what": g.text, "when": g.when}
    if g.for_whom:
        return _("%(what)s (for: %(whom)s)") % {"what": g.text, "whom": g.for_whom}
    return g.text


def default_visibility(state: WorkshopState, stage: Stage) -> str:
    return "private" if person_centred(state) else stage_option(stage, "visibility")


def controller(state: WorkshopState, owner: str | None) -> str | None:
    """The participant who acts for ``owner``: themselves, or who recorded an interviewee."""
    if not owner:
        return None
    m = asset_map(state)
    if owner in m.interviewees:
        return m.interviewees[owner].recorded_by
    return owner if owner in state.participants else None


def owner_name(state: WorkshopState, owner: str | None) -> str:
    if not owner:
        return ""
    m = asset_map(state)
    if owner in m.interviewees:
        return m.interviewees[owner].name
    return author_name(state, owner)


# -- checks ----------------------------------------------------------------------------------

def _here(state: WorkshopState, steps: tuple[str, ...] = STEPS) -> Stage:
    """The current stage, if it is an open asset-mapping stage of one of ``steps``."""
    if state.status == "ended":
        raise DomainError(_("This workshop has ended. Thank you for taking part."))
    if state.status != "running":
        raise DomainError(_("The workshop has not started yet. Please wait for the facilitator."))
    stage = state.stage
    if stage is None or stage.kind != "assets":
        raise DomainError(_("This step is not part of the asset map."))
    if state.stage_index in state.locked:
        raise DomainError(_("The facilitator has paused writing for now. Keep what you wrote "
                            "and try again when writing reopens."))
    if stage_option(stage, "step") not in steps:
        raise DomainError({
            "personal": _("Personal entries are added in the head, hands and heart step."),
            "community": _("Community assets are added in the community assets step."),
            "connections": _("Connections are followed up in the connections step."),
        }.get(steps[0], _("That is not part of this step.")))
    return stage


def _collecting(state: WorkshopState, steps: tuple[str, ...]) -> Stage:
    stage = _here(state, steps)
    if not asset_map(state).purpose:
        raise DomainError(_("The group has not agreed its purpose yet: mapping starts once the "
                            "facilitator has written it down."))
    return stage


def _owner(state: WorkshopState, actor: Actor, person: str | None) -> str:
    """Whose entry this is: the sender, or an interviewee the sender records for."""
    pid = actor.participant or ""
    if not person or person == pid:
        return pid
    found = asset_map(state).interviewees.get(person)
    if found is None or found.recorded_by != pid:
        raise DomainError(_("You can only record answers for people you are interviewing."))
    return person


def _may_change(state: WorkshopState, actor: Actor, owner: str | None) -> bool:
    return actor.role == FACILITATOR or (actor.participant is not None
                                         and controller(state, owner) == actor.participant)


def _visibility(value: str | None, fallback: str) -> str:
    if value is None:
        return fallback
    if value not in VISIBILITIES:
        raise DomainError(_("Choose who can see it: only you (private), this group (group) or "
                            "anyone (public)."))
    return value


def _gift(state: WorkshopState, actor: Actor, gift_id: str) -> Gift:
    g = asset_map(state).gifts.get(gift_id)
    if g is None or g.deleted:
        raise DomainError(_("That entry does not exist (it may have been deleted)."))
    if actor.role == FACILITATOR or controller(state, g.owner) != actor.participant:
        raise DomainError(_("You can only change your own entries."))
    return g


def _community(state: WorkshopState, actor: Actor, asset_id: str) -> Asset:
    a = asset_map(state).asset(asset_id)
    if a is None:
        raise DomainError(_("That asset is not on the map (it may have been merged or "
                            "removed)."))
    if not _may_change(state, actor, a.owner):
        raise DomainError(_("You can only change assets you added."))
    return a


def _offers(text: str | None) -> list[str]:
    if not text:
        return []
    text = clean_text(text, MAX_OFFERS, _("description of what it offers"))
    return [part.strip() for part in text.replace("\n", ";").split(";") if part.strip()]


def _access(text: str | None) -> str:
    if not (text or "").strip():
        return ""
    return clean_text(str(text), MAX_ACCESS, _("access notes"))


def _place(payload: dict) -> tuple[Place, ...]:
    """The place of a payload: a label in words, and coordinates (WGS 84, from the phone's
    location, only when the person pressed the button that shares it), rounded to about a
    metre. Neither: no place."""
    label = payload.get("place") or ""
    label = clean_text(label, MAX_PLACE, _("place")) if label.strip() else ""
    lat, lon = payload.get("lat"), payload.get("lon")
    if (lat is None) != (lon is None):
        raise DomainError(_("A location needs both its latitude and its longitude."))
    if lat is not None:
        for value, limit in ((lat, 90), (lon, 180)):
            if (isinstance(value, bool) or not isinstance(value, int | float)
                    or not math.isfinite(value) or abs(value) > limit):
                raise DomainError(_("That location is not a place on Earth: latitude runs "
                                    "from -90 to 90 and longitude from -180 to 180."))
        lat, lon = round(float(lat), 6), round(float(lon), 6)
    if not label and lat is None:
        return ()
    return (Place(label, lat, lon),)


def _kind(value: str) -> str:
    if value not in ASSET_KINDS:
        raise DomainError(_("Choose one of the six kinds of asset: %s.")
                          % ", ".join(k.label for k in ASSET_KINDS.values()))
    return value


# -- facilitator commands --------------------------------------------------------------------

@command("asset_purpose", {FACILITATOR}, {"text": Field(str, max_length=MAX_PURPOSE)})
def set_purpose(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Write down the purpose the group agreed: mapping starts once there is one."""
    if state.status == "ended":
        raise DomainError(_("This workshop has ended. Thank you for taking part."))
    if not any(s.kind == "assets" for s in state.stages):
        raise DomainError(_("This workshop has no asset map."))
    text = clean_text(payload["text"], MAX_PURPOSE, _("purpose"))
    return [Draft("asset_purpose_set", {"text": text, "from": asset_map(state).purpose})]


@command("asset_merge", {FACILITATOR}, {"keep": Field(str, max_length=20),
                                        "merge": Field(str, max_length=20)})
def merge(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Merge a duplicate community asset into another; both names are kept (undoable)."""
    m = asset_map(state)
    merge_assets(m.assets, payload["keep"], payload["merge"])  # refuses a pair it cannot merge
    ids = [a.id for a in m.assets]
    keep, other = m.asset(payload["keep"]), m.asset(payload["merge"])
    assert keep is not None and other is not None
    return [Draft("asset_merged", {"keep": keep.id, "merge": other.id,
                                   "before": [keep.to_dict(), other.to_dict()],
                                   "index": ids.index(other.id)})]


@inverse("asset_merged")
def _undo_merge(state: WorkshopState, event: Event) -> list[Draft]:
    return [Draft("asset_unmerged", {"records": event.data["before"],
                                     "index": event.data["index"]})]


@command("asset_review", {FACILITATOR}, {"connection": Field(str, max_length=50),
                                         "status": Field(str, max_length=20)})
def review(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Share a suggested connection with its two sides, dismiss it, or take that back."""
    status = payload["status"]
    if status not in ("shared", "dismissed", "suggested"):
        raise DomainError(_("A suggestion can be shared, dismissed or left as suggested."))
    cid = payload["connection"]
    if cid not in suggestions(state) and cid not in asset_map(state).status:
        raise DomainError(_("That connection is not suggested any more (an entry changed)."))
    before = asset_map(state).status.get(cid, "suggested")
    if before == status:
        raise DomainError(_("That is already so."))
    return [Draft("asset_connection_reviewed", {"connection": cid, "status": status,
                                                "from": before})]


@inverse("asset_connection_reviewed", "asset_purpose_set")
def _undo_review(state: WorkshopState, event: Event) -> list[Draft]:
    if event.type == "asset_purpose_set":
        return [Draft("asset_purpose_set", {"text": event.data["from"],
                                            "from": event.data["text"]})]
    return [Draft("asset_connection_reviewed", {"connection": event.data["connection"],
                                                "status": event.data["from"],
                                                "from": event.data["status"]})]


# -- participant commands: personal entries --------------------------------------------------

@command("asset_gift_add", {PARTICIPANT},
         {"category": Field(str, max_length=20), "text": Field(str, max_length=500),
          "visibility": Field(str, required=False, max_length=10),
          "person": Field(str, required=False, max_length=20),
          "area": Field(str, required=False, max_length=MAX_AREA),
          "when": Field(str, required=False, max_length=MAX_DETAIL),
          "for_whom": Field(str, required=False, max_length=MAX_DETAIL)},
         ack=lambda events: {"gift_id": events[0].data["id"]})
def add_gift(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Add a personal entry (head, hands, heart, an offer or a wish) for oneself, or for the
    person one is interviewing."""
    stage = _collecting(state, ("personal",))
    owner = _owner(state, actor, payload.get("person"))
    category = payload["category"]
    if category not in categories(stage):
        raise DomainError(_("Choose one of: %s.")
                          % ", ".join(CATEGORIES[c].label for c in categories(stage)))
    text = clean_text(payload["text"], stage_option(stage, "max_length"), _("entry"))
    m = asset_map(state)
    cap = stage_option(stage, "max_per_category")
    mine = sum(1 for g in m.gifts.values()
               if g.owner == owner and g.category == category and not g.deleted)
    if mine >= cap:
        raise DomainError(_("There are already %(n)d entries under %(what)s, which is the most "
                            "allowed.") % {"n": cap, "what": CATEGORIES[category].label})
    data = {"id": f"g{len(m.gifts) + 1}", "owner": owner, "category": category, "text": text,
            "visibility": _visibility(payload.get("visibility"),
                                      default_visibility(state, stage))}
    data.update(_details(stage, category, payload))
    return [Draft("asset_gift_added", data)]


def _details(stage: Stage, category: str, payload: dict) -> dict[str, str]:
    """A skill's area (capacity inventory) or an offer's when and for whom, checked."""
    out: dict[str, str] = {}
    if category in AREA_CATEGORIES:
        wanted = " ".join((payload.get("area") or "").split()).casefold()
        found = [a for a in areas(stage) if a.casefold() == wanted]
        if not found:
            raise DomainError(_("Choose one of the areas: %s.") % ", ".join(areas(stage)))
        out["area"] = found[0]
    elif payload.get("area"):
        raise DomainError(_("Only skills have an area."))
    for key, what in (("when", _("when")), ("for_whom", _("for whom"))):
        value = " ".join((payload.get(key) or "").split())
        if value and category != "offer":
            raise DomainError(_("Only an offer says when and for whom."))
        if value:
            out[key] = clean_text(value, MAX_DETAIL, what)
    return out


@command("asset_gift_edit", {PARTICIPANT},
         {"gift_id": Field(str, max_length=20), "text": Field(str, required=False,
                                                              max_length=500),
          "visibility": Field(str, required=False, max_length=10),
          "when": Field(str, required=False, max_length=MAX_DETAIL),
          "for_whom": Field(str, required=False, max_length=MAX_DETAIL)})
def edit_gift(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Change an entry's text or who can see it, while an asset-mapping step is open."""
    stage = _here(state)
    g = _gift(state, actor, payload["gift_id"])
    data: dict[str, Any] = {"id": g.id}
    if payload.get("text") is not None:
        data["text"] = clean_text(payload["text"], stage_option(stage, "max_length"),
                                  _("entry"))
    if payload.get("visibility") is not None:
        data["visibility"] = _visibility(payload["visibility"], g.visibility)
    for key in ("when", "for_whom"):
        if payload.get(key) is not None:
            if g.category != "offer":
                raise DomainError(_("Only an offer says when and for whom."))
            value = " ".join(payload[key].split())
            data[key] = clean_text(value, MAX_DETAIL, key) if value else ""
    if len(data) == 1:
        raise DomainError(_("Nothing to change: give a new text or a new visibility."))
    return [Draft("asset_gift_edited", data)]


@command("asset_gift_delete", {PARTICIPANT}, {"gift_id": Field(str, max_length=20)})
def delete_gift(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Delete one of one's entries, while an asset-mapping step is open."""
    _here(state)
    g = _gift(state, actor, payload["gift_id"])
    return [Draft("asset_gift_deleted", {"id": g.id})]


@command("asset_interviewee", {PARTICIPANT},
         {"name": Field(str, required=False, max_length=40), "consent": Field(bool)},
         ack=lambda events: {"person_id": events[0].data["id"]})
def add_interviewee(state: WorkshopState, actor: Actor, payload: dict,
                    now: float) -> list[Draft]:
    """Interview mode: start recording answers for someone else (door-knocking, no phone).
    They must have agreed to it."""
    stage = _collecting(state, ("personal", "community"))
    if not stage_option(stage, "interview"):
        raise DomainError(_("Interview mode is not used in this workshop."))
    if not payload["consent"]:
        raise DomainError(_("Ask first: record someone's answers only if they agree."))
    m = asset_map(state)
    mine = [v for v in m.interviewees.values() if v.recorded_by == actor.participant]
    if len(mine) >= MAX_PEOPLE:
        raise DomainError(_("You are already recording for %d people, which is the most "
                            "allowed.") % MAX_PEOPLE)
    name = " ".join((payload.get("name") or "").split())
    return [Draft("asset_interviewee_added", {"id": f"v{len(m.interviewees) + 1}",
                                              "name": name})]


# -- participant commands: community assets --------------------------------------------------

@command("asset_add", {PARTICIPANT},
         {"kind": Field(str, max_length=20), "name": Field(str, max_length=MAX_NAME),
          "offers": Field(str, required=False, max_length=MAX_OFFERS),
          "place": Field(str, required=False, max_length=MAX_PLACE),
          "access": Field(str, required=False, max_length=MAX_ACCESS),
          "lat": Field(float, required=False), "lon": Field(float, required=False),
          "visibility": Field(str, required=False, max_length=10),
          "person": Field(str, required=False, max_length=20)},
         ack=lambda events: {"asset_id": events[0].data["record"]["id"]})
def add_asset(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Add a community asset: its kind, its name, what it offers, access notes and, if known,
    where: a place in words, and coordinates only if the person chose to share their phone's
    location."""
    stage = _collecting(state, ("community",))
    owner = _owner(state, actor, payload.get("person"))
    m = asset_map(state)
    cap = stage_option(stage, "max_assets")
    if sum(1 for a in m.assets if a.owner == owner) >= cap:
        raise DomainError(_("You have added %d assets, which is the most allowed.") % cap)
    visibility = _visibility(payload.get("visibility"),
                             "private" if person_centred(state) else "public")
    record = Asset(id=f"a{m.asset_count + 1}", kind=_kind(payload["kind"]),
                   name=clean_text(payload["name"], MAX_NAME, _("name")),
                   offers=tuple(_offers(payload.get("offers"))),
                   places=_place(payload), access=_access(payload.get("access")), owner=owner,
                   visibility=visibility, created=now)
    return [Draft("asset_added", {"record": record.to_dict()})]


@command("asset_edit", {PARTICIPANT, FACILITATOR},
         {"asset_id": Field(str, max_length=20),
          "kind": Field(str, required=False, max_length=20),
          "name": Field(str, required=False, max_length=MAX_NAME),
          "offers": Field(str, required=False, max_length=MAX_OFFERS),
          "place": Field(str, required=False, max_length=MAX_PLACE),
          "access": Field(str, required=False, max_length=MAX_ACCESS),
          "lat": Field(float, required=False), "lon": Field(float, required=False),
          "forget_location": Field(bool, required=False),
          "visibility": Field(str, required=False, max_length=10)})
def edit_asset(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Change a community asset (its author, or the facilitator: e.g. its kind before a
    merge)."""
    if actor.role == FACILITATOR:
        if state.status == "ended":
            raise DomainError(_("This workshop has ended. Thank you for taking part."))
    else:
        _here(state)
    a = _community(state, actor, payload["asset_id"])
    record = a.to_dict()
    if payload.get("kind") is not None:
        record["kind"] = _kind(payload["kind"])
    if payload.get("name") is not None:
        record["name"] = clean_text(payload["name"], MAX_NAME, _("name"))
    if payload.get("offers") is not None:
        record["offers"] = _offers(payload["offers"])
    if any(payload.get(k) is not None for k in ("place", "lat", "lon", "forget_location")):
        old = a.places[0] if a.places else Place()
        merged = {"place": payload["place"] if payload.get("place") is not None else old.label}
        if payload.get("lat") is not None or payload.get("lon") is not None:
            merged.update(lat=payload.get("lat"), lon=payload.get("lon"))
        elif not payload.get("forget_location"):
            merged.update(lat=old.lat, lon=old.lon)
        record["places"] = [{k: v for k, v in (("label", p.label), ("lat", p.lat),
                                                ("lon", p.lon)) if v not in ("", None)}
                            for p in _place(merged)] + [
            {k: v for k, v in (("label", p.label), ("lat", p.lat), ("lon", p.lon))
             if v not in ("", None)} for p in a.places[1:]]
    if payload.get("access") is not None:
        record["access"] = _access(payload["access"])
        if not record["access"]:
            record.pop("access")
    if payload.get("visibility") is not None:
        if actor.role == FACILITATOR:
            raise DomainError(_("Only the person who added it decides who can see it."))
        record["visibility"] = _visibility(payload["visibility"], a.visibility)
    if record == a.to_dict():
        raise DomainError(_("Nothing to change."))
    return [Draft("asset_edited", {"record": record, "before": a.to_dict()})]


@command("asset_remove", {PARTICIPANT, FACILITATOR}, {"asset_id": Field(str, max_length=20)})
def remove_asset(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Take a community asset off the map (its author, or the facilitator)."""
    if actor.role != FACILITATOR:
        _here(state)
    a = _community(state, actor, payload["asset_id"])
    return [Draft("asset_removed", {"id": a.id, "owner": a.owner})]


# -- participant commands: connections -------------------------------------------------------

@command("asset_contact", {PARTICIPANT},
         {"contact": Field(str, max_length=MAX_CONTACT),
          "person": Field(str, required=False, max_length=20)})
def set_contact(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """How people may reach you (or your interviewee): shown only to the other side of a
    connection you both agreed to follow up. Empty text removes it."""
    _here(state, ("connections",))
    owner = _owner(state, actor, payload.get("person"))
    text = payload["contact"].strip()
    if text:
        text = clean_text(text, MAX_CONTACT, _("contact detail"))
    if asset_map(state).contacts.get(owner, "") == text:
        raise DomainError(_("That is already saved."))
    return [Draft("asset_contact_set", {"owner": owner, "contact": text})]


@command("asset_follow", {PARTICIPANT},
         {"connection": Field(str, max_length=50), "follow": Field(bool),
          "person": Field(str, required=False, max_length=20)})
def follow(state: WorkshopState, actor: Actor, payload: dict, now: float) -> list[Draft]:
    """Say you would like to follow a connection up (or no longer), for yourself or for the
    person you interviewed."""
    _here(state, ("connections",))
    cid = payload["connection"]
    c = visible_connections(state).get(cid)
    if c is None:
        raise DomainError(_("That connection is not open to you."))
    sides = [o for o in _sides(state, c) if controller(state, o) == actor.participant]
    if payload.get("person"):
        sides = [o for o in sides if o == _owner(state, actor, payload["person"])]
    if not sides:
        raise DomainError(_("That connection is not open to you."))
    owner = sides[0]
    if payload["follow"] == (owner in asset_map(state).follows.get(cid, set())):
        raise DomainError(_("That is already noted."))
    return [Draft("asset_followed", {"connection": cid, "owner": owner,
                                     "follow": payload["follow"]})]


# -- reducers --------------------------------------------------------------------------------

def _changed(m: AssetMap) -> None:
    m.version += 1
    m.memo = {}  # suggestions, duplicates: derived from what changed


@reducer("asset_purpose_set")
def _purpose(state: WorkshopState, event: Event) -> None:
    _map_for(state).purpose = event.data["text"]


@reducer("asset_gift_added")
def _gift_added(state: WorkshopState, event: Event) -> None:
    m = _map_for(state)
    d = event.data
    m.gifts[d["id"]] = Gift(d["id"], d["owner"], d["category"], d["text"], d["visibility"],
                            event.actor, event.at, area=d.get("area", ""),
                            when=d.get("when", ""), for_whom=d.get("for_whom", ""))
    _changed(m)


@reducer("asset_gift_edited")
def _gift_edited(state: WorkshopState, event: Event) -> None:
    m = _map_for(state)
    g = m.gifts[event.data["id"]]
    g.text = event.data.get("text", g.text)
    g.visibility = event.data.get("visibility", g.visibility)
    g.when = event.data.get("when", g.when)
    g.for_whom = event.data.get("for_whom", g.for_whom)
    g.edited = event.at
    _changed(m)


@reducer("asset_gift_deleted")
def _gift_deleted(state: WorkshopState, event: Event) -> None:
    m = _map_for(state)
    m.gifts[event.data["id"]].deleted = True
    _changed(m)


@reducer("asset_interviewee_added")
def _interviewee(state: WorkshopState, event: Event) -> None:
    m = _map_for(state)
    vid = event.data["id"]
    m.interviewees[vid] = Interviewee(vid, event.data["name"], event.actor, event.at)


@reducer("asset_added")
def _asset_added(state: WorkshopState, event: Event) -> None:
    m = _map_for(state)
    m.assets.append(Asset.from_dict(event.data["record"]))
    m.asset_count += 1
    _changed(m)


@reducer("asset_edited")
def _asset_edited(state: WorkshopState, event: Event) -> None:
    m = _map_for(state)
    record = Asset.from_dict(event.data["record"])
    m.assets = [record if a.id == record.id else a for a in m.assets]
    _changed(m)


@reducer("asset_removed")
def _asset_removed(state: WorkshopState, event: Event) -> None:
    m = _map_for(state)
    m.assets = [a for a in m.assets if a.id != event.data["id"]]
    _changed(m)


@reducer("asset_merged")
def _merged(state: WorkshopState, event: Event) -> None:
    m = _map_for(state)
    m.assets = merge_assets(m.assets, event.data["keep"], event.data["merge"])
    _changed(m)


@reducer("asset_unmerged")
def _unmerged(state: WorkshopState, event: Event) -> None:
    m = _map_for(state)
    keep, other = (Asset.from_dict(r) for r in event.data["records"])
    m.assets = [keep if a.id == keep.id else a for a in m.assets]
    m.assets.insert(min(event.data["index"], len(m.assets)), other)
    _changed(m)


@reducer("asset_contact_set")
def _contact(state: WorkshopState, event: Event) -> None:
    m = _map_for(state)
    if event.data["contact"]:
        m.contacts[event.data["owner"]] = event.data["contact"]
    else:
        m.contacts.pop(event.data["owner"], None)


@reducer("asset_connection_reviewed")
def _reviewed(state: WorkshopState, event: Event) -> None:
    m = _map_for(state)
    if event.data["status"] == "suggested":
        m.status.pop(event.data["connection"], None)
    else:
        m.status[event.data["connection"]] = event.data["status"]


@reducer("asset_followed")
def _followed(state: WorkshopState, event: Event) -> None:
    m = _map_for(state)
    people = m.follows.setdefault(event.data["connection"], set())
    if event.data["follow"]:
        people.add(event.data["owner"])
    else:
        people.discard(event.data["owner"])


# -- connections -----------------------------------------------------------------------------

def _shown(visibility: str) -> bool:
    return visibility != "private"


def live_gifts(state: WorkshopState) -> list[Gift]:
    return [g for g in asset_map(state).gifts.values() if not g.deleted]


def _settings(state: WorkshopState) -> tuple[int, bool]:
    """min_score and review of the workshop's connections step (the first one)."""
    for s in state.stages:
        if s.kind == "assets" and stage_option(s, "step") == "connections":
            return stage_option(s, "min_score"), stage_option(s, "review")
    return 1, True


def asset_text(a: Asset) -> str:
    return f"{a.name}: {'; '.join(a.offers)}" if a.offers else a.name


def suggestions(state: WorkshopState) -> dict[str, Connection]:
    """Suggested connections by id (``<offer id>~<wish id>``), best first. Offers are
    offers, head and hands entries and community assets; wishes are wishes. Private entries
    are never matched."""
    m = asset_map(state)
    if "suggestions" in m.memo:
        return m.memo["suggestions"]
    gifts = [g for g in live_gifts(state) if _shown(g.visibility)]
    offers = [Item(g.id, g.owner, g.match_text, g.category) for g in gifts
              if g.category in OFFER_SIDE]
    offers += [Item(a.id, a.owner or f"~{a.id}", asset_text(a), a.kind) for a in m.assets
               if _shown(a.visibility)]
    wishes = [Item(g.id, g.owner, g.match_text, g.category) for g in gifts
              if g.category in WISH_SIDE]
    min_score, _review = _settings(state)
    found = suggest_connections(offers, wishes, float(min_score), per_wish=5) \
        if offers and wishes else []
    out = {f"{c.offer_id}~{c.wish_id}": c for c in found}
    m.memo["suggestions"] = out
    return out


def _by_owner(state: WorkshopState) -> dict[str, list[str]]:
    """Suggestion ids by the owners who decide about them (for phones' views)."""
    m = asset_map(state)
    if "by_owner" not in m.memo:
        index: dict[str, list[str]] = {}
        for cid, c in suggestions(state).items():
            for o in _sides(state, c):
                index.setdefault(o, []).append(cid)
        m.memo["by_owner"] = index
    return m.memo["by_owner"]


def _duplicates(state: WorkshopState, shown: list[Asset]) -> list[tuple[str, str, str]]:
    m = asset_map(state)
    if "duplicates" not in m.memo:
        m.memo["duplicates"] = similar_assets(shown)
    return m.memo["duplicates"]


def visible_connections(state: WorkshopState) -> dict[str, Connection]:
    """The suggestions the two sides may see: shared ones, or all but dismissed ones when
    the facilitator does not review them first."""
    m = asset_map(state)
    _min, reviewed = _settings(state)
    return {cid: c for cid, c in suggestions(state).items()
            if m.status.get(cid) == "shared"
            or (not reviewed and m.status.get(cid) != "dismissed")}


def _sides(state: WorkshopState, c: Connection) -> list[str]:
    """Owners who decide about a connection: the wish's, and the offer's unless the offer
    is a community asset (a public record: nobody's consent is needed to visit a library)."""
    out = [c.wish_owner]
    if c.offer_id.startswith("g"):
        out.insert(0, c.offer_owner)
    return out


def agreed(state: WorkshopState, cid: str, c: Connection) -> bool:
    """Every side wants to follow it up."""
    people = asset_map(state).follows.get(cid, set())
    return all(o in people for o in _sides(state, c))


def _entry_text(state: WorkshopState, item_id: str) -> str:
    m = asset_map(state)
    if item_id in m.gifts:
        return gift_line(m.gifts[item_id])
    a = m.asset(item_id)
    return asset_text(a) if a else ""


def _entry_kind(state: WorkshopState, item_id: str) -> str:
    m = asset_map(state)
    if item_id in m.gifts:
        return m.gifts[item_id].category
    a = m.asset(item_id)
    return a.kind if a else ""


def _why(c: Connection) -> str:
    return c.explain()


# -- views -----------------------------------------------------------------------------------

def _category_list(keys: tuple[str, ...]) -> list[dict[str, str]]:
    return [{"key": k, "label": CATEGORIES[k].label, "help": CATEGORIES[k].help} for k in keys]


def _kind_list() -> list[dict[str, str]]:
    return [{"key": k.key, "label": k.label, "help": k.help} for k in ASSET_KINDS.values()]


def workshop_categories(state: WorkshopState) -> tuple[str, ...]:
    """The personal categories the workshop's personal steps use, in order."""
    out: list[str] = []
    for s in state.stages:
        if s.kind == "assets" and stage_option(s, "step") == "personal":
            out += [c for c in categories(s) if c not in out]
    return tuple(out) or TEMPLATE_CATEGORIES["head-hands-heart"]


def thin_kinds(state: WorkshopState, index: int) -> list[str]:
    limit = stage_option(state.stages[index], "thin")
    counts = kind_counts(state)
    return [k for k in ASSET_KINDS if counts[k] <= limit]


def kind_counts(state: WorkshopState, visible_only: bool = True) -> dict[str, int]:
    counts = dict.fromkeys(ASSET_KINDS, 0)
    for a in asset_map(state).assets:
        if not visible_only or _shown(a.visibility):
            counts[a.kind] += 1
    return counts


def _asset_view(state: WorkshopState, a: Asset, audience: str) -> dict[str, Any]:
    out: dict[str, Any] = {"id": a.id, "kind": a.kind, "name": a.name,
                           "aliases": list(a.aliases), "offers": list(a.offers),
                           "place": a.places[0].label if a.places else "",
                           "access": a.access}
    if audience != SCREEN:  # coordinates never reach the projector
        out["visibility"] = a.visibility
        out["located"] = any(p.lat is not None for p in a.places)
    if audience == PHONE:
        located = next((p for p in a.places if p.lat is not None), None)
        out["lat"], out["lon"] = (located.lat, located.lon) if located else (None, None)
    if audience == CONSOLE:
        out.update(owner=a.owner, who=owner_name(state, a.owner),
                   merged_from=list(a.merged_from))
    return out


def screen_view(state: WorkshopState, index: int) -> dict[str, Any]:
    """The live map for the room: group and public entries only, never a name."""
    step = step_of(state, index)
    if person_centred(state):
        return {"step": step, "private": True}
    m = asset_map(state)
    gifts = [g for g in live_gifts(state) if _shown(g.visibility)]
    personal = []
    for key in workshop_categories(state):
        mine = [g for g in gifts if g.category == key]
        personal.append({"key": key, "label": CATEGORIES[key].label, "count": len(mine),
                         "items": [{"id": g.id, "text": gift_line(g)}
                                   for g in mine[-SCREEN_ITEMS:]]})
    counts = kind_counts(state)
    thin = set(thin_kinds(state, index))
    kinds = []
    for k in ASSET_KINDS.values():
        here = [a for a in m.assets if a.kind == k.key and _shown(a.visibility)]
        kinds.append({"key": k.key, "label": k.label, "help": k.help, "count": counts[k.key],
                      "thin": k.key in thin,
                      "items": [_asset_view(state, a, SCREEN) for a in here[-SCREEN_ITEMS:]]})
    connections: list[dict[str, Any]] = []
    if step in ("connections", "map"):
        visible = visible_connections(state)
        ranked = sorted(visible, key=lambda cid: not agreed(state, cid, visible[cid]))
        for cid in ranked[:SCREEN_LINKS]:
            c = visible[cid]
            connections.append({"id": cid, "offer": c.offer_id, "wish": c.wish_id,
                                "offer_text": _entry_text(state, c.offer_id),
                                "wish_text": _entry_text(state, c.wish_id),
                                "agreed": agreed(state, cid, c), "why": _why(c)})
    contributors = {g.owner for g in gifts} | {a.owner for a in m.assets if a.owner}
    return {"step": step, "private": False, "purpose": m.purpose, "personal": personal,
            "kinds": kinds, "connections": connections, "contributors": len(contributors),
            "thin": stage_option(state.stages[index], "thin")}


def console_view(state: WorkshopState, index: int) -> dict[str, Any]:
    """The facilitator's map: everything not private, with who added it; duplicates to merge
    and connections to review."""
    stage = state.stages[index]
    step = step_of(state, index)
    m = asset_map(state)
    gifts = live_gifts(state)
    personal = []
    for key in workshop_categories(state):
        here = [g for g in gifts if g.category == key]
        shown = [g for g in here if _shown(g.visibility)]
        personal.append({"key": key, "label": CATEGORIES[key].label, "count": len(shown),
                         "private": len(here) - len(shown),
                         "items": [{"id": g.id, "text": gift_line(g),
                                    "visibility": g.visibility,
                                    "who": owner_name(state, g.owner)} for g in shown]})
    shown_assets = [a for a in m.assets if _shown(a.visibility)]
    counts = kind_counts(state)
    thin = set(thin_kinds(state, index))
    kinds = [{"key": k.key, "label": k.label, "count": counts[k.key], "thin": k.key in thin,
              "items": [_asset_view(state, a, CONSOLE) for a in shown_assets
                        if a.kind == k.key]} for k in ASSET_KINDS.values()]
    names = {a.id: a.name for a in shown_assets}
    kind_of = {a.id: a.kind for a in shown_assets}
    duplicates = [{"a": x, "b": y, "a_name": names[x], "b_name": names[y], "reason": reason,
                   "same_kind": kind_of[x] == kind_of[y]}
                  for x, y, reason in _duplicates(state, shown_assets)[:50]]
    out: dict[str, Any] = {
        "step": step, "purpose": m.purpose, "suggested_purpose": stage_option(stage, "purpose"),
        "person_centred": person_centred(state), "personal": personal, "kinds": kinds,
        "duplicates": duplicates, "kind_choices": _kind_list(),
        "interviewees": len(m.interviewees), "warnings": warnings(stage),
        "private_assets": len(m.assets) - len(shown_assets),
        "review": _settings(state)[1]}
    if step in ("connections", "map"):
        rows = []
        found = suggestions(state)
        for cid, c in list(found.items())[:200]:
            follows = m.follows.get(cid, set())
            rows.append({"id": cid, "offer": _entry_text(state, c.offer_id),
                         "offer_kind": _entry_kind(state, c.offer_id),
                         "offer_who": owner_name(state, c.offer_owner)
                         if c.offer_id.startswith("g") else "",
                         "wish": _entry_text(state, c.wish_id),
                         "wish_who": owner_name(state, c.wish_owner), "score": c.score,
                         "why": _why(c), "status": m.status.get(cid, "suggested"),
                         "follows": len(follows & set(_sides(state, c))),
                         "sides": len(_sides(state, c)), "agreed": agreed(state, cid, c)})
        out["suggestions"] = rows
        out["suggestion_count"] = len(found)
    return out


def _mine(state: WorkshopState, pid: str) -> set[str]:
    """The owners a participant acts for: themselves and the people they interview."""
    return {pid} | {v.id for v in asset_map(state).interviewees.values() if v.recorded_by == pid}


def phone_view(state: WorkshopState, index: int, pid: str | None) -> dict[str, Any]:
    """A phone's own map: its entries (and its interviewees'), and the connections open to
    it. Other people's entries appear only as the other side of a connection, and their name
    and contact only once both sides agreed."""
    stage = state.stages[index]
    step = step_of(state, index)
    m = asset_map(state)
    pid = pid or ""
    owners = _mine(state, pid) if pid else set()
    out: dict[str, Any] = {
        "step": step, "purpose": m.purpose, "person_centred": person_centred(state),
        "categories": _category_list(categories(stage)),
        "all_categories": _category_list(tuple(CATEGORIES)), "kinds": _kind_list(),
        "visibility": default_visibility(state, stage),
        "asset_visibility": "private" if person_centred(state) else "public",
        "max_length": stage_option(stage, "max_length"),
        "interview": bool(stage_option(stage, "interview")),
        "people": [{"id": v.id, "name": v.name} for v in m.interviewees.values()
                   if v.recorded_by == pid],
        "gifts": [{"id": g.id, "owner": g.owner, "category": g.category, "text": g.text,
                   "visibility": g.visibility, "edited": g.edited is not None,
                   "area": g.area, "when": g.when, "for_whom": g.for_whom,
                   "line": gift_line(g)}
                  for g in live_gifts(state) if g.owner in owners],
        "areas": areas(stage) if "have" in categories(stage) else [],
        "assets": [_asset_view(state, a, PHONE) | {"owner": a.owner} for a in m.assets
                   if a.owner in owners],
        "contacts": {o: m.contacts[o] for o in owners if o in m.contacts},
        "connections": [],
    }
    if step in ("connections", "map") and pid:
        found = suggestions(state)
        index = _by_owner(state)
        _min, reviewed = _settings(state)
        ids = index.get(pid, [])
        if len(owners) > 1:  # an interviewer: their own and their interviewees', best first
            order = {cid: i for i, cid in enumerate(found)}
            ids = sorted({cid for o in owners for cid in index.get(o, ())}, key=order.__getitem__)
        for cid in ids:
            c = found[cid]
            if m.status.get(cid) != "shared" and (reviewed or m.status.get(cid) == "dismissed"):
                continue
            sides = _sides(state, c)
            mine = [o for o in sides if o in owners]
            if not mine:
                continue
            me = mine[0]
            mine_is_offer = me == c.offer_owner and c.offer_id.startswith("g")
            other = c.wish_owner if mine_is_offer else c.offer_owner
            both = agreed(state, cid, c)
            row = {"id": cid, "owner": me, "side": "offer" if mine_is_offer else "wish",
                   "mine": _entry_text(state, c.offer_id if mine_is_offer else c.wish_id),
                   "theirs": _entry_text(state, c.wish_id if mine_is_offer else c.offer_id),
                   "their_kind": _entry_kind(state, c.wish_id if mine_is_offer
                                             else c.offer_id),
                   "why": _why(c), "i_follow": me in m.follows.get(cid, set()),
                   "agreed": both, "asset": not c.offer_id.startswith("g")}
            if both and not row["asset"]:
                row["their_name"] = owner_name(state, other)
                row["their_contact"] = m.contacts.get(other, "")
            out["connections"].append(row)
    return out


def view(state: WorkshopState, index: int, audience: str, participant: str | None
         ) -> dict[str, Any]:
    if audience == SCREEN:
        return {"assets": screen_view(state, index)}
    if audience == CONSOLE:
        return {"assets": console_view(state, index)}
    return {"assets": phone_view(state, index, participant)}


def report_facts(state: WorkshopState, index: int) -> list[str]:
    """Sentences the harvest reports state about an asset-mapping stage (no private entry,
    no name)."""
    step = step_of(state, index)
    m = asset_map(state)
    shown = [g for g in live_gifts(state) if _shown(g.visibility)]
    out = [_("Asset map, step: %s.") % step]
    if person_centred(state):
        out.append(_("A person-centred map: nothing was shown on a projector."))
    if step == "purpose":
        out.append(_("Purpose: %s") % m.purpose if m.purpose else _("No purpose was set."))
    elif step == "personal":
        out.append(_("%d personal entries were shared with the group.") % len(shown))
    elif step == "community":
        counts = kind_counts(state)
        out.append(_("Community assets by kind: %s.") % ", ".join(
            f"{k.label} {counts[k.key]}" for k in ASSET_KINDS.values()))
    elif step == "connections":
        agreed_ = sum(1 for cid, c in suggestions(state).items() if agreed(state, cid, c)
                      and m.follows.get(cid))
        out.append(_("%(n)d connections suggested, %(a)d agreed by both sides.")
                   % {"n": len(suggestions(state)), "a": agreed_})
    else:
        thin = [ASSET_KINDS[k].label for k in thin_kinds(state, index)]
        out.append(_("Thin kinds (gaps and opportunities): %s.") % (", ".join(thin) or "-"))
    return out


# -- notifiers -------------------------------------------------------------------------------

def _current(state: WorkshopState) -> int | None:
    stage = state.stage
    return state.stage_index if stage is not None and stage.kind == "assets" else None


def _emit(state: WorkshopState, index: int, audience: str, participant: str | None = None
          ) -> Emit:
    return Emit(participant or audience, "assets",
                {"seq": state.seq, "stage": index,
                 "assets": view(state, index, audience, participant)["assets"]})


def _room(state: WorkshopState, index: int, phones: set[str | None],
          screen: bool = True) -> list[Emit]:
    """The console, the projector (unless nothing changed for it, or the map is a person's
    own) and the phones of ``phones``."""
    out = [_emit(state, index, CONSOLE)]
    if screen and not person_centred(state):
        out.append(_emit(state, index, SCREEN))
    out += [_emit(state, index, PHONE, p) for p in sorted(p for p in phones if p)]
    return out


@notifier("asset_purpose_set")
def _purpose_notice(state: WorkshopState, event: Event) -> list[Emit]:
    if _current(state) is None:
        return [Emit(CONSOLE, "snapshot", None)]
    return [Emit(SCREEN, "snapshot", None), Emit(CONSOLE, "snapshot", None),
            Emit(PHONES, "snapshot", None)]


@notifier("asset_gift_added", "asset_gift_edited", "asset_gift_deleted")
def _gift_notice(state: WorkshopState, event: Event) -> list[Emit]:
    index = _current(state)
    if index is None:
        return []
    g = asset_map(state).gifts[event.data["id"]]
    was_shown = event.type == "asset_gift_edited" and "visibility" in event.data
    room = _shown(g.visibility) or was_shown  # a private entry changes nothing the room sees
    return _room(state, index, {controller(state, g.owner)}, screen=room)


@notifier("asset_interviewee_added", "asset_contact_set")
def _mine_notice(state: WorkshopState, event: Event) -> list[Emit]:
    index = _current(state)
    if index is None:
        return []
    return [_emit(state, index, PHONE, event.actor)]


@notifier("asset_added", "asset_edited", "asset_removed", "asset_merged", "asset_unmerged")
def _asset_notice(state: WorkshopState, event: Event) -> list[Emit]:
    index = _current(state)
    if index is None:
        return []
    records = event.data.get("records") or event.data.get("before") or []
    if isinstance(records, dict):
        records = [records]
    owners = [r.get("owner") for r in records]
    if "record" in event.data:
        owners.append(event.data["record"].get("owner"))
    owners.append(event.data.get("owner"))
    return _room(state, index, {controller(state, o) for o in owners})


@notifier("asset_connection_reviewed", "asset_followed")
def _connection_notice(state: WorkshopState, event: Event) -> list[Emit]:
    index = _current(state)
    if index is None:
        return []
    c = suggestions(state).get(event.data["connection"])
    phones = {controller(state, o) for o in _sides(state, c)} if c else set()
    return _room(state, index, phones)
