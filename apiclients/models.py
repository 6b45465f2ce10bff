import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.utils import timezone
from simple_history.models import HistoricalRecords

from apiclients.choices import ClientKind


def hash_token(token: str) -> str:
    """Tokens are 256-bit random strings, so a plain SHA-256 is enough to store them safely."""
    return hashlib.sha256(token.encode()).hexdigest()


def client_cache_key(token_hash: str) -> str:
    """Where authentication keeps the client of a token between requests (see apiclients.authentication)."""
    return f"api-client:{token_hash}"


class ApiClient(models.Model):
    """
    A service, researcher or partner allowed to call the API, with the scopes it may use.

    Its token is shown once, when it is created, and only its hash is stored. A client is revoked, never
    deleted, so its past use stays explainable.
    """

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=ClientKind.choices)
    scopes = models.JSONField(default=list, help_text="Any of: read, match, submit, internal, curate.")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_prefix = models.CharField(max_length=16, editable=False, help_text="The token's first characters.")
    contact = models.CharField(max_length=200, blank=True, help_text="Who to call about this client.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="api_clients",
        help_text="The person a client with the curate scope acts for: it has that person's roles.",
    )
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, null=True, blank=True, related_name="api_clients",
        help_text="The expert partner a client of kind partner submits for: it sees that partner's submissions only.",
    )
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: the token does not expire.")
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        ordering = ["name"]
        verbose_name = "API client"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # A revocation, an expiry or a scope change takes effect on the next request. Again at commit: a
        # request that read the row before it changed may have cached it meanwhile.
        key = client_cache_key(self.token_hash)
        cache.delete(key)
        transaction.on_commit(lambda: cache.delete(key))

    def delete(self, *args, **kwargs):
        cache.delete(client_cache_key(self.token_hash))
        return super().delete(*args, **kwargs)

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())
