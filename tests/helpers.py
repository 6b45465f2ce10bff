"""Helpers every test package shares."""

from entities.audit import Actor


def actor(user) -> Actor:
    """The services' actor for a user."""
    return Actor.of_user(user)
