"""
Who changes the registry, and the one place that writes what they changed.

Every write to registry data goes through a service, and every service writes through here. ``save`` and
``delete`` attribute a row's history (django-simple-history) to the actor and the reason; ``event`` builds an
audit event (the actor's kind, the fields and items before and after, the reason) and ``record`` inserts
events as the next entries of the audit log, in the writer's transaction.

The audit log is also the API's change feed, so its numbers must follow commit order. A sequence alone is
not enough: two transactions can take numbers 7 and 8 and commit 8 first, and a consumer that read up to 8
would never see 7. So every writer takes one transaction-scoped advisory lock before it numbers its events
and keeps it until it commits. Imports batch their events at the end of their transaction, so the lock is
held only briefly. SQLite serialises writers by itself.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from django.db import connection
from django.utils import timezone

from entities.choices import ActorKind, AuditAction
from entities.models import AuditEvent

AUDIT_LOG_LOCK = 7_201_455_001  # an arbitrary constant that names this lock in pg_locks
# Decisions are an approver's; anything else a person does, they do as an analyst.
DECISIONS = {AuditAction.DESIGNATED, AuditAction.REJECTED, AuditAction.DELISTED, AuditAction.DELISTING_REJECTED}
# Fields of an entity whose values never leave the platform.
INTERNAL_FIELDS = {"analyst_notes", "first_designated_at"}


@dataclass(frozen=True)
class Actor:
    """
    Who makes a change: a person (``user``), an API client (``client``, acting for ``user`` when it is bound
    to a person), the importer of a source (``importer``, its slug; ``user`` is then whoever started the
    import, kept in the row history only), or an expert partner (``partner``, through one of its users or
    clients; never with a registry role). Build one with the class methods.
    """

    user: object | None = None
    client: object | None = None
    importer: str = ""
    system: str = ""
    partner: object | None = None

    @classmethod
    def of_partner(cls, partner, *, user=None, client=None) -> "Actor":
        """A partner's portal user or API client: kind ``partner``, whoever of theirs it was."""
        return cls(user=user, client=client, partner=partner)

    @classmethod
    def of_user(cls, user) -> "Actor":
        return cls(user=user)

    @classmethod
    def of_client(cls, client) -> "Actor":
        return cls(user=getattr(client, "user", None), client=client)

    @classmethod
    def of_importer(cls, slug: str, *, user=None) -> "Actor":
        return cls(user=user, importer=slug)

    @classmethod
    def of_system(cls, name: str) -> "Actor":
        return cls(system=name)

    @property
    def person(self):
        """The person answerable for the change, if one is: four-eyes compares people."""
        return None if self.importer else self.user

    def kind(self, action: str = "") -> str:
        """What the API may show instead of who: analyst, approver, importer:<source>, partner, service, …"""
        if self.importer:
            return f"{ActorKind.IMPORTER}:{self.importer}"
        if self.partner is not None:
            return ActorKind.PARTNER
        if self.person is not None:
            return ActorKind.APPROVER if action in DECISIONS else ActorKind.ANALYST
        if self.client is not None:
            return self.client.kind
        return f"{ActorKind.SYSTEM}:{self.system}" if self.system else ActorKind.SYSTEM

    def has_perm(self, codename: str) -> bool:
        """Whether the person behind this actor holds ``entities.<codename>`` (importers, systems, partners: never)."""
        person = self.person
        if person is None or self.partner is not None:
            return False
        return bool(person.is_active and person.has_perm(f"entities.{codename}"))

    def __str__(self):
        if self.person is not None:
            return str(self.person)
        return self.kind()


def history_kwargs(actor: Actor, reason: str) -> dict:
    """Keyword arguments of simple-history's bulk_create_with_history and bulk_update_with_history."""
    return {"default_user": actor.user, "default_change_reason": reason}


def save(instance, *, actor: Actor, reason: str, **kwargs) -> None:
    """Save ``instance`` with its history row naming the actor and the reason."""
    instance._history_user = actor.user
    instance._change_reason = reason
    instance.save(**kwargs)


def delete(instance, *, actor: Actor, reason: str) -> None:
    """Delete ``instance``; its history keeps the last version, naming the actor and the reason."""
    instance._history_user = actor.user
    instance._change_reason = reason
    instance.delete()


def event(entity_id, action: str, *, actor: Actor, reason: str, changes=(), public: bool = True, when=None,
          **details) -> AuditEvent:
    """An unsaved audit event, for ``record``."""
    client = actor.client if getattr(actor.client, "pk", None) else None
    return AuditEvent(
        entity_id=entity_id, action=action, occurred_at=when or timezone.now(), actor_kind=actor.kind(action),
        actor_user=actor.user if getattr(actor.user, "pk", None) else None, actor_client=client, reason=reason,
        public=public, changes=list(changes), details=plain(details),
    )


def record(events: list[AuditEvent]) -> None:
    """Insert ``events`` as the next entries of the audit log. Call inside the writing transaction."""
    if not events:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_LOG_LOCK])
    AuditEvent.objects.bulk_create(events, batch_size=2000)


def field_changes(before: dict, after: dict) -> list[dict]:
    """The entity fields that differ between two snapshots, each with whether its values may leave the platform."""
    return [
        {"field": field, "before": plain(before.get(field)), "after": plain(value),
         "public": field not in INTERNAL_FIELDS}
        for field, value in after.items()
        if before.get(field) != value
    ]


def item_change(item: str, *, before=None, after=None, public: bool, item_id=None) -> dict:
    """One item (a name, a piece of evidence, a relationship, …) added (no ``before``), changed or removed."""
    operation = "added" if before is None else "removed" if after is None else "changed"
    return {"item": item, "id": item_id, "op": operation, "before": plain(before), "after": plain(after),
            "public": public}


def snapshot(instance, fields) -> dict:
    """The values of ``fields`` of a model instance, JSON-ready (foreign keys by id)."""
    values = {}
    for name in fields:
        field = instance._meta.get_field(name)
        values[name] = plain(getattr(instance, field.attname))
    return values


def plain(value):
    """``value`` as JSON can hold it: dates and times in ISO 8601, ids as text."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    return value
