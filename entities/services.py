"""
Write services for analysts' curation. The admin (and later the API) call these; nothing else saves
registry data by hand. Each write records who made it and why in the entity's history, in the same
transaction as the change itself.
"""

from django.db import transaction
from django.utils import timezone

from entities.changes import change, record_changes
from entities.choices import ChangeAction, EntityStatus
from entities.models import Entity, Name
from screening.index import schedule_reindex

POLICY_FIELDS = ("category", "status", "first_listed", "analyst_notes")


class CurationError(ValueError):
    """A curation change that is not allowed; the message says why."""


@transaction.atomic
def entity_update_policy(*, entity: Entity, actor, reason: str, **changes) -> Entity:
    """
    Change the analyst-owned fields of ``entity`` (category, status, first listed, analyst notes).

    Source-derived fields are refused: they change only when their source does. Delisting by hand sets
    ``delisted_at``; re-activating clears it.
    """
    unknown = set(changes) - set(POLICY_FIELDS)
    if unknown:
        raise CurationError(
            f"{', '.join(sorted(unknown))} cannot be edited: it comes from a source. "
            f"Editable: {', '.join(POLICY_FIELDS)}."
        )
    if not reason.strip():
        raise CurationError("Give a reason for the change; it is kept in the entity's history.")
    before_status = entity.status
    for field, value in changes.items():
        setattr(entity, field, value)
    if "status" in changes:
        entity.delisted_at = timezone.now() if entity.status == EntityStatus.DELISTED else None
    _save(entity, actor=actor, reason=reason)
    action = ChangeAction.UPDATED
    if entity.status != before_status:
        action = ChangeAction.DELISTED if entity.status == EntityStatus.DELISTED else ChangeAction.RELISTED
    record_changes([change(entity.pk, action, actor=actor, reason=reason, fields=sorted(changes))])
    return entity


@transaction.atomic
def name_save(*, name: Name, actor, reason: str = "") -> Name:
    """Add or edit an analyst-entered name. Names that came from a source cannot be edited."""
    if name.source_record_id is not None:
        raise CurationError("This name comes from a source and cannot be edited; add an analyst name instead.")
    reason = reason or "Analyst name saved"
    _save(name, actor=actor, reason=reason)
    _touch(name.entity, actor=actor, reason=reason)
    schedule_reindex([name.entity_id])
    return name


@transaction.atomic
def name_delete(*, name: Name, actor, reason: str = "") -> None:
    """Remove an analyst-entered name. Names that came from a source cannot be removed."""
    if name.source_record_id is not None:
        raise CurationError("This name comes from a source and cannot be removed.")
    reason = reason or "Analyst name removed"
    name._history_user = actor
    name._change_reason = reason
    name.delete()
    _touch(name.entity, actor=actor, reason=reason)
    schedule_reindex([name.entity_id])


def _touch(entity: Entity, *, actor, reason: str):
    """A fact of the entity changed: move its updated_at (and so its ETag) and tell the change feed."""
    _save(entity, actor=actor, reason=reason)
    record_changes([change(entity.pk, ChangeAction.UPDATED, actor=actor, reason=reason)])


def _save(instance, *, actor, reason: str):
    instance._history_user = actor
    instance._change_reason = reason
    instance.save()
