"""Partners in the admin: analysts manage them, and add portal users whose password is shown once."""

from django.contrib.auth import authenticate, get_user_model
from django.urls import reverse

from partners.models import PartnerMember
from tests.entities.admin_pages import html, messages_of, texts

User = get_user_model()


def add_portal_user(client, user, partner, username="bob", email="bob@example.org"):
    client.force_login(user)
    url = reverse("admin:partners_partner_portal_user", args=[partner.pk])
    return client.post(url, {"username": username, "email": email}, follow=True)


def test_the_partner_list_counts_portal_users_and_submissions(client, analyst, admin_partner, make_partner,
                                                              make_partner_user, admin_submit):
    make_partner("Partner B", country="KE")
    make_partner_user(admin_partner, "carol")
    admin_submit("Front One")
    admin_submit("Front Two")
    client.force_login(analyst)

    rows = texts(client.get(reverse("admin:partners_partner_changelist")), '//table[@id="result_list"]/tbody/tr')

    assert rows == ["Partner A - ops@example.org 2 2", "Partner B KE ops@example.org 0 0"]


def test_an_analyst_adds_a_portal_user_whose_password_is_shown_once(client, analyst, admin_partner):
    page = reverse("admin:partners_partner_change", args=[admin_partner.pk])
    client.force_login(analyst)
    assert html(client.get(page)).xpath(
        f'//a[@href="{reverse("admin:partners_partner_portal_user", args=[admin_partner.pk])}"]')

    response = add_portal_user(client, analyst, admin_partner)

    assert response.redirect_chain == [(page, 302)]
    [message] = messages_of(response)
    password = message.rsplit(": ", 1)[1]
    assert message.startswith("Portal user bob added to Partner A. Password, shown only this once")
    user = User.objects.get(username="bob")
    assert (user.email, user.is_staff, user.is_superuser) == ("bob@example.org", False, False)
    assert list(user.groups.values_list("name", flat=True)) == ["partner"]
    assert PartnerMember.objects.get(user=user).partner == admin_partner
    assert authenticate(username="bob", password=password) == user
    assert password not in client.get(page).content.decode()  # once only
    assert admin_partner.history.latest().history_change_reason == "Portal user bob added"


def test_a_taken_username_is_refused(client, analyst, admin_partner, make_partner_user):
    make_partner_user(admin_partner, "bob")

    response = add_portal_user(client, analyst, admin_partner, username="Bob")

    assert texts(response, '//p[@class="errornote"]') == ["The username 'Bob' is taken: choose another one."]
    assert User.objects.filter(username__iexact="bob").count() == 1


def test_a_viewer_cannot_add_portal_users(client, viewer, admin_partner):
    assert add_portal_user(client, viewer, admin_partner).status_code == 403
    assert not User.objects.filter(username="bob").exists()
