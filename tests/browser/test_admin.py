"""The analysts' admin in a real browser: logging in, finding an entity, reading its page."""

import re

from playwright.sync_api import expect


def test_analyst_finds_an_entity_by_alias_and_reads_its_page(page, admin_user, login, screenshot, import_un,
                                                             fixture_path):
    import_un(fixture_path("api/v1.xml"))
    login(page, "admin")
    screenshot(page, "admin-home")

    page.get_by_role("link", name="Entities", exact=True).click()
    expect(page.locator("h1")).to_have_text("Select entity to change")
    page.locator("#searchbar").fill("Probandi the Elder")
    page.get_by_role("button", name="Search").click()
    results = page.locator("#result_list tbody tr")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("QDi.801")
    screenshot(page, "admin-entity-search")

    results.first.get_by_role("link", name="ABU FIXTURA AL-PROBANDI").click()
    expect(page.locator(".field-caption .readonly")).to_have_text("ABU FIXTURA AL-PROBANDI")
    expect(page.locator("td.field-reference_number")).to_have_text(["QDi.801"])
    expect(page.get_by_text("Probandi the Elder", exact=True)).to_be_visible()
    expect(page.locator(".field-titles_shown .readonly")).to_have_text("Sheikh")
    expect(page.locator("td.field-last_updated_shown")).to_have_text(["3 Feb 2015"])
    assert_fits_the_width(page)
    screenshot(page, "admin-entity-page", full_page=True)


def test_admin_login_refuses_a_wrong_password(page, admin_user, submit_login, screenshot):
    submit_login(page, "admin", "not-the-password")

    expect(page.locator(".errornote")).to_contain_text("Please enter the correct username and password")
    expect(page).to_have_url(re.compile(r"/admin/login/"))
    expect(page.locator("#logout-form")).to_have_count(0)
    screenshot(page, "admin-login-refused")


def assert_fits_the_width(page):
    """Nothing on the page (a wide table, a long value) makes it scroll sideways."""
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the window"
