"""The fields of an entity analysts own: category, tier, first-listed date, notes."""

from django.db import transaction

from entities.audit import Actor, event, field_changes, record, save, snapshot
from entities.choices import AuditAction
from entities.models import Entity
from entities.services.common import CurationError, is_public, require_perm, require_reason

POLICY_FIELDS = ("category", "tier", "first_listed", "analyst_notes")
REASON_REQUIRED = ("category", "tier", "first_listed")


@transaction.atomic
def entity_update_policy(*, entity: Entity, actor: Actor, reason: str = "", **changes) -> Entity:
    """
    Change the analyst-owned fields of ``entity``. Category, tier and first-listed date change only with a
    reason; notes alone may be edited without one. Source-derived fields are refused (they change when their
    source does), and so is the designation state (it moves through ``entities.services.lifecycle``).
    """
    unknown = set(changes) - set(POLICY_FIELDS)
    if unknown:
        raise CurationError(
            f"{', '.join(sorted(unknown))} cannot be edited here: the state moves through proposals and "
            f"decisions, and other fields come from sources. Editable: {', '.join(POLICY_FIELDS)}."
        )
    require_perm(actor, "change_entity", "change an entity's category, tier or notes")
    before = snapshot(entity, changes)
    for field, value in changes.items():
        setattr(entity, field, value)
    diffs = field_changes(before, snapshot(entity, changes))
    if not diffs:
        return entity
    changed = [diff["field"] for diff in diffs]
    if set(changed) & set(REASON_REQUIRED):
        reason = require_reason(reason, "changing " + ", ".join(f for f in changed if f in REASON_REQUIRED))
    reason = reason.strip() or "Analyst notes edited"
    save(entity, actor=actor, reason=reason, update_fields=[*changed, "updated_at"])
    public = is_public(entity) and any(diff["public"] for diff in diffs)
    record([event(entity.pk, AuditAction.UPDATED, actor=actor, reason=reason, changes=diffs, public=public)])
    return entity
