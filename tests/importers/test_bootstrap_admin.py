"""`manage.py bootstrap_admin` (bin/run's logins): the superuser and one demo user per role, created once."""

import re
import stat
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db
ROLES = {"viewer": "viewer", "analyst": "analyst", "approver": "approver", "approver2": "approver"}


@pytest.fixture
def var_dir(settings, tmp_path, monkeypatch):
    monkeypatch.delenv("ADMIN_USERNAME", raising=False)
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    settings.VAR_DIR = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast: not what is tested
    return tmp_path


def bootstrap(*options) -> tuple[str, dict[str, str]]:
    """Run the command; returns its output and the logins it printed, {username: password}."""
    out = StringIO()
    call_command("bootstrap_admin", "--url", "http://127.0.0.1:8731/admin/", *options, stdout=out)
    text = out.getvalue()
    logins = dict(re.findall(r"username: (\S+)\n  password: (\S+)", text))
    logins.update(re.findall(r"^  (\w+) +password: (\S+)", text, flags=re.MULTILINE))
    return text, logins


def test_it_creates_the_superuser_and_a_demo_user_per_role_once(var_dir, client):
    first, logins = bootstrap()
    again, same = bootstrap()

    assert set(logins) == {"admin", *ROLES, "partner"}
    assert same == logins
    assert first.count("Created ") == 6 and "Created " not in again
    assert "Admin login:  http://127.0.0.1:8731/admin/" in again
    assert "Demo expert partner (Demo Partner), its portal: http://127.0.0.1:8731/partners/" in again
    User = get_user_model()
    assert User.objects.count() == 6
    assert User.objects.get(username="admin").is_superuser
    for username, role in ROLES.items():
        user = User.objects.get(username=username)
        assert user.is_staff and not user.is_superuser
        assert list(user.groups.values_list("name", flat=True)) == [role]
        kept = var_dir / f"{username}-password.txt"
        assert kept.read_text().strip() == logins[username]
        assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE((var_dir / "admin-password.txt").stat().st_mode) == 0o600
    assert len(set(logins.values())) == 6  # each its own random password
    partner = User.objects.get(username="partner")
    assert not partner.is_staff and list(partner.groups.values_list("name", flat=True)) == ["partner"]
    assert partner.partner_membership.partner.name == "Demo Partner"
    assert stat.S_IMODE((var_dir / "partner-password.txt").stat().st_mode) == 0o600


def test_the_demo_partner_logs_in_to_the_portal_not_the_admin(var_dir, client):
    _, logins = bootstrap()
    assert client.login(username="partner", password=logins["partner"])
    assert client.get(reverse("admin:index")).status_code == 302  # to the admin's login: not staff


@pytest.mark.parametrize("username", [*ROLES, "admin"])
def test_each_login_works_in_the_admin(var_dir, client, username):
    _, logins = bootstrap()
    assert client.login(username=username, password=logins[username])
    assert client.get(reverse("admin:index")).status_code == 200


def test_each_demo_user_can_what_its_role_can(var_dir):
    bootstrap()
    users = {user.username: user for user in get_user_model().objects.all()}
    can = {name: (user.has_perm("entities.view_entity"), user.has_perm("entities.propose_entity"),
                  user.has_perm("entities.decide_entity")) for name, user in users.items()}
    assert can == {"admin": (True, True, True), "viewer": (True, False, False), "analyst": (True, True, False),
                   "approver": (True, True, True), "approver2": (True, True, True), "partner": (False, False, False)}


def test_a_changed_password_is_never_reset_nor_shown(var_dir):
    bootstrap()
    analyst = get_user_model().objects.get(username="analyst")
    analyst.set_password("chosen-by-the-analyst")
    analyst.save()

    text, logins = bootstrap()

    assert "The user 'analyst' exists but its password is not the one in" in text
    assert "(not shown: the one you set)" in text
    analyst.refresh_from_db()
    assert analyst.check_password("chosen-by-the-analyst")


def test_without_demo_users_only_the_superuser(var_dir):
    text, logins = bootstrap("--no-demo-users")
    assert set(logins) == {"admin"} and "Demo users" not in text
    assert get_user_model().objects.count() == 1
