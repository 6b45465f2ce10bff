"""/api/v1/submissions/: submitting (JSON, batches, CSV), reading one's own, answering, and isolation."""

import json

import pytest
from django.core import mail

from apiclients.services import ClientError, api_client_create
from entities import services as curation
from entities.audit import Actor
from entities.choices import DesignationState
from partners import services
from partners.models import Submission
from tests.api.helpers import bearer
from tests.partners.helpers import organisation, partner_api, person

pytestmark = pytest.mark.django_db
URL = "/api/v1/submissions/"


def post(api, body):
    return api.post(URL, json.dumps(body), content_type="application/json")


def post_csv(api, text: str, *, multipart=True):
    if multipart:
        from django.core.files.uploadedfile import SimpleUploadedFile

        return api.post(URL, {"file": SimpleUploadedFile("s.csv", text.encode(), content_type="text/csv")},
                        format="multipart")
    return api.generic("POST", URL, text.encode(), content_type="text/csv")


CSV = ("kind,name,aliases,birth_dates,nationalities,rationale,evidence_url,evidence_summary,evidence_captured_at\n"
       "organisation,Example Liberation Front,ELF;Front,,Kenya,Claims attacks,https://example.org/a,Claim,2026-10-01\n"
       "person,Omar Samplezai,,1970,,Recruits,https://example.org/b,Video,2026-09-15\n")


# --- Submitting --------------------------------------------------------------------------------------------------

def test_one_submission_is_screened_and_answered_201(committed_db, api_a, screened_registry):
    """Without a broker the screening runs once the submission commits, before the answer: 201, pending."""
    response = post(api_a, person())
    assert response.status_code == 201, response.content
    [made] = response.json()["submissions"]
    assert made["status"] == "pending" and made["row"] == 1
    submission = Submission.objects.get(pk=made["id"])
    assert submission.partner.name == "Partner A"
    assert submission.names == [{"name": "Omar Samplezai", "type": "primary"}]
    # The registry's likely matches are stored with it (both OMAR SAMPLEZAI of the fixture list).
    assert {match["caption"] for match in submission.matches} == {"OMAR SAMPLEZAI"}
    assert len(submission.matches) == 2 and all(match["score"] >= services.LIKELY for match in submission.matches)
    # One mail for the batch, to the partner's contact.
    assert [message.to for message in mail.outbox] == [["a@example.org"]]


def test_a_batch_waiting_for_a_worker_is_202_received(api_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = post(api_a, [organisation(), person(), organisation("Second Front")])
    assert response.status_code == 202, response.content
    body = response.json()
    assert [item["row"] for item in body["submissions"]] == [1, 2, 3]
    assert {item["status"] for item in body["submissions"]} == {"received"}
    assert Submission.objects.filter(batch=body["batch"]).count() == 3
    assert len(queued) == 2  # the screening task and the acknowledgement mail, once the batch is committed


def test_a_batch_with_one_invalid_row_is_refused_whole(api_a):
    bad = person(evidence=[{"url": "javascript:alert(1)", "summary": "x", "captured_at": "2026-01-01"}])
    response = post(api_a, [organisation(), bad, person(names=[])])
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"row": 2, "field": "evidence[0].url", "message": "Enter a valid http:// or https:// address."} in errors
    assert any(error["row"] == 3 and error["field"] == "names" for error in errors)
    assert not any(error["row"] == 1 for error in errors)
    assert "Nothing was stored" in response.json()["detail"]
    assert not Submission.objects.exists()


def test_a_batch_over_the_cap_is_413_naming_it(api_a, settings):
    settings.PARTNER_BATCH_MAX = 3
    response = post(api_a, [organisation(f"Front {number}") for number in range(4)])
    assert response.status_code == 413
    assert "at most 3 submissions" in response.json()["errors"][0]["message"]
    assert not Submission.objects.exists()


def test_a_body_over_the_size_cap_is_413(api_a, settings):
    settings.PARTNER_REQUEST_MAX_BYTES = 2000
    response = post(api_a, [organisation(rationale="x" * 3000)])
    assert response.status_code == 413
    assert "the limit is 2,000 bytes" in response.json()["errors"][0]["message"]
    assert not Submission.objects.exists()


@pytest.mark.parametrize("body", ["not json", 42, [], [1, 2]])
def test_a_body_that_is_not_submissions_is_400(api_a, body):
    response = api_a.post(URL, body if isinstance(body, str) else json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert not Submission.objects.exists()


@pytest.mark.parametrize("multipart", [True, False])
def test_a_csv_file_goes_through_the_same_rules(api_a, multipart, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_csv(api_a, CSV, multipart=multipart)
    assert response.status_code in (201, 202), response.content
    first, second = Submission.objects.order_by("row")
    assert first.names == [{"name": "Example Liberation Front", "type": "primary"},
                           {"name": "ELF", "type": "alias"}, {"name": "Front", "type": "alias"}]
    assert first.nationalities == ["KE"]
    assert second.birth_dates == ["1970"] and second.kind == "person"
    bad = CSV.replace("https://example.org/b", "ftp://example.org/b").replace("Kenya", "Atlantis")
    response = post_csv(api_a, bad, multipart=multipart)
    assert response.status_code == 400
    assert {(error["row"], error["field"]) for error in response.json()["errors"]} == {
        (1, "nationalities"), (2, "evidence_url")}
    assert Submission.objects.count() == 2


def test_an_upload_over_the_size_cap_is_413_naming_it(api_a, settings):
    settings.PARTNER_UPLOAD_MAX_BYTES = 100
    response = post_csv(api_a, CSV)
    assert response.status_code == 413
    assert "the limit is 100 bytes" in response.json()["errors"][0]["message"]
    assert not Submission.objects.exists()


def test_the_partner_rate_limit_counts_its_clients_together(partner_a, api_a, settings):
    settings.PARTNER_SUBMIT_RATE = "2/hour"
    other_client = partner_api(partner_a, "client-a2")
    assert post(api_a, organisation("One")).status_code in (201, 202)
    assert post(other_client, organisation("Two")).status_code in (201, 202)
    refused = post(api_a, organisation("Three"))
    assert refused.status_code == 429
    assert "2/hour" in refused.json()["detail"] and refused.headers["Retry-After"]
    assert Submission.objects.count() == 2


# --- Who may submit ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["service", "researcher"])
def test_researchers_and_services_get_403(db, kind):
    _, token = api_client_create(name=f"{kind}-x", kind=kind, scopes=["read", "match", "internal"])
    for response in (post(bearer(token), organisation()), bearer(token).get(URL)):
        assert response.status_code == 403
        assert "'submit' scope" in response.json()["detail"]
    with pytest.raises(ClientError, match="Only a client of kind partner"):
        api_client_create(name=f"{kind}-y", kind=kind, scopes=["submit"])
    assert not Submission.objects.exists()


def test_an_inactive_partner_cannot_submit_or_read(partner_a, api_a):
    partner_a.active = False
    partner_a.save()
    for response in (post(api_a, organisation()), api_a.get(URL)):
        assert response.status_code == 403
        assert "not an active partner" in response.json()["detail"]


# --- Isolation --------------------------------------------------------------------------------------------------

@pytest.fixture
def two_partners(api_a, api_b, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        a = post(api_a, [organisation("Front of A"), person("Person of A")]).json()["submissions"]
        b = post(api_b, organisation("Front of B")).json()["submissions"]
    return [item["id"] for item in a], [item["id"] for item in b]


def test_a_partner_lists_and_reads_only_its_own(api_a, api_b, two_partners):
    ids_a, ids_b = two_partners
    listed = api_a.get(URL).json()["results"]
    assert sorted(item["id"] for item in listed) == sorted(ids_a)
    assert "Front of B" not in json.dumps(listed)
    assert [item["id"] for item in api_b.get(URL).json()["results"]] == ids_b
    assert api_a.get(f"{URL}{ids_a[0]}/").status_code == 200
    for other in [*ids_b, "00000000-0000-0000-0000-000000000000"]:
        for response in (api_a.get(f"{URL}{other}/"),
                         api_a.post(f"{URL}{other}/answer/", {"body": "x"}, format="json")):
            assert response.status_code == 404
            assert "Front of B" not in response.content.decode()
    assert api_a.get(f"{URL}not-an-id/").status_code == 404


def test_a_partner_cannot_change_another_partners_submission(api_a, api_b, analyst, two_partners):
    _, ids_b = two_partners
    submission_b = Submission.objects.get(pk=ids_b[0])
    services.ask(submission=submission_b, actor=Actor.of_user(analyst), question="Which channel?")
    assert api_a.post(f"{URL}{ids_b[0]}/answer/", {"body": "None of yours"}, format="json").status_code == 404
    for method in ("put", "patch", "delete"):
        assert getattr(api_a, method)(f"{URL}{ids_b[0]}/").status_code in (404, 405)
    submission_b.refresh_from_db()
    assert submission_b.status == "information_requested"
    assert not submission_b.messages.filter(author="partner").exists()


# --- The partner's view of its submission -------------------------------------------------------------------------

def test_a_question_and_its_answer(api_a, analyst, two_partners, django_capture_on_commit_callbacks):
    ids_a, _ = two_partners
    submission = Submission.objects.get(pk=ids_a[0])
    with django_capture_on_commit_callbacks(execute=True):
        services.ask(submission=submission, actor=Actor.of_user(analyst), question="Which channel was it?")
    detail = api_a.get(f"{URL}{submission.pk}/").json()
    assert detail["status"] == "information_requested"
    assert detail["messages"] == [{"author": "registry", "body": "Which channel was it?",
                                   "created_at": detail["messages"][0]["created_at"]}]
    assert analyst.username not in json.dumps(detail)
    assert api_a.post(f"{URL}{submission.pk}/answer/", {"body": ""}, format="json").status_code == 400
    answered = api_a.post(f"{URL}{submission.pk}/answer/", {"body": "Its Telegram channel."}, format="json")
    assert answered.status_code == 201
    assert answered.json()["author"] == "partner"
    assert api_a.get(f"{URL}{submission.pk}/").json()["status"] == "pending"
    again = api_a.post(f"{URL}{submission.pk}/answer/", {"body": "More."}, format="json")
    assert again.status_code == 409


def test_the_outcome_is_public_and_the_internals_are_not(api_a, make_user, two_partners,
                                                         django_capture_on_commit_callbacks):
    ids_a, _ = two_partners
    analyst, approver = make_user("analyst", username="ruth.k"), make_user("approver", username="sam.o")
    accepted, rejected = Submission.objects.filter(pk__in=ids_a).order_by("row")
    with django_capture_on_commit_callbacks(execute=True):
        proposal = services.accept(submission=accepted, actor=Actor.of_user(analyst), category="veo",
                                   reason="INTERNAL-ACCEPT-REASON: credible, two sources")
        curation.proposal_approve(proposal=proposal, actor=Actor.of_user(approver),
                                  reason="INTERNAL-APPROVE-REASON")
        services.reject(submission=rejected, actor=Actor.of_user(analyst), public_reason="Not in scope.",
                        internal_reason="INTERNAL-REJECT-REASON")
    proposal.entity.refresh_from_db()
    assert proposal.entity.state == DesignationState.DESIGNATED
    detail = api_a.get(f"{URL}{accepted.pk}/").json()
    assert detail["status"] == "designated"
    assert detail["entity"] == str(proposal.entity_id)
    assert str(proposal.entity_id) in detail["public_outcome"]
    other = api_a.get(f"{URL}{rejected.pk}/").json()
    assert other["status"] == "rejected" and other["public_outcome"] == "Rejected: Not in scope."
    everything = json.dumps([api_a.get(URL).json(), detail, other])
    for internal in ("INTERNAL-", analyst.username, approver.username, "matches", "internal_reason"):
        assert internal not in everything
    # The mails the partner got say the same, and no more.
    mails = "".join(message.subject + message.body for message in mail.outbox)
    assert "Designated" in mails and "Not in scope." in mails
    assert "INTERNAL-" not in mails and analyst.username not in mails


def test_a_proposed_entity_id_is_not_shown_until_designated(api_a, analyst, two_partners):
    ids_a, _ = two_partners
    submission = Submission.objects.get(pk=ids_a[0])
    services.accept(submission=submission, actor=Actor.of_user(analyst), category="veo", reason="credible")
    detail = api_a.get(f"{URL}{submission.pk}/").json()
    assert detail["status"] == "accepted"
    assert detail["entity"] is None
    assert str(submission.entity_id) not in json.dumps(detail)


def test_what_a_partner_adds_to_an_entity_stays_internal(api_a, screened_registry, analyst,
                                                         django_capture_on_commit_callbacks):
    """Names and evidence attached from a submission are the platform's: researchers and partners never read them."""
    from entities.models import Entity

    entity = Entity.objects.get(listings__reference_number="QDe.801")
    submitted = organisation("Probandi Brigade", entity=str(entity.pk),
                             names=[{"name": "Probandi Brigade", "type": "primary"},
                                    {"name": "Zephyrine Wardens", "type": "alias"}],
                             evidence=[{"url": "https://example.org/zephyrine-report", "summary": "Zephyrine claim",
                                        "captured_at": "2026-10-01"}])
    with django_capture_on_commit_callbacks(execute=True):
        [made] = post(api_a, submitted).json()["submissions"]
        services.attach(submission=Submission.objects.get(pk=made["id"]), entity=entity,
                        actor=Actor.of_user(analyst), reason="same group")
    _, researcher = api_client_create(name="researcher", kind="researcher", scopes=["read", "match"])
    _, partner_reader = api_client_create(name="partner-reader", kind="partner", scopes=["read", "match"],
                                          partner=Submission.objects.get(pk=made["id"]).partner)
    _, internal = api_client_create(name="internal", kind="service", scopes=["read", "match", "internal"])
    for token, sees in ((researcher, False), (partner_reader, False), (internal, True)):
        client = bearer(token)
        texts = [client.get(f"/api/v1/entities/{entity.pk}/").content.decode(),
                 client.get("/api/v1/changes/").content.decode(),
                 b"".join(client.get("/api/v1/export/?format=jsonl").streaming_content).decode(),
                 client.get("/api/v1/match/?name=Zephyrine+Wardens").content.decode()]
        assert all(text for text in texts)
        for secret in ("Zephyrine", "zephyrine-report"):
            assert any(secret in text for text in texts) == sees, (token[:12], secret)
