"""
Curation end to end in a real browser: an analyst proposes an entity and adds evidence, another person with
the approver role designates it from the review queue, and the entity's timeline shows both steps with their
reasons. Four-eyes as a person meets it: an approver sees no decide buttons on their own proposal, only why.
"""

import re

import pytest
from playwright.sync_api import expect

from entities import services
from entities.audit import Actor
from entities.models import Entity
from tests.browser.test_admin import assert_fits_the_width

FOUR_EYES = "Four-eyes: you made this proposal, so another approver must decide it."
PROPOSAL_REASON = "Media arm of the Probandi Brigade (QDe.801): posts its recruitment videos on the platform."
DECISION_REASON = "Two captured videos call for attacks and name the Brigade; same leadership as QDe.801."


@pytest.fixture
def registry(import_un, fixture_path, make_user):
    """The API fixture list, designated, with a delisting proposal from another analyst already waiting."""
    import_un(fixture_path("api/v1.xml"))
    colleague = make_user("analyst2", groups=["analyst"])
    services.entity_propose_delisting(entity=Entity.objects.get(listings__reference_number="CDe.801"),
                                      actor=Actor.of_user(colleague), reason="The company was dissolved in 2025.")


def test_an_analyst_proposes_an_entity_and_another_person_designates_it(new_page, live_server, make_user, login,
                                                                        screenshot, registry):
    make_user("analyst", groups=["analyst"])
    make_user("approver", groups=["approver"])

    # The analyst proposes a new entity, with a reason, from "Add entity".
    analyst = new_page()
    login(analyst, "analyst")
    analyst.get_by_role("link", name="Entities", exact=True).first.click()
    analyst.get_by_role("link", name="Add entity").click()
    expect(analyst.locator("h1")).to_have_text("Propose an entity")
    analyst.locator("#id_caption").fill("Probandi Brigade Media")
    analyst.locator("#id_kind").select_option(label="Organisation")
    analyst.locator("#id_category").select_option(label="Violent extremist organisation")
    analyst.locator("#id_reason").fill(PROPOSAL_REASON)
    analyst.get_by_role("button", name="Propose").click()
    expect(analyst.locator(".messagelist")).to_contain_text("waits in the review queue for an approver")
    expect(analyst.locator("#designation .state")).to_have_text("Proposed")

    # On its page, the analyst adds the evidence.
    analyst.get_by_role("button", name="Add another Evidence").click()
    analyst.locator("#id_evidence-0-title").fill("Recruitment video, channel @probandi_media")
    analyst.locator("#id_evidence-0-captured_at").fill("2026-11-02")
    analyst.locator("#id_evidence-0-url").fill("https://evidence.example.org/capture/4411")
    analyst.locator("#id_evidence-0-summary").fill("Calls for attacks; shows the Brigade's flag and leader.")
    analyst.locator("#id_evidence-0-on_platform").check()
    analyst.get_by_role("button", name="Save and continue editing").click()
    expect(analyst.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(analyst.locator("#evidence-0 .field-added")).to_contain_text("by analyst")
    assert_fits_the_width(analyst)
    analyst.locator("#logout-form button").click()
    expect(analyst.locator("h1")).to_have_text("Logged out")

    # An approver finds it waiting on their desk and reads it in the review queue, evidence included.
    approver = new_page()
    login(approver, "approver")
    waiting = approver.locator("#waiting")
    expect(waiting).to_contain_text("Designation of Probandi Brigade Media")
    expect(waiting).to_contain_text("Delisting of TESTCO MINING LTD")
    approver.get_by_role("link", name="Review queue").first.click()
    expect(approver.locator("h1")).to_have_text("Review queue")
    item = approver.locator(".queue-item", has_text="Probandi Brigade Media")
    expect(item.locator(".reason")).to_have_text(PROPOSAL_REASON)
    expect(item.locator(".evidence")).to_contain_text("Recruitment video, channel @probandi_media")
    expect(item.locator(".evidence")).to_contain_text("on the platform, captured 2026-11-02, added by analyst")
    expect(item.locator(".similar")).to_contain_text("PROBANDI BRIGADE")
    expect(approver.locator(".queue-item").first).to_contain_text("un-sc: CDe.801")
    screenshot(approver, "review-queue", full_page=True)

    # The approver writes a reason and designates it.
    item.get_by_label("Reason for your decision").fill(DECISION_REASON)
    item.get_by_role("button", name="Designate").click()
    expect(approver.locator(".messagelist")).to_contain_text(
        "Probandi Brigade Media: approved — the entity is now designated.")
    expect(approver.locator(".queue-item", has_text="Probandi Brigade Media")).to_have_count(0)

    # The entity's timeline shows both steps, newest first, with who and why.
    approver.goto(live_server.url + "/admin/entities/entity/?q=Probandi+Brigade+Media")
    approver.get_by_role("link", name="Probandi Brigade Media").click()
    expect(approver.locator("#designation .state")).to_have_text("Designated")
    rows = approver.locator("#timeline tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.nth(0)).to_contain_text("Designated")
    expect(rows.nth(0)).to_contain_text("approver")
    expect(rows.nth(0)).to_contain_text(DECISION_REASON)
    expect(rows.nth(0)).to_contain_text("state: Proposed → Designated")
    expect(rows.nth(1)).to_contain_text("evidence added: Recruitment video, channel @probandi_media")
    expect(rows.nth(2)).to_contain_text("Designation proposed")
    expect(rows.nth(2)).to_contain_text(PROPOSAL_REASON)
    expect(rows.nth(3)).to_contain_text("Created")
    expect(rows.nth(3)).to_contain_text("analyst")
    expect(rows.nth(3)).to_contain_text("kind: Organisation")
    expect(rows.nth(3)).to_contain_text("name: Probandi Brigade Media")
    approver.get_by_role("link", name="Timeline").click()
    expect(approver).to_have_url(re.compile(r"#timeline$"))
    screenshot(approver, "timeline")


def test_an_approver_sees_why_they_cannot_decide_their_own_proposal(page, live_server, make_user, login,
                                                                    registry):
    make_user("approver", groups=["approver"])
    login(page, "approver")
    page.goto(live_server.url + "/admin/entities/entity/add/")
    page.locator("#id_caption").fill("Probandi Brigade Media")
    page.locator("#id_kind").select_option(label="Organisation")
    page.locator("#id_category").select_option(label="Violent extremist organisation")
    page.locator("#id_reason").fill(PROPOSAL_REASON)
    page.get_by_role("button", name="Propose").click()

    expect(page.locator("#designation .why-not")).to_have_text(FOUR_EYES)
    expect(page.locator("#designation").get_by_role("link", name="Decide it in the review queue")).to_have_count(0)
    page.get_by_role("link", name="See it in the review queue").click()
    own = page.locator(".queue-item", has_text="Probandi Brigade Media")
    expect(own.locator(".why-not")).to_have_text(FOUR_EYES)
    expect(own.get_by_role("button")).to_have_count(0)
    page.get_by_role("link", name="The whole queue").click()
    other = page.locator(".queue-item", has_text="TESTCO MINING LTD")
    expect(other.get_by_role("button", name="Delist")).to_be_visible()
