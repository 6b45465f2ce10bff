"""
Relationships between entities: added by analysts (confirmed at once), or derived from a source's narratives
as candidates for an analyst to confirm or dismiss. A dismissed pair is never suggested again.
"""

from django.db import transaction
from django.db.models import Q
from simple_history.utils import bulk_create_with_history

from entities.audit import Actor, event, history_kwargs, item_change, record, save, snapshot
from entities.choices import AuditAction, RelationshipKind, RelationshipState
from entities.models import AuditEvent, Entity, Relationship
from entities.services.common import CurationError, is_public, require_perm, require_reason, touch

RELATIONSHIP_FIELDS = ("subject", "kind", "object", "state", "start_date", "end_date", "basis")


@transaction.atomic
def relationship_add(*, subject: Entity, kind: str, object: Entity, actor: Actor, reason: str,
                     start_date=None, end_date=None) -> Relationship:
    """An analyst's relationship, confirmed as they add it."""
    require_perm(actor, "change_entity", "add relationships")
    reason = require_reason(reason, "the relationship")
    if subject.pk == object.pk:
        raise CurationError("An entity cannot be related to itself.")
    if start_date and end_date and end_date < start_date:
        raise CurationError("The relationship cannot end before it starts.")
    existing = Relationship.objects.filter(subject=subject, kind=kind, object=object).first()
    if existing is not None:
        raise CurationError(f"This relationship exists already ({existing.get_state_display().lower()}); "
                            "confirm or edit that one.")
    relationship = Relationship(subject=subject, kind=kind, object=object, state=RelationshipState.CONFIRMED,
                                start_date=start_date, end_date=end_date, basis=reason, added_by=actor.person)
    save(relationship, actor=actor, reason=reason)
    _record(relationship, None, actor=actor, reason=reason)
    return relationship


@transaction.atomic
def relationship_confirm(*, relationship: Relationship, actor: Actor, reason: str, start_date=None,
                         end_date=None) -> Relationship:
    """Confirm a candidate (or a dismissed one, on second thoughts); dates may be set as it is confirmed."""
    return _decide(relationship, RelationshipState.CONFIRMED, actor=actor, reason=reason,
                   start_date=start_date, end_date=end_date)


@transaction.atomic
def relationship_dismiss(*, relationship: Relationship, actor: Actor, reason: str) -> Relationship:
    """Dismiss a relationship: it leaves the API, and the pair is never suggested again."""
    return _decide(relationship, RelationshipState.DISMISSED, actor=actor, reason=reason)


def relationship_candidates(candidates: list[Relationship], *, actor: Actor, reason: str) -> list[Relationship]:
    """
    Store a source's candidate relationships (unsaved, state candidate), skipping every pair already known in
    any state: a candidate is suggested once, and a dismissed one never again. Call inside the import's
    transaction. Candidates are internal until confirmed, so they change no entity's public document.
    """
    ends = {c.subject_id for c in candidates} | {c.object_id for c in candidates}
    known = set(Relationship.objects.filter(subject__in=ends).values_list("subject_id", "kind", "object_id"))
    new = []
    for candidate in candidates:
        key = (candidate.subject_id, candidate.kind, candidate.object_id)
        # "affiliated with" reads both ways: B affiliated with A is the pair A affiliated with B.
        mirror = (candidate.object_id, candidate.kind, candidate.subject_id)
        symmetric = candidate.kind == RelationshipKind.AFFILIATED_WITH
        if key in known or (symmetric and mirror in known) or candidate.subject_id == candidate.object_id:
            continue
        known.add(key)
        new.append(candidate)
    bulk_create_with_history(new, Relationship, **history_kwargs(actor, reason))
    return new


def _decide(relationship: Relationship, state: str, *, actor: Actor, reason: str, **dates) -> Relationship:
    require_perm(actor, "change_entity", "confirm or dismiss relationships")
    reason = require_reason(reason, "the decision")
    relationship = Relationship.objects.select_for_update().get(pk=relationship.pk)
    before = snapshot(relationship, RELATIONSHIP_FIELDS)
    relationship.state = state
    for field, value in dates.items():
        if value is not None:
            setattr(relationship, field, value)
    if relationship.start_date and relationship.end_date and relationship.end_date < relationship.start_date:
        raise CurationError("The relationship cannot end before it starts.")
    save(relationship, actor=actor, reason=reason)
    _record(relationship, before, actor=actor, reason=reason)
    return relationship


def relationships_made_public(entity: Entity, *, actor: Actor, when) -> list[AuditEvent]:
    """
    ``entity`` is designated for the first time: its confirmed relationships with entities external clients
    see become visible to them. The other ends' documents change (their ``updated_at`` moves), and an event on
    each says so, for the change feed. Returns the events, for the designation to record with its own.
    """
    confirmed = Relationship.objects.filter(Q(subject=entity) | Q(object=entity), state=RelationshipState.CONFIRMED)
    events, others = [], []
    for relationship in confirmed.select_related("subject", "object"):
        other = relationship.object if relationship.subject_id == entity.pk else relationship.subject
        if not is_public(other):
            continue
        others.append(other)
        change = item_change("relationship", after=snapshot(relationship, RELATIONSHIP_FIELDS), public=True,
                             item_id=relationship.pk)
        events.append(event(other.pk, AuditAction.UPDATED, actor=actor, when=when, changes=[change],
                            reason=f"{entity} was designated: this relationship is now public."))
    touch(*others, when=when)
    return events


def _record(relationship: Relationship, before: dict | None, *, actor: Actor, reason: str) -> None:
    """
    One event on each end: the relationship shows from both. External clients see it only between two
    entities they see (a relationship with a proposal shows when the proposal is designated).
    """
    after = snapshot(relationship, RELATIONSHIP_FIELDS)
    confirmed = RelationshipState.CONFIRMED
    public = confirmed in (after["state"], (before or {}).get("state"))
    change = item_change("relationship", before=before, after=after, public=public, item_id=relationship.pk)
    ends = [relationship.subject, relationship.object]
    touch(*ends)
    public = public and all(is_public(end) for end in ends)
    record([event(end.pk, AuditAction.UPDATED, actor=actor, reason=reason, changes=[change], public=public)
            for end in ends])
