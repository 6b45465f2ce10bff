"""
Fixtures of the API tests: API clients with tokens, an authenticated test client, and a small registry
imported from the hand-written UN-format lists in tests/fixtures/api/ (every name and number invented).

v1.xml holds 7 records: 4 people (two share the caption "OMAR SAMPLEZAI"; KPi.801 has no listing date)
and 3 organisations (CDe.801 has no listing date). v2.xml updates QDi.801 (a new alias), drops TAe.801
(delisted) and adds QDi.803 (created). v3.xml is v2 with TAe.801 back (relisted).
"""

import itertools

import pytest
from django.core.cache import cache

from apiclients.services import api_client_create
from partners.models import Partner
from tests.api.helpers import bearer, by_reference

V1_REFERENCES = {"QDi.801", "TAi.801", "QDi.802", "KPi.801", "QDe.801", "TAe.801", "CDe.801"}


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters and cached entity documents must not leak from one test into another."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_client(db):
    """
    make_client(kind="service", scopes=("read",), **kwargs) -> (ApiClient, token), made by the service; a
    client of kind partner gets a new partner of its own unless ``partner`` is given.
    """
    numbers = itertools.count(1)

    def make(kind="service", scopes=("read",), name=None, **kwargs):
        name = name or f"{kind}-{next(numbers)}"
        if kind == "partner" and "partner" not in kwargs:
            kwargs["partner"] = Partner.objects.create(name=f"Partner of {name}", contact_email="ops@example.org")
        return api_client_create(name=name, kind=kind, scopes=list(scopes), **kwargs)

    return make


@pytest.fixture
def api(make_client):
    """A test client holding the token of a service client with the `read` scope."""
    _, token = make_client()
    return bearer(token)


@pytest.fixture
def internal_api(make_client):
    """A test client holding the token of one of the platform's own services: scopes `read` and `internal`."""
    _, token = make_client(scopes=("read", "internal"), name="internal-service")
    return bearer(token)


@pytest.fixture
def api_file(fixture_path):
    """api_file("v1.xml") -> the path of one of tests/fixtures/api/."""
    return lambda name: fixture_path(f"api/{name}")


@pytest.fixture
def registry(db, import_un, api_file):
    """The v1 list imported: {reference number: Entity}."""
    import_un(api_file("v1.xml"))
    found = by_reference()
    assert set(found) == V1_REFERENCES
    return found
