"""
The designation lifecycle: the only code that moves an entity's state.

    proposed ──> under_review ──> designated ──> delisted ──> proposed (again)
        │              │
        └──────────────┴──> rejected ──> proposed (again)

Analysts propose: a new entity, a delisted or rejected one again, or the delisting of a designated one. An
approver who did not make the proposal decides it (four-eyes): designates, delists or rejects. Taking a
proposal under review first is optional; it tells other approvers someone is on it. Sources move states too,
with their importer as actor, by their policy: ``auto_designate`` designates new listings at once, ``propose``
sends them to the review queue; a source delisting an entity that has no other grounds delists it, and one
that still has other grounds (another active listing, or a designation an approver made) sends a delisting
proposal to the queue instead of delisting it silently.

Every transition saves the entity with its history and returns or records an audit event naming the actor
and the reason, in the caller's transaction. Four-eyes and roles are checked here, so that the admin, the
API, Celery tasks and the shell cannot go around them.
"""

from django.db import transaction
from django.utils import timezone

from entities.audit import Actor, event, field_changes, item_change, record, save, snapshot
from entities.bulk import insert_with_history
from entities.choices import (
    ActorKind,
    AuditAction,
    DesignationState,
    ListingStatus,
    NameType,
    ProposalKind,
    ProposalState,
    SourcePolicy,
)
from entities.models import AuditEvent, Entity, Name, Proposal
from entities.services.common import CurationError, NotAllowed, is_public, require_perm, require_reason
from entities.services.items import NAME_FIELDS
from entities.services.relationships import relationships_made_public
from entities.signals import proposal_decided, send_names_changed

State = DesignationState
# to: the states it can be reached from
ALLOWED = {
    State.PROPOSED: {State.DELISTED, State.REJECTED},
    State.UNDER_REVIEW: {State.PROPOSED},
    State.DESIGNATED: {State.PROPOSED, State.UNDER_REVIEW, State.DELISTED},  # from delisted: a source re-lists
    State.DELISTED: {State.DESIGNATED},
    State.REJECTED: {State.PROPOSED, State.UNDER_REVIEW},
}
STATE_FIELDS = ("state", "delisted_at", "first_designated_at")
CREATED_FIELDS = ("kind", "caption", "category", "tier", "state")


# --- Analysts and approvers ----------------------------------------------------------------------------------

@transaction.atomic
def entity_create(*, actor: Actor, reason: str, kind: str, caption: str, category: str, tier: int | None = None,
                  analyst_notes: str = "") -> Proposal:
    """
    An entity no source lists, proposed for designation by an analyst: it starts as a proposal in the review
    queue, with its name as its primary name. Returns the proposal.
    """
    require_perm(actor, "propose_entity", "propose an entity")
    reason = require_reason(reason, "the proposal")
    caption = " ".join(caption.split())
    if not caption:
        raise CurationError("Give the entity's name.")
    now = timezone.now()
    entity = Entity(kind=kind, caption=caption, category=category, tier=tier, analyst_notes=analyst_notes,
                    state=State.PROPOSED)
    save(entity, actor=actor, reason=reason)
    name = Name(entity=entity, name_type=NameType.PRIMARY, full_name=caption, public=True)
    save(name, actor=actor, reason=reason)
    proposal = _open(entity, ProposalKind.DESIGNATE, actor=actor, reason=reason, when=now)
    created = field_changes({}, snapshot(entity, CREATED_FIELDS))
    created.append(item_change("name", after=snapshot(name, NAME_FIELDS), public=True, item_id=name.pk))
    record([
        event(entity.pk, AuditAction.CREATED, actor=actor, reason=reason, changes=created, public=False, when=now),
        event(entity.pk, AuditAction.PROPOSED, actor=actor, reason=reason, public=False, when=now,
              proposal=proposal.pk),
    ])
    send_names_changed([entity.pk])
    return proposal


@transaction.atomic
def entity_propose(*, entity: Entity, actor: Actor, reason: str) -> Proposal:
    """Propose designating a delisted or rejected entity again."""
    require_perm(actor, "propose_entity", "propose a designation")
    reason = require_reason(reason, "the proposal")
    entity = _locked(entity)
    now = timezone.now()
    moved = _move(entity, State.PROPOSED, action=AuditAction.PROPOSED, actor=actor, reason=reason, when=now)
    proposal = _open(entity, ProposalKind.DESIGNATE, actor=actor, reason=reason, when=now)
    moved.details["proposal"] = proposal.pk
    record([moved])
    return proposal


@transaction.atomic
def entity_propose_delisting(*, entity: Entity, actor: Actor, reason: str, **details) -> Proposal:
    """Propose delisting a designated entity; an approver other than the proposer decides."""
    require_perm(actor, "propose_entity", "propose a delisting")
    reason = require_reason(reason, "the proposal")
    entity = _locked(entity)
    if entity.state != State.DESIGNATED:
        raise CurationError(f"{entity} is {entity.get_state_display().lower()}: only a designated entity can be "
                            "proposed for delisting.")
    proposal = _open(entity, ProposalKind.DELIST, actor=actor, reason=reason, when=timezone.now(), **details)
    record([event(entity.pk, AuditAction.DELISTING_PROPOSED, actor=actor, reason=reason, public=False,
                  proposal=proposal.pk)])
    return proposal


@transaction.atomic
def proposal_start_review(*, proposal: Proposal, actor: Actor, reason: str) -> Proposal:
    """An approver takes an open proposal under review (optional before deciding; others see who has it)."""
    proposal = _decidable(proposal, actor, "take this proposal under review")
    reason = require_reason(reason, "taking the proposal under review")
    if proposal.reviewer_id is not None:
        raise CurationError(f"{proposal.reviewer} is reviewing this proposal already.")
    now = timezone.now()
    proposal.reviewer, proposal.review_started_at = actor.person, now
    save(proposal, actor=actor, reason=reason)
    entity = _locked(proposal.entity)
    if proposal.kind == ProposalKind.DESIGNATE:
        started = _move(entity, State.UNDER_REVIEW, action=AuditAction.REVIEW_STARTED, actor=actor, reason=reason,
                        when=now)
    else:
        started = event(entity.pk, AuditAction.REVIEW_STARTED, actor=actor, reason=reason, public=False, when=now)
    started.details.update(proposal=proposal.pk, kind=proposal.kind)
    record([started])
    return proposal


# What a decision does: (kind of proposal, outcome) -> the entity's new state and the event's action. No new
# state means the entity stays as it is: a rejected delisting leaves it designated.
DECISIONS = {
    (ProposalKind.DESIGNATE, ProposalState.APPROVED): (State.DESIGNATED, AuditAction.DESIGNATED),
    (ProposalKind.DESIGNATE, ProposalState.REJECTED): (State.REJECTED, AuditAction.REJECTED),
    (ProposalKind.DELIST, ProposalState.APPROVED): (State.DELISTED, AuditAction.DELISTED),
    (ProposalKind.DELIST, ProposalState.REJECTED): (None, AuditAction.DELISTING_REJECTED),
}


@transaction.atomic
def proposal_approve(*, proposal: Proposal, actor: Actor, reason: str) -> Entity:
    """Designate (a designation proposal) or delist (a delisting proposal). Four-eyes: never one's own."""
    return _decide(proposal, ProposalState.APPROVED, actor=actor, reason=reason, what="approve a proposal")


@transaction.atomic
def proposal_reject(*, proposal: Proposal, actor: Actor, reason: str) -> Entity:
    """Reject a proposal: a proposed entity becomes rejected; a designated one stays designated."""
    return _decide(proposal, ProposalState.REJECTED, actor=actor, reason=reason, what="reject a proposal")


def _decide(proposal: Proposal, outcome: str, *, actor: Actor, reason: str, what: str) -> Entity:
    proposal = _decidable(proposal, actor, what)
    reason = require_reason(reason, "the decision")
    now = timezone.now()
    _close(proposal, outcome, actor=actor, reason=reason, when=now)
    entity = _locked(proposal.entity)
    state, action = DECISIONS[proposal.kind, outcome]
    revealed = []
    if state is None:
        decided = event(entity.pk, action, actor=actor, reason=reason, public=False, when=now)
    else:
        first_designation = state == State.DESIGNATED and not is_public(entity)
        decided = _move(entity, state, action=action, actor=actor, reason=reason, when=now)
        if first_designation:  # its relationships with public entities become public too
            revealed = relationships_made_public(entity, actor=actor, when=now)
    decided.details["proposal"] = proposal.pk
    record([decided, *revealed])
    return entity


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, actor: Actor, reason: str) -> Proposal:
    """
    Withdraw an open delisting proposal: its proposer, an approver, or the importer whose source delisted the
    entity (when the source lists it again). A designation proposal is decided, not withdrawn.
    """
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    reason = require_reason(reason, "withdrawing the proposal")
    if proposal.state != ProposalState.OPEN or proposal.kind != ProposalKind.DELIST:
        raise CurationError("Only an open delisting proposal can be withdrawn.")
    own = actor.person is not None and actor.person.pk == proposal.proposed_by_id
    if not (own or actor.has_perm("decide_entity") or actor.importer == proposal.details.get("source")):
        raise NotAllowed("Only the proposer or an approver can withdraw this proposal.")
    now = timezone.now()
    _close(proposal, ProposalState.WITHDRAWN, actor=actor, reason=reason, when=now)
    record([event(proposal.entity_id, AuditAction.PROPOSAL_WITHDRAWN, actor=actor, reason=reason, public=False,
                  when=now, proposal=proposal.pk)])
    return proposal


def can_decide(proposal: Proposal, user) -> tuple[bool, str]:
    """Whether ``user`` may decide ``proposal``, and if not, why: for pages that show or disable the buttons."""
    if proposal.state != ProposalState.OPEN:
        return False, f"This proposal is {proposal.get_state_display().lower()} already."
    try:
        _check_decider(proposal, Actor.of_user(user), "decide this proposal")
    except NotAllowed as error:
        return False, str(error)
    return True, ""


# --- Sources ---------------------------------------------------------------------------------------------------

def new_from_source(fields: dict, *, policy: str, when) -> Entity:
    """An unsaved entity for a source's new listing, in the state the source's policy gives it."""
    if policy == SourcePolicy.AUTO_DESIGNATE:
        return Entity(**fields, state=State.DESIGNATED, first_designated_at=when)
    return Entity(**fields, state=State.PROPOSED)


def source_created(entities: list[Entity], *, source, keys: list[str], actor: Actor, reason: str,
                   when) -> list[AuditEvent]:
    """The events of a source's new entities (saved by the caller); under ``propose``, their proposals too."""
    proposals = {}
    if source.policy == SourcePolicy.PROPOSE:
        made = insert_with_history(
            [Proposal(entity=entity, kind=ProposalKind.DESIGNATE, reason=f"New listing {key} on {source.name}.",
                      proposer_kind=actor.kind(), created_at=when, details={"source": source.slug, "source_key": key})
             for entity, key in zip(entities, keys, strict=True)],
            Proposal, user=actor.user, reason=reason,
        )
        proposals = {proposal.entity_id: proposal.pk for proposal in made}
    return [
        event(entity.pk, AuditAction.CREATED, actor=actor, reason=reason, when=when,
              public=entity.state == State.DESIGNATED, source_key=key, state=entity.state,
              **({"proposal": proposals[entity.pk]} if entity.pk in proposals else {}))
        for entity, key in zip(entities, keys, strict=True)
    ]


def source_delisted(entity: Entity, *, source, source_key: str, actor: Actor, reason: str, when,
                    changes: list) -> list[AuditEvent]:
    """
    ``source`` dropped the entity's listing ``source_key`` (its listings are already marked delisted). With no
    other grounds, a designated entity is delisted; with other grounds it stays designated and a delisting
    proposal goes to the review queue, with the source's delisting as its reason.
    """
    details = {"source_key": source_key}
    if entity.state != State.DESIGNATED:
        return [_updated(entity, actor=actor, reason=reason, when=when, changes=changes, **details)]
    grounds = other_grounds(entity)
    if not grounds:
        return [_move(entity, State.DELISTED, action=AuditAction.DELISTED, actor=actor, reason=reason, when=when,
                      changes=changes, **details)]
    events = [_updated(entity, actor=actor, reason=reason, when=when, changes=changes, **details)]
    if not entity.proposals.open().filter(kind=ProposalKind.DELIST).exists():
        why = (f"{source.name} delisted {source_key} on {when.date().isoformat()}; the entity still has other "
               f"grounds: {'; '.join(grounds)}.")
        proposal = _open(entity, ProposalKind.DELIST, actor=actor, reason=why, when=when, source=source.slug,
                         source_key=source_key)
        events.append(event(entity.pk, AuditAction.DELISTING_PROPOSED, actor=actor, reason=why, public=False,
                            when=when, proposal=proposal.pk, **details))
    return events


def source_relisted(entity: Entity, *, source, source_key: str, actor: Actor, reason: str, when,
                    changes: list) -> list[AuditEvent]:
    """
    ``source`` lists ``source_key`` again (its listings are already active again). A delisted entity is designated
    again under ``auto_designate`` and proposed again under ``propose``; a delisting proposal the source's
    delisting had opened is withdrawn.
    """
    details = {"source_key": source_key}
    if entity.state == State.DELISTED:
        if source.policy == SourcePolicy.AUTO_DESIGNATE:
            return [_move(entity, State.DESIGNATED, action=AuditAction.RELISTED, actor=actor, reason=reason,
                          when=when, changes=changes, **details)]
        moved = _move(entity, State.PROPOSED, action=AuditAction.PROPOSED, actor=actor, reason=reason, when=when,
                      changes=changes, **details)
        proposal = _open(entity, ProposalKind.DESIGNATE, actor=actor, when=when, source=source.slug,
                         source_key=source_key, reason=f"{source.name} listed {source_key} again.")
        moved.details["proposal"] = proposal.pk
        return [moved]
    save(entity, actor=actor, reason=reason)  # its listings changed: updated_at moves
    events = [event(entity.pk, AuditAction.RELISTED, actor=actor, reason=reason, when=when, changes=changes,
                    public=is_public(entity), **details)]
    for proposal in entity.proposals.open().filter(kind=ProposalKind.DELIST):
        if proposal.details.get("source") == source.slug and proposal.details.get("source_key") == source_key:
            why = f"{source.name} listed {source_key} again."
            _close(proposal, ProposalState.WITHDRAWN, actor=actor, reason=why, when=when)
            events.append(event(entity.pk, AuditAction.PROPOSAL_WITHDRAWN, actor=actor, reason=why, public=False,
                                when=when, proposal=proposal.pk))
    return events


def other_grounds(entity: Entity) -> list[str]:
    """Why a designated entity stays designated without one listing: other active listings, an approver's decision."""
    grounds = [f"active listing {reference} ({slug})" for reference, slug in entity.listings.filter(
        status=ListingStatus.ACTIVE).values_list("reference_number", "source__slug")]
    last_delisted = (entity.audit_events.filter(action=AuditAction.DELISTED).order_by("-id")
                     .values_list("id", flat=True).first()) or 0
    if entity.audit_events.filter(id__gt=last_delisted, action=AuditAction.DESIGNATED,
                                  actor_kind=ActorKind.APPROVER).exists():
        grounds.append("designated by an approver")
    return grounds


# --- Internals -------------------------------------------------------------------------------------------------


def _move(entity: Entity, to: str, *, action: str, actor: Actor, reason: str, when, changes=(),
          **details) -> AuditEvent:
    """
    Move ``entity`` to state ``to``, save it with its history, and return the transition's audit event: the
    state's fields before and after, after ``changes`` made with it (a source's listings, say).
    """
    if entity.state not in ALLOWED[to]:
        raise CurationError(f"{entity} is {entity.get_state_display().lower()}: it cannot become "
                            f"{State(to).label.lower()}.")
    before = snapshot(entity, STATE_FIELDS)
    entity.state = to
    if to == State.DESIGNATED:
        entity.delisted_at = None
        entity.first_designated_at = entity.first_designated_at or when
    elif to == State.DELISTED:
        entity.delisted_at = when
    save(entity, actor=actor, reason=reason, update_fields=[*STATE_FIELDS, "updated_at"])
    public = action in (AuditAction.DESIGNATED, AuditAction.DELISTED, AuditAction.RELISTED)
    return event(entity.pk, action, actor=actor, reason=reason, when=when, public=public,
                 changes=[*changes, *field_changes(before, snapshot(entity, STATE_FIELDS))], **details)


def _updated(entity: Entity, *, actor: Actor, reason: str, when, changes: list, **details) -> AuditEvent:
    save(entity, actor=actor, reason=reason)  # saved even when no field of its own changed: updated_at moves
    public = is_public(entity) and any(change["public"] for change in changes)
    return event(entity.pk, AuditAction.UPDATED, actor=actor, reason=reason, when=when, changes=changes,
                 public=public, **details)


def _open(entity: Entity, kind: str, *, actor: Actor, reason: str, when, **details) -> Proposal:
    if entity.proposals.open().filter(kind=kind).exists():
        raise CurationError(f"{entity} has an open {ProposalKind(kind).label.lower()} proposal already.")
    proposal = Proposal(entity=entity, kind=kind, reason=reason, proposer_kind=actor.kind(), proposed_by=actor.person,
                        created_at=when, details=details)
    save(proposal, actor=actor, reason=reason)
    return proposal


def _close(proposal: Proposal, state: str, *, actor: Actor, reason: str, when) -> None:
    proposal.state, proposal.decided_at, proposal.decision_reason = state, when, reason
    proposal.decided_by = actor.person
    save(proposal, actor=actor, reason=reason)
    proposal_decided.send(sender=Proposal, proposal=proposal, actor=actor)


def _decidable(proposal: Proposal, actor: Actor, what: str) -> Proposal:
    proposal = Proposal.objects.select_for_update().select_related("entity").get(pk=proposal.pk)
    if proposal.state != ProposalState.OPEN:
        raise CurationError(f"This proposal is {proposal.get_state_display().lower()} already.")
    _check_decider(proposal, actor, what)
    return proposal


def _check_decider(proposal: Proposal, actor: Actor, what: str) -> None:
    require_perm(actor, "decide_entity", what)
    if proposal.proposed_by_id is not None and proposal.proposed_by_id == actor.person.pk:
        raise NotAllowed("Four-eyes: you made this proposal, so another approver must decide it.")


def _locked(entity: Entity) -> Entity:
    """The entity's current row, locked until the transaction ends: two decisions never interleave."""
    return Entity.objects.select_for_update().get(pk=entity.pk)
