"""What every curation service shares: its error, and the checks on reasons and roles."""

from django.utils import timezone

from entities.audit import Actor
from entities.models import Entity


class CurationError(ValueError):
    """A curation change that is not allowed; the message says why, in words an analyst can act on."""


class NotAllowed(CurationError):
    """The actor lacks the role the change needs, or four-eyes forbids it."""


ROLE_OF = {"propose_entity": "analyst", "decide_entity": "approver", "change_entity": "analyst"}


def require_reason(reason: str, what: str = "the change") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise CurationError(f"Give a reason for {what}; it is kept in the entity's audit timeline.")
    return reason


def require_perm(actor: Actor, codename: str, what: str) -> None:
    """The person behind ``actor`` must hold ``entities.<codename>``: the analyst or approver role."""
    if not actor.has_perm(codename):
        role = ROLE_OF.get(codename, codename)
        raise NotAllowed(f"Only a user with the {role} role can {what}; {actor} does not have it.")


def is_public(entity: Entity) -> bool:
    """Whether external clients see the entity at all: once designated, always (as designated or delisted)."""
    return entity.first_designated_at is not None


def touch(*entities: Entity, when=None) -> None:
    """Something attached to these entities changed: move their updated_at, and so their documents and ETags."""
    when = when or timezone.now()
    Entity.objects.filter(pk__in=[entity.pk for entity in entities]).update(updated_at=when)
    for entity in entities:
        entity.updated_at = when
