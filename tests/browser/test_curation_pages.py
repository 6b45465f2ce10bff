"""
The other curation pages in a real browser: an analyst confirms a relationship read from a narrative and
proposes a delisting from the entity page, an approver delists from the review queue, and a viewer reads
pages and screens a name but is offered nothing to change.
"""

import pytest
from playwright.sync_api import expect

from entities.models import Entity
from tests.browser.test_admin import assert_fits_the_width


@pytest.fixture
def registry(import_un, fixture_path):
    """The API fixture list: QDi.801's narrative names it leader of QDe.801, a candidate relationship."""
    import_un(fixture_path("api/v1.xml"))
    return {reference: Entity.objects.get(listings__reference_number=reference)
            for reference in ("QDi.801", "QDe.801", "TAi.801")}


def entity_page(page, live_server, entity):
    page.goto(f"{live_server.url}/admin/entities/entity/{entity.pk}/change/")


def test_an_analyst_confirms_a_candidate_relationship(page, live_server, make_user, login, registry):
    make_user("analyst", groups=["analyst"])
    login(page, "analyst")
    page.locator("#queue").get_by_role("link", name="1 candidate relationship").click()
    row = page.locator("#result_list tbody tr", has_text="PROBANDI BRIGADE")
    expect(row).to_contain_text("leader of")
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option(label="Confirm the selected relationships")
    page.locator("input[name=reason]").fill("The UN narrative names him its leader.")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_contain_text("1 relationship(s) confirmed")

    entity_page(page, live_server, registry["QDe.801"])  # the other end shows it too, with the decision
    incoming = page.locator("#relationships_in-group")
    expect(incoming).to_contain_text("ABU FIXTURA AL-PROBANDI")
    expect(incoming).to_contain_text("Confirmed")
    expect(page.locator("#timeline tbody tr").first).to_contain_text("The UN narrative names him its leader.")
    assert_fits_the_width(page)


def test_a_delisting_is_proposed_on_the_entity_page_and_decided_in_the_queue(new_page, live_server, make_user,
                                                                               login, registry):
    make_user("analyst", groups=["analyst"])
    make_user("approver", groups=["approver"])
    analyst = new_page()
    login(analyst, "analyst")
    entity_page(analyst, live_server, registry["TAi.801"])
    expect(analyst.locator("#designation .state")).to_have_text("Designated")
    analyst.locator("#propose-reason").fill("Reported dead in 2025 by two reliable outlets.")
    analyst.get_by_role("button", name="Propose delisting it").click()
    expect(analyst.locator(".messagelist")).to_contain_text("waits in the review queue")
    expect(analyst.locator("#designation")).to_contain_text("Open delisting proposal by analyst")
    expect(analyst.locator("#designation .state")).to_have_text("Designated")  # until an approver decides

    approver = new_page()
    login(approver, "approver")
    approver.get_by_role("link", name="Review queue").first.click()
    item = approver.locator(".queue-item", has_text="OMAR SAMPLEZAI")
    expect(item.locator(".reason")).to_have_text("Reported dead in 2025 by two reliable outlets.")
    item.get_by_label("Reason for your decision").fill("Both reports confirmed.")
    item.get_by_role("button", name="Delist").click()
    expect(approver.locator(".messagelist")).to_contain_text("the entity is now delisted")
    entity_page(approver, live_server, registry["TAi.801"])
    expect(approver.locator("#designation .state")).to_have_text("Delisted")
    expect(approver.locator("#timeline tbody tr").first).to_contain_text("Both reports confirmed.")


def test_a_viewer_reads_and_screens_but_is_offered_no_change(page, live_server, make_user, login, registry):
    make_user("viewer", groups=["viewer"])
    login(page, "viewer")
    entity_page(page, live_server, registry["QDi.801"])
    expect(page.locator("#designation .why-not")).to_contain_text("needs the analyst role")
    expect(page.locator("#propose-reason")).to_have_count(0)
    expect(page.locator("input[type=submit][name=_save]")).to_have_count(0)
    expect(page.locator("#timeline")).to_contain_text("importer:un-sc")

    page.goto(live_server.url + "/admin/")
    page.get_by_role("link", name="Screen a name").click()
    page.locator("#id_name").fill("Abu Fixtura al Probandi")
    page.get_by_role("button", name="Screen").click()
    expect(page.locator("body")).to_contain_text("ABU FIXTURA AL-PROBANDI")
