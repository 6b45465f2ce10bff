from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apiclients.choices import ClientKind
from apiclients.services import ClientError, api_client_create
from partners.models import Partner


class Command(BaseCommand):
    help = "Create an API client and print its token (alone, on the last line). The token is shown only once."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--kind", choices=ClientKind.values, default=ClientKind.SERVICE)
        parser.add_argument("--scopes", default="read",
                            help="Comma-separated: read, match, submit, internal, curate.")
        parser.add_argument("--user", default="", help="The username a client with the curate scope acts for.")
        parser.add_argument("--partner", default="", help="The expert partner (by name) a client of kind partner "
                                                             "submits for.")
        parser.add_argument("--expires-in-days", type=int, default=365, help="0: the token never expires.")
        parser.add_argument("--contact", default="")

    def handle(self, *args, name, kind, scopes, expires_in_days, contact, user, partner, **options):
        expires_at = timezone.now() + timedelta(days=expires_in_days) if expires_in_days > 0 else None
        person = None
        if user:
            person = get_user_model().objects.filter(username=user).first()
            if person is None:
                raise CommandError(f"No user is named {user!r}.")
        organisation = None
        if partner:
            organisation = Partner.objects.filter(name=partner).first()
            if organisation is None:
                raise CommandError(f"No partner is named {partner!r}.")
        try:
            client, token = api_client_create(
                name=name, kind=kind, scopes=[s.strip() for s in scopes.split(",") if s.strip()],
                expires_at=expires_at, contact=contact, user=person, partner=organisation,
            )
        except ClientError as error:
            raise CommandError(str(error)) from error
        expiry = f"expires {client.expires_at:%Y-%m-%d}" if client.expires_at else "never expires"
        scopes = ", ".join(client.scopes)
        self.stdout.write(f"Created API client {client.name} ({client.kind}; scopes {scopes}; {expiry}).")
        self.stdout.write("The token below is shown once and cannot be recovered: store it now.")
        self.stdout.write(token)
