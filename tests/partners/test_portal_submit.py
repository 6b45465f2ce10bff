"""Submitting through the portal: the form, the CSV upload and answers, with the API's rules and rate."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from entities.audit import Actor
from partners import services
from partners.models import Submission
from partners.validation import COLUMN_NAMES, SubmissionInvalid, parse_upload

pytestmark = pytest.mark.django_db

FORM = {
    "kind": "person", "name": "Abu  Example", "aliases": "A. Example\r\n\r\nThe Example\r\n",
    "original_script_names": "أبو مثال", "birth_dates": "1980, 1981-02-03", "nationalities": "Kenya, SO",
    "rationale": "Recruits for attacks on civilians.",
    "evidence_0_url": "https://example.org/a", "evidence_0_summary": "A recruiting post",
    "evidence_0_captured_at": "2026-01-15",  # off platform left unticked: on our platform
    "evidence_1_url": "https://example.org/b", "evidence_1_summary": "An interview",
    "evidence_1_captured_at": "2026-02-01", "evidence_1_off_platform": "on",
    "evidence_2_off_platform": "on",  # ticked by default, nothing else typed: no evidence
}
CSV_HEADER = "kind,name,aliases,rationale,evidence_url,evidence_summary,evidence_captured_at\n"
CSV_ROWS = ("organisation,Alpha Front,AF;The Front,Claimed attacks.,https://example.org/a,A claim,2026-01-15\n"
            "person,Abu Example,,Recruits.,https://example.org/b,A post,2026-02-01\n")


def text(response) -> str:
    return response.content.decode()


def csv_file(content: str, name: str = "submissions.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode(), content_type="text/csv")


# --- The form ----------------------------------------------------------------------------------------------------

def test_the_form_stores_a_screened_submission(portal_client, portal_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = portal_client.post("/partners/submissions/new/", FORM)

    submission = Submission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/partners/submissions/{submission.pk}/"
    assert (submission.partner, submission.submitted_by) == (portal_user.partner_membership.partner, portal_user)
    assert (submission.kind, submission.request, submission.status) == ("person", "designation", "pending")
    assert submission.names == [{"name": "Abu Example", "type": "primary"},
                                {"name": "A. Example", "type": "alias"}, {"name": "The Example", "type": "alias"},
                                {"name": "أبو مثال", "type": "original_script"}]
    assert submission.birth_dates == ["1980", "1981-02-03"]
    assert submission.nationalities == ["KE", "SO"]
    assert submission.evidence == [
        {"url": "https://example.org/a", "summary": "A recruiting post", "off_platform": False,
         "captured_at": "2026-01-15"},
        {"url": "https://example.org/b", "summary": "An interview", "off_platform": True, "captured_at": "2026-02-01"}]
    detail = text(portal_client.get(response["Location"]))
    assert "Submission received" in detail
    assert 'href="https://example.org/a" rel="noopener noreferrer nofollow"' in detail


def test_an_invalid_form_shows_errors_by_field_and_keeps_what_was_typed(portal_client):
    data = {**FORM, "name": "", "aliases": "A. Example\n" + "x" * 301, "birth_dates": "19x0",
            "nationalities": "Atlantis", "evidence_1_url": "ftp://example.org/b", "evidence_1_summary": ""}

    response = portal_client.post("/partners/submissions/new/", data)

    assert response.status_code == 200
    assert not Submission.objects.exists()
    errors = response.context["form"].errors
    assert errors["name"] == ["This field may not be blank."]
    assert errors["aliases"] == ["Line 2: Ensure this field has no more than 300 characters."]
    assert errors["birth_dates"] == ["'19x0' is not YYYY or YYYY-MM-DD."]
    assert errors["nationalities"] == ["'Atlantis' is not a country we know (use a name or ISO code)."]
    assert errors["evidence_1_url"] == ["Enter a valid http:// or https:// address."]
    assert errors["evidence_1_summary"] == ["This field may not be blank."]
    assert set(errors) == {"name", "aliases", "birth_dates", "nationalities", "evidence_1_url", "evidence_1_summary"}
    page = text(response)
    assert 'id="id_birth_dates-errors"><li>&#x27;19x0&#x27; is not YYYY or YYYY-MM-DD.</li>' in page
    assert "Nothing was stored" in page
    assert "19x0</textarea>" in page and 'value="Atlantis"' in page and "Recruits for attacks" in page


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"evidence_0_url": "", "evidence_0_summary": "", "evidence_0_captured_at": "", "evidence_1_url": "",
      "evidence_1_summary": "", "evidence_1_captured_at": ""}, "evidence_0_url", "needs at least one piece"),
    ({"evidence_1_captured_at": "2999-01-01"}, "evidence_1_captured_at", "in the future"),
    ({"request": "delisting"}, "entity", "needs the registry id of the entity"),
    ({"entity": "not-an-id"}, "entity", "No registry entity has the id 'not-an-id'"),
    ({"kind": "alien"}, "kind", "is not a valid choice"),
    ({"rationale": " "}, "rationale", "may not be blank"),
])
def test_each_rule_shows_on_its_field(portal_client, changes, field, message):
    response = portal_client.post("/partners/submissions/new/", {**FORM, **changes})

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors.get(field, [])), response.context["form"].errors
    assert not Submission.objects.exists()


# --- The CSV upload ----------------------------------------------------------------------------------------------

def test_a_csv_upload_stores_every_row(portal_client, portal_user):
    response = portal_client.post("/partners/submissions/upload/", {"file": csv_file(CSV_HEADER + CSV_ROWS)},
                                  follow=True)

    assert response.redirect_chain == [("/partners/", 302)]
    assert "2 submissions received." in text(response)
    stored = Submission.objects.order_by("row")
    assert [submission.names for submission in stored] == [
        [{"name": "Alpha Front", "type": "primary"}, {"name": "AF", "type": "alias"},
         {"name": "The Front", "type": "alias"}],
        [{"name": "Abu Example", "type": "primary"}]]
    assert {submission.submitted_by for submission in stored} == {portal_user}
    assert len({submission.batch for submission in stored}) == 1


def test_a_csv_file_with_a_bad_row_stores_nothing(portal_client):
    bad = CSV_ROWS + "alien,Beta Group,,Why.,https://example.org/c,A post,2026-13-40\n"

    response = portal_client.post("/partners/submissions/upload/", {"file": csv_file(CSV_HEADER + bad)})

    assert response.status_code == 200
    assert not Submission.objects.exists()
    assert [(error["row"], error["field"]) for error in response.context["errors"]] == [
        (3, "kind"), (3, "evidence_captured_at")]
    page = text(response)
    assert "Nothing was stored" in page
    assert "<td>3</td><td>kind</td>" in page


def test_a_csv_file_over_the_cap_is_refused_with_413(portal_client, settings):
    settings.PARTNER_UPLOAD_MAX_BYTES = 100

    response = portal_client.post("/partners/submissions/upload/", {"file": csv_file(CSV_HEADER + CSV_ROWS)})

    assert response.status_code == 413
    assert "the limit is 100 bytes" in text(response)
    assert not Submission.objects.exists()


def test_an_upload_over_the_cap_is_refused_before_it_is_read(settings):
    class Huge:
        size = 10 * 1024 * 1024

        def read(self):
            raise AssertionError("an upload over the cap was read")

    settings.PARTNER_UPLOAD_MAX_BYTES = 1024
    with pytest.raises(SubmissionInvalid) as refused:
        parse_upload(Huge())
    assert refused.value.status == 413
    assert "the limit is 1,024 bytes" in str(refused.value)


def test_the_csv_template_has_every_column_and_an_example_that_uploads(portal_client):
    response = portal_client.get("/partners/submissions/template.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    header, example = list(csv.reader(io.StringIO(response.content.decode())))
    assert header == COLUMN_NAMES
    assert len(example) == len(COLUMN_NAMES)
    uploaded = portal_client.post("/partners/submissions/upload/", {"file": csv_file(response.content.decode())})
    assert uploaded.status_code == 302, uploaded.context and uploaded.context.get("errors")
    assert Submission.objects.get().primary_name == "Example Liberation Front"


def test_the_upload_page_documents_the_columns(portal_client):
    page = text(portal_client.get("/partners/submissions/upload/"))

    assert 'href="/partners/submissions/template.csv"' in page
    assert "<td><code>evidence_captured_at</code></td><td>no</td><td>YYYY-MM-DD</td>" in page
    assert "<td><code>rationale</code></td><td>yes</td>" in page


# --- Forms need their CSRF token ----------------------------------------------------------------------------------

def test_posts_without_the_csrf_token_are_refused(portal_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(portal_user)

    refused = client.post("/partners/submissions/new/", FORM)
    assert refused.status_code == 403
    assert not Submission.objects.exists()

    client.get("/partners/submissions/new/")
    token = client.cookies["csrftoken"].value
    accepted = client.post("/partners/submissions/new/", {**FORM, "csrfmiddlewaretoken": token})
    assert accepted.status_code == 302
    assert Submission.objects.count() == 1


# --- Questions and answers ----------------------------------------------------------------------------------------

def test_the_partner_answers_the_registrys_question(portal_client, portal_user, portal_submit, make_user):
    analyst = make_user("analyst", username="kowalski-7")
    submission = portal_submit(portal_user, "Alpha Front")
    services.ask(submission=submission, actor=Actor.of_user(analyst), question="Which channel posted it?")
    url = f"/partners/submissions/{submission.pk}/"

    asked = text(portal_client.get(url))
    assert "Which channel posted it?" in asked and "Registry analysts" in asked and "kowalski-7" not in asked
    assert f'action="{url}answer/"' in asked

    response = portal_client.post(f"{url}answer/", {"body": "Its Telegram channel, on 3 January."}, follow=True)

    submission.refresh_from_db()
    assert submission.status == "pending"
    assert [(message.author, message.body) for message in submission.messages.all()] == [
        ("registry", "Which channel posted it?"), ("partner", "Its Telegram channel, on 3 January.")]
    page = text(response)
    assert "Answer sent" in page and "Your organisation" in page and "Its Telegram channel" in page
    assert f'action="{url}answer/"' not in page  # no question waits any more

    again = portal_client.post(f"{url}answer/", {"body": "And more."}, follow=True)
    assert "No question waits for an answer" in text(again)
    assert submission.messages.count() == 2


def test_an_empty_answer_is_refused_on_the_page(portal_client, portal_user, portal_submit, analyst):
    submission = portal_submit(portal_user)
    services.ask(submission=submission, actor=Actor.of_user(analyst), question="Which channel?")

    response = portal_client.post(f"/partners/submissions/{submission.pk}/answer/", {"body": "  "})

    assert response.status_code == 200
    assert "This field is required." in text(response)
    submission.refresh_from_db()
    assert submission.status == "information_requested"


# --- One rate for the whole organisation --------------------------------------------------------------------------

def test_over_the_partners_rate_the_portal_answers_429(portal_client, portal_user, portal_submit, analyst, settings):
    settings.PARTNER_SUBMIT_RATE = "2/hour"
    submission = portal_submit(portal_user)
    services.ask(submission=submission, actor=Actor.of_user(analyst), question="Which channel?")

    assert portal_client.post("/partners/submissions/new/", FORM).status_code == 302
    assert portal_client.post("/partners/submissions/new/", FORM).status_code == 302
    refused = portal_client.post("/partners/submissions/new/", FORM)

    assert refused.status_code == 429
    assert "more than its rate of submissions and answers (2/hour)" in text(refused)
    assert 'value="Abu  Example"' in text(refused)  # what was typed is still there
    assert int(refused["Retry-After"]) > 0
    upload = portal_client.post("/partners/submissions/upload/", {"file": csv_file(CSV_HEADER + CSV_ROWS)})
    answer = portal_client.post(f"/partners/submissions/{submission.pk}/answer/", {"body": "Telegram."})
    assert upload.status_code == answer.status_code == 429
    assert Submission.objects.count() == 3
    assert submission.messages.count() == 1
