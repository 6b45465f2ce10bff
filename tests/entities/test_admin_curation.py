"""
The review queue and the decisions taken from it, and the relationships analysts confirm or dismiss, through
the admin with real users in each role. Four-eyes is the services' rule; these tests check that the admin
shows it and cannot be used to go around it.
"""

import pytest
from django.urls import reverse

from entities import services
from entities.audit import Actor
from entities.choices import DesignationState, ProposalState, RelationshipKind, RelationshipState, SourcePolicy
from entities.models import AuditEvent, Entity, Evidence, Proposal, Relationship, Source
from entities.services.relationships import relationship_candidates
from tests.entities.admin_pages import html, messages_of, propose, text_of, texts
from tests.helpers import actor

QUEUE = "admin:entities_proposal_changelist"
FOUR_EYES = "Four-eyes: you made this proposal, so another approver must decide it."


def queue(client, user):
    client.force_login(user)
    return client.get(reverse(QUEUE))


def decide(client, user, proposal, decision="approve", reason="The evidence shows it", **extra):
    client.force_login(user)
    url = reverse("admin:entities_proposal_decide", args=[proposal.pk])
    return client.post(url, {"decision": decision, "reason": reason, **extra}, follow=True)


def item_ids(response) -> list[int]:
    return [int(element.get("id").removeprefix("proposal-")) for element in html(response).xpath(
        '//*[contains(@class, "queue-item")]')]


def evidence(entity, user, title="Recruitment video", **fields):
    fields = {"url": "https://example.org/video", "summary": "Calls to violence", "on_platform": True,
              "captured_at": "2026-11-01", **fields}
    return services.evidence_save(evidence=Evidence(entity=entity, title=title, **fields), actor=actor(user))


@pytest.fixture
def from_source(db, import_un, fixture_path, django_capture_on_commit_callbacks):
    """The base list's five entities, proposed by a source whose policy is to propose (indexed for screening)."""
    Source.objects.filter(slug="un-sc").update(policy=SourcePolicy.PROPOSE)
    with django_capture_on_commit_callbacks(execute=True):
        import_un(fixture_path("un/base.xml"))
    return {entity.listings.get().reference_number: entity for entity in Entity.objects.all()}


def test_the_queue_lists_open_proposals_oldest_first(client, from_source, analyst, approver):
    decided = from_source["KPi.901"].proposals.get()
    services.proposal_approve(proposal=decided, actor=actor(approver), reason="Listed by the UN")
    newest = propose(analyst)

    response = queue(client, approver)

    from_list = Proposal.objects.filter(proposer_kind="importer:un-sc", state=ProposalState.OPEN)
    assert item_ids(response) == [*from_list.order_by("created_at", "id").values_list("pk", flat=True), newest.pk]
    assert decided.pk not in item_ids(response)


def test_each_proposal_shows_its_reason_evidence_source_records_and_similar_entities(
        client, from_source, analyst, approver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        proposal = propose(analyst, "Fixture Front for Testing", reason="Same group, new name on the platform")
    evidence(proposal.entity, analyst, title="Recruitment video", public=False)
    listed = from_source["QDe.901"].proposals.get()

    response = queue(client, approver)

    ours = text_of(response, f"proposal-{proposal.pk}")
    assert "Designation of Fixture Front for Testing" in ours
    assert "Proposed by analyst (analyst)" in ours and "Same group, new name on the platform" in ours
    assert "Recruitment video (on the platform, captured 2026-11-01, added by analyst) Calls to violence" in ours
    assert "None: proposed by an analyst." in ours
    similar = texts(response, f'//*[@id="proposal-{proposal.pk}"]//*[contains(@class, "similar")]//li')
    assert similar and similar[0].startswith("FIXTURE FRONT FOR TESTING (proposed, score")
    theirs = text_of(response, f"proposal-{listed.pk}")
    assert "Proposed by importer:un-sc" in theirs and "New listing QDe.901" in theirs
    assert "un-sc: QDe.901" in theirs and "None yet." in theirs  # no evidence: the source record is the ground


def test_an_approver_may_decide_only_what_they_did_not_propose(client, analyst, make_user):
    approver = make_user("approver")
    own = propose(approver, "Front of My Own")
    others = propose(analyst, "Front of Others")

    response = queue(client, approver)

    assert decide_buttons(response, others) == ["Designate", "Reject", "Take under review"]
    assert decide_buttons(response, own) == []
    assert FOUR_EYES in text_of(response, f"proposal-{own.pk}")
    assert FOUR_EYES not in text_of(response, f"proposal-{others.pk}")


@pytest.mark.parametrize("role", ["analyst", "viewer"])
def test_who_is_not_an_approver_sees_why_they_cannot_decide(client, make_user, approver, role):
    proposal = propose(approver)

    response = queue(client, make_user(role))

    assert decide_buttons(response, proposal) == []
    assert (f"Only a user with the approver role can decide this proposal; {role} does not have it."
            in text_of(response, f"proposal-{proposal.pk}"))


def test_a_delisting_proposal_offers_to_delist(client, from_source, analyst, make_user):
    entity = from_source["QDi.901"]
    services.proposal_approve(proposal=entity.proposals.get(), actor=actor(make_user("approver", "approver2")),
                              reason="Listed by the UN")
    delisting = services.entity_propose_delisting(entity=entity, actor=actor(analyst), reason="Died in 2020")

    assert decide_buttons(queue(client, make_user("approver")), delisting) == ["Delist", "Reject",
                                                                               "Take under review"]


def test_another_approver_designates_from_the_queue(client, analyst, approver):
    proposal = propose(analyst)

    response = decide(client, approver, proposal, reason="Claims attacks; two videos captured")

    entity = Entity.objects.get(pk=proposal.entity_id)
    assert entity.state == DesignationState.DESIGNATED
    assert messages_of(response) == [
        "New Front of Example: approved — the entity is now designated."]
    assert response.redirect_chain[-1][0] == reverse(QUEUE)
    event = AuditEvent.objects.filter(entity=entity).latest("id")
    assert (event.action, event.actor_kind, event.actor_user, event.reason) == (
        "designated", "approver", approver, "Claims attacks; two videos captured")


def test_an_approver_takes_a_proposal_under_review_then_rejects_it(client, analyst, approver):
    proposal = propose(analyst)

    decide(client, approver, proposal, "start_review", reason="Checking the videos")
    assert Entity.objects.get(pk=proposal.entity_id).state == DesignationState.UNDER_REVIEW
    assert "under review by approver" in text_of(queue(client, approver), f"proposal-{proposal.pk}")
    assert decide_buttons(queue(client, approver), proposal) == ["Designate", "Reject"]

    decide(client, approver, proposal, "reject", reason="The videos are satire")
    assert Entity.objects.get(pk=proposal.entity_id).state == DesignationState.REJECTED
    assert item_ids(queue(client, approver)) == []


@pytest.mark.parametrize("decision", ["approve", "reject", "start_review"])
def test_the_proposer_cannot_decide_by_posting_even_as_an_approver(client, make_user, decision):
    approver = make_user("approver")
    proposal = propose(approver)

    with nothing_changes(proposal):
        response = decide(client, approver, proposal, decision)

    assert messages_of(response) == [f"New Front of Example: {FOUR_EYES}"]


@pytest.mark.parametrize("role", ["analyst", "viewer"])
@pytest.mark.parametrize("decision", ["approve", "reject", "start_review"])
def test_who_is_not_an_approver_cannot_decide_by_posting(client, make_user, approver, role, decision):
    proposal = propose(approver)

    with nothing_changes(proposal):
        response = decide(client, make_user(role), proposal, decision)

    assert "Only a user with the approver role" in messages_of(response)[0]


def test_a_decision_needs_a_reason(client, analyst, approver):
    proposal = propose(analyst)

    with nothing_changes(proposal):
        response = decide(client, approver, proposal, reason="  ")

    assert "Give a reason for the decision" in messages_of(response)[0]


def test_an_unknown_decision_or_a_get_changes_nothing(client, analyst, approver):
    proposal = propose(analyst)
    client.force_login(approver)
    url = reverse("admin:entities_proposal_decide", args=[proposal.pk])

    with nothing_changes(proposal):
        assert client.get(url, {"decision": "approve", "reason": "x"}).status_code == 302
        assert client.post(url, {"decision": "delete", "reason": "x"}).status_code == 302


def test_a_decision_goes_back_only_to_a_page_of_this_site(client, analyst, approver):
    proposal = propose(analyst)
    entity_page = reverse("admin:entities_entity_change", args=[proposal.entity_id])

    back = decide(client, approver, proposal, "start_review", reason="Mine", next=entity_page)
    assert back.redirect_chain[0][0] == entity_page
    away = decide(client, approver, proposal, "approve", next="https://elsewhere.example/")
    assert away.redirect_chain[0][0] == reverse(QUEUE)


# --- Relationships -------------------------------------------------------------------------------------------


@pytest.fixture
def candidate(from_source):
    """A candidate relationship from the source (the import may have read it from the narratives already)."""
    leader, front = from_source["QDi.901"], from_source["QDe.901"]
    relationship_candidates(
        [Relationship(subject=leader, kind=RelationshipKind.LEADER_OF, object=front, basis="leads QDe.901",
                      source_record=leader.source_records.get())],
        actor=Actor.of_importer("un-sc"), reason="Import run 1 of un-sc")
    made = Relationship.objects.get(subject=leader, kind=RelationshipKind.LEADER_OF, object=front)
    assert made.state == RelationshipState.CANDIDATE
    return made


def act_on(client, user, relationship, action, reason):
    client.force_login(user)
    return client.post(reverse("admin:entities_relationship_changelist"),
                       {"action": action, "_selected_action": [relationship.pk], "reason": reason}, follow=True)


def test_an_analyst_confirms_a_candidate_with_a_reason(client, candidate, analyst):
    response = act_on(client, analyst, candidate, "confirm", "The narrative says so")

    candidate.refresh_from_db()
    assert candidate.state == RelationshipState.CONFIRMED
    assert messages_of(response) == ["1 relationship(s) confirmed."]
    for end in (candidate.subject, candidate.object):
        event = AuditEvent.objects.filter(entity=end).latest("id")
        assert (event.actor_user, event.reason) == (analyst, "The narrative says so")


def test_a_relationship_decision_needs_a_reason(client, candidate, analyst):
    response = act_on(client, analyst, candidate, "dismiss", "")

    candidate.refresh_from_db()
    assert candidate.state == RelationshipState.CANDIDATE
    assert messages_of(response) == ["Give a reason (the field beside the action)."]


@pytest.mark.parametrize("action", ["confirm", "dismiss"])
def test_a_viewer_is_not_offered_and_cannot_post_relationship_actions(client, candidate, viewer, action):
    client.force_login(viewer)
    page = client.get(reverse("admin:entities_relationship_changelist"))
    assert page.status_code == 200 and action not in offered_actions(page)

    act_on(client, viewer, candidate, action, "I should not")

    candidate.refresh_from_db()
    assert candidate.state == RelationshipState.CANDIDATE


def test_a_viewer_cannot_add_a_relationship(client, from_source, viewer):
    client.force_login(viewer)
    url = reverse("admin:entities_relationship_add")
    assert client.get(url).status_code == 403
    data = {"subject": from_source["QDi.901"].pk, "kind": "financier_of", "object": from_source["QDe.901"].pk,
            "basis": "I should not"}
    assert client.post(url, data).status_code == 403
    assert not Relationship.objects.filter(kind="financier_of").exists()


# --- Helpers -------------------------------------------------------------------------------------------------


def decide_buttons(response, proposal) -> list[str]:
    return [button.text_content().strip() for button in html(response).xpath(
        f'//*[@id="proposal-{proposal.pk}"]//form[contains(@class, "decide")]//button')]


def offered_actions(response) -> list[str]:
    return [value for value in html(response).xpath('//select[@name="action"]/option/@value') if value]


class nothing_changes:
    """Asserts that the block leaves the proposal, its entity, the audit log and the history rows as they were."""

    def __init__(self, proposal):
        self.proposal = proposal

    def state(self):
        proposal = Proposal.objects.get(pk=self.proposal.pk)
        entity = proposal.entity
        return (proposal.state, proposal.reviewer_id, entity.state, AuditEvent.objects.count(),
                entity.history.count(), proposal.history.count())

    def __enter__(self):
        self.before = self.state()

    def __exit__(self, *exc):
        if exc[0] is None:
            assert self.state() == self.before


def test_the_queue_shows_a_page_at_a_time_and_one_proposal_by_link(client, analyst, approver):
    from entities.admin.curation import PER_PAGE

    proposals = [propose(analyst, f"Front number {number}") for number in range(PER_PAGE + 1)]

    first, second = queue(client, approver), client.get(reverse(QUEUE), {"p": 2})
    assert item_ids(first) == [proposal.pk for proposal in proposals[:PER_PAGE]]
    assert item_ids(second) == [proposals[-1].pk]
    assert f"{PER_PAGE + 1} proposals and source delistings waiting" in text_of(first, "content")
    one = client.get(reverse(QUEUE), {"proposal": proposals[-1].pk})
    assert item_ids(one) == [proposals[-1].pk]
