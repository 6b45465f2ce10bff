"""Creating and revoking API clients. The admin and the command line both call these."""

import secrets
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from apiclients.choices import Scope
from apiclients.models import ApiClient, hash_token

TOKEN_PREFIX = "der_"


class ClientError(ValueError):
    """A client that cannot be created as asked; the message says why."""


@transaction.atomic
def api_client_create(
    *, name: str, kind: str, scopes: list[str], actor=None, expires_at: datetime | None = None, contact: str = ""
) -> tuple[ApiClient, str]:
    """Create a client and return it with its token. The token is not stored and cannot be shown again."""
    unknown = set(scopes) - set(Scope.values)
    if unknown or not scopes:
        raise ClientError(f"Scopes must be a non-empty subset of {', '.join(Scope.values)}; got {', '.join(scopes)}.")
    if ApiClient.objects.filter(name=name).exists():
        raise ClientError(f"An API client named {name!r} exists already.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    client = ApiClient(
        name=name, kind=kind, scopes=sorted(set(scopes)), token_hash=hash_token(token), token_prefix=token[:12],
        created_by=actor, expires_at=expires_at, contact=contact,
    )
    client._history_user = actor
    client._change_reason = "Client created"
    client.save()
    return client, token


@transaction.atomic
def api_client_revoke(*, client: ApiClient, actor=None, reason: str = "Revoked") -> ApiClient:
    """Revoke the client's token at once. The client row stays, for the record."""
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client._history_user = actor
        client._change_reason = reason
        client.save()
    return client
