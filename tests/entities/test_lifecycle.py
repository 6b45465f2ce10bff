"""
The designation lifecycle through its services: every transition with an actor and a reason, four-eyes on every
decision, what each role may do, what sources do by their policy, and the audit event each change leaves.
"""

import ast
from pathlib import Path

import pytest
from django.utils import timezone

from entities import services
from entities.choices import (
    AuditAction,
    DesignationState,
    EntityCategory,
    EntityKind,
    ListingStatus,
    ProposalKind,
    ProposalState,
    SourcePolicy,
)
from entities.models import AuditEvent, Entity, Listing, Proposal, Source
from tests.helpers import actor

State = DesignationState


def new_proposal(user, caption="New Front of Example", reason="Claims attacks on the platform"):
    return services.entity_create(actor=actor(user), reason=reason, kind=EntityKind.ORGANISATION, caption=caption,
                                  category=EntityCategory.VIOLENT_EXTREMIST_ORGANISATION)


def last_events(entity, count=1) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(entity=entity).order_by("-id")[:count])[::-1]


def state_of(entity) -> str:
    return Entity.objects.values_list("state", flat=True).get(pk=entity.pk)


# --- Analysts propose, approvers decide -----------------------------------------------------------------------


def test_an_analyst_proposes_a_new_entity(analyst):
    proposal = new_proposal(analyst)
    entity = proposal.entity
    assert (entity.state, entity.first_designated_at) == (State.PROPOSED, None)
    assert (proposal.kind, proposal.state, proposal.proposed_by, proposal.proposer_kind) == (
        ProposalKind.DESIGNATE, ProposalState.OPEN, analyst, "analyst")
    created, proposed = last_events(entity, 2)
    assert (created.action, proposed.action) == (AuditAction.CREATED, AuditAction.PROPOSED)
    for event in (created, proposed):
        assert (event.actor_user, event.actor_kind, event.reason) == (analyst, "analyst",
                                                                     "Claims attacks on the platform")
        assert not event.public  # nothing of a proposal reaches external clients
    assert entity.names.get().full_name == "New Front of Example"


def test_another_approver_designates_and_the_proposer_never_can(make_user):
    proposer, other = make_user("approver", "proposer"), make_user("approver", "second")
    proposal = new_proposal(proposer)
    with pytest.raises(services.NotAllowed, match="Four-eyes"):
        services.proposal_approve(proposal=proposal, actor=actor(proposer), reason="I am sure")
    with pytest.raises(services.NotAllowed, match="Four-eyes"):
        services.proposal_reject(proposal=proposal, actor=actor(proposer), reason="Changed my mind")
    with pytest.raises(services.NotAllowed, match="Four-eyes"):
        services.proposal_start_review(proposal=proposal, actor=actor(proposer), reason="Mine")
    assert state_of(proposal.entity) == State.PROPOSED

    entity = services.proposal_approve(proposal=proposal, actor=actor(other), reason="Evidence holds")
    assert entity.state == State.DESIGNATED and entity.first_designated_at is not None
    proposal.refresh_from_db()
    assert (proposal.state, proposal.decided_by, proposal.decision_reason) == (
        ProposalState.APPROVED, other, "Evidence holds")
    [designated] = last_events(entity)
    assert (designated.action, designated.actor_user, designated.actor_kind, designated.reason, designated.public) == (
        AuditAction.DESIGNATED, other, "approver", "Evidence holds", True)
    assert {change["field"]: change["after"] for change in designated.changes}["state"] == State.DESIGNATED


def test_can_decide_says_who_may_decide_an_open_proposal_and_why_not(analyst, make_user):
    proposer, other = make_user("approver", "proposer"), make_user("approver", "second")
    proposal = new_proposal(proposer)
    assert services.can_decide(proposal, other) == (True, "")
    assert services.can_decide(proposal, proposer)[1].startswith("Four-eyes")
    assert "approver role" in services.can_decide(proposal, analyst)[1]
    services.proposal_reject(proposal=proposal, actor=actor(other), reason="No evidence")
    proposal.refresh_from_db()
    assert services.can_decide(proposal, other) == (False, "This proposal is rejected already.")


def test_an_analyst_cannot_decide(analyst, make_user):
    proposal = new_proposal(make_user("analyst", "colleague"))
    for decide in (services.proposal_approve, services.proposal_reject, services.proposal_start_review):
        with pytest.raises(services.NotAllowed, match="approver role"):
            decide(proposal=proposal, actor=actor(analyst), reason="looks right")
    assert state_of(proposal.entity) == State.PROPOSED


def test_a_viewer_can_neither_propose_nor_decide(viewer, analyst):
    with pytest.raises(services.NotAllowed):
        new_proposal(viewer)
    proposal = new_proposal(analyst)
    with pytest.raises(services.NotAllowed):
        services.proposal_approve(proposal=proposal, actor=actor(viewer), reason="x")
    assert not Entity.objects.filter(caption="New Front of Example", proposals__state=ProposalState.APPROVED).exists()


def test_review_then_reject_then_propose_again(analyst, approver):
    proposal = new_proposal(analyst)
    services.proposal_start_review(proposal=proposal, actor=actor(approver), reason="Checking the evidence")
    assert state_of(proposal.entity) == State.UNDER_REVIEW
    with pytest.raises(services.CurationError, match="reviewing this proposal already"):
        services.proposal_start_review(proposal=proposal, actor=actor(approver), reason="again")
    entity = services.proposal_reject(proposal=proposal, actor=actor(approver), reason="Satire account")
    assert entity.state == State.REJECTED and entity.first_designated_at is None
    with pytest.raises(services.CurationError, match="rejected already"):
        services.proposal_approve(proposal=proposal, actor=actor(approver), reason="On second thoughts")

    again = services.entity_propose(entity=entity, actor=actor(analyst), reason="New attack claimed")
    assert state_of(entity) == State.PROPOSED and again.state == ProposalState.OPEN
    actions = list(AuditEvent.objects.filter(entity=entity).values_list("action", "reason"))
    assert actions == [
        (AuditAction.CREATED, "Claims attacks on the platform"),
        (AuditAction.PROPOSED, "Claims attacks on the platform"),
        (AuditAction.REVIEW_STARTED, "Checking the evidence"), (AuditAction.REJECTED, "Satire account"),
        (AuditAction.PROPOSED, "New attack claimed"),
    ]


def test_a_delisting_is_proposed_and_decided_by_another(imported, analyst, approver):
    entity = imported["person"]
    proposal = services.entity_propose_delisting(entity=entity, actor=actor(analyst), reason="Court ruling")
    assert state_of(entity) == State.DESIGNATED  # still designated until an approver decides
    with pytest.raises(services.CurationError, match="open delisting proposal already"):
        services.entity_propose_delisting(entity=entity, actor=actor(analyst), reason="again")
    entity = services.proposal_approve(proposal=proposal, actor=actor(approver), reason="Ruling confirmed")
    assert entity.state == State.DELISTED and entity.delisted_at is not None
    again = services.entity_propose(entity=entity, actor=actor(analyst), reason="Back to recruiting")
    entity = services.proposal_approve(proposal=again, actor=actor(approver), reason="Seen on the platform")
    assert entity.state == State.DESIGNATED and entity.delisted_at is None


def test_a_rejected_delisting_keeps_the_designation(imported, analyst, approver):
    entity = imported["person"]
    proposal = services.entity_propose_delisting(entity=entity, actor=actor(analyst), reason="Seems inactive")
    services.proposal_reject(proposal=proposal, actor=actor(approver), reason="Still active on the platform")
    assert state_of(entity) == State.DESIGNATED
    [event] = last_events(entity)
    assert (event.action, event.actor_kind, event.reason) == (
        AuditAction.DELISTING_REJECTED, "approver", "Still active on the platform")


def test_only_some_states_allow_each_proposal(imported, analyst):
    with pytest.raises(services.CurationError, match="designated: it cannot become proposed"):
        services.entity_propose(entity=imported["person"], actor=actor(analyst), reason="x")
    proposal = new_proposal(analyst)
    with pytest.raises(services.CurationError, match="only a designated entity"):
        services.entity_propose_delisting(entity=proposal.entity, actor=actor(analyst), reason="x")


@pytest.mark.parametrize("decide", [services.proposal_approve, services.proposal_reject,
                                    services.proposal_start_review])
def test_every_decision_needs_a_reason(analyst, approver, decide):
    proposal = new_proposal(analyst)
    with pytest.raises(services.CurationError, match="reason"):
        decide(proposal=proposal, actor=actor(approver), reason="   ")
    assert state_of(proposal.entity) == State.PROPOSED


def test_proposals_need_a_reason(imported, analyst):
    events = AuditEvent.objects.count()
    with pytest.raises(services.CurationError, match="reason"):
        new_proposal(analyst, reason="")
    with pytest.raises(services.CurationError, match="reason"):
        services.entity_propose_delisting(entity=imported["person"], actor=actor(analyst), reason="")
    assert AuditEvent.objects.count() == events and not Proposal.objects.exists()


def test_a_client_acting_for_a_person_is_that_person_for_four_eyes(make_user):
    from apiclients.services import api_client_create
    from entities.audit import Actor

    proposer, other = make_user("approver", "proposer"), make_user("approver", "second")
    client, _ = api_client_create(name="proposer-tool", kind="service", scopes=["curate"], user=proposer)
    proposal = new_proposal(proposer)
    with pytest.raises(services.NotAllowed, match="Four-eyes"):
        services.proposal_approve(proposal=proposal, actor=Actor.of_client(client), reason="via my tool")
    services.proposal_approve(proposal=proposal, actor=Actor.of_user(other), reason="ok")
    assert state_of(proposal.entity) == State.DESIGNATED


# --- Sources, by their policy ----------------------------------------------------------------------------------


@pytest.fixture
def proposing_source(db):
    from importers.services import source_for

    source = source_for("un-sc")
    Source.objects.filter(pk=source.pk).update(policy=SourcePolicy.PROPOSE)
    return source


def test_a_proposing_sources_new_listings_wait_for_an_approver(proposing_source, imported, approver):
    person = imported["person"]
    assert person.state == State.PROPOSED and person.first_designated_at is None
    proposal = person.proposals.get()
    assert (proposal.proposer_kind, proposal.proposed_by, proposal.details) == (
        "importer:un-sc", None, {"source": "un-sc", "source_key": "QDi.900"})
    [created] = last_events(person)
    assert (created.action, created.actor_kind, created.public, created.details["state"]) == (
        AuditAction.CREATED, "importer:un-sc", False, State.PROPOSED)
    services.proposal_approve(proposal=proposal, actor=actor(approver), reason="Checked the listing")
    assert state_of(person) == State.DESIGNATED


def test_an_auto_designating_sources_listings_are_designated_by_the_importer(imported):
    person = imported["person"]
    assert person.state == State.DESIGNATED and person.first_designated_at is not None
    assert not person.proposals.exists()
    [created] = last_events(person)
    assert (created.action, created.actor_kind, created.public) == (AuditAction.CREATED, "importer:un-sc", True)


def drop_person(imported):
    """The list of `imported` without QDi.900."""
    path = imported["path"]
    text = path.read_text()
    start, end = text.index("<INDIVIDUALS>") + len("<INDIVIDUALS>"), text.index("</INDIVIDUALS>")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    return path


def test_a_source_delisting_without_other_grounds_delists(imported, import_un):
    run = import_un(drop_person(imported), force=True)
    person = Entity.objects.get(pk=imported["person"].pk)
    assert person.state == State.DELISTED and not person.proposals.exists()
    [event] = last_events(person)
    assert (event.action, event.actor_kind, event.reason) == (AuditAction.DELISTED, "importer:un-sc",
                                                              f"Import run {run.pk} of un-sc")


def test_a_source_delisting_with_another_active_listing_goes_to_review(imported, import_un, approver):
    person = imported["person"]
    other = Source.objects.create(slug="other-list", name="Another list")
    Listing.objects.create(entity=person, source=other, regime="Terrorism", reference_number="OT-1")
    import_un(drop_person(imported), force=True)
    assert state_of(person) == State.DESIGNATED  # not delisted silently
    proposal = person.proposals.open().get()
    assert proposal.kind == ProposalKind.DELIST and proposal.proposer_kind == "importer:un-sc"
    assert "delisted QDi.900" in proposal.reason and "active listing OT-1 (other-list)" in proposal.reason
    updated, proposed = last_events(person, 2)
    assert updated.action == AuditAction.UPDATED and updated.public
    assert [change["after"]["status"] for change in updated.changes] == [ListingStatus.DELISTED]
    assert (proposed.action, proposed.public) == (AuditAction.DELISTING_PROPOSED, False)
    services.proposal_approve(proposal=proposal, actor=actor(approver), reason="The other list is stale")
    assert state_of(person) == State.DELISTED


def test_a_source_delisting_an_approvers_designation_goes_to_review_and_relisting_withdraws_it(
        proposing_source, imported, import_un, approver):
    person = imported["person"]
    services.proposal_approve(proposal=person.proposals.get(), actor=actor(approver), reason="Checked")
    list_text = imported["path"].read_text()
    import_un(drop_person(imported), force=True)
    assert state_of(person) == State.DESIGNATED
    proposal = person.proposals.open().get()
    assert "designated by an approver" in proposal.reason

    imported["path"].write_text(list_text, encoding="utf-8")
    import_un(imported["path"])
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.WITHDRAWN and "listed QDi.900 again" in proposal.decision_reason
    assert state_of(person) == State.DESIGNATED
    relisted, withdrawn = last_events(person, 2)
    assert (relisted.action, withdrawn.action) == (AuditAction.RELISTED, AuditAction.PROPOSAL_WITHDRAWN)


def test_a_proposing_sources_relisting_proposes_again(imported, import_un, approver):
    list_text = imported["path"].read_text()
    import_un(drop_person(imported), force=True)
    Source.objects.filter(slug="un-sc").update(policy=SourcePolicy.PROPOSE)
    imported["path"].write_text(list_text, encoding="utf-8")
    import_un(imported["path"])
    person = Entity.objects.get(pk=imported["person"].pk)
    assert person.state == State.PROPOSED
    proposal = person.proposals.open().get()
    assert proposal.proposer_kind == "importer:un-sc" and "listed QDi.900 again" in proposal.reason


# --- One home for the state --------------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
WRITERS = {"entities/services/lifecycle.py", "entities/services/relationships.py"}


def test_only_the_lifecycle_writes_the_state():
    """No code but the services assigns a `state` or updates one in bulk: nothing goes around four-eyes."""
    offenders = []
    for path in sorted(ROOT.glob("[a-z]*/**/*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative in WRITERS or "/migrations/" in relative or relative.startswith(("tests/", "bench/", ".venv")):
            continue
        for node in ast.walk(ast.parse(path.read_text(), relative)):
            targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
            if any(isinstance(target, ast.Attribute) and target.attr == "state" for target in targets):
                offenders.append(f"{relative}:{node.lineno}")
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in ("update", "bulk_update"):
                if any(keyword.arg == "state" for keyword in node.keywords):
                    offenders.append(f"{relative}:{node.lineno}")
    assert offenders == []


def test_timestamps_of_a_transition_are_its_events(analyst, approver):
    before = timezone.now()
    proposal = new_proposal(analyst)
    entity = services.proposal_approve(proposal=proposal, actor=actor(approver), reason="ok")
    [designated] = last_events(entity)
    assert before <= designated.occurred_at == entity.first_designated_at


@pytest.mark.postgresql
def test_two_approvers_deciding_at_once_decide_once(committed_db, make_user):
    """The proposal row is locked while it is decided: the second decision sees it decided and is refused."""
    import threading

    from django.db import connection

    proposal = new_proposal(make_user("analyst"))
    approvers = [make_user("approver", f"approver-{number}") for number in (1, 2)]
    outcomes, start = [], threading.Barrier(2)

    def decide(approver, decision):
        try:
            start.wait(5)
            decision(proposal=proposal, actor=actor(approver), reason=f"{approver.username} decides")
            outcomes.append("decided")
        except services.CurationError as error:
            outcomes.append(str(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(approvers[0], services.proposal_approve)),
               threading.Thread(target=decide, args=(approvers[1], services.proposal_reject))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert outcomes.count("decided") == 1 and any("already" in outcome for outcome in outcomes), outcomes
    proposal.refresh_from_db()
    decisions = AuditEvent.objects.filter(entity=proposal.entity,
                                          action__in=[AuditAction.DESIGNATED, AuditAction.REJECTED])
    assert decisions.count() == 1 and state_of(proposal.entity) in (State.DESIGNATED, State.REJECTED)
