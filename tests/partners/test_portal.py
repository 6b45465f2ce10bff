"""The partner portal's access rules: who gets in, what each partner sees, and what never leaves the registry."""

import datetime
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest

from entities.audit import Actor
from partners import services
from partners.models import Submission

pytestmark = pytest.mark.django_db


def portal_pages(submission_id) -> list[str]:
    return ["/partners/", "/partners/submissions/new/", "/partners/submissions/upload/",
            "/partners/submissions/template.csv", f"/partners/submissions/{submission_id}/"]


def text(response) -> str:
    return response.content.decode()


# --- Who gets in -------------------------------------------------------------------------------------------------

def test_anonymous_users_are_sent_to_the_portal_login(client):
    for url in portal_pages(uuid.uuid4()):
        response = client.get(url)
        assert response.status_code == 302, url
        login = urlsplit(response["Location"])
        assert login.path == "/partners/login/", url
        assert parse_qs(login.query)["next"] == [url]
    response = client.post(f"/partners/submissions/{uuid.uuid4()}/answer/", {"body": "Hello"})
    assert response.status_code == 302
    assert response["Location"].startswith("/partners/login/")


def test_a_partner_user_logs_in_through_the_portal_and_out_again(client, portal_user):
    page = client.get("/partners/login/")
    assert page.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in text(page)

    response = client.post("/partners/login/", {"username": "alice", "password": "alice-s3cret-pass"})

    assert response.status_code == 302
    assert response["Location"] == "/partners/"
    home = client.get("/partners/")
    assert home.status_code == 200
    assert "Partner A" in text(home)
    assert client.get("/partners/logout/").status_code == 405  # logging out is a POST
    assert client.post("/partners/logout/")["Location"] == "/partners/login/"
    assert client.get("/partners/").status_code == 302


def test_a_wrong_password_does_not_log_in(client, portal_user):
    response = client.post("/partners/login/", {"username": "alice", "password": "wrong"})

    assert response.status_code == 200
    assert "correct username and password" in text(response)
    assert client.get("/partners/").status_code == 302


def test_staff_without_a_partner_get_403(client, analyst):
    client.force_login(analyst)

    for url in portal_pages(uuid.uuid4()):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "This portal is for partner users" in text(response)


def test_the_users_of_an_inactive_partner_get_403(client, make_partner, make_partner_user):
    partner = make_partner("Dormant NGO", active=False)
    client.force_login(make_partner_user(partner, "dora"))

    response = client.get("/partners/")

    assert response.status_code == 403
    assert "not an active partner" in text(response)


def test_partner_users_cannot_use_the_admin(client, portal_user):
    response = client.post("/admin/login/?next=/admin/", {"username": "alice", "password": "alice-s3cret-pass",
                                                          "next": "/admin/"})
    assert response.status_code == 200  # the form again: a partner's user is not staff
    assert "staff account" in text(response)

    client.force_login(portal_user)
    for url in ["/admin/", "/admin/partners/submission/", "/admin/entities/entity/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url


# --- Each partner sees its own ------------------------------------------------------------------------------------

def test_the_list_shows_only_the_partners_own_submissions(portal_client, portal_user, portal_submit, make_partner,
                                                          make_partner_user):
    portal_submit(portal_user, "Alpha Front")
    portal_submit(portal_user, "Alpha Brigade")
    other = make_partner_user(make_partner("Partner B"), "bob")
    portal_submit(other, "Bravo Brigade")

    response = portal_client.get("/partners/")

    page = text(response)
    assert "Alpha Front" in page and "Alpha Brigade" in page
    assert "Bravo Brigade" not in page and "Partner B" not in page
    assert [submission.primary_name for submission in response.context["page"]] == ["Alpha Brigade", "Alpha Front"]
    assert "2 submissions." in page


def test_another_partners_submission_is_a_404_like_an_unknown_one(portal_client, make_partner, make_partner_user,
                                                                   portal_submit, analyst):
    other = make_partner_user(make_partner("Partner B"), "bob")
    theirs = portal_submit(other, "Bravo Brigade")
    services.ask(submission=theirs, actor=Actor.of_user(analyst), question="Which channel?")

    for submission_id in (theirs.pk, uuid.uuid4()):
        detail = portal_client.get(f"/partners/submissions/{submission_id}/")
        answer = portal_client.post(f"/partners/submissions/{submission_id}/answer/", {"body": "Telegram."})
        assert detail.status_code == answer.status_code == 404
        assert "Bravo Brigade" not in text(detail)
    theirs.refresh_from_db()
    assert theirs.status == "information_requested"
    assert theirs.messages.count() == 1


def test_the_list_pages_by_25_newest_first(portal_client, portal_user):
    from partners.validation import validate

    rows = [{"kind": "person", "names": [{"name": f"Person {number:02}", "type": "primary"}], "rationale": "Why.",
             "evidence": [{"url": "https://example.org/", "summary": "A post", "captured_at": "2026-01-15"}]}
            for number in range(1, 27)]
    made = services.submit(actor=services.partner_actor(user=portal_user), rows=validate(rows))
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    for submission in made:  # a day apart: Person 26 is the newest
        Submission.objects.filter(pk=submission.pk).update(created_at=start + datetime.timedelta(days=submission.row))

    first, second = portal_client.get("/partners/"), portal_client.get("/partners/?page=2")

    assert len(first.context["page"]) == 25 and len(second.context["page"]) == 1
    assert "Page 1 of 2" in text(first)
    assert first.context["page"][0].primary_name == "Person 26"
    assert [submission.primary_name for submission in second.context["page"]] == ["Person 01"]


def test_the_list_costs_the_same_queries_however_many_rows(portal_client, portal_user, portal_submit):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    portal_submit(portal_user, "Alpha Front")
    with CaptureQueriesContext(connection) as one:
        portal_client.get("/partners/")
    for number in range(10):
        portal_submit(portal_user, f"Person {number}")
    with CaptureQueriesContext(connection) as eleven:
        portal_client.get("/partners/")

    # session, user, membership, partner; the count, the questions waiting, the page
    assert len(eleven) == len(one) == 7, [query["sql"] for query in eleven]


def test_the_list_says_when_questions_wait(portal_client, portal_user, portal_submit, analyst):
    asked = portal_submit(portal_user, "Alpha Front")
    portal_submit(portal_user, "Alpha Brigade")
    assert "asked a question" not in text(portal_client.get("/partners/"))

    services.ask(submission=asked, actor=Actor.of_user(analyst), question="Which channel?")

    page = text(portal_client.get("/partners/"))
    assert "The registry has asked a question on 1 submission:" in page
    assert "More information requested" in page


# --- Nothing the registry keeps to itself, nothing unescaped ------------------------------------------------------

def test_partner_and_analyst_text_is_escaped(portal_client, portal_user, portal_submit, analyst):
    submission = portal_submit(portal_user, "<script>alert(1)</script>", rationale="<b>bold</b> claim")
    services.ask(submission=submission, actor=Actor.of_user(analyst), question="<img src=x onerror=alert(2)>")

    for url in ["/partners/", f"/partners/submissions/{submission.pk}/"]:
        page = text(portal_client.get(url))
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, url
        assert "<script>alert(1)" not in page, url
    detail = text(portal_client.get(f"/partners/submissions/{submission.pk}/"))
    assert "&lt;b&gt;bold&lt;/b&gt;" in detail and "<b>bold" not in detail
    assert "&lt;img src=x onerror=alert(2)&gt;" in detail and "<img" not in detail


def test_internal_reasons_matches_and_analysts_never_show(portal_client, portal_user, portal_submit, make_user):
    analyst = make_user("analyst", username="kowalski-7")
    submission = portal_submit(portal_user, "Alpha Front")
    services.ask(submission=submission, actor=Actor.of_user(analyst), question="Which channel posted it?")
    Submission.objects.filter(pk=submission.pk).update(
        internal_reason="INTERNAL-REASON: same as the Alpha case",
        matches=[{"entity": str(uuid.uuid4()), "caption": "INTERNAL-CAPTION", "state": "designated", "score": 0.93,
                  "query": "Alpha Front", "name": "INTERNAL-MATCHED-NAME"}])

    pages = [*portal_pages(submission.pk)[:3], f"/partners/submissions/{submission.pk}/"]
    for url in pages:
        page = text(portal_client.get(url))
        for secret in ("INTERNAL-REASON", "INTERNAL-CAPTION", "INTERNAL-MATCHED-NAME", "kowalski-7", "0.93"):
            assert secret not in page, (url, secret)
    detail = text(portal_client.get(f"/partners/submissions/{submission.pk}/"))
    assert "Which channel posted it?" in detail
    assert "Registry analysts" in detail
