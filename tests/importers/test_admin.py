"""The sources' admin: settings change only with a reason, and only for who may change them; "Run import now"."""

import pytest
from django.urls import reverse

from entities.choices import SourcePolicy
from entities.models import Source
from importers.models import ImportRun
from tests.entities.admin_pages import form_data, html, messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def source():
    return Source.objects.get(slug="un-sc")


def change_page(client, source):
    return client.get(reverse("admin:entities_source_change", args=[source.pk]))


def test_changing_the_policy_needs_a_reason_kept_in_the_history(admin_client, admin_user, source):
    url = reverse("admin:entities_source_change", args=[source.pk])
    data = {**form_data(change_page(admin_client, source), "source_form"), "policy": SourcePolicy.PROPOSE}

    refused = admin_client.post(url, {**data, "change_reason": " "})
    assert refused.status_code == 200 and "change_reason" in refused.context["adminform"].form.errors
    assert Source.objects.get(pk=source.pk).policy == SourcePolicy.AUTO_DESIGNATE

    assert admin_client.post(url, {**data, "change_reason": "New listings go to review first"}).status_code == 302
    source.refresh_from_db()
    assert source.policy == SourcePolicy.PROPOSE
    latest = source.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (admin_user, "New listings go to review first")


@pytest.mark.parametrize("role", ["viewer", "analyst", "approver"])
def test_the_roles_see_a_sources_settings_but_cannot_change_them(client, admin_client, make_user, source, role):
    data = {**form_data(change_page(admin_client, source), "source_form"), "policy": SourcePolicy.PROPOSE,
            "change_reason": "I should not"}
    client.force_login(make_user(role))

    page = change_page(client, source)
    assert page.status_code == 200 and not html(page).xpath('//select[@name="policy"]')
    assert client.post(reverse("admin:entities_source_change", args=[source.pk]), data).status_code == 403

    source.refresh_from_db()
    assert source.policy == SourcePolicy.AUTO_DESIGNATE and source.history.count() == 0


def test_a_view_only_user_is_not_offered_run_import_now_and_cannot_post_it(client, viewer, source, monkeypatch):
    started = []
    monkeypatch.setattr("importers.admin.import_source", lambda **kwargs: started.append(kwargs))
    client.force_login(viewer)
    url = reverse("admin:entities_source_changelist")

    page = client.get(url)
    assert page.status_code == 200 and not html(page).xpath('//option[@value="run_import_now"]')
    response = client.post(url, {"action": "run_import_now", "index": 0, "_selected_action": [source.pk]})

    assert response.status_code == 200 and started == [] and not ImportRun.objects.exists()


def test_a_superuser_runs_an_import_now(admin_client, admin_user, source, monkeypatch, import_un, fixture_path):
    started = []

    def run(**kwargs):
        started.append(kwargs)
        return import_un(fixture_path("un/base.xml"))

    monkeypatch.setattr("importers.admin.import_source", run)
    response = admin_client.post(reverse("admin:entities_source_changelist"),
                                 {"action": "run_import_now", "index": 0, "_selected_action": [source.pk]},
                                 follow=True)

    assert started == [{"slug": "un-sc", "trigger": "admin", "user": admin_user}]
    assert messages_of(response)[0].startswith("UN Security Council Consolidated List: succeeded — 5 created")
