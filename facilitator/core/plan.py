"""Session plans: the YAML format a workshop is created from, and its validation.

A plan has a ``title``, an optional ``purpose`` (one or two plain sentences: what the workshop
is for, shown on the projector's lobby and on every phone) and an ordered list of ``stages``;
each stage names an activity
``kind``, a ``prompt``, an optional ``duration`` and ``options`` for its activity. See
docs/plans.md. Every error names the field that is wrong, e.g. ``stages[1].kind``.

Texts in several languages: any text a person reads (the title, purpose and description, a
stage's title, prompt and instructions, and text options such as a café's questions) may be
a mapping from language code to text, ``prompt: {en: "...", cy: "..."}``; a plain string
still works. ``languages: [cy, en]`` names the workshop's languages (the projector shows two
side by side). A ``Plan`` holds every language (``to_dict`` gives them all back) and its
fields in one: ``plan.in_language("cy")`` is the same plan with each text in Welsh where
the plan gives Welsh, else in the plan's first language. ``resolve_text`` does this for any
one value, so a new text field or option needs nothing of its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import yaml

from facilitator import i18n
from facilitator.core.errors import PlanError
from facilitator.i18n import _

MAX_STAGES = 50
MAX_TITLE = 120
MAX_PROMPT = 500
MAX_TEXT = 2000
MAX_PURPOSE = 500
MAX_PLAN_BYTES = 100_000
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|secs|seconds?|m|min|mins|minutes?)?\s*$")


@dataclass(frozen=True)
class Stage:
    """One step of a workshop: an activity kind with its prompt and options."""

    kind: str
    prompt: str
    title: str = ""
    instructions: str = ""
    duration: int | None = None  # seconds
    options: dict[str, Any] = field(default_factory=dict)
    anonymous: bool = False  # the room never sees names in this stage
    timer: str = "auto"  # "auto": the countdown starts with the stage; "manual": when pressed

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "title": self.title, "prompt": self.prompt}
        if self.anonymous:
            out["anonymous"] = True
        if self.instructions:
            out["instructions"] = self.instructions
        if self.duration is not None:
            out["duration"] = f"{self.duration}s"  # text, so the dict reads back as a plan
        if self.options:
            out["options"] = dict(self.options)
        if self.timer != "auto":
            out["timer"] = self.timer
        return out


@dataclass(frozen=True)
class Plan:
    """A validated session plan, its texts in one language (``in_language`` gives another).

    ``source`` is the plan as validated data with every language's texts; ``None`` when
    the plan gives each text in one language only.
    """

    title: str
    stages: tuple[Stage, ...]
    description: str = ""
    purpose: str = ""  # what the workshop is for, in one or two sentences
    languages: tuple[str, ...] = ()  # the workshop's languages, as the plan names them
    source: dict[str, Any] | None = field(default=None, compare=False, repr=False)
    _versions: dict[str, Plan] = field(default_factory=dict, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The plan as data that ``load_plan`` reads back: every language's texts."""
        if self.source is not None:
            return copy_data(self.source)
        out: dict[str, Any] = {"title": self.title}
        if self.languages:
            out["languages"] = list(self.languages)
        if self.purpose:
            out["purpose"] = self.purpose
        if self.description:
            out["description"] = self.description
        out["stages"] = [s.to_dict() for s in self.stages]
        return out

    @cached_property
    def text_languages(self) -> tuple[str, ...]:
        """Every language some text of the plan is given in, the plan's own order first."""
        found = list(self.languages)
        for code in _map_languages(self.source):
            if code not in found:
                found.append(code)
        return tuple(found)

    @property
    def first_language(self) -> str | None:
        """The language a text falls back to when it is not given in the one asked for."""
        langs = self.text_languages
        return langs[0] if langs else None

    @cached_property
    def workshop_languages(self) -> tuple[str, ...]:
        """The projector's language(s) and every page's default: the plan's ``languages``,
        else the language its texts are first given in, else English."""
        if self.languages:
            return self.languages
        return (self.first_language or i18n.SOURCE,)

    def in_language(self, lang: str | None) -> Plan:
        """This plan with every text in ``lang`` where given, else in its first language."""
        if self.source is None or not lang:
            return self
        found = self._versions.get(lang)
        if found is None:
            found = load_plan(self.source, lang)
            self._versions[lang] = found
        return found

    def with_languages(self, languages: Sequence[str]) -> Plan:
        """The same plan naming ``languages`` as the workshop's (a plan that names none)."""
        data = self.to_dict()
        data["languages"] = list(languages)
        return load_plan(data)


def copy_data(value: Any) -> Any:
    """A deep copy of plain data (dicts, lists, scalars)."""
    if isinstance(value, dict):
        return {k: copy_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_data(v) for v in value]
    return value


def resolve_text(value: Any, lang: str | None, languages: Sequence[str] = ()) -> Any:
    """A plan text (or list of texts) in ``lang``.

    A mapping ``{en: "...", cy: "..."}`` gives the text in ``lang`` where there is one, else
    in the first of ``languages`` it has, else its first entry; a list is resolved item by
    item; anything else (a plain string, a number) is returned as it is.
    """
    if isinstance(value, dict):
        for code in (lang, *languages):
            if code in value and value[code] not in (None, "", []):
                return resolve_text(value[code], lang, languages)
        for text in value.values():
            if text not in (None, "", []):
                return resolve_text(text, lang, languages)
        return ""
    if isinstance(value, list):
        return [resolve_text(v, lang, languages) for v in value]
    return value


def plan_in_language(data: Any, lang: str) -> Any:
    """Plan data (as read from YAML) with every text given per language replaced by its text
    in ``lang`` (else the plan's first language's): the same plan in one language."""
    order = [c for c in (data.get("languages") or []) if isinstance(c, str)] \
        if isinstance(data, dict) and isinstance(data.get("languages"), list) else []
    order += [c for c in _map_languages(data) if c not in order]

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            if value and all(isinstance(k, str) and i18n.is_shipped(k) for k in value):
                return resolve_text(value, lang, order)
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    return walk(data)


def _map_languages(value: Any) -> list[str]:
    """The language codes of every text mapping inside ``value``, in order of appearance."""
    found: list[str] = []

    def walk(v: Any) -> None:
        if isinstance(v, dict):
            if v and all(isinstance(k, str) and i18n.is_shipped(k) for k in v):
                found.extend(k for k in v if k not in found)
            for item in v.values():
                walk(item)
        elif isinstance(v, list):
            for item in v:
                walk(item)

    walk(value)
    return found


def _language(code: Any, where: str) -> str:
    if not isinstance(code, str) or not i18n.is_shipped(code):
        raise PlanError(where, _("unknown language %(code)r; this app speaks: %(known)s.")
                        % {"code": code, "known": ", ".join(i18n.languages())})
    return code


def parse_plan(text: str | bytes) -> Plan:
    """Read a plan from YAML (or JSON, which is YAML) text.

    :raises PlanError: the text is not a valid plan; the message names the field.
    """
    if isinstance(text, bytes):
        if len(text) > MAX_PLAN_BYTES:
            raise PlanError("plan", _("the file is too large (at most 100 KB)."))
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise PlanError("plan", _("the file is not UTF-8 text.")) from None
    if len(text) > MAX_PLAN_BYTES:
        raise PlanError("plan", _("the file is too large (at most 100 KB)."))
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise PlanError("plan", _("this is not valid YAML") + where + ".") from None
    return load_plan(data)


def load_plan(data: Any, lang: str | None = None) -> Plan:
    """Validate a plan given as plain data (the result of reading YAML or JSON).

    Texts given in several languages come out in ``lang`` where given, else in the plan's
    first language; the returned plan keeps them all (``in_language``, ``to_dict``).

    :raises PlanError: naming the first field that is wrong.
    """
    from facilitator.activities import KINDS

    if not isinstance(data, dict):
        raise PlanError("plan", _("a plan is a mapping with 'title' and 'stages'."))
    _no_unknown(data, {"title", "purpose", "description", "stages", "languages"}, "plan")
    languages = _languages(data.get("languages"))
    order = (*languages, *[c for c in _map_languages(data) if c not in languages])
    lang = lang if lang in order else (order[0] if order else None)
    multilingual = bool(_map_languages(data))

    def _text(value: Any, where: str, limit: int, required: bool = False) -> str:
        if isinstance(value, dict):
            given = {_language(code, f"{where}.{code}"): _one_text(text, f"{where}.{code}",
                                                                  limit)
                     for code, text in value.items()}
            if required and not any(given.values()):
                raise PlanError(where, _("is required and must not be empty."))
            return str(resolve_text(given, lang, order))
        return _one_text(value, where, limit, required)

    title = _text(data.get("title"), "title", MAX_TITLE, required=True)
    purpose = _text(data.get("purpose", ""), "purpose", MAX_PURPOSE)
    description = _text(data.get("description", ""), "description", MAX_TEXT)
    raw_stages = data.get("stages")
    if not isinstance(raw_stages, list) or not raw_stages:
        raise PlanError("stages", _("a plan needs a list of at least one stage."))
    if len(raw_stages) > MAX_STAGES:
        raise PlanError("stages", _("at most 50 stages."))
    stages = []
    for i, raw in enumerate(raw_stages):
        where = f"stages[{i}]"
        if not isinstance(raw, dict):
            raise PlanError(where, _("each stage is a mapping with at least 'kind' and 'prompt'."))
        _no_unknown(raw, {"kind", "title", "prompt", "instructions", "duration", "options",
                          "anonymous", "timer"}, where)
        kind = raw.get("kind")
        if not isinstance(kind, str) or kind not in KINDS:
            known = ", ".join(sorted(KINDS))
            raise PlanError(
                f"{where}.kind", _("unknown activity %(kind)r; known kinds: %(known)s.")
                % {"kind": kind, "known": known}
            )
        prompt = _text(raw.get("prompt"), f"{where}.prompt", MAX_PROMPT, required=True)
        stage_title = _text(raw.get("title", ""), f"{where}.title", MAX_TITLE)
        instructions = _text(raw.get("instructions", ""), f"{where}.instructions", MAX_TEXT)
        duration = _duration(raw.get("duration"), f"{where}.duration")
        options = _options(raw.get("options"), KINDS[kind].OPTIONS, f"{where}.options",
                           lang, order)
        anonymous = raw.get("anonymous", False)
        if not isinstance(anonymous, bool):
            raise PlanError(f"{where}.anonymous", _("must be true or false."))
        timer = raw.get("timer", "auto")
        if timer not in ("auto", "manual"):
            raise PlanError(f"{where}.timer", _("must be 'auto' or 'manual'."))
        stages.append(Stage(kind, prompt, stage_title, instructions, duration, options,
                            anonymous, timer))
    return Plan(title=title, stages=tuple(stages), description=description, purpose=purpose,
                languages=languages, source=copy_data(data) if multilingual else None)


def _languages(value: Any) -> tuple[str, ...]:
    """The plan's ``languages``: one or two language codes (two: a bilingual projector)."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise PlanError("languages", _("must be a list of one or two language codes, like "
                                       "[cy, en]."))
    if len(value) > 2:
        raise PlanError("languages", _("at most two languages: the projector shows them "
                                       "side by side."))
    codes = tuple(_language(code, f"languages[{i}]") for i, code in enumerate(value))
    if len(set(codes)) != len(codes):
        raise PlanError("languages", _("each language once."))
    return codes


def _no_unknown(data: dict, allowed: set[str], where: str) -> None:
    for key in data:
        if key not in allowed:
            name = key if isinstance(key, str) and key.isidentifier() else repr(key)
            raise PlanError(
                f"{where}.{name}" if where != "plan" else name,
                _("unknown field; expected one of: %s.") % ", ".join(sorted(allowed)),
            )


def _one_text(value: Any, where: str, limit: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise PlanError(where, _("must be text."))
    value = str(value).strip()
    if required and not value:
        raise PlanError(where, _("is required and must not be empty."))
    if len(value) > limit:
        raise PlanError(where, _("is too long (at most %d characters).") % limit)
    return value


def _duration(value: Any, where: str) -> int | None:
    """Minutes as a number, or text like '90s' or '20 min'; stored as seconds."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise PlanError(where, _("must be a number of minutes, like 20, or text like '90s'."))
    if isinstance(value, int | float):
        seconds = float(value) * 60
    elif isinstance(value, str) and (m := _DURATION.match(value)):
        unit = (m.group(2) or "m")[0]
        seconds = float(m.group(1)) * (1 if unit == "s" else 60)
    else:
        raise PlanError(where, _("must be a number of minutes, like 20, or text like '90s'."))
    if not 10 <= seconds <= 8 * 3600:
        raise PlanError(where, _("must be between 10 seconds and 8 hours."))
    return int(round(seconds))


def _options(value: Any, spec: dict[str, Option], where: str, lang: str | None = None,
             order: Sequence[str] = ()) -> dict[str, Any]:
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise PlanError(where, _("must be a mapping of option names to values."))
    out = {}
    for key, raw in value.items():
        if key not in spec:
            known = ", ".join(sorted(spec)) or _("none")
            name = key if isinstance(key, str) else repr(key)
            raise PlanError(f"{where}.{name}", _("unknown option; this activity has: %s.") % known)
        out[key] = _option(spec[key], raw, f"{where}.{key}", lang, order)
    return out


def _option(spec: Option, raw: Any, where: str, lang: str | None,
            order: Sequence[str]) -> Any:
    """One option's value in ``lang``; a text option may be given per language, whole
    (``questions: {en: [...], cy: [...]}``) or item by item (``- {en: ..., cy: ...}``)."""
    if spec.type not in (str, list) or not _has_map(raw):
        return spec.check(raw, where)
    for code in _map_languages(raw) or [None]:
        _check_codes(raw, where)
        spec.check(resolve_text(raw, code, order), where)  # each language must be right
    return spec.check(resolve_text(raw, lang, order), where)


def _has_map(value: Any) -> bool:
    return isinstance(value, dict) or (isinstance(value, list)
                                       and any(isinstance(v, dict) for v in value))


def _check_codes(value: Any, where: str) -> None:
    if isinstance(value, dict):
        for code, text in value.items():
            _language(code, f"{where}.{code}")
            if isinstance(text, dict | list):
                _check_codes(text, f"{where}.{code}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict):
                _check_codes(item, f"{where}[{i}]")


@dataclass(frozen=True)
class Option:
    """An activity option: its type, default, and allowed range."""

    type: type
    default: Any
    minimum: int | None = None
    maximum: int | None = None
    help: str = ""
    choices: tuple[str, ...] = ()  # the allowed values of a text option, if limited

    def check(self, value: Any, where: str) -> Any:
        if self.type is list:  # a list of short texts, e.g. one question per round
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(
                    isinstance(v, str | int | float) and not isinstance(v, bool) for v in value):
                raise PlanError(where, _("must be a list of texts."))
            items = [str(v).strip() for v in value if str(v).strip()]
            if self.maximum is not None and len(items) > self.maximum:
                raise PlanError(where, _("must have at most %d items.") % self.maximum)
            if any(len(v) > MAX_PROMPT for v in items):
                raise PlanError(where, _("each item must be at most %d characters.")
                                % MAX_PROMPT)
            return items
        if self.type is bool:
            if not isinstance(value, bool):
                raise PlanError(where, _("must be true or false."))
            return value
        if self.type is int:
            if isinstance(value, bool) or not isinstance(value, int):
                raise PlanError(where, _("must be a whole number."))
            if self.minimum is not None and value < self.minimum:
                raise PlanError(where, _("must be at least %d.") % self.minimum)
            if self.maximum is not None and value > self.maximum:
                raise PlanError(where, _("must be at most %d.") % self.maximum)
            return value
        if not isinstance(value, str):
            raise PlanError(where, _("must be text."))
        if self.choices and value not in self.choices:
            raise PlanError(where, _("must be one of: %s.") % ", ".join(self.choices))
        if len(value) > MAX_TEXT:
            raise PlanError(where, _("is too long (at most %d characters).") % MAX_TEXT)
        return value


def kind_name(kind: str) -> str:
    """A stage kind as people call it ("World Café", "Dot vote"), for pages people read."""
    names = {
        "notes": _("Notes"),
        "cluster": _("Themes"),
        "vote": _("Dot vote"),
        "cafe": _("World Café"),
        "onetwofour": _("1-2-4-All"),
        "openspace": _("Open Space"),
        "adopt": _("Taking priorities forward"),
        "assets": _("Asset mapping"),
        "ai_define": _("Appreciative Inquiry: Define"),
        "ai_discover": _("Appreciative Inquiry: Discover"),
        "ai_dream": _("Appreciative Inquiry: Dream"),
        "ai_design": _("Appreciative Inquiry: Design"),
        "ai_destiny": _("Appreciative Inquiry: Destiny"),
        "checkin": _("Check-in or check-out round"),
    }
    return names.get(kind, kind)


def stage_option(stage: Stage, name: str) -> Any:
    """The value of an option for a stage, or the activity's default."""
    from facilitator.activities import KINDS

    if name in stage.options:
        return stage.options[name]
    return KINDS[stage.kind].OPTIONS[name].default
