"""Helpers every test package shares."""

from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections

from entities.audit import Actor


def actor(user) -> Actor:
    """The services' actor for a user."""
    return Actor.of_user(user)


def restore_migrated_rows(rows) -> None:
    """
    Empty the database and put back the rows the migrations made (roles, sources, schedules), with their ids:
    for tests whose writes must be committed (other threads, a live server) and that need those rows.

    Django's serialized rollback would, but not here: it keeps the rows on the connection object, and once
    Playwright runs, the tests run in its context, where Django's connections (asgiref's Local) are new objects
    without them. Nor could it after any transactional test without serialized rollback: that test's final
    flush makes the content types and permissions anew, under new ids, which the serialized rows then collide
    with. Flushing first (without making them anew) clears both. ``rows``: the ``migrated_rows`` fixture.
    """
    if rows is None:
        return
    call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
    connections[DEFAULT_DB_ALIAS].creation.deserialize_db_from_string(rows)
