"""
Create, or show again, the logins of a first run (``bin/run`` calls this).

The first time, it creates the superuser ``admin`` and one demo user for each curation role (``viewer``,
``analyst``, ``approver``, and a second approver, ``approver2``, so that four-eyes can be tried between
approvers too), each with a random password kept in ``var/`` (``admin-password.txt``,
``viewer-password.txt``, …; readable by their owner only), and a demo expert partner, "Demo Partner", with
one portal user, ``partner`` (not staff: the portal at /partners/, never the admin), and prints the logins.
Later runs create nothing and print the same logins again. ADMIN_USERNAME and ADMIN_PASSWORD, when set,
choose the superuser's username and password instead. It never resets a password that someone changed since:
it says so and how to reset it.
``--no-demo-users`` creates only the superuser.
"""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from partners.models import Partner, PartnerMember

# (username, role: the group of that name made by entities/migrations/0008_roles.py, what the role may do)
DEMO_USERS = [
    ("viewer", "viewer", "reads everything, changes nothing"),
    ("analyst", "analyst", "proposes; edits notes, names, evidence, links"),
    ("approver", "approver", "an analyst who also decides others' proposals"),
    ("approver2", "approver", "another approver: four-eyes between two"),
]
NOT_SHOWN = "(not shown: the one you set)"
DEMO_PARTNER = {"name": "Demo Partner", "country": "KE", "contact_name": "Demo contact",
                "contact_email": "demo-partner@example.org"}
DEMO_PARTNER_USER = "partner"


class Command(BaseCommand):
    help = ("Create the first-run superuser and one demo user per role (or show their logins again) and print "
            "the usernames, passwords and admin URL.")

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/admin/", help="The admin URL to print.")
        parser.add_argument("--no-demo-users", action="store_true", help="Create only the superuser.")

    def handle(self, *args, url, no_demo_users, **options):
        username = os.environ.get("ADMIN_USERNAME") or "admin"
        chosen = os.environ.get("ADMIN_PASSWORD", "")
        password = self.login(username, "admin-password.txt", chosen=chosen, superuser=True)
        shown = "(from ADMIN_PASSWORD)" if chosen else password
        self.stdout.write(f"Admin login:  {url}\n  username: {username}\n  password: {shown}")
        if no_demo_users:
            return
        demo_users = [(demo, self.login(demo, f"{demo}-password.txt", role=role), can)
                      for demo, role, can in DEMO_USERS if demo != username]
        self.stdout.write("Demo users, one per role (same URL):")
        for demo, password, can in demo_users:
            self.stdout.write(f"  {demo:<10} password: {password:<25} {can}")
        portal = url.rstrip("/").removesuffix("/admin") + "/partners/"
        password = self.login(DEMO_PARTNER_USER, f"{DEMO_PARTNER_USER}-password.txt", role="partner")
        self.stdout.write(f"Demo expert partner ({DEMO_PARTNER['name']}), its portal: {portal}\n"
                          f"  {DEMO_PARTNER_USER:<10} password: {password:<25} submits and answers; no admin")

    def login(self, username: str, filename: str, *, chosen: str = "", superuser: bool = False,
              role: str = "") -> str:
        """Create ``username`` the first time, its password kept in var/``filename``; return the password to show."""
        password_file = Path(settings.VAR_DIR) / filename
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            password = chosen or secrets.token_urlsafe(18)
            if superuser:
                User.objects.create_superuser(username=username, email="", password=password)
            else:
                group = Group.objects.filter(name=role).first()
                if group is None:
                    raise CommandError(f"The group {role!r} does not exist: run the migrations first "
                                       "(entities/migrations/0008_roles.py creates the roles).")
                partner = role == "partner"
                user = User.objects.create_user(username=username, password=password, is_staff=not partner,
                                                email=f"{username}@example.org" if partner else "")
                user.groups.add(group)
                if partner:
                    organisation, _ = Partner.objects.get_or_create(name=DEMO_PARTNER["name"], defaults=DEMO_PARTNER)
                    PartnerMember.objects.create(user=user, partner=organisation)
            if not chosen:
                write_private(password_file, password)
            created = "the superuser" if superuser else f"the demo {role}"
            self.stdout.write(self.style.SUCCESS(f"Created {created} {username!r}."))
            return password
        if chosen:
            if not user.check_password(chosen):
                user.set_password(chosen)
                user.save(update_fields=["password"])
                self.stdout.write(self.style.WARNING(f"Set the password of {username!r} from ADMIN_PASSWORD."))
            return chosen
        password = password_file.read_text().strip() if password_file.is_file() else ""
        if not password or not user.check_password(password):
            self.stdout.write(self.style.WARNING(
                f"The user {username!r} exists but its password is not the one in {password_file} (it was "
                f"changed, or set up elsewhere). Log in with your own password, or reset it with: "
                f"python manage.py changepassword {username}"
            ))
            return NOT_SHOWN
        return password


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that only the file's owner can read it (mode 600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text + "\n")
    path.chmod(0o600)
