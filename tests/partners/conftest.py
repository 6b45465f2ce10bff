"""
Fixtures of the partner tests: two partners (A and B) with a portal user and an API client each, a small
registry to screen submissions against, and valid submissions to send.
"""

import pytest
from django.core.cache import cache

from tests.partners.helpers import partner_api


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters must not leak from one test into another."""
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
