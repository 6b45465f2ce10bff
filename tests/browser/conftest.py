"""
End-to-end tests in a real headless browser: Debian's Chromium driven by Playwright for Python.

Every test in tests/browser/ is marked `browser` and is skipped, saying why, when Chromium is not installed
(bin/test and .ci/run install Debian's `chromium`; `playwright install` would download a browser of its own,
which fails offline). Pages are served by pytest-django's `live_server`, the admin's CSS and JavaScript
included. A test asks for what it needs by name:

- ``page``: a new tab with its own cookies, 1280x800, on a browser shared by the package's tests. The test
  fails if the page raises a JavaScript error, a static file does not load or the server answers 5xx. It
  brings ``live_server`` (``live_server.url`` is the site's address) and a database the server sees:
  transactional, with the data migrations' rows (sources, schedules, groups) restored before each test.
- ``new_page()``: one more such tab, for a test with two people at once (one proposes, the other reviews).
- ``make_user(username, *, password=PASSWORD, staff=True, superuser=False, groups=(), permissions=())``: a
  user; a staff one can log in to the admin. ``groups`` are names of groups that exist (a data migration's
  roles), ``permissions`` are "app_label.codename"; a missing one fails the test, naming it.
  ``admin_user`` is a superuser "admin" with the same PASSWORD.
- ``login(page, username, password=PASSWORD)``: logs in through the admin's real login form and fails the
  test, quoting the form's error, if it is refused. ``submit_login`` (same arguments) only fills in and sends
  the form, for tests of a refused login.
- ``screenshot(page, "name", full_page=False)``: a PNG of the page, returned as a path. With SCREENSHOTS=1
  it is docs/screenshots/name.png (to refresh the pictures in the docs); otherwise it goes to the test's
  tmp dir, so an ordinary run never changes the git tree.

For example::

    def test_reviewer_sees_the_queue(page, live_server, make_user, login, screenshot):
        make_user("reviewer", groups=["Reviewers"])
        login(page, "reviewer")
        page.goto(live_server.url + "/admin/")
        expect(page.locator("h1")).to_have_text("Site administration")
        screenshot(page, "review-queue")

Assert with Playwright's ``expect``, which waits for the page to get there, rather than sleeping.
"""

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

PASSWORD = "browser-test-password"
SCREENSHOTS_DIR = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 800}
# What Chromium needs on a machine without internet: without the background-networking flags it keeps
# trying to reach Google's hosts. Each launch gets a new empty profile (--user-data-dir) from Playwright.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
HERE = Path(__file__).resolve().parent


def chromium_path() -> str | None:
    """The Chromium to drive: $CHROMIUM, or `chromium` on the PATH (Debian's is /usr/bin/chromium)."""
    return os.environ.get("CHROMIUM") or shutil.which("chromium")


@pytest.hookimpl(tryfirst=True)  # before `-m` selects by marker
def pytest_collection_modifyitems(config, items):
    """Mark this folder's tests `browser`; skip them when there is no Chromium to drive."""
    missing = pytest.mark.skip(reason="Chromium is not installed (bin/test installs Debian's chromium as root)")
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)
            if not chromium_path():
                item.add_marker(missing)


@pytest.fixture(scope="package")
def browser():
    """
    One headless Chromium for this package's tests, closed after the last of them.

    Playwright's synchronous API keeps an event loop running in the test thread while it is started, and
    Django then refuses every database call from that thread (SynchronousOnlyOperation). The tests and the
    server are synchronous code that only waits on the browser, so the calls are allowed while it runs, and
    only then: package scope keeps the rest of the suite out of that window.
    """
    allowed = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    expect.set_options(timeout=10_000)  # a loaded 2-core machine can take more than the default 5 s
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if allowed is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = allowed


@pytest.fixture
def new_page(browser, live_server, committed_db):
    """new_page() -> a new tab with its own cookies; fails the test on a JavaScript error, 5xx or broken static file."""
    contexts, problems = [], []

    def report(response):
        if response.status >= 500 or (response.status >= 400 and "/static/" in response.url):
            problems.append(f"{response.status} for {response.url}")

    def new():
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(10_000)
        contexts.append(context)
        tab = context.new_page()
        tab.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
        tab.on("response", report)
        return tab

    yield new
    for context in contexts:
        context.close()
    assert not problems, "the browser saw: " + "; ".join(problems)


@pytest.fixture
def page(new_page):
    """A new tab (see new_page)."""
    return new_page()


@pytest.fixture
def make_user(django_user_model):
    """make_user(username, *, password=PASSWORD, staff=True, superuser=False, groups=(), permissions=()) -> a user."""
    from django.contrib.auth.models import Group, Permission

    def make(username, *, password=PASSWORD, staff=True, superuser=False, groups=(), permissions=()):
        users = django_user_model.objects
        create = users.create_superuser if superuser else users.create_user
        user = create(username=username, email=f"{username}@example.org", password=password, is_staff=staff)
        user.groups.set([existing(Group, name=name) for name in groups])
        user.user_permissions.set([
            existing(Permission, content_type__app_label=label, codename=codename)
            for label, codename in (permission.split(".", 1) for permission in permissions)
        ])
        return user

    return make


def existing(model, **lookup):
    try:
        return model.objects.get(**lookup)
    except model.DoesNotExist:
        pytest.fail(f"no {model.__name__} with {lookup}")


@pytest.fixture
def admin_user(make_user):
    """A superuser "admin" whose password is PASSWORD (pytest-django's own has another)."""
    return make_user("admin", superuser=True)


@pytest.fixture
def submit_login(live_server):
    """submit_login(page, username, password=PASSWORD): fill in and send the admin's login form."""

    def submit(page, username, password=PASSWORD):
        page.goto(live_server.url + "/admin/login/?next=/admin/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="Log in").click()

    return submit


@pytest.fixture
def login(submit_login):
    """login(page, username, password=PASSWORD): log in through the admin's form; fails the test if refused."""

    def log_in(page, username, password=PASSWORD):
        submit_login(page, username, password)
        refusal = page.locator(".errornote")
        if refusal.count():
            pytest.fail(f"the admin refused to log {username!r} in: {refusal.inner_text()}")
        expect(page.locator("#logout-form")).to_be_attached()

    return log_in


@pytest.fixture
def screenshot(tmp_path):
    """screenshot(page, name, full_page=False) -> the PNG's path: docs/screenshots/ with SCREENSHOTS=1, else tmp."""
    folder = SCREENSHOTS_DIR if os.environ.get("SCREENSHOTS") == "1" else tmp_path

    def take(page, name, full_page=False):
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        page.screenshot(path=path, full_page=full_page, animations="disabled")
        return path

    return take
