"""What happens to a submission: screening, questions, accepting, attaching, rejecting, and its audit trail."""

import pytest
from django.core import mail

from entities import services as curation
from entities.audit import Actor
from entities.choices import AuditAction, DesignationState, ProposalKind
from entities.models import Entity
from entities.services import CurationError, NotAllowed
from partners import services
from partners.models import Submission
from partners.validation import validate
from tests.partners.helpers import organisation, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def submit(user_a):
    """submit(*rows) -> the partner A user's submissions of those rows, screened."""

    def send(*rows):
        made = services.submit(actor=services.partner_actor(user=user_a), rows=validate(list(rows)))
        services.screen_submissions([str(submission.pk) for submission in made])
        return list(Submission.objects.filter(pk__in=[submission.pk for submission in made]).order_by("row"))

    return send


def timeline(submission):
    return [(event.action, event.actor_kind, event.status) for event in submission.events.all()]


def test_screening_stores_the_likely_matches(screened_registry, submit):
    found, new = submit(person("Omar Samplezai"), organisation("Entirely Unheard Of Collective"))
    assert found.status == new.status == "pending"
    assert {match["caption"] for match in found.matches} == {"OMAR SAMPLEZAI"}
    assert all(set(match) == {"entity", "caption", "state", "score", "query", "name"} for match in found.matches)
    assert new.matches == []
    assert timeline(found) == [("submitted", "partner", "received"), ("screened", "system:screening", "pending")]


def test_accepting_makes_a_proposal_with_the_partners_facts(submit, make_user):
    analyst, approver = make_user("analyst"), make_user("approver")
    [submission] = submit(person("Omar Newname", names=[{"name": "Omar Newname", "type": "primary"},
                                                         {"name": "Abu Newname", "type": "alias"}],
                                 birth_dates=["1970", "1971-02-03"], nationalities=["Kenya"]))
    proposal = services.accept(submission=submission, actor=Actor.of_user(analyst), reason="credible", category="vei",
                               tier=2)
    entity = proposal.entity
    assert entity.state == DesignationState.PROPOSED and entity.tier == 2 and entity.kind == "person"
    assert proposal.kind == ProposalKind.DESIGNATE and proposal.proposed_by == analyst
    assert proposal.details["submission"] == str(submission.pk)
    # Every fact it brought records the submission; all but the name it is designated under are internal.
    assert sorted(entity.names.values_list("full_name", "submission", "public")) == [
        ("Abu Newname", submission.pk, False), ("Omar Newname", submission.pk, True)]
    assert sorted(entity.birth_dates.values_list("year", "submission")) == [(1970, submission.pk),
                                                                           (1971, submission.pk)]
    assert list(entity.nationalities.values_list("country_code", "submission")) == [("KE", submission.pk)]
    [evidence] = entity.evidence.all()
    assert (evidence.url, evidence.on_platform, evidence.submission, evidence.public) == (
        "https://example.org/video", False, submission, False)
    # The entity's own timeline says where they came from.
    updated = entity.audit_events.get(action=AuditAction.UPDATED)
    assert updated.details == {"submission": str(submission.pk), "partner": "Partner A"}
    assert updated.actor_user == analyst and not updated.public
    submission.refresh_from_db()
    assert (submission.status, submission.entity, submission.proposal) == ("accepted", entity, proposal)
    # An approver decides; the submission takes the outcome.
    curation.proposal_approve(proposal=proposal, actor=Actor.of_user(approver), reason="agreed")
    submission.refresh_from_db()
    assert submission.status == "designated"
    assert timeline(submission)[-2:] == [("accepted", "analyst", "accepted"), ("decided", "approver", "designated")]


def test_four_eyes_the_approver_who_accepted_cannot_decide(submit, make_user):
    approver, other = make_user("approver"), make_user("approver", username="other-approver")
    [submission] = submit(organisation())
    proposal = services.accept(submission=submission, actor=Actor.of_user(approver), reason="credible",
                               category="veo")
    with pytest.raises(NotAllowed, match="Four-eyes"):
        curation.proposal_approve(proposal=proposal, actor=Actor.of_user(approver), reason="mine")
    curation.proposal_reject(proposal=proposal, actor=Actor.of_user(other), reason="not enough")
    submission.refresh_from_db()
    assert submission.status == "not_designated"
    assert submission.public_outcome == "Reviewed by the registry's approvers: not designated."


def test_a_delisting_request_becomes_a_delisting_proposal(screened_registry, submit, make_user):
    analyst, approver = make_user("analyst"), make_user("approver")
    entity = Entity.objects.get(listings__reference_number="QDe.801")
    [submission] = submit(organisation("Probandi Brigade", entity=str(entity.pk), request="delisting"))
    with pytest.raises(CurationError, match="asks for a delisting"):
        services.attach(submission=submission, entity=entity, actor=Actor.of_user(analyst), reason="x")
    proposal = services.accept(submission=submission, actor=Actor.of_user(analyst), reason="dissolved in 2025")
    assert proposal.kind == ProposalKind.DELIST and proposal.details["submission"] == str(submission.pk)
    curation.proposal_approve(proposal=proposal, actor=Actor.of_user(approver), reason="agreed")
    submission.refresh_from_db()
    entity.refresh_from_db()
    assert submission.status == "delisted" and entity.state == DesignationState.DELISTED


def test_attaching_adds_only_what_the_entity_lacks(screened_registry, submit, analyst):
    entity = Entity.objects.get(listings__reference_number="QDe.801")
    names_before = set(entity.names.values_list("full_name", flat=True))
    [submission] = submit(organisation("PROBANDI BRIGADE", entity=str(entity.pk),
                                       names=[{"name": "probandi brigade", "type": "primary"},
                                              {"name": "Brigade of Probandi", "type": "alias"}]))
    services.attach(submission=submission, entity=entity, actor=Actor.of_user(analyst), reason="same group")
    added = set(entity.names.values_list("full_name", flat=True)) - names_before
    assert added == {"Brigade of Probandi"}
    assert entity.evidence.get().submission == submission
    submission.refresh_from_db()
    assert submission.status == "attached" and str(entity.pk) in submission.public_outcome
    with pytest.raises(CurationError, match="Nothing more can be done"):
        services.reject(submission=submission, actor=Actor.of_user(analyst), public_reason="x")


def test_attaching_to_an_entity_of_another_kind_is_refused(screened_registry, submit, analyst):
    person_entity = Entity.objects.filter(kind="person").first()
    [submission] = submit(organisation())
    with pytest.raises(CurationError, match="is a person"):
        services.attach(submission=submission, entity=person_entity, actor=Actor.of_user(analyst), reason="x")


def test_rejecting_needs_a_public_reason_and_keeps_the_internal_one(submit, analyst):
    [submission] = submit(organisation())
    with pytest.raises(CurationError, match="reason"):
        services.reject(submission=submission, actor=Actor.of_user(analyst), public_reason="  ")
    services.reject(submission=submission, actor=Actor.of_user(analyst), public_reason="Out of scope.",
                    internal_reason="Their other reports were unreliable.")
    submission.refresh_from_db()
    assert submission.public_outcome == "Rejected: Out of scope."
    assert submission.internal_reason == "Their other reports were unreliable."
    assert submission.events.last().reason == "Their other reports were unreliable."


def test_questions_and_answers(submit, analyst, user_a, user_b, django_capture_on_commit_callbacks):
    [submission] = submit(organisation())
    with pytest.raises(CurationError, match="No question"):
        services.answer(submission=submission, actor=services.partner_actor(user=user_a), body="unasked")
    with django_capture_on_commit_callbacks(execute=True):
        services.ask(submission=submission, actor=Actor.of_user(analyst), question="Which channel?")
    [notice] = mail.outbox
    assert notice.to == ["a@example.org", "alice@example.org"]
    assert "More information requested" in notice.subject and analyst.username not in notice.body
    with pytest.raises(NotAllowed, match="Only the partner"):
        services.answer(submission=submission, actor=services.partner_actor(user=user_b), body="not mine")
    services.answer(submission=submission, actor=services.partner_actor(user=user_a), body="Telegram.")
    submission.refresh_from_db()
    assert submission.status == "pending"
    assert list(submission.messages.values_list("author", "body")) == [("registry", "Which channel?"),
                                                                       ("partner", "Telegram.")]
    assert timeline(submission)[-2:] == [("question_asked", "analyst", "information_requested"),
                                         ("answered", "partner", "pending")]


def test_partners_hold_no_registry_role(submit, user_a, make_user):
    """A partner user made analyst by mistake still acts as a partner: the services never take it for one."""
    from django.contrib.auth.models import Group

    user_a.groups.add(Group.objects.get(name="approver"))
    [submission] = submit(organisation())
    for step in (lambda actor: services.ask(submission=submission, actor=actor, question="?"),
                 lambda actor: services.accept(submission=submission, actor=actor, reason="r", category="veo"),
                 lambda actor: services.reject(submission=submission, actor=actor, public_reason="r")):
        with pytest.raises(NotAllowed):
            step(services.partner_actor(user=user_a))


def test_nobody_but_a_partner_can_submit(analyst, partner_a):
    with pytest.raises(NotAllowed, match="expert partner"):
        services.partner_actor(user=analyst)
    partner_a.active = False
    partner_a.save()
    with pytest.raises(NotAllowed):
        services.submit(actor=Actor.of_user(analyst), rows=validate([organisation()]))
    assert not Submission.objects.exists()
