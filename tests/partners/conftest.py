"""Fixtures of the partner tests: rate counters cleared around each test, and the portal's partners and users."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters must not leak from one test into another."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def portal_user(make_partner, make_partner_user):
    """A user of "Partner A", the partner most portal tests act as."""
    return make_partner_user(make_partner("Partner A"), "alice", password="alice-s3cret-pass")


@pytest.fixture
def portal_client(client, portal_user):
    """The test client, logged in as ``portal_user``."""
    client.force_login(portal_user)
    return client


@pytest.fixture
def portal_submit():
    """portal_submit(user, name="…", **fields) -> a stored submission of the user's partner, as the API makes it."""
    from entities.audit import Actor
    from partners import services
    from partners.validation import validate

    def submit(user, name: str = "Example Liberation Front", **fields):
        row = {"kind": "organisation", "names": [{"name": name, "type": "primary"}],
               "rationale": "Claimed attacks on civilians.",
               "evidence": [{"url": "https://example.org/report", "summary": "A claim", "captured_at": "2026-01-15"}],
               **fields}
        actor = Actor.of_partner(user.partner_membership.partner, user=user)
        return services.submit(actor=actor, rows=validate(row))[0]

    return submit
