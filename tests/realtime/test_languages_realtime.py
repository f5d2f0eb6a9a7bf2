"""Each person reads the workshop in their own language (docs/translating.md, docs/plans.md).

A refusal raised in the core reaches its sender in the sender's language; views built for
many phones are built once per language and each phone gets its own language's; the
projector of a ``languages: [cy, en]`` plan gets both.
"""

from __future__ import annotations

import gettext
from io import BytesIO
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from facilitator import i18n
from facilitator.core.plan import load_plan
from tests.realtime.clients import received

NOT_STARTED = "The workshop has not started yet. Please wait for the facilitator."
NOT_STARTED_CY = "Nid yw'r gweithdy wedi dechrau eto. Arhoswch am yr hwylusydd."
FAST = "Only the facilitator can do that."
FAST_CY = "Dim ond yr hwylusydd all wneud hynny."

PLAN = {
    "title": {"cy": "Beth sy'n ein cadw'n iach?", "en": "What keeps us well?"},
    "languages": ["cy", "en"],
    "stages": [{"kind": "notes", "prompt": {"cy": "Beth sy'n eich helpu?",
                                            "en": "What helps you?"},
                "instructions": {"cy": "Un syniad i bob nodyn.", "en": "One idea a note."}}],
}


@pytest.fixture
def welsh(monkeypatch: pytest.MonkeyPatch) -> None:
    """A small Welsh catalogue, so the test does not depend on the shipped wording."""
    catalog = Catalog(locale="cy")
    catalog.add(NOT_STARTED, NOT_STARTED_CY)
    catalog.add(FAST, FAST_CY)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    welsh = gettext.GNUTranslations(buffer)
    monkeypatch.setattr(i18n, "translations", lambda lang: welsh if lang == "cy"
                        else gettext.NullTranslations())


def phone(connect: Any, code: str, lang: str, tag: str) -> Any:
    client = connect({"role": "phone", "code": code, "lang": lang})
    assert client.emit("join", {"client_id": f"j-{tag}", "token": f"{tag}-0123456789abcdef"},
                       callback=True)["ok"]
    return client


def test_a_refusal_reaches_each_sender_in_their_language(service, connect, welsh) -> None:
    row = service.create_workshop(load_plan(PLAN))
    cy, en = phone(connect, row.code, "cy", "cy"), phone(connect, row.code, "en", "en")
    note = {"text": "a bench", "client_id": "n1"}
    assert cy.emit("post_note", note, callback=True) == {"ok": False, "error": NOT_STARTED_CY}
    assert en.emit("post_note", {**note, "client_id": "n2"}, callback=True) == {
        "ok": False, "error": NOT_STARTED}
    # and a language the app does not ship falls back to the workshop's (Welsh here)
    other = connect({"role": "phone", "code": row.code, "lang": "xx"})
    assert other.emit("start", {}, callback=True) == {"ok": False, "error": FAST_CY}


def test_views_go_to_each_phone_in_its_language_and_both_to_the_projector(
        service, connect, welsh) -> None:
    row = service.create_workshop(load_plan(PLAN))
    console = connect({"role": "console", "key": row.console_key, "lang": "en"})
    screen = connect({"role": "screen", "key": row.screen_key, "lang": "pl"})
    cy, en = phone(connect, row.code, "cy", "cy"), phone(connect, row.code, "en", "en")
    for client in (console, screen, cy, en):
        received(client, "snapshot")
    assert console.emit("start", {"client_id": "s1"}, callback=True)["ok"]

    def stage(client: Any) -> dict[str, Any]:
        (snap,) = received(client, "snapshot")
        return snap

    assert stage(cy)["workshop"]["stage"]["prompt"] == "Beth sy'n eich helpu?"
    assert stage(en)["workshop"]["stage"]["prompt"] == "What helps you?"
    assert stage(console)["workshop"]["title"] == "What keeps us well?"
    shown = stage(screen)  # the workshop's languages, whatever the projector's browser says
    assert shown["workshop"]["stage"]["prompt"] == "Beth sy'n eich helpu?"
    assert shown["second"]["lang"] == "en"
    assert shown["second"]["workshop"]["stage"]["instructions"] == "One idea a note."

    # a change sent with a payload (not a snapshot) is built per language too
    assert console.emit("lock_input", {"client_id": "l1"}, callback=True)["ok"]
    (cy_stage,) = received(cy, "stage")
    (en_stage,) = received(en, "stage")
    assert cy_stage["workshop"]["stage"]["prompt"] == "Beth sy'n eich helpu?"
    assert en_stage["workshop"]["stage"]["prompt"] == "What helps you?"
