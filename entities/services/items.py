"""
What analysts attach to an entity by hand: names (e.g. an account handle seen on the platform) and evidence.

Each is internal unless the analyst marks it public. Removing one keeps it: its history row and the audit
event hold everything it said.
"""

from django.db import transaction

from entities.audit import Actor, delete, event, item_change, record, save, snapshot
from entities.choices import AuditAction, NameType
from entities.models import Evidence, Name
from entities.services.common import CurationError, is_public, require_perm, require_reason, touch
from entities.signals import send_names_changed

NAME_FIELDS = ("name_type", "full_name", "note", "public")
EVIDENCE_FIELDS = ("url", "title", "summary", "on_platform", "captured_at", "public")


@transaction.atomic
def name_save(*, name: Name, actor: Actor, reason: str = "") -> Name:
    """Add or edit an analyst-entered name. Names that came from a source cannot be edited."""
    require_perm(actor, "change_entity", "edit names")
    if name.source_record_id is not None:
        raise CurationError("This name comes from a source and cannot be edited; add an analyst name instead.")
    _save_item(name, "name", NAME_FIELDS, actor=actor, reason=reason.strip() or "Analyst name saved")
    send_names_changed([name.entity_id])
    return name


@transaction.atomic
def name_delete(*, name: Name, actor: Actor, reason: str = "") -> None:
    """Remove an analyst-entered name. Names that came from a source cannot be removed."""
    require_perm(actor, "change_entity", "remove names")
    if name.source_record_id is not None:
        raise CurationError("This name comes from a source and cannot be removed.")
    primaries = Name.objects.filter(entity_id=name.entity_id, name_type=NameType.PRIMARY)
    if name.name_type == NameType.PRIMARY and not primaries.exclude(pk=name.pk).exists():
        raise CurationError("This is the entity's only primary name: add another primary name before removing it.")
    _delete_item(name, "name", NAME_FIELDS, actor=actor, reason=reason.strip() or "Analyst name removed")
    send_names_changed([name.entity_id])


@transaction.atomic
def evidence_save(*, evidence: Evidence, actor: Actor, reason: str = "") -> Evidence:
    """Add or edit a piece of evidence; a new one records who added it."""
    require_perm(actor, "change_entity", "add or edit evidence")
    if evidence.pk is None:
        evidence.added_by = actor.person
    _save_item(evidence, "evidence", EVIDENCE_FIELDS, actor=actor, reason=reason.strip() or "Evidence saved")
    return evidence


@transaction.atomic
def evidence_delete(*, evidence: Evidence, actor: Actor, reason: str) -> None:
    """Remove a piece of evidence, with a reason; the audit timeline keeps what it said."""
    require_perm(actor, "change_entity", "remove evidence")
    reason = require_reason(reason, "removing evidence")
    _delete_item(evidence, "evidence", EVIDENCE_FIELDS, actor=actor, reason=reason)


def _save_item(item, label: str, fields, *, actor: Actor, reason: str) -> None:
    before = None
    if item.pk is not None:
        stored = type(item).objects.filter(pk=item.pk).first()
        before = snapshot(stored, fields) if stored is not None else None
    after = snapshot(item, fields)
    if before == after:
        return
    save(item, actor=actor, reason=reason)
    public = bool(after["public"] or (before or {}).get("public"))
    _record(item.entity, item_change(label, before=before, after=after, public=public, item_id=item.pk),
            actor=actor, reason=reason)


def _delete_item(item, label: str, fields, *, actor: Actor, reason: str) -> None:
    before, item_id, entity = snapshot(item, fields), item.pk, item.entity
    delete(item, actor=actor, reason=reason)
    _record(entity, item_change(label, before=before, public=before["public"], item_id=item_id),
            actor=actor, reason=reason)


def _record(entity, change: dict, *, actor: Actor, reason: str) -> None:
    touch(entity)
    record([event(entity.pk, AuditAction.UPDATED, actor=actor, reason=reason, changes=[change],
                  public=is_public(entity) and change["public"])])
