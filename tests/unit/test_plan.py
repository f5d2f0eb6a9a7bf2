"""The plan loader: good plans load, bad plans are refused naming the wrong field."""

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from facilitator.core.errors import PlanError
from facilitator.core.plan import load_plan, parse_plan, stage_option

SESSIONS = Path(__file__).resolve().parents[2] / "sessions"


def good(**stage):
    return {"title": "T", "stages": [{"kind": "notes", "prompt": "P", **stage}]}


@pytest.mark.parametrize("path", sorted(SESSIONS.glob("*.yaml")), ids=lambda p: p.name)
def test_every_ready_plan_loads(path: Path) -> None:
    plan = parse_plan(path.read_bytes())
    assert plan.title and plan.stages


def test_notes_wall_plan() -> None:
    plan = parse_plan((SESSIONS / "notes-wall.yaml").read_bytes())
    assert [s.kind for s in plan.stages] == ["notes", "notes"]
    assert plan.stages[0].duration == 5 * 60
    assert stage_option(plan.stages[0], "max_length") == 280
    assert stage_option(plan.stages[1], "max_per_person") == 20  # the default


@pytest.mark.parametrize(("value", "seconds"), [
    (20, 1200), (1.5, 90), ("90s", 90), ("20 min", 1200), ("2 minutes", 120), ("45", 2700),
])
def test_durations(value, seconds) -> None:
    assert load_plan(good(duration=value)).stages[0].duration == seconds


def test_round_trip_through_dict() -> None:
    plan = load_plan(good(duration=20, title="Go", options={"max_length": 50}))
    assert load_plan(plan.to_dict()) == plan
    manual = load_plan(good(duration=20, timer="manual"))
    assert manual.stages[0].timer == "manual" and load_plan(manual.to_dict()) == manual


def test_a_stage_timer_starts_by_itself_unless_the_plan_says_manual() -> None:
    assert load_plan(good(duration=5)).stages[0].timer == "auto"
    assert load_plan(good(duration=5, timer="auto")).stages[0].timer == "auto"
    assert "timer" not in load_plan(good(duration=5)).to_dict()["stages"][0]


@pytest.mark.parametrize(("data", "field"), [
    ("just text", "plan"),
    ({"stages": [{"kind": "notes", "prompt": "P"}]}, "title"),
    ({"title": "  ", "stages": [{"kind": "notes", "prompt": "P"}]}, "title"),
    ({"title": "T"}, "stages"),
    ({"title": "T", "stages": []}, "stages"),
    ({"title": "T", "stages": "notes"}, "stages"),
    ({"title": "T", "stages": ["notes"]}, "stages[0]"),
    ({"title": "T", "stages": [{"kind": "dance", "prompt": "P"}]}, "stages[0].kind"),
    ({"title": "T", "stages": [{"prompt": "P"}]}, "stages[0].kind"),
    (good(prompt=""), "stages[0].prompt"),
    (good(prompt=["a"]), "stages[0].prompt"),
    (good(prompt="x" * 501), "stages[0].prompt"),
    (good(duration="soon"), "stages[0].duration"),
    (good(duration=0), "stages[0].duration"),
    (good(duration=True), "stages[0].duration"),
    (good(duration=60 * 24), "stages[0].duration"),
    (good(options={"colour": "red"}), "stages[0].options.colour"),
    (good(options={"max_length": "long"}), "stages[0].options.max_length"),
    (good(options={"max_length": 5}), "stages[0].options.max_length"),
    (good(options=[1]), "stages[0].options"),
    (good(shape="round"), "stages[0].shape"),
    (good(timer="later"), "stages[0].timer"),
    (good(timer=True), "stages[0].timer"),
    ({"title": "T", "stages": [{"kind": "notes", "prompt": "P"}], "extra": 1}, "extra"),
    ({"title": "T" * 121, "stages": [{"kind": "notes", "prompt": "P"}]}, "title"),
])
def test_bad_plans_name_the_field(data, field) -> None:
    with pytest.raises(PlanError) as err:
        load_plan(data)
    assert err.value.field == field
    assert err.value.message.startswith(field + ": ")


def test_second_stage_error_names_its_index() -> None:
    data = {"title": "T", "stages": [{"kind": "notes", "prompt": "P"}, {"kind": "notes"}]}
    with pytest.raises(PlanError, match=r"^stages\[1\]\.prompt: is required"):
        load_plan(data)


@pytest.mark.parametrize("text", [b"title: [unclosed", b"\xff\xfe", b"x" * 100_001, "- a\n- b"])
def test_unreadable_files_are_refused(text) -> None:
    with pytest.raises(PlanError) as err:
        parse_plan(text)
    assert err.value.field == "plan"


def test_yaml_error_says_the_line() -> None:
    with pytest.raises(PlanError, match="line 4"):
        parse_plan("title: T\nstages:\n  - kind: notes\n  prompt: [\n")


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c,
                                                                        max_size=3),
                    max_leaves=12))
def test_any_data_loads_or_is_refused_cleanly(data) -> None:
    try:
        load_plan(data)
    except PlanError as exc:
        assert exc.field and exc.message


def test_a_plan_says_what_it_is_for() -> None:
    plan = load_plan({"title": "T", "purpose": "  To hear what helps.  ",
                      "stages": [{"kind": "notes", "prompt": "P"}]})
    assert plan.purpose == "To hear what helps."
    assert plan.to_dict()["purpose"] == "To hear what helps."
    assert load_plan(plan.to_dict()) == plan  # it reads back
    assert load_plan(good()).purpose == "" and "purpose" not in load_plan(good()).to_dict()


@pytest.mark.parametrize("purpose, message", [
    (["a list"], "purpose: must be text."),
    ("x" * 501, "purpose: is too long (at most 500 characters)."),
])
def test_a_bad_purpose_is_refused_naming_it(purpose, message: str) -> None:
    with pytest.raises(PlanError) as err:
        load_plan({**good(), "purpose": purpose})
    assert str(err.value) == message


def test_the_workshop_view_carries_the_purpose() -> None:
    from facilitator.core.state import FACILITATOR, Event, replay
    from facilitator.core.views import workshop_view

    plan = load_plan({**good(), "purpose": "To hear what helps."})
    state = replay([Event(1, "workshop_created", FACILITATOR, 0.0, {"plan": plan.to_dict()})])
    assert workshop_view(state)["purpose"] == "To hear what helps."
    bare = replay([Event(1, "workshop_created", FACILITATOR, 0.0, {"plan": good()})])
    assert workshop_view(bare)["purpose"] == ""
