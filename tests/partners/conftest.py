"""
Fixtures of the partner tests: two partners (A and B) with a portal user and an API client each, a small
registry to screen submissions against; the admin tests' own are prefixed ``admin_``, the portal's ``portal_``.
"""

import pytest
from django.core.cache import cache

from entities.services import proposal_approve
from tests.entities.admin_pages import propose
from tests.helpers import actor
from tests.partners.helpers import partner_api


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters and cached entity documents must not leak from one test into another."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def partner_a(make_partner):
    return make_partner("Partner A", country="KE", contact_email="a@example.org")


@pytest.fixture
def partner_b(make_partner):
    return make_partner("Partner B", country="NG", contact_email="b@example.org")


@pytest.fixture
def user_a(partner_a, make_partner_user):
    return make_partner_user(partner_a, "alice")


@pytest.fixture
def user_b(partner_b, make_partner_user):
    return make_partner_user(partner_b, "bob")


@pytest.fixture
def api_a(partner_a):
    return partner_api(partner_a, "client-a")


@pytest.fixture
def api_b(partner_b):
    return partner_api(partner_b, "client-b")


@pytest.fixture
def screened_registry(db, import_un, fixture_path, django_capture_on_commit_callbacks):
    """tests/fixtures/api/v1.xml imported and indexed for screening (OMAR SAMPLEZAI, PROBANDI BRIGADE, …)."""
    with django_capture_on_commit_callbacks(execute=True):
        import_un(fixture_path("api/v1.xml"))


@pytest.fixture
def admin_partner(make_partner):
    return make_partner("Partner A")


@pytest.fixture
def admin_submit(admin_partner, make_partner_user, django_capture_on_commit_callbacks):
    """admin_submit(name="Front of Example", **fields) -> one submission of Partner A, screened (pending review)."""
    from partners.services import partner_actor, submit
    from partners.validation import validate

    user = make_partner_user(admin_partner, "alice")

    def make(name: str = "Front of Example", **fields):
        row = {
            "kind": "organisation", "names": [{"name": name, "type": "primary"}, {"name": "FoE", "type": "alias"}],
            "nationalities": ["SY"], "rationale": "Recruits for attacks on the platform.",
            "evidence": [{"url": "https://example.org/post/1", "summary": "A call to violence",
                          "captured_at": "2026-10-01"}],
            **fields,
        }
        with django_capture_on_commit_callbacks(execute=True):
            [submission] = submit(actor=partner_actor(user=user), rows=validate([row]))
        submission.refresh_from_db()
        return submission

    return make


@pytest.fixture
def admin_designated(analyst, make_user, django_capture_on_commit_callbacks):
    """admin_designated("Name") -> an organisation designated by an analyst and an approver, nameable by partners."""
    deciding = make_user("approver", "approver-of-fixtures")

    def make(caption: str = "Designated Front"):
        with django_capture_on_commit_callbacks(execute=True):  # indexed for screening
            proposal = propose(analyst, caption)
            proposal_approve(proposal=proposal, actor=actor(deciding), reason="Listed")
        proposal.entity.refresh_from_db()
        return proposal.entity

    return make


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
