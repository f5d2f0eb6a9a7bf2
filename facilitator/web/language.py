"""Which language each page speaks, and the picker that changes it.

A person's language is their own: the ``lang`` cookie once they pick one (remembered with the
device for a year), else the best of their browser's Accept-Language among the shipped
languages, else the workshop's default (its plan's first language). The projector is not a
person: it speaks the workshop's language(s). Every request makes its language current
(facilitator/i18n.py) before the route runs, so ``_()`` in Python and templates, the plan's
texts and exports all follow it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, g, redirect, request, url_for

from facilitator import i18n

COOKIE = "lang"
COOKIE_AGE = 365 * 24 * 3600

bp = Blueprint("language", __name__)


def chosen(default: str | None = None) -> str:
    """The language a person's pages speak: their pick, their browser's, else ``default``."""
    picked = request.cookies.get(COOKIE, "")
    if i18n.is_shipped(picked):
        return picked
    wanted = [code for code, _quality in request.accept_languages]
    return i18n.best_match(wanted, default)


def speak(lang: str) -> str:
    """Make ``lang`` the request's language (e.g. the workshop's default, or the projector's)."""
    i18n.set_current(lang)
    g.language = i18n.current()
    return g.language


def for_person(default: str | None) -> str:
    """Speak the person's own language, ``default`` (the workshop's) when they have none."""
    return speak(chosen(default))


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if not target:
        return url_for("web.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("web.index")
    return target


@bp.get("/language/<code>")
def pick(code: str) -> Any:
    """The picker's link: remember ``code`` on this device and go back to the page."""
    response = redirect(_safe_next(request.args.get("next")), code=303)
    if i18n.is_shipped(code):
        response.set_cookie(COOKIE, code, max_age=COOKIE_AGE, samesite="Lax", httponly=True)
    return response


# -- the review page: a text field per language ---------------------------------------------

def plan_languages(data: dict[str, Any]) -> list[str]:
    """The languages a plan (as data) gives texts in, its ``languages`` first."""
    from facilitator.core.plan import _map_languages

    named = data.get("languages") if isinstance(data.get("languages"), list) else []
    found = [c for c in named if i18n.is_shipped(c)]
    return found + [c for c in _map_languages(data) if c not in found]


def text_items(value: Any, langs: list[str]) -> list[tuple[str | None, Any]]:
    """(language, text) for each input a plan text gets on the review page: one plain input
    for a plan in one language, else one per language (the first named plainly)."""
    if len(langs) < 2 and not isinstance(value, dict):
        return [(None, value)]
    if not isinstance(value, dict):
        value = {langs[0]: value} if langs else {}
    codes = langs + [c for c in value if c not in langs]
    return [(code, value.get(code, "")) for code in codes]


def form_text(form: Any, key: str, old: Any, langs: list[str],
              clean: Any = lambda text: text) -> Any:
    """A plan text as the review form sent it back: ``key`` is the first language's (or the
    only) input, ``key@cy`` another language's; empty languages are left out."""
    items = text_items(old, langs)
    if items[0][0] is None:
        return clean(form[key]) if key in form else old
    out = dict(old) if isinstance(old, dict) else {items[0][0]: old}
    for i, (code, _text) in enumerate(items):
        name = key if i == 0 else f"{key}@{code}"
        if name in form:
            out[code] = clean(form[name])
    kept = {code: text for code, text in out.items() if text not in ("", [], None)}
    return kept or ""


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.before_request
    def person_language() -> None:
        speak(chosen())

    @app.teardown_request
    def back_to_english(_exc: BaseException | None = None) -> None:
        i18n.set_current(i18n.SOURCE)  # a thread serves the next request from a clean slate

    @app.context_processor
    def language_context() -> dict[str, Any]:
        lang = i18n.current()
        here = request.full_path.rstrip("?") if request else "/"
        return {"lang": lang, "lang_dir": i18n.direction(lang), "languages": i18n.choices(),
                "language_url": lambda code: url_for("language.pick", code=code, next=here),
                "speaking": speaking, "lang_direction": i18n.direction,
                "language_name": i18n.native_name, "text_items": text_items,
                "plan_languages": plan_languages}


def speaking(lang: str, caller: Any) -> Any:
    """``{% call speaking("en") %}...{% endcall %}``: a part of a page in another language
    (a bilingual projector's second dictionary of words)."""
    with i18n.use(lang):
        return caller()
