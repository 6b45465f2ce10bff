"""
The expert-partner flow end to end in a real browser: a partner's user uploads a CSV file in the portal, an
analyst asks a question on one submission and accepts the other as a proposal, the partner answers, another
person with the approver role designates the proposal, and the partner reads the outcome. The partner never
sees who handled its submissions, and cannot get into the admin.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from entities.choices import DesignationState
from partners.choices import SubmissionStatus
from partners.models import Partner, PartnerMember, Submission

SAMPLE = Path(__file__).resolve().parents[2] / "partners" / "samples" / "submissions.csv"
ORGANISATION, PERSON = "Coastal Liberation Front", "Abu Sahil al-Kini"
# Names that appear in no page text by chance ("analyst" would: the portal says "Registry analysts").
ANALYST, APPROVER = "m.okafor", "j.lindqvist"
QUESTION = "Which channel posted the video?"
ANSWER = "The Telegram channel @sahil_front, on 14 September 2026; we archived it the same day."
ACCEPT_REASON = "Claims the market attack in its own channel; the partner's capture shows the claim."
DECISION_REASON = "The claim of responsibility and its photos call for further attacks on civilians."


@pytest.fixture
def partner_user(make_user):
    """A portal user "pat" of the active partner "Coast Watch" (not staff, as every partner's user)."""
    partner = Partner.objects.create(name="Coast Watch", country="KE", contact_email="desk@coastwatch.example.org")
    user = make_user("pat", staff=False, groups=["partner"])
    PartnerMember.objects.create(user=user, partner=partner)
    return user


def submission(name: str) -> Submission:
    """The one submission whose primary name is ``name`` (SQLite has no JSON containment lookup)."""
    [found] = [submission for submission in Submission.objects.all() if submission.primary_name == name]
    return found


@pytest.fixture
def portal_login(live_server):
    """portal_login(page, username): log in through the portal's own login page, landing on the list."""
    from tests.browser.conftest import PASSWORD

    def log_in(page, username):
        page.goto(live_server.url + "/partners/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.locator("h1")).to_have_text("Submissions of Coast Watch")

    return log_in


def test_a_partner_submits_answers_a_question_and_reads_the_outcome(new_page, live_server, make_user, login,
                                                                    portal_login, screenshot, partner_user,
                                                                    mailoutbox):
    make_user(ANALYST, groups=["analyst"])
    make_user(APPROVER, groups=["approver"])

    # The partner logs in to the portal and uploads the sample CSV file: both rows are screened in-process.
    partner = new_page()
    portal_login(partner, "pat")
    partner.get_by_role("link", name="Upload CSV").click()
    expect(partner.locator("h1")).to_have_text("Upload a CSV file")
    partner.get_by_label("CSV file").set_input_files(SAMPLE)
    partner.get_by_role("button", name="Upload").click()
    expect(partner.locator(".messages")).to_have_text("2 submissions received.")
    rows = partner.locator("tbody tr")
    expect(rows).to_have_count(2)
    for name in (ORGANISATION, PERSON):
        expect(rows.filter(has_text=name).locator("td").nth(3)).to_have_text("Pending review")
    screenshot(partner, "partner-portal-list")

    # An analyst opens the submissions queue in the admin, asks about the person ...
    analyst = new_page()
    login(analyst, ANALYST)
    analyst.goto(live_server.url + "/admin/partners/submission/")
    expect(analyst.locator("#result_list tbody tr")).to_have_count(2)
    analyst.get_by_role("link", name=PERSON).click()
    expect(analyst.locator("#status .state")).to_have_text("Pending review")
    expect(analyst.locator("#status")).to_contain_text("From Coast Watch (portal user pat)")
    expect(analyst.locator("#sent")).to_contain_text("Sahil Mwangi")
    screenshot(analyst, "partner-submission-review", full_page=True)
    analyst.get_by_label("Question").fill(QUESTION)
    analyst.get_by_role("button", name="Ask", exact=True).click()
    expect(analyst.locator(".messagelist")).to_contain_text("Question sent to Coast Watch")
    expect(analyst.locator("#status .state")).to_have_text("More information requested")

    # ... and accepts the organisation as a proposal for an approver.
    analyst.locator(".breadcrumbs").get_by_role("link", name="Submissions").click()
    analyst.get_by_role("link", name=ORGANISATION).click()
    analyst.locator("#category").select_option(label="Violent extremist organisation")
    analyst.get_by_label("Reason (the approver reads it)").fill(ACCEPT_REASON)
    analyst.get_by_role("button", name="Accept", exact=True).click()
    expect(analyst.locator(".messagelist")).to_contain_text("waits in the review queue for an approver other than you")
    expect(analyst.locator("#status .state")).to_have_text("Accepted: awaiting a decision")

    # The partner reloads its list: a question waits on the person. It reads it, not who asked, and answers.
    partner.reload()
    expect(partner.locator(".notice")).to_contain_text("The registry has asked a question on 1 submission")
    expect(rows.filter(has_text=PERSON).locator("td").nth(3)).to_have_text("More information requested")
    expect(rows.filter(has_text=ORGANISATION).locator("td").nth(3)).to_have_text("Accepted: awaiting a decision")
    partner.get_by_role("link", name=PERSON).click()
    expect(partner.locator(".conversation li")).to_have_count(1)
    expect(partner.locator(".conversation li")).to_contain_text("Registry analysts")
    expect(partner.locator(".conversation li")).to_contain_text(QUESTION)
    assert ANALYST not in partner.content()
    partner.get_by_label("Your answer").fill(ANSWER)
    screenshot(partner, "partner-portal-question", full_page=True)
    partner.get_by_role("button", name="Send answer").click()
    expect(partner.locator(".messages")).to_have_text("Answer sent: the submission is back in review.")
    expect(partner.locator("dl.status dd").first).to_have_text("Pending review")
    expect(partner.locator(".conversation li").nth(1)).to_contain_text("Your organisation")
    expect(partner.locator(".conversation li").nth(1)).to_contain_text(ANSWER)
    expect(partner.locator("#answer")).to_have_count(0)

    # An approver, another person, designates the organisation from the proposals review queue.
    approver = new_page()
    login(approver, APPROVER)
    approver.goto(live_server.url + "/admin/entities/proposal/")
    item = approver.locator(".queue-item", has_text=ORGANISATION)
    expect(item.locator(".from-submission")).to_have_text("From Coast Watch's submission.")
    expect(item.locator(".reason")).to_have_text(ACCEPT_REASON)
    expect(item.locator(".evidence")).to_contain_text("Claim of responsibility with photos")
    item.get_by_label("Reason for your decision").fill(DECISION_REASON)
    item.get_by_role("button", name="Designate").click()
    expect(approver.locator(".messagelist")).to_contain_text(
        f"{ORGANISATION}: approved — the entity is now designated.")

    # The partner reads the outcome, which names the registry's entity.
    organisation = submission(ORGANISATION)
    entity = organisation.entity
    partner.get_by_role("link", name="Submissions").click()
    expect(rows.filter(has_text=ORGANISATION).locator("td").nth(3)).to_have_text("Designated")
    partner.get_by_role("link", name=ORGANISATION).click()
    status = partner.locator("dl.status")
    expect(status.locator("dd").first).to_have_text("Designated")
    expect(status).to_contain_text(f"Designated by the registry as entity {entity.pk}.")
    expect(status.locator("code")).to_have_text(str(entity.pk))
    for name in (ANALYST, APPROVER):
        assert name not in partner.content()
    screenshot(partner, "partner-portal-outcome")

    # In the database: what each submission became, and the entity designated.
    organisation.refresh_from_db()
    entity.refresh_from_db()
    person = submission(PERSON)
    assert (organisation.status, person.status) == (SubmissionStatus.DESIGNATED, SubmissionStatus.PENDING)
    assert entity.state == DesignationState.DESIGNATED
    assert [message.body for message in person.messages.all()] == [QUESTION, ANSWER]
    # The partner was mailed each status a person set (its own answer excepted), at both its addresses.
    assert [message.subject for message in mailoutbox] == [
        "Registry: 2 submission(s) received",
        f"Registry: {PERSON}: More information requested",
        f"Registry: {ORGANISATION}: Accepted: awaiting a decision",
        f"Registry: {ORGANISATION}: Designated",
    ]
    assert mailoutbox[-1].to == ["desk@coastwatch.example.org", "pat@example.org"]


def test_a_partner_user_cannot_open_the_admin(page, live_server, portal_login, partner_user):
    portal_login(page, "pat")
    page.goto(live_server.url + "/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/\?next=/admin/$"))
    expect(page.locator(".errornote")).to_contain_text("You are authenticated as pat, but are not authorized")
    page.goto(live_server.url + "/admin/partners/submission/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))
