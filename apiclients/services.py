"""Creating and revoking API clients. The admin and the command line both call these."""

import secrets
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from apiclients.choices import ClientKind, Scope
from apiclients.models import ApiClient, hash_token
from entities.audit import Actor, save

COMMAND_LINE = Actor.of_system("command line")

TOKEN_PREFIX = "der_"


class ClientError(ValueError):
    """A client that cannot be created as asked; the message says why."""


@transaction.atomic
def api_client_create(
    *, name: str, kind: str, scopes: list[str], actor: Actor = COMMAND_LINE, expires_at: datetime | None = None,
    contact: str = "", user=None, partner=None,
) -> tuple[ApiClient, str]:
    """
    Create a client and return it with its token. The token is not stored and cannot be shown again. A client
    with the ``curate`` scope acts for a person (``user``): its proposals and decisions are that person's, with
    that person's roles, and four-eyes compares people. A client of kind ``partner`` submits for one expert
    partner (``partner``), and only such a client may hold the ``submit`` scope.
    """
    unknown = set(scopes) - set(Scope.values)
    if unknown or not scopes:
        raise ClientError(f"Scopes must be a non-empty subset of {', '.join(Scope.values)}; got {', '.join(scopes)}.")
    if Scope.CURATE in scopes and user is None:
        raise ClientError("A client with the curate scope acts for a person: give the user it acts for.")
    if (kind == ClientKind.PARTNER) != (partner is not None):
        raise ClientError("A client of kind partner belongs to one partner, and only such a client does: "
                          "give the partner (and the kind partner) together.")
    if Scope.SUBMIT in scopes and kind != ClientKind.PARTNER:
        raise ClientError("Only a client of kind partner may have the submit scope.")
    if ApiClient.objects.filter(name=name).exists():
        raise ClientError(f"An API client named {name!r} exists already.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    client = ApiClient(
        name=name, kind=kind, scopes=sorted(set(scopes)), token_hash=hash_token(token), token_prefix=token[:12],
        created_by=actor.person, expires_at=expires_at, contact=contact, user=user, partner=partner,
    )
    save(client, actor=actor, reason="Client created")
    return client, token


@transaction.atomic
def api_client_revoke(*, client: ApiClient, actor: Actor = COMMAND_LINE, reason: str = "Revoked") -> ApiClient:
    """Revoke the client's token at once. The client row stays, for the record."""
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        save(client, actor=actor, reason=reason)
    return client


@transaction.atomic
def api_client_update_contact(*, client: ApiClient, actor: Actor, contact: str) -> ApiClient:
    """Change who to call about the client: the one thing of a client that can be edited."""
    client.contact = contact
    save(client, actor=actor, reason="Contact changed", update_fields=["contact"])
    return client
