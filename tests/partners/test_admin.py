"""
The submissions review queue and what analysts do with a submission, through the admin with real users in each
role: every action posts to its own URL, which calls the service; errors come back as messages and change nothing.
"""

import pytest
from django.urls import reverse

from entities.choices import DesignationState, ProposalState
from entities.models import Evidence, Name, Proposal
from partners import services
from partners.choices import MessageAuthor, SubmissionStatus
from partners.models import Submission, SubmissionMessage
from tests.entities.admin_pages import html, messages_of, text_of, texts
from tests.helpers import actor

QUEUE = "admin:partners_submission_changelist"
FOUR_EYES = "Four-eyes: you made this proposal, so another approver must decide it."


def page_of(submission) -> str:
    return reverse("admin:partners_submission_change", args=[submission.pk])


def act(client, user, submission, action, **data):
    client.force_login(user)
    return client.post(reverse(f"admin:partners_submission_{action}", args=[submission.pk]), data, follow=True)


def queue_names(client, user, query="") -> list[str]:
    client.force_login(user)
    response = client.get(reverse(QUEUE) + query)
    return texts(response, '//table[@id="result_list"]/tbody/tr/th')


def test_the_queue_lists_submissions_in_review_oldest_first(client, analyst, admin_submit):
    first = admin_submit("Front One")
    asked = admin_submit("Front Asked")
    services.ask(submission=asked, actor=actor(analyst), question="Which city?")
    rejected = admin_submit("Front Rejected")
    services.reject(submission=rejected, actor=actor(analyst), public_reason="Out of scope")
    Submission.objects.filter(pk=first.pk).update(created_at=asked.created_at.replace(year=2025))
    admin_submit("Front Newest")

    assert queue_names(client, analyst) == ["Front One", "Front Asked", "Front Newest"]
    assert "Front Rejected" in queue_names(client, analyst, "?status=all")
    assert queue_names(client, analyst, "?status=rejected") == ["Front Rejected"]


def test_the_queue_shows_partner_kind_request_status_and_likely_matches(client, analyst, admin_submit,
                                                                        admin_designated):
    admin_designated("Front of Example")
    admin_submit("Front of Example")

    client.force_login(analyst)
    [row] = texts(client.get(reverse(QUEUE)), '//table[@id="result_list"]/tbody/tr')

    assert row.startswith("Front of Example Partner A Organisation Designate a new entity Pending review 1 ")


def test_the_page_shows_what_was_sent_the_matches_and_the_timeline(client, analyst, admin_submit, admin_designated):
    entity = admin_designated("Front of Example")
    submission = admin_submit("Front of Example")
    client.force_login(analyst)

    response = client.get(page_of(submission))

    sent = text_of(response, "sent")
    assert "Front of Example (primary)" in sent and "FoE (alias)" in sent and "Syria (SY)" in sent
    assert "Recruits for attacks on the platform." in sent and "A call to violence" in sent
    [link] = html(response).xpath('//*[@id="sent"]//a')
    assert link.get("href") == "https://example.org/post/1"
    assert link.get("rel") == "noopener noreferrer nofollow"
    [match] = html(response).xpath('//*[@id="matches"]//a')
    assert match.get("href") == reverse("admin:entities_entity_change", args=[entity.pk])
    assert "designated" in text_of(response, "matches")
    timeline = text_of(response, "timeline")
    assert "Submitted partner alice" in timeline and "Screened against the registry system:screening" in timeline
    assert html(response).xpath('//form[@id="accept-form"]') and html(response).xpath('//form[@id="reject-form"]')


def test_a_viewer_reads_the_queue_and_the_page_but_cannot_act(client, viewer, admin_submit, admin_designated):
    entity = admin_designated()
    submission = admin_submit()
    client.force_login(viewer)

    assert queue_names(client, viewer) == ["Front of Example"]
    response = client.get(page_of(submission))
    assert not html(response).xpath('//*[@id="review"]//form')
    assert "needs the analyst or approver role" in text_of(response, "review")
    for action, data in [("ask", {"question": "Why?"}), ("accept", {"category": "veo", "reason": "r"}),
                         ("attach", {"other_entity": str(entity.pk), "reason": "r"}),
                         ("reject", {"public_reason": "No"})]:
        assert act(client, viewer, submission, action, **data).status_code == 403

    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.PENDING
    assert not SubmissionMessage.objects.exists() and not Proposal.objects.filter(details__has_key="submission")


def test_asking_the_partner(client, analyst, admin_submit):
    submission = admin_submit()

    response = act(client, analyst, submission, "ask", question="Which city do they recruit in?")

    assert messages_of(response) == ["Question sent to Partner A: the submission waits for their answer."]
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.INFORMATION_REQUESTED
    [message] = submission.messages.all()
    assert (message.author, message.author_user, message.body) == (
        MessageAuthor.REGISTRY, analyst, "Which city do they recruit in?")
    assert "Registry analysts (analyst)" in text_of(response, "conversation")
    assert "Question asked analyst analyst" in text_of(response, "timeline")


def test_accepting_makes_a_proposal_with_the_partners_facts(client, analyst, admin_submit):
    submission = admin_submit("Front of Example", kind="person", birth_dates=["1980-01-02"])

    response = act(client, analyst, submission, "accept", category="veo", tier="1", reason="Credible evidence")

    submission.refresh_from_db()
    proposal = submission.proposal
    assert messages_of(response) == [f"Accepted: {proposal} waits in the review queue for an approver other than you."]
    assert submission.status == SubmissionStatus.ACCEPTED
    assert (proposal.state, proposal.proposed_by, proposal.reason) == (ProposalState.OPEN, analyst, "Credible evidence")
    entity = proposal.entity
    assert (entity.state, entity.category, entity.tier) == (DesignationState.PROPOSED, "veo", 1)
    assert sorted(entity.names.values_list("full_name", "submission")) == [
        ("FoE", submission.pk), ("Front of Example", submission.pk)]
    assert list(entity.evidence.values_list("url", "submission")) == [("https://example.org/post/1", submission.pk)]
    assert list(entity.birth_dates.values_list("submission", flat=True)) == [submission.pk]
    assert list(entity.nationalities.values_list("country_code", "submission")) == [("SY", submission.pk)]
    [link] = html(response).xpath('//*[@id="proposal"]/a')
    assert link.get("href") == reverse("admin:entities_proposal_changelist") + f"?proposal={proposal.pk}"
    assert not html(response).xpath('//*[@id="review"]//form')  # accepted: nothing more to do here


def test_accepting_a_delisting_needs_no_category(client, analyst, admin_submit, admin_designated):
    entity = admin_designated()
    submission = admin_submit(request="delisting", entity=str(entity.pk))
    client.force_login(analyst)
    assert not html(client.get(page_of(submission))).xpath('//select[@name="category"]')

    act(client, analyst, submission, "accept", reason="The group dissolved")

    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.ACCEPTED
    assert (submission.proposal.kind, submission.proposal.entity) == ("delist", entity)


def test_an_approver_decides_the_accepted_submission_in_the_review_queue(client, analyst, approver, admin_submit):
    submission = admin_submit()
    act(client, analyst, submission, "accept", category="veo", reason="Credible evidence")
    submission.refresh_from_db()

    client.force_login(approver)
    queue = client.get(reverse("admin:entities_proposal_changelist"))
    [origin] = html(queue).xpath(f'//*[@id="proposal-{submission.proposal_id}"]//*[@class="from-submission"]/a')
    assert (origin.text_content(), origin.get("href")) == ("From Partner A's submission", page_of(submission))
    response = client.post(reverse("admin:entities_proposal_decide", args=[submission.proposal_id]),
                           {"decision": "approve", "reason": "Agreed"}, follow=True)

    assert response.status_code == 200
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DESIGNATED
    assert submission.proposal.entity.state == DesignationState.DESIGNATED
    assert "Proposal decided approver approver" in text_of(client.get(page_of(submission)), "timeline")


def test_the_approver_who_accepted_cannot_decide_it(client, make_user, admin_submit):
    accepting, other = make_user("approver", "accepting"), make_user("approver", "other")
    submission = admin_submit()
    act(client, accepting, submission, "accept", category="veo", reason="Credible evidence")
    submission.refresh_from_db()
    decide = reverse("admin:entities_proposal_decide", args=[submission.proposal_id])

    client.force_login(accepting)
    response = client.post(decide, {"decision": "approve", "reason": "Mine"}, follow=True)

    assert messages_of(response) == [f"{submission.proposal.entity}: {FOUR_EYES}"]
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.ACCEPTED
    assert submission.proposal.state == ProposalState.OPEN
    client.force_login(other)
    client.post(decide, {"decision": "reject", "reason": "Not enough"})
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.NOT_DESIGNATED


def test_attaching_to_a_likely_match_adds_the_facts(client, analyst, admin_submit, admin_designated):
    entity = admin_designated("Front of Example")
    submission = admin_submit("Front of Example", request="information", entity=str(entity.pk),
                              names=[{"name": "Front of Example", "type": "primary"},
                                     {"name": "Example Brigade", "type": "alias"}])
    client.force_login(analyst)
    options = html(client.get(page_of(submission))).xpath('//select[@name="entity"]/option/@value')
    assert options == [str(entity.pk)]

    response = act(client, analyst, submission, "attach", entity=str(entity.pk), reason="Same group")

    assert messages_of(response)[0].startswith(f"Added to {entity}:")
    submission.refresh_from_db()
    assert (submission.status, submission.entity) == (SubmissionStatus.ATTACHED, entity)
    name = Name.objects.get(entity=entity, full_name="Example Brigade")
    assert (name.submission, name.public) == (submission, False)
    assert Evidence.objects.get(entity=entity, submission=submission).url == "https://example.org/post/1"
    page = client.get(reverse("admin:entities_entity_change", args=[entity.pk]))
    assert "partner: Partner A" in " ".join(texts(page, '//*[contains(@class, "field-origin")]'))
    assert "from partner: Partner A" in " ".join(texts(page, '//*[contains(@class, "field-added")]'))


def test_attaching_to_another_entity_by_its_id(client, analyst, admin_submit, admin_designated):
    other = admin_designated("Unrelated Front")
    submission = admin_submit("Front of Example")

    act(client, analyst, submission, "attach", entity="", other_entity=str(other.pk), reason="Same group")

    submission.refresh_from_db()
    assert (submission.status, submission.entity) == (SubmissionStatus.ATTACHED, other)
    assert other.names.filter(full_name="Front of Example", submission=submission).exists()


def test_rejecting_keeps_a_public_and_an_internal_reason(client, analyst, admin_submit):
    submission = admin_submit()

    response = act(client, analyst, submission, "reject", public_reason="Not violent extremism",
                   internal_reason="A rival group's smear")

    assert messages_of(response) == ["Rejected: Partner A reads your public reason."]
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.REJECTED
    assert submission.public_outcome == "Rejected: Not violent extremism"
    assert submission.internal_reason == "A rival group's smear"
    assert "Closed: nothing more happens to it." in text_of(response, "review")


@pytest.mark.parametrize(("action", "data", "error"), [
    ("accept", {"category": "veo", "reason": " "},
     "Give a reason for accepting the submission; it is kept in the entity's audit timeline."),
    ("accept", {"reason": "Credible"}, "Choose the new entity's category."),
    ("ask", {"question": ""}, "Write the question."),
    ("attach", {"other_entity": "not-an-id", "reason": "Same"}, "No registry entity has the id 'not-an-id'."),
    ("attach", {"reason": "Same"}, "Choose the entity to add the submission to, or give its id."),
    ("reject", {"public_reason": "", "internal_reason": "Smear"}, "Give the partner a reason: it is what they read."),
])
def test_errors_come_back_as_messages_and_change_nothing(client, analyst, admin_submit, action, data, error):
    submission = admin_submit()

    response = act(client, analyst, submission, action, **data)

    assert messages_of(response) == [error]
    submission.refresh_from_db()
    assert (submission.status, submission.proposal, submission.internal_reason) == (SubmissionStatus.PENDING, None, "")
    assert not SubmissionMessage.objects.exists()
    assert [event.action for event in submission.events.all()] == ["submitted", "screened"]


def test_a_closed_submission_cannot_be_acted_on_again(client, analyst, admin_submit):
    submission = admin_submit()
    services.reject(submission=submission, actor=actor(analyst), public_reason="Out of scope")

    response = act(client, analyst, submission, "accept", category="veo", reason="Changed my mind")

    assert messages_of(response) == ["Nothing more can be done with this submission: it is rejected."]
    submission.refresh_from_db()
    assert (submission.status, submission.proposal) == (SubmissionStatus.REJECTED, None)


def test_the_desk_and_the_review_queue_link_to_the_submissions_waiting(client, analyst, viewer, admin_submit):
    admin_submit("Front One")
    asked = admin_submit("Front Two")
    admin_submit("Front Three")
    services.ask(submission=asked, actor=actor(analyst), question="Which city?")
    queue = reverse(QUEUE)

    for user in (analyst, viewer):
        client.force_login(user)
        desk = client.get(reverse("admin:index"))
        assert text_of(desk, "submissions") == ("Partner submissions Partner submissions: 2 to review , oldest first; "
                                                "1 waiting for the partner's answer")
        assert html(desk).xpath('//*[@id="submissions"]//a/@href') == [queue]
    client.force_login(analyst)
    review = client.get(reverse("admin:entities_proposal_changelist"))
    assert text_of(review, "partner-submissions") == "2 partner submissions waiting for an analyst's review."
    assert html(review).xpath('//*[@id="partner-submissions"]/a/@href') == [queue]
