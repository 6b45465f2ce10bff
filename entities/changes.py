"""
Recording entity changes for the change feed, in an order consumers can rely on.

A sequence number alone is not enough: two transactions can take numbers 7 and 8 and commit 8 first, and a
consumer that read up to 8 would never see 7. So every writer takes one transaction-scoped advisory lock
before it numbers its changes, and keeps it until it commits: numbers are then handed out in commit order.
Imports batch their changes at the end of their transaction, so the lock is held only briefly. SQLite
serialises writers by itself.
"""

from django.db import connection
from django.utils import timezone

from entities.models import EntityChange

CHANGE_FEED_LOCK = 7_201_455_001  # an arbitrary constant that names this lock in pg_locks


def record_changes(changes: list[EntityChange]) -> None:
    """Insert ``changes`` (unsaved) as the next entries of the feed. Call inside the writing transaction."""
    if not changes:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHANGE_FEED_LOCK])
    EntityChange.objects.bulk_create(changes, batch_size=2000)


def change(entity_id, action: str, *, actor=None, reason: str = "", when=None, **details) -> EntityChange:
    """An unsaved change entry, for ``record_changes``."""
    return EntityChange(
        entity_id=entity_id, action=action, actor=actor if getattr(actor, "pk", None) else None, reason=reason[:500],
        occurred_at=when or timezone.now(), details=details,
    )
