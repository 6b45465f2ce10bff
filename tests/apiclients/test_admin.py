"""The API clients admin: the token is shown once, in a message, on creation; the revoke action revokes."""

import hashlib
import re

import pytest
from django.urls import reverse

from apiclients.models import ApiClient
from apiclients.services import api_client_create
from partners.models import Partner
from tests.api.helpers import bearer

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r"store it now: (\S+)$")


def add(admin_client, **fields):
    partner, _ = Partner.objects.get_or_create(name="An NGO", defaults={"contact_email": "ops@example.org"})
    data = {"name": "partner-ngo", "kind": "partner", "scopes": ["read", "submit"], "partner": partner.pk,
            "expires_at_0": "", "expires_at_1": "", "contact": "ops@example.org", **fields}
    return admin_client.post(reverse("admin:apiclients_apiclient_add"), data, follow=True)


def test_the_add_form_shows_the_token_once_and_stores_its_hash(admin_client):
    form = admin_client.get(reverse("admin:apiclients_apiclient_add"))
    assert form.status_code == 200
    response = add(admin_client)
    assert response.status_code == 200
    messages = [str(message) for message in response.context["messages"]]
    tokens = [TOKEN.search(message).group(1) for message in messages if TOKEN.search(message)]
    assert len(tokens) == 1, messages
    token = tokens[0]
    client = ApiClient.objects.get(name="partner-ngo")
    assert client.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert client.scopes == ["read", "submit"]
    assert client.kind == "partner"
    assert client.created_by is not None and client.created_by.is_superuser
    assert bearer(token).get("/api/v1/sources/").status_code == 200
    # The token is never shown again: not on the change page, not in the list.
    change = admin_client.get(reverse("admin:apiclients_apiclient_change", args=[client.pk]))
    listing = admin_client.get(reverse("admin:apiclients_apiclient_changelist"))
    for page in (change, listing):
        assert page.status_code == 200
        assert token not in page.content.decode()
    assert client.token_prefix in listing.content.decode()


def test_the_add_form_refuses_no_scopes(admin_client):
    response = add(admin_client, scopes=[])
    assert response.status_code == 200
    assert not ApiClient.objects.exists()
    assert response.context["adminform"].form.errors["scopes"]


def test_the_revoke_action_revokes(admin_client):
    client, token = api_client_create(name="to-revoke", kind="researcher", scopes=["read"])
    keep, keep_token = api_client_create(name="to-keep", kind="service", scopes=["read"])
    assert bearer(token).get("/api/v1/sources/").status_code == 200
    response = admin_client.post(
        reverse("admin:apiclients_apiclient_changelist"),
        {"action": "revoke", "_selected_action": [client.pk]},
        follow=True,
    )
    assert response.status_code == 200
    client.refresh_from_db()
    keep.refresh_from_db()
    assert client.revoked_at is not None
    assert keep.revoked_at is None
    revoked = bearer(token).get("/api/v1/sources/")
    assert revoked.status_code == 401
    assert revoked.json()["detail"] == "The token has been revoked."
    assert bearer(keep_token).get("/api/v1/sources/").status_code == 200
    # The client stays on record, with the reason in its history.
    assert ApiClient.objects.filter(pk=client.pk).exists()
    assert "Revoked in the admin" in client.history.first().history_change_reason


def test_clients_cannot_be_deleted_in_the_admin(admin_client):
    client, _ = api_client_create(name="undeletable", kind="service", scopes=["read"])
    response = admin_client.get(reverse("admin:apiclients_apiclient_delete", args=[client.pk]))
    assert response.status_code == 403


def test_a_view_only_user_is_not_offered_revoke_and_cannot_post_it(client, make_user):
    from django.contrib.auth.models import Permission

    user = make_user("viewer")
    user.user_permissions.add(Permission.objects.get(codename="view_apiclient"))
    api_client, token = api_client_create(name="to-keep", kind="service", scopes=["read"])
    client.force_login(user)
    url = reverse("admin:apiclients_apiclient_changelist")

    page = client.get(url)
    assert page.status_code == 200 and 'value="revoke"' not in page.content.decode()
    response = client.post(url, {"action": "revoke", "index": 0, "_selected_action": [api_client.pk]})

    api_client.refresh_from_db()
    assert response.status_code == 200 and api_client.revoked_at is None
    assert bearer(token).get("/api/v1/sources/").status_code == 200


@pytest.mark.parametrize("role", ["viewer", "analyst", "approver"])
def test_api_clients_are_for_superusers_only(client, make_user, role):
    client.force_login(make_user(role))
    assert client.get(reverse("admin:apiclients_apiclient_changelist")).status_code == 403
    assert client.get(reverse("admin:apiclients_apiclient_add")).status_code == 403
