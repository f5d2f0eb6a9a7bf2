"""A shared server's passphrase (facilitator/web/passphrase.py): every route that creates a
workshop asks for it when it is set, nothing changes when it is not, and guessing is slowed
per address without locking anyone else out."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from facilitator.realtime.limits import MemoryLimits
from tests.conftest import NOTES_PLAN

PASS = "otter marmalade lantern"
WRONG = "That passphrase is not right. Ask the person who runs this server."
NEEDS = "Creating a workshop on this server needs its passphrase."
SHARED = "This server is shared: creating a workshop needs its passphrase."


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def shared(tmp_path: Path, clock: Clock):
    """An app with a passphrase, its limits store on a clock the test moves."""
    from facilitator.app import create_app

    return create_app({"DATABASE": str(tmp_path / "shared.db"), "ASYNC_MODE": "threading",
                       "PUBLIC_URL": "http://phones.example:5000", "TESTING": True,
                       "CREATE_PASSPHRASE": PASS, "SECRET_KEY": "test key",
                       "LIMITS_STORE": MemoryLimits(clock)})


def count(app) -> int:
    from facilitator.app import get_service

    return len(get_service(app).store.workshops())


def plan_json(page) -> str:
    """The review page's plan, as its form sends it back (``page``: a response)."""
    raw = page.get_data(as_text=True)
    return html.unescape(re.search(r'name="plan_json" value="([^"]*)"', raw).group(1))


def review(client, **form: str):
    return client.post("/create/review", data={"plan": "notes-wall", **form})


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


# -- without the setting: no change at all ---------------------------------------------------

def test_without_a_passphrase_nothing_asks_for_one(app) -> None:
    client = app.test_client()
    home = client.get("/").get_data(as_text=True)
    assert 'name="passphrase"' not in home and SHARED not in home
    page = review(client)
    assert page.status_code == 200 and 'name="passphrase"' not in page.get_data(as_text=True)
    created = client.post("/create", data={"plan_json": plan_json(page)})
    assert created.status_code == 302 and "/console/" in created.location
    assert client.post("/api/workshops", json=NOTES_PLAN).status_code == 201
    assert "Set-Cookie" not in page.headers  # no session either
    assert client.post("/passphrase/forget").status_code == 302  # nothing to forget
    assert count(app) == 2


# -- the create page and the review page ------------------------------------------------------

def test_the_home_page_says_the_server_is_shared_and_asks_once(shared) -> None:
    client = shared.test_client()
    home = text(client.get("/"))
    assert SHARED in home
    field = re.search(r"<input [^>]*id=\"passphrase\"[^>]*>", home).group(0)
    assert 'type="password"' in field and 'autocomplete="current-password"' in field
    assert '<label for="passphrase">' in home and 'id="passphrase-show"' in home
    assert "Forget the passphrase" not in home  # nothing to forget yet

    assert review(client, passphrase=PASS).status_code == 200
    again = text(client.get("/"))
    assert SHARED in again and 'name="passphrase"' not in again  # asked once
    assert "Forget the passphrase" in again


def test_a_wrong_or_missing_passphrase_is_refused_with_a_sentence(shared) -> None:
    client = shared.test_client()
    wrong = review(client, plan="world-cafe", passphrase="otter")
    assert wrong.status_code == 403
    page = text(wrong)
    assert f'role="alert">{WRONG}</p>' in page
    assert 'aria-invalid="true"' in page
    assert re.search(r'id="plan-world-cafe" value="world-cafe"\s+checked', page)  # kept
    assert 'name="plan_json"' not in page  # no review
    missing = review(client)
    assert missing.status_code == 403 and NEEDS in text(missing)
    huge = review(client, passphrase=PASS + " " * 10 + "x" * 100_000)
    assert huge.status_code == 403 and WRONG in text(huge)
    assert count(shared) == 0


def test_the_right_passphrase_creates_and_the_next_workshop_needs_no_second_entry(
        shared) -> None:
    client = shared.test_client()
    first = review(client, passphrase=f"  {PASS}\n")  # the spaces around it do not count
    assert first.status_code == 200
    created = client.post("/create", data={"plan_json": plan_json(first)})
    assert created.status_code == 302 and "/console/" in created.location
    second = review(client)  # no passphrase: the session remembers it
    assert second.status_code == 200 and 'name="passphrase"' not in text(second)
    assert client.post("/create", data={"plan_json": plan_json(second)}).status_code == 302
    assert count(shared) == 2


def test_create_without_the_session_asks_on_the_review_page_and_keeps_the_edits(
        shared) -> None:
    with shared.test_client() as opened:
        data = plan_json(review(opened, passphrase=PASS))
    client = shared.test_client()  # another browser (or one that keeps no cookies)
    form = {"plan_json": data, "title": "Our street"}
    refused = client.post("/create", data=form)
    assert refused.status_code == 403
    page = text(refused)
    assert NEEDS in page and 'name="passphrase"' in page and 'value="Our street"' in page
    assert client.post("/create", data={**form, "passphrase": "nope"}).status_code == 403
    assert count(shared) == 0
    created = client.post("/create", data={**form, "passphrase": PASS})
    assert created.status_code == 302
    from facilitator.app import get_service

    service = get_service(shared)
    assert service.live(service.store.workshops()[-1].id).state.title == "Our street"


def test_a_changed_passphrase_signs_every_browser_out(shared) -> None:
    client = shared.test_client()
    review(client, passphrase=PASS)
    assert 'name="passphrase"' not in text(client.get("/"))
    shared.config["CREATE_PASSPHRASE"] = "a new one"
    assert 'name="passphrase"' in text(client.get("/"))
    assert review(client).status_code == 403


def test_the_cookie_holds_no_passphrase_and_a_forged_one_opens_nothing(shared) -> None:
    client = shared.test_client()
    opened = review(client, passphrase=PASS)
    cookie = opened.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "otter" not in cookie
    from flask import Flask
    from flask.sessions import SecureCookieSessionInterface

    # the mark a browser holds, signed with another key, as anyone without the server's
    # key would have to make it
    elsewhere = Flask("elsewhere")
    elsewhere.secret_key = "guess"
    mark = SecureCookieSessionInterface().get_signing_serializer(shared).loads(
        client.get_cookie("session").value)
    assert set(mark) == {"creator"} and PASS not in mark["creator"]
    forged = SecureCookieSessionInterface().get_signing_serializer(elsewhere).dumps(mark)
    other = shared.test_client()
    other.set_cookie("session", forged)
    assert review(other).status_code == 403


def test_forgetting_the_passphrase_asks_again(shared) -> None:
    from facilitator.app import get_service
    from facilitator.core.plan import load_plan

    client = shared.test_client()
    review(client, passphrase=PASS)
    row = get_service(shared).create_workshop(load_plan(NOTES_PLAN))
    console = text(client.get(f"/console/{row.console_key}"))
    assert "Forget the passphrase" in console  # the console offers it too ...
    gone = client.post("/passphrase/forget", data={"next": f"/console/{row.console_key}"})
    assert gone.status_code == 302 and gone.location.endswith(f"/console/{row.console_key}")
    assert "Forget the passphrase" not in text(client.get(f"/console/{row.console_key}"))
    assert 'name="passphrase"' in text(client.get("/"))
    assert review(client).status_code == 403
    # ... and never sends anyone to another site
    for elsewhere in ("//evil.example/", "https://evil.example/", "/\\evil.example", ""):
        assert client.post("/passphrase/forget",
                           data={"next": elsewhere}).location in ("/", "http://localhost/")


def test_joining_the_console_the_screen_and_the_export_need_nothing_new(shared) -> None:
    from facilitator.app import get_service
    from facilitator.core.plan import load_plan

    row = get_service(shared).create_workshop(load_plan(NOTES_PLAN))
    client = shared.test_client()
    for path in (f"/j/{row.code}", f"/console/{row.console_key}",
                 f"/screen/{row.screen_key}", f"/console/{row.console_key}/export.json"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert 'name="passphrase"' not in response.get_data(as_text=True)
    assert SHARED not in text(client.get(f"/console/{row.console_key}"))


# -- the API -----------------------------------------------------------------------------------

def test_the_api_takes_the_passphrase_as_a_bearer_token_or_a_header(shared) -> None:
    client = shared.test_client()
    bearer = client.post("/api/workshops", json=NOTES_PLAN,
                         headers={"Authorization": f"Bearer {PASS}"})
    assert bearer.status_code == 201 and bearer.get_json()["ok"]
    header = client.post("/api/workshops", data=json.dumps(NOTES_PLAN),
                         content_type="application/json",
                         headers={"X-Facilitator-Passphrase": PASS})
    assert header.status_code == 201
    yaml_text = "title: Plain\nstages:\n  - kind: notes\n    prompt: What helps?\n"
    assert client.post("/api/workshops", data=yaml_text,
                       headers={"Authorization": f"bearer {PASS}"}).status_code == 201
    assert count(shared) == 3


def test_the_api_refuses_a_missing_or_wrong_passphrase(shared) -> None:
    client = shared.test_client()
    missing = client.post("/api/workshops", json=NOTES_PLAN)
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert missing.get_json()["ok"] is False and NEEDS in missing.get_json()["error"]
    for headers in ({"Authorization": "Bearer otter"}, {"Authorization": f"Basic {PASS}"},
                    {"X-Facilitator-Passphrase": "otter"}):
        wrong = client.post("/api/workshops", json=NOTES_PLAN, headers=headers)
        assert wrong.status_code == 401, headers
    assert client.post("/api/workshops", json=NOTES_PLAN,
                       headers={"Authorization": "Bearer otter"}).get_json()["error"] == WRONG
    # a browser's session does not open the API: it takes the header only
    review(client, passphrase=PASS)
    assert client.post("/api/workshops", json=NOTES_PLAN).status_code == 401
    assert count(shared) == 0


def test_a_passphrase_beyond_ascii_works_in_the_form_and_in_a_header(tmp_path: Path) -> None:
    from facilitator.app import create_app

    app = create_app({"DATABASE": str(tmp_path / "u.db"), "TESTING": True,
                      "CREATE_PASSPHRASE": "Gwyddfid café", "SECRET_KEY": "k"})
    client = app.test_client()
    # the same word typed with a combining accent (NFD) is the same passphrase
    assert review(client, passphrase="Gwyddfid cafe\u0301").status_code == 200
    raw = "Gwyddfid café".encode().decode("latin-1")  # as the WSGI server hands it over
    assert client.post("/api/workshops", json=NOTES_PLAN,
                       headers={"Authorization": f"Bearer {raw}"}).status_code == 201


# -- the slowdown ------------------------------------------------------------------------------

def test_repeated_wrong_tries_slow_that_address_down_not_everyone(shared, clock) -> None:
    client = shared.test_client()
    here = {"REMOTE_ADDR": "203.0.113.7"}
    for _ in range(10):  # PASSPHRASE_BURST
        assert client.post("/create/review", data={"plan": "notes-wall", "passphrase": "x"},
                           environ_base=here).status_code == 403
    slow = client.post("/create/review", data={"plan": "notes-wall", "passphrase": PASS},
                       environ_base=here)
    # even the right one is not compared now: a guess learns nothing while slowed down
    assert slow.status_code == 429 and slow.headers["Retry-After"] == "5"
    assert "Please wait 5 seconds and try again." in text(slow)
    api = client.post("/api/workshops", json=NOTES_PLAN, environ_base=here,
                      headers={"Authorization": f"Bearer {PASS}"})
    assert api.status_code == 429 and api.get_json()["retry_after"] == 5.0
    # another address (another facilitator's office) is not slowed down
    elsewhere = shared.test_client().post(
        "/create/review", data={"plan": "notes-wall", "passphrase": PASS},
        environ_base={"REMOTE_ADDR": "198.51.100.2"})
    assert elsewhere.status_code == 200
    # and this one may try again after the wait, one try every 5 s
    clock.now += 5
    assert client.post("/create/review", data={"plan": "notes-wall", "passphrase": PASS},
                       environ_base=here).status_code == 200
    assert count(shared) == 0


def test_behind_a_trusted_proxy_the_slowdown_is_per_client_not_per_proxy(
        tmp_path: Path, clock) -> None:
    from facilitator.app import create_app

    app = create_app({"DATABASE": str(tmp_path / "p.db"), "TESTING": True,
                      "CREATE_PASSPHRASE": PASS, "SECRET_KEY": "k", "TRUSTED_PROXIES": 1,
                      "PASSPHRASE_BURST": 2, "LIMITS_STORE": MemoryLimits(clock)})
    client = app.test_client()

    def attempt(client_address: str, given: str) -> int:
        return client.post("/api/workshops", json=NOTES_PLAN, headers={
            "Authorization": f"Bearer {given}", "X-Forwarded-For": client_address},
            environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code

    assert [attempt("203.0.113.7", "x") for _ in range(3)] == [401, 401, 429]
    assert attempt("198.51.100.2", PASS) == 201


def test_missing_passphrases_cost_nothing(shared) -> None:
    client = shared.test_client()
    for _ in range(30):
        assert client.post("/api/workshops", json=NOTES_PLAN).status_code == 401
    assert client.post("/api/workshops", json=NOTES_PLAN,
                       headers={"Authorization": f"Bearer {PASS}"}).status_code == 201
