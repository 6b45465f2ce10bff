"""
Create, or show again, the admin login of a first run (``bin/run`` calls this).

The first time, it creates the superuser ``admin`` with a random password, keeps the password in
``var/admin-password.txt`` (readable by its owner only) and prints the login. Later runs print the same
login again. ADMIN_USERNAME and ADMIN_PASSWORD, when set, choose the username and password instead. It
never resets a password that someone changed since: it says so and how to reset it.
"""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the first-run superuser (or show its login again) and print the username, password and admin URL."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/admin/", help="The admin URL to print.")

    def handle(self, *args, url, **options):
        username = os.environ.get("ADMIN_USERNAME") or "admin"
        chosen = os.environ.get("ADMIN_PASSWORD", "")
        password_file = Path(settings.VAR_DIR) / "admin-password.txt"
        User = get_user_model()
        user = User.objects.filter(username=username).first()

        if user is None:
            password = chosen or secrets.token_urlsafe(18)
            User.objects.create_superuser(username=username, email="", password=password)
            if not chosen:
                write_private(password_file, password)
            self.stdout.write(self.style.SUCCESS(f"Created the superuser {username!r}."))
        elif chosen:
            password = chosen
            if not user.check_password(chosen):
                user.set_password(chosen)
                user.save(update_fields=["password"])
                self.stdout.write(self.style.WARNING(f"Set the password of {username!r} from ADMIN_PASSWORD."))
        else:
            password = password_file.read_text().strip() if password_file.is_file() else ""
            if not password or not user.check_password(password):
                self.stdout.write(self.style.WARNING(
                    f"The user {username!r} exists but its password is not the one in {password_file} (it was "
                    f"changed, or set up elsewhere). Log in with your own password, or reset it with: "
                    f"python manage.py changepassword {username}"
                ))
                password = "(not shown: the one you set)"

        shown = "(from ADMIN_PASSWORD)" if chosen else password
        self.stdout.write(f"Admin login:  {url}\n  username: {username}\n  password: {shown}")


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that only the file's owner can read it (mode 600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text + "\n")
    path.chmod(0o600)
