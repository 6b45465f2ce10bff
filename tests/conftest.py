"""Shared fixtures: paths to the project's own fixtures and to the real lists in ../shared/data."""

from pathlib import Path

import pytest

from importers.choices import ImportTrigger
from importers.services import import_source

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def pytest_collection_modifyitems(config, items):
    """On the embedded SQLite default (bin/test's second pass), skip what only PostgreSQL can do."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL")
    for item in items:
        if "postgresql" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def fixture_path():
    """fixture_path("un/small.xml") -> the path of one of the project's own test files."""

    def path(name: str) -> Path:
        found = FIXTURES / name
        assert found.is_file(), f"missing test fixture {found}"
        return found

    return path


@pytest.fixture
def shared_data():
    """The real public lists in ../shared/data; the test is skipped when they are not there."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED_DATA


@pytest.fixture
def import_un():
    """import_un(path, force=False) imports a UN-format file through the same service the command uses."""

    def run(path, *, force=False, user=None):
        return import_source(slug="un-sc", trigger=ImportTrigger.COMMAND, file=path, force=force, user=user)

    return run


@pytest.fixture
def make_user(db, django_user_model):
    """make_user("analyst" | "approver" | "viewer", username=None, password=...) -> a staff user with that role."""
    from django.contrib.auth.models import Group

    def make(role: str, username: str | None = None, password: str = "not-used"):
        user = django_user_model.objects.create_user(username or role, password=password, is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def make_partner(db):
    """make_partner("NGO A", **fields) -> an active expert partner."""
    from partners.models import Partner

    def make(name: str = "Partner A", **fields):
        return Partner.objects.create(name=name, contact_email=fields.pop("contact_email", "ops@example.org"),
                                      **fields)

    return make


@pytest.fixture
def make_partner_user(db, django_user_model):
    """make_partner_user(partner, "alice", password=...) -> a portal user of ``partner`` (not staff)."""
    from django.contrib.auth.models import Group

    from partners.models import PartnerMember

    def make(partner, username: str, password: str = "not-used", email: str = ""):
        user = django_user_model.objects.create_user(username, email=email or f"{username}@example.org",
                                                     password=password)
        user.groups.add(Group.objects.get(name="partner"))
        PartnerMember.objects.create(user=user, partner=partner)
        return user

    return make


@pytest.fixture
def analyst(make_user):
    return make_user("analyst")


@pytest.fixture
def approver(make_user):
    return make_user("approver")


@pytest.fixture
def viewer(make_user):
    return make_user("viewer")


@pytest.fixture(scope="session", autouse=True)
def migrated_rows(django_db_setup, django_db_blocker):
    """
    The rows the migrations made (groups, sources, schedules), serialized before the first test runs, while the
    database holds just them: for tests that must commit and so empty the database (``committed_db``, browser).
    """
    from django.db import DEFAULT_DB_ALIAS, connections

    connection = connections[DEFAULT_DB_ALIAS]
    with django_db_blocker.unblock():
        return getattr(connection, "_test_serialized_contents", None) or connection.creation.serialize_db_to_string()


@pytest.fixture
def committed_db(transactional_db, migrated_rows):
    """A transactional database (writes are committed: other threads see them) with the migrations' rows."""
    from tests.helpers import restore_migrated_rows

    restore_migrated_rows(migrated_rows)
