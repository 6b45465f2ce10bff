"""Bearer-token authentication for API clients."""

from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone
from rest_framework import authentication, exceptions

from apiclients.models import ApiClient, client_cache_key, hash_token

# last_used_at is for people, not for accounting: refresh it at most this often to spare a write per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)
# A token's client is kept in the cache between requests, to spare a query per request. ApiClient.save()
# deletes the entry, so a revocation is immediate where the cache is shared (Redis); with the in-process
# default cache, other worker processes notice it within this time.
CLIENT_CACHE_SECONDS = 30


class ClientPrincipal:
    """What ``request.user`` is for an API call: the client, standing in for a user."""

    is_authenticated = True
    is_anonymous = False
    is_staff = False
    is_superuser = False

    def __init__(self, client: ApiClient):
        self.client = client
        self.pk = None

    def __str__(self):
        return f"api-client:{self.client.name}"


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <token>``; a missing header is anonymous, a bad token is a 401."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() != self.keyword.lower():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send the token as 'Authorization: Bearer <token>', with no spaces.")
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("The token is not valid.") from None
        token_hash = hash_token(token)
        key = client_cache_key(token_hash)
        client = cache.get(key)
        if client is None:
            client = ApiClient.objects.filter(token_hash=token_hash).first()
            if client is None:
                raise exceptions.AuthenticationFailed("The token is not valid.")
            cache.set(key, client, CLIENT_CACHE_SECONDS)
        if client.revoked_at is not None:
            raise exceptions.AuthenticationFailed("The token has been revoked.")
        if client.expires_at is not None and client.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed("The token has expired.")
        now = timezone.now()
        if client.last_used_at is None or now - client.last_used_at > LAST_USED_RESOLUTION:
            ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
            client.last_used_at = now
            cache.set(key, client, CLIENT_CACHE_SECONDS)
        return ClientPrincipal(client), client

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'
