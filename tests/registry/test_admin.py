"""The admin's home page, the analyst's desk: what each role finds there."""

import pytest
from django.urls import reverse

from entities import services
from entities.models import Source
from importers.base import ImportFailed
from tests.entities.admin_pages import propose, text_of, texts
from tests.helpers import actor

REGISTRY_APPS = {"entities", "partners", "importers", "screening"}
TECHNICAL_APPS = {"apiclients", "django_celery_beat", "auth"}


def desk(client, user):
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return response


def test_an_approver_sees_what_waits_for_them_and_never_their_own(client, analyst, make_user):
    approver = make_user("approver")
    others = propose(analyst, "Front of Others")
    own = propose(approver, "Front of My Own", reason="Seen recruiting on the platform")
    decided = propose(analyst, "Front Already Decided")
    services.proposal_reject(proposal=decided, actor=actor(approver), reason="Not enough evidence")

    response = desk(client, approver)

    waiting = text_of(response, "waiting")
    assert "Designation of Front of Others" in waiting and "analyst" in waiting
    assert "Front of My Own" not in waiting and "Front Already Decided" not in waiting
    assert "1 proposal you can decide" in waiting
    mine = text_of(response, "mine")
    assert "Designation of Front of My Own" in mine and "waiting for another approver" in mine
    assert "Front of Others" not in mine
    assert [item.pk for item in response.context["waiting"]] == [others.pk]
    assert [item.pk for item in response.context["mine"]] == [own.pk]


def test_an_analyst_sees_their_proposals_awaiting_an_approver(client, analyst, approver):
    mine = propose(analyst, "Front of Mine")
    reviewed = propose(analyst, "Front Under Review")
    services.proposal_start_review(proposal=reviewed, actor=actor(approver), reason="Checking the evidence")
    propose(approver, "Front of the Approver")

    response = desk(client, analyst)

    assert text_of(response, "waiting") == ""  # deciding is the approvers' job
    rows = texts(response, '//*[@id="mine"]//tr[td]')
    assert rows == [
        f"Designation of Front of Mine waiting for an approver {mine.created_at:%Y-%m-%d}",
        f"Designation of Front Under Review under review by approver {reviewed.created_at:%Y-%m-%d}",
    ]
    assert "3 open proposals in all" in text_of(response, "queue")


def test_a_viewer_sees_the_last_changes_and_imports_but_no_proposals_of_their_own(client, viewer, analyst):
    propose(analyst, "Front of Others")

    response = desk(client, viewer)

    assert text_of(response, "waiting") == "" and text_of(response, "mine") == ""
    assert "Front of Others" in text_of(response, "last-changes")
    assert text_of(response, "imports")


def test_the_last_changes_newest_first_with_who_and_why(client, analyst, approver):
    first = propose(analyst, "First Front", reason="First reason")
    propose(analyst, "Second Front", reason="Second reason")
    services.proposal_approve(proposal=first, actor=actor(approver), reason="Evidence is clear")

    rows = texts(desk(client, analyst), '//*[@id="last-changes"]//tr[td]')

    assert [row.split(" ", 2)[2] for row in rows[:3]] == [
        "First Front Designated approver (approver) Evidence is clear",
        "Second Front Designation proposed analyst (analyst) Second reason",
        "Second Front Created analyst (analyst) Second reason",
    ]


def test_the_last_import_of_each_source_with_its_status(client, analyst, import_un, fixture_path):
    import_un(fixture_path("un/base.xml"))
    with pytest.raises(ImportFailed):
        import_un(fixture_path("un/truncated.xml"))
    Source.objects.create(slug="other-list", name="Another list")

    response = desk(client, analyst)

    rows = texts(response, '//*[@id="imports"]//tr[td]')
    assert len(rows) == 6  # every source, by name: the migrations' five and this one
    assert rows[0].startswith("Another list") and "never imported" in rows[0]
    [un] = [row for row in rows if row.startswith("UN Security Council Consolidated List")]
    assert "Failed" in un
    assert sum("never imported" in row for row in rows) == 5


def test_a_succeeded_import_shows_its_counts(client, analyst, import_un, fixture_path):
    import_un(fixture_path("un/base.xml"))

    imports = text_of(desk(client, analyst), "imports")

    assert "Succeeded" in imports and "5 new, 0 updated, 0 delisted" in imports


@pytest.mark.parametrize("role", ["viewer", "analyst", "approver"])
def test_technical_apps_are_for_superusers_only(client, make_user, role):
    apps = {app["app_label"] for app in desk(client, make_user(role)).context["app_list"]}
    assert apps == REGISTRY_APPS


def test_a_superuser_sees_the_technical_apps_after_the_registrys(client, admin_user):
    labels = [app["app_label"] for app in desk(client, admin_user).context["app_list"]]
    assert set(labels) == REGISTRY_APPS | TECHNICAL_APPS
    assert labels.index("entities") < labels.index("partners") < labels.index("apiclients") < labels.index("auth")


def test_every_admin_action_declares_the_permission_it_needs():
    from django.contrib import admin

    undeclared = []
    for model, model_admin in admin.site._registry.items():
        for action in model_admin.actions or ():
            function = getattr(model_admin, action) if isinstance(action, str) else action
            if not getattr(function, "allowed_permissions", ()):
                undeclared.append(f"{model.__name__}: {getattr(function, '__name__', action)}")
    assert undeclared == []


def test_a_view_only_user_cannot_run_a_schedule(client, make_user, monkeypatch):
    from django.contrib.auth.models import Permission
    from django_celery_beat.models import PeriodicTask

    ran = []
    monkeypatch.setattr("celery.app.task.Task.apply_async", lambda *args, **kwargs: ran.append(args))
    user = make_user("viewer")
    user.user_permissions.add(Permission.objects.get(codename="view_periodictask"))
    task = PeriodicTask.objects.get(name="Import UN SC Consolidated List")
    client.force_login(user)
    url = reverse("admin:django_celery_beat_periodictask_changelist")

    for action in ("run_tasks", "disable_tasks", "toggle_tasks"):
        response = client.post(url, {"action": action, "index": 0, "_selected_action": [task.pk]})
        assert response.status_code == 200 and f'value="{action}"' not in response.content.decode()

    task.refresh_from_db()
    assert task.enabled and ran == []
