"""The realtime contract (tests/realtime/test_realtime.py: acks, seq, client-id idempotency,
resent joins, reconnects with a token, resync, refusals) run again with the app on PostgreSQL.

The module imports those tests and overrides the ``app`` fixture; each test makes its own
workshops (fresh ids), so all share the session's database.
"""

from __future__ import annotations

import pytest

from tests.realtime.test_realtime import *  # noqa: F403 - the tests, collected again here
from tests.realtime.test_realtime import room  # noqa: F401 - its fixture


@pytest.fixture
def app(postgres_url):
    from facilitator.app import create_app, get_service

    app = create_app({"DATABASE": postgres_url, "ASYNC_MODE": "threading",
                      "PUBLIC_URL": "http://phones.example:5000", "TESTING": True})
    assert get_service(app).store.shared
    yield app
    get_service(app).store.close()
