"""A shared server's facilitator passphrase: who may create a workshop.

With the ``CREATE_PASSPHRASE`` setting (``FACILITATOR_PASSPHRASE``, or ``serve
--passphrase-file``) every route that creates a workshop asks for it. Joining, the console, the
screen and the export of an existing workshop need nothing new: their secret links are the
keys. Without the setting nothing here runs.

A browser that gave the passphrase keeps it for its session in Flask's signed session cookie:
not the passphrase itself but an HMAC of it under the ``SECRET_KEY``, so changing the
passphrase signs every browser out and the cookie tells nobody what it is.

Every try counts against the client address's bucket in the limits store, right or wrong, and
it is taken *before* the comparison: while an address is slowed down a guess is not compared
at all, so the answer tells a guesser nothing. The bucket is per address, so a guesser slows
down only the people behind their own address, never everyone.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import unicodedata
from dataclasses import dataclass

from flask import current_app, request, session

from facilitator.i18n import _, ngettext
from facilitator.realtime.limits import Rate, client_address

SESSION_KEY = "creator"
HEADER = "X-Facilitator-Passphrase"


@dataclass(frozen=True)
class Refusal:
    """Why a try did not open creating: ``kind`` is ``missing``, ``wrong`` or ``slow``."""

    kind: str
    error: str
    retry_after: float | None = None

    def status(self, api: bool = False) -> int:
        """The HTTP status: 429 to slow down; 401 for the API (it answers with an
        ``WWW-Authenticate`` header), 403 for a page."""
        if self.kind == "slow":
            return 429
        return 401 if api else 403

    def headers(self, api: bool = False) -> dict[str, str]:
        out = {}
        if self.retry_after is not None:
            out["Retry-After"] = str(math.ceil(self.retry_after))
        if api and self.kind != "slow":
            out["WWW-Authenticate"] = 'Bearer realm="facilitator"'
        return out


def required() -> bool:
    """Whether this server asks for a passphrase before creating a workshop."""
    return bool(current_app.config.get("CREATE_PASSPHRASE"))


def _normal(text: str) -> bytes:
    # the same words typed on two keyboards may differ in how accents are composed
    return unicodedata.normalize("NFC", text.strip()).encode("utf-8")


def _fingerprint() -> str:
    key = current_app.secret_key
    key = key.encode("utf-8") if isinstance(key, str) else bytes(key or b"")
    expected = _normal(str(current_app.config["CREATE_PASSPHRASE"]))
    return hmac.new(key, b"create-passphrase\0" + expected, hashlib.sha256).hexdigest()


def signed_in() -> bool:
    """Whether this browser gave the passphrase in this session (always, without one)."""
    if not required():
        return True
    mark = session.get(SESSION_KEY)
    return isinstance(mark, str) and hmac.compare_digest(mark, _fingerprint())


def sign_in() -> None:
    """Remember, until the browser closes, that this browser gave the passphrase."""
    session[SESSION_KEY] = _fingerprint()


def sign_out() -> None:
    if required():  # (without a passphrase there may be no key, and nothing to forget)
        session.pop(SESSION_KEY, None)


def from_headers() -> str | None:
    """The passphrase an API call gives: ``Authorization: Bearer <passphrase>`` or
    ``X-Facilitator-Passphrase: <passphrase>`` (either may be UTF-8)."""
    given = request.headers.get(HEADER)
    if not given:
        scheme, _sep, value = request.headers.get("Authorization", "").partition(" ")
        given = value if scheme.lower() == "bearer" else None
    if not given:
        return None
    try:  # the WSGI server decoded the header's bytes as Latin-1
        return given.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return given


def check(given: str | None) -> Refusal | None:
    """None when ``given`` is this server's passphrase, else why not (a sentence to show)."""
    if given is None or not given.strip():
        return Refusal("missing", _("Creating a workshop on this server needs its passphrase. "
                                    "Ask the person who runs this server."))
    config = current_app.config
    wait = current_app.extensions["facilitator.limits"].take(
        f"passphrase:{client_address(request.environ, int(config['TRUSTED_PROXIES']))}",
        Rate(float(config["PASSPHRASE_BURST"]), float(config["PASSPHRASE_PER_SECOND"])))
    if wait:
        seconds = max(1, math.ceil(wait))
        return Refusal("slow", ngettext(
            "Too many tries from this network. Please wait %(num)d second and try again.",
            "Too many tries from this network. Please wait %(num)d seconds and try again.",
            seconds) % {"num": seconds}, retry_after=round(wait + 0.05, 1))
    expected = _normal(str(config["CREATE_PASSPHRASE"]))
    # (a field far longer than the passphrase is wrong without normalising megabytes)
    if len(given) <= 4 * len(expected) + 64 and hmac.compare_digest(_normal(given), expected):
        return None
    return Refusal("wrong", _("That passphrase is not right. Ask the person who runs this "
                              "server."))
