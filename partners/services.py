"""
What happens to a partner's submission, from the partner sending it to an approver deciding what it became.

    received ──(screened)──> pending ──> accepted ──(an approver decides)──> designated | not designated
                               │  ▲         (or, for a delisting: delisted | not delisted)
                               │  └── information requested <── (an analyst asks; the partner answers)
                               ├──> attached (its names and evidence added to an existing entity)
                               └──> rejected (a public reason the partner reads, an internal one it never does)

Partners submit and answer; analysts ask, accept, attach and reject; approvers decide the proposal an
accepted submission became, in the curation review queue, with four-eyes (the accepting analyst cannot
decide it). Every step is a ``SubmissionEvent`` naming its actor; steps that change an entity are also in
the entity's audit timeline. Each status a person sets is mailed to the partner (``partners.tasks``).
"""

import uuid

from django.db import transaction
from django.utils import timezone

from entities import services as curation
from entities.audit import Actor, event, item_change, plain, record, save, snapshot
from entities.choices import AuditAction, DateType, DesignationState, ProposalKind, ProposalState
from entities.countries import country_name
from entities.models import BirthDate, Entity, Evidence, Name, Nationality, Proposal
from entities.services import CurationError, NotAllowed
from entities.services.common import is_public, require_perm, require_reason, touch
from entities.services.items import EVIDENCE_FIELDS, NAME_FIELDS
from entities.signals import send_names_changed
from partners.choices import (
    REVIEWABLE,
    MessageAuthor,
    SubmissionAction,
    SubmissionRequest,
    SubmissionStatus,
)
from partners.models import Partner, Submission, SubmissionEvent, SubmissionMessage
from partners.validation import MESSAGE_LENGTH

Status = SubmissionStatus
LIKELY = 0.7  # the screening score from which an existing entity is shown as a likely match
MATCHES_KEPT = 5
NAMES_SCREENED = 5  # of each submission's names, the first ones screened
# What a decided proposal makes of its submission: (proposal kind, outcome) -> status, public outcome.
OUTCOMES = {
    (ProposalKind.DESIGNATE, ProposalState.APPROVED): (Status.DESIGNATED, "Designated by the registry."),
    (ProposalKind.DESIGNATE, ProposalState.REJECTED): (Status.NOT_DESIGNATED,
                                                       "Reviewed by the registry's approvers: not designated."),
    (ProposalKind.DELIST, ProposalState.APPROVED): (Status.DELISTED, "Delisted by the registry."),
    (ProposalKind.DELIST, ProposalState.REJECTED): (Status.NOT_DELISTED,
                                                    "Reviewed by the registry's approvers: stays designated."),
    (ProposalKind.DELIST, ProposalState.WITHDRAWN): (Status.NOT_DELISTED, "The delisting proposal was withdrawn."),
}


# --- Partners --------------------------------------------------------------------------------------------------

def partner_actor(*, user=None, client=None) -> Actor:
    """The actor of a partner's user or API client; NotAllowed when it belongs to no active partner."""
    partner = partner_of(user=user, client=client)
    if partner is None:
        raise NotAllowed("Only an expert partner's users and API clients can do this.")
    if not partner.active:
        raise NotAllowed(f"{partner} is not an active partner: ask the registry to reactivate it.")
    return Actor.of_partner(partner, user=user, client=client)


def partner_of(*, user=None, client=None) -> Partner | None:
    if client is not None:
        return client.partner if client.partner_id else None
    membership = getattr(user, "partner_membership", None) if user is not None and user.is_authenticated else None
    return membership.partner if membership is not None else None


@transaction.atomic
def submit(*, actor: Actor, rows: list[dict]) -> list[Submission]:
    """
    Store a partner's validated submissions (``partners.validation.validate``) as one batch, and have them
    screened once committed (in-process, or by a worker when a broker is configured).
    """
    if actor.partner is None:
        raise NotAllowed("Only an expert partner can submit.")
    batch, now = uuid.uuid4(), timezone.now()
    submissions = Submission.objects.bulk_create([
        Submission(partner=actor.partner, submitted_by=actor.user, client=actor.client, batch=batch, row=number,
                   created_at=now,
                   request=row["request"], kind=row["kind"], names=[dict(name) for name in row["names"]],
                   birth_dates=row["birth_dates"], nationalities=row["nationalities"], rationale=row["rationale"],
                   evidence=plain([dict(item) for item in row["evidence"]]), entity=row["entity"])
        for number, row in enumerate(rows, start=1)
    ])
    SubmissionEvent.objects.bulk_create([
        _step(submission, SubmissionAction.SUBMITTED, actor=actor, when=now) for submission in submissions])
    ids = [str(submission.pk) for submission in submissions]
    transaction.on_commit(lambda: _tasks().screen_submissions.delay(ids))
    transaction.on_commit(lambda: _tasks().notify_received.delay(str(batch)))
    return submissions


def screen_submissions(ids: list[str]) -> int:
    """Screen received submissions against the registry; store their likely matches; they become pending."""
    from screening.scoring import Query
    from screening.service import screen

    with transaction.atomic():
        submissions = list(Submission.objects.select_for_update().filter(pk__in=ids, status=Status.RECEIVED)
                           .order_by("created_at", "row"))
        queries, owners = [], []
        for submission in submissions:
            for name in submission.names[:NAMES_SCREENED]:
                queries.append(Query(name=name["name"], kind=submission.kind,
                                     birth_date=next(iter(submission.birth_dates), None),
                                     nationality=next(iter(submission.nationalities), None)))
                owners.append(submission)
        best: dict = {submission.pk: {} for submission in submissions}
        for owner, result in zip(owners, screen(queries, threshold=LIKELY, limit=MATCHES_KEPT,
                                                states=tuple(DesignationState), internal_names=True), strict=True):
            for candidate in result.candidates:
                kept = best[owner.pk].get(candidate.entity_id)
                if candidate.score >= LIKELY and (kept is None or candidate.score > kept["score"]):
                    best[owner.pk][candidate.entity_id] = {
                        "entity": str(candidate.entity_id), "caption": candidate.caption, "state": candidate.state,
                        "score": round(candidate.score, 3), "query": result.query.name,
                        "name": candidate.explanation.get("name", {}).get("matched", ""),
                    }
        now, actor = timezone.now(), Actor.of_system("screening")
        for submission in submissions:
            submission.matches = sorted(best[submission.pk].values(), key=lambda match: -match["score"])[
                :MATCHES_KEPT]
            submission.screened_at, submission.status, submission.updated_at = now, Status.PENDING, now
        Submission.objects.bulk_update(submissions, ["matches", "screened_at", "status", "updated_at"])
        SubmissionEvent.objects.bulk_create([
            _step(submission, SubmissionAction.SCREENED, actor=actor, when=now, matches=len(submission.matches))
            for submission in submissions])
    return len(submissions)


@transaction.atomic
def answer(*, submission: Submission, actor: Actor, body: str) -> SubmissionMessage:
    """The partner answers the question asked on its submission; the submission goes back to review."""
    submission = _locked(submission)
    if actor.partner is None or actor.partner.pk != submission.partner_id:
        raise NotAllowed("Only the partner that made this submission can answer on it.")
    body = _message_body(body, "answer")
    if submission.status != Status.INFORMATION_REQUESTED:
        raise CurationError("No question waits for an answer on this submission.")
    message = SubmissionMessage.objects.create(submission=submission, author=MessageAuthor.PARTNER,
                                               author_user=actor.user, author_client=actor.client, body=body)
    _move(submission, Status.PENDING, SubmissionAction.ANSWERED, actor=actor, notify=False, message=message.pk)
    return message


# --- Analysts --------------------------------------------------------------------------------------------------

@transaction.atomic
def ask(*, submission: Submission, actor: Actor, question: str) -> SubmissionMessage:
    """Ask the partner for more information; the question shows in its portal and API, not who asked."""
    require_perm(actor, "propose_entity", "ask a partner a question")
    submission = _reviewable(submission)
    question = _message_body(question, "question")
    message = SubmissionMessage.objects.create(submission=submission, author=MessageAuthor.REGISTRY,
                                               author_user=actor.user, author_client=actor.client, body=question)
    _move(submission, Status.INFORMATION_REQUESTED, SubmissionAction.QUESTION_ASKED, actor=actor,
          outcome="The registry asked a question: answer it to continue the review.", message=message.pk)
    return message


@transaction.atomic
def accept(*, submission: Submission, actor: Actor, reason: str, category: str = "", tier: int | None = None
           ) -> Proposal:
    """
    Make a submission a proposal in the review queue: a new entity proposed for designation (with the
    submission's names, dates, nationalities and evidence), or the delisting of the entity it names. An
    approver other than the accepting analyst decides it. A request for information is attached instead.
    """
    require_perm(actor, "propose_entity", "accept a submission")
    reason = require_reason(reason, "accepting the submission")
    submission = _reviewable(submission)
    if submission.request == SubmissionRequest.INFORMATION:
        raise CurationError("This submission adds information to an entity: attach it instead.")
    if submission.request == SubmissionRequest.DELISTING:
        proposal = curation.entity_propose_delisting(entity=submission.entity, actor=actor, reason=reason,
                                                     submission=str(submission.pk))
        outcome = "Accepted: the delisting is proposed, and an approver decides."
    else:
        if not category:
            raise CurationError("Choose the new entity's category.")
        proposal = curation.entity_create(actor=actor, reason=reason, kind=submission.kind,
                                          caption=submission.primary_name, category=category, tier=tier)
        proposal.details["submission"] = str(submission.pk)
        save(proposal, actor=actor, reason=reason)
        submission.entity = proposal.entity
        primary = proposal.entity.names.get()
        primary.submission = submission
        save(primary, actor=actor, reason=reason)
        _add_facts(proposal.entity, submission, actor=actor, reason=reason)
        outcome = "Accepted: proposed for designation, and an approver decides."
    submission.proposal = proposal
    _move(submission, Status.ACCEPTED, SubmissionAction.ACCEPTED, actor=actor, reason=reason, outcome=outcome,
          proposal=proposal.pk, entity=str(proposal.entity_id))
    return proposal


@transaction.atomic
def attach(*, submission: Submission, entity: Entity, actor: Actor, reason: str) -> Entity:
    """Add a submission's names, dates, nationalities and evidence to an existing entity, the partner as origin."""
    require_perm(actor, "change_entity", "attach a submission to an entity")
    reason = require_reason(reason, "attaching the submission")
    submission = _reviewable(submission)
    if submission.request == SubmissionRequest.DELISTING:
        raise CurationError("This submission asks for a delisting: accept it as a delisting proposal or reject it.")
    if entity.kind != submission.kind:
        raise CurationError(f"{entity} is a {entity.get_kind_display().lower()}; the submission is about a "
                            f"{submission.get_kind_display().lower()}.")
    submission.entity = entity
    _add_facts(entity, submission, actor=actor, reason=reason)
    outcome = (f"Added to the registry's entity {entity.pk}." if is_public(entity)
               else "Added to an entity the registry is already reviewing.")
    _move(submission, Status.ATTACHED, SubmissionAction.ATTACHED, actor=actor, reason=reason, outcome=outcome,
          entity=str(entity.pk))
    return entity


@transaction.atomic
def reject(*, submission: Submission, actor: Actor, public_reason: str, internal_reason: str = "") -> Submission:
    """Reject a submission: the partner reads ``public_reason``; ``internal_reason`` stays with the registry."""
    require_perm(actor, "propose_entity", "reject a submission")
    public_reason = " ".join((public_reason or "").split())
    if not public_reason:
        raise CurationError("Give the partner a reason: it is what they read.")
    submission = _reviewable(submission)
    submission.internal_reason = internal_reason.strip()
    _move(submission, Status.REJECTED, SubmissionAction.REJECTED, actor=actor,
          reason=internal_reason.strip() or public_reason, outcome=f"Rejected: {public_reason}")
    return submission


def on_proposal_decided(sender, *, proposal: Proposal, actor: Actor, **kwargs) -> None:
    """A proposal closed: the submission it came from, if any, takes its outcome (inside the deciding transaction)."""
    submission = Submission.objects.select_for_update().filter(proposal=proposal).first()
    if submission is None or submission.status != Status.ACCEPTED:
        return
    status, outcome = OUTCOMES[proposal.kind, proposal.state]
    if status == Status.DESIGNATED:
        outcome = f"Designated by the registry as entity {proposal.entity_id}."
    _move(submission, status, SubmissionAction.DECIDED, actor=actor, reason=proposal.decision_reason,
          outcome=outcome, proposal=proposal.pk, state=proposal.state)


# --- Internals -------------------------------------------------------------------------------------------------

def _add_facts(entity: Entity, submission: Submission, *, actor: Actor, reason: str) -> None:
    """The submission's facts the entity lacks, as internal facts from the partner, with one audit event."""
    changes = []
    known = {name.casefold() for name in entity.names.values_list("full_name", flat=True)}
    for item in submission.names:
        if item["name"].casefold() in known:
            continue
        known.add(item["name"].casefold())
        name = Name(entity=entity, name_type=item["type"], full_name=item["name"], submission=submission,
                    note=f"From {submission.partner}.")
        save(name, actor=actor, reason=reason)
        changes.append(item_change("name", after=snapshot(name, NAME_FIELDS), public=False, item_id=name.pk))
    dates = {(date.date and date.date.isoformat()) or str(date.year) for date in entity.birth_dates.all()}
    for value in submission.birth_dates:
        if value in dates:
            continue
        exact = len(value) == 10
        date = BirthDate(entity=entity, date_type=DateType.EXACT, date=value if exact else None,
                         year=int(value[:4]), submission=submission)
        save(date, actor=actor, reason=reason)
        changes.append(item_change("birth_date", after={"date": value}, public=False, item_id=date.pk))
    codes = set(entity.nationalities.values_list("country_code", flat=True))
    for code in submission.nationalities:
        if code in codes:
            continue
        nationality = Nationality(entity=entity, country=country_name(code), country_code=code,
                                  submission=submission)
        save(nationality, actor=actor, reason=reason)
        changes.append(item_change("nationality", after={"country": code}, public=False, item_id=nationality.pk))
    for item in submission.evidence:
        summary = item["summary"]
        evidence = Evidence(entity=entity, url=item["url"], title=_title(summary), summary=summary,
                            on_platform=not item["off_platform"], captured_at=item["captured_at"],
                            added_by=actor.person, submission=submission)
        save(evidence, actor=actor, reason=reason)
        changes.append(item_change("evidence", after=snapshot(evidence, EVIDENCE_FIELDS), public=False,
                                   item_id=evidence.pk))
    if changes:
        touch(entity)
        record([event(entity.pk, AuditAction.UPDATED, actor=actor, reason=reason, changes=changes, public=False,
                      submission=str(submission.pk), partner=submission.partner.name)])
        send_names_changed([entity.pk])


def _title(summary: str) -> str:
    first = summary.split("\n", 1)[0].strip()
    return first if len(first) <= 120 else first[:119] + "…"


def _move(submission: Submission, status: str, action: str, *, actor: Actor, reason: str = "", outcome=None,
          notify: bool = True, **details) -> None:
    if outcome is not None:
        submission.public_outcome = outcome
    submission.status = status
    submission.save()
    _step(submission, action, actor=actor, reason=reason, **details).save()
    if notify:
        pk = str(submission.pk)
        transaction.on_commit(lambda: _tasks().notify_status.delay(pk))


def _step(submission: Submission, action: str, *, actor: Actor, reason: str = "", when=None,
          **details) -> SubmissionEvent:
    return SubmissionEvent(
        submission=submission, action=action, occurred_at=when or timezone.now(), status=submission.status,
        actor_kind=actor.kind(AuditAction.DESIGNATED if action == SubmissionAction.DECIDED else ""),
        actor_user=actor.user if getattr(actor.user, "pk", None) else None,
        actor_client=actor.client if getattr(actor.client, "pk", None) else None, reason=reason,
        details=plain(details),
    )


def _locked(submission: Submission) -> Submission:
    # Lock the submission's row only: PostgreSQL refuses FOR UPDATE on the nullable side of the entity's join.
    return (Submission.objects.select_for_update(of=("self",)).select_related("partner", "entity")
            .get(pk=submission.pk))


def _reviewable(submission: Submission) -> Submission:
    submission = _locked(submission)
    if submission.status not in REVIEWABLE:
        raise CurationError(f"Nothing more can be done with this submission: it is "
                            f"{submission.get_status_display().lower()}.")
    return submission


def _message_body(body: str, what: str) -> str:
    body = (body or "").strip()
    if not body:
        raise CurationError(f"Write the {what}.")
    if len(body) > MESSAGE_LENGTH:
        raise CurationError(f"The {what} is {len(body):,} characters; the limit is {MESSAGE_LENGTH:,}.")
    return body


def _tasks():
    from partners import tasks  # the tasks module imports this one

    return tasks
