"""
Who may call the API: bearer tokens (missing, bad, revoked, expired), scopes, per-kind rate limits, and the
routes that need no token (health probes, OpenAPI schema, docs).
"""

import json
import re
import socket
import time
import uuid
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from apiclients.models import ApiClient, hash_token
from apiclients.services import api_client_revoke
from tests.api.helpers import bearer

pytestmark = pytest.mark.django_db

# Every /api/v1/ route; {entity} and {run} are filled in from the registry.
ENDPOINTS = [
    "/api/v1/entities/",
    "/api/v1/entities/{entity}/",
    "/api/v1/changes/",
    "/api/v1/export/?format=jsonl",
    "/api/v1/sources/",
    "/api/v1/sources/un-sc/",
    "/api/v1/import-runs/",
    "/api/v1/import-runs/{run}/",
]


@pytest.fixture
def urls(registry):
    from importers.models import ImportRun

    fill = {"entity": registry["QDi.801"].pk, "run": ImportRun.objects.get().pk}
    return [url.format(**fill) for url in ENDPOINTS]


def read(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_every_endpoint_answers_a_read_client(api, urls):
    for url in urls:
        response = api.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        assert read(response)


def test_no_token_is_401_with_a_bearer_challenge(urls):
    client = APIClient()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 401, url
        assert response.headers["WWW-Authenticate"].startswith("Bearer"), url
        assert "credentials were not provided" in response.json()["detail"]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Bearer der_this-token-was-never-issued", "The token is not valid."),
        ("Bearer", "Send the token as 'Authorization: Bearer <token>'"),
        ("Bearer two parts", "Send the token as 'Authorization: Bearer <token>'"),
        ("bearer der_lower-case-keyword-is-accepted-but-token-unknown", "The token is not valid."),
        ("Bearer dér_not_ascii", "The token is not valid."),
    ],
)
def test_bad_token_is_401_with_a_message(urls, header, message):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header.encode("utf-8").decode("latin-1"))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 401, url
        assert message in response.json()["detail"]
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_other_authorization_schemes_are_treated_as_no_token(urls, make_client):
    _, token = make_client()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.get(urls[0])
    assert response.status_code == 401
    assert "credentials were not provided" in response.json()["detail"]


def test_revoked_token_is_401(urls, make_client):
    client, token = make_client()
    api = bearer(token)
    assert api.get(urls[0]).status_code == 200
    api_client_revoke(client=client, reason="test")
    for url in urls:
        response = api.get(url)
        assert response.status_code == 401, url
        assert response.json()["detail"] == "The token has been revoked."


def test_the_client_of_a_token_is_cached_between_requests(urls, make_client):
    _, token = make_client()
    api = bearer(token)
    assert api.get(urls[0]).status_code == 200  # reads the client, stamps last_used_at
    with CaptureQueriesContext(connection) as queries:
        assert api.get(urls[0]).status_code == 200
    assert not [query for query in queries if "apiclients_apiclient" in query["sql"]]


def test_scope_and_expiry_changes_take_effect_on_the_next_request(urls, make_client):
    client, token = make_client(scopes=("read", "match"))
    api = bearer(token)
    assert api.get(urls[0]).status_code == 200
    client.scopes = ["match"]
    client.save()
    assert api.get(urls[0]).status_code == 403
    client.scopes = ["read"]
    client.save()
    assert api.get(urls[0]).status_code == 200
    client.expires_at = timezone.now() - timedelta(seconds=1)
    client.save()
    assert api.get(urls[0]).json()["detail"] == "The token has expired."


def test_expired_token_is_401_and_a_future_expiry_works(urls, make_client):
    _, expired = make_client(expires_at=timezone.now() - timedelta(seconds=1))
    _, valid = make_client(expires_at=timezone.now() + timedelta(hours=1))
    for url in urls:
        response = bearer(expired).get(url)
        assert response.status_code == 401, url
        assert response.json()["detail"] == "The token has expired."
    assert bearer(valid).get(urls[0]).status_code == 200


@pytest.mark.parametrize(("kind", "scopes"), [("service", ("match",)), ("partner", ("submit",)),
                                             ("partner", ("match", "submit"))])
def test_token_without_read_scope_is_403_naming_the_scope(urls, make_client, kind, scopes):
    _, token = make_client(kind=kind, scopes=scopes)
    for url in urls:
        response = bearer(token).get(url)
        assert response.status_code == 403, url
        assert "'read' scope" in response.json()["detail"]


def test_a_request_stamps_last_used_at(urls, make_client):
    client, token = make_client()
    assert client.last_used_at is None
    bearer(token).get(urls[0])
    client.refresh_from_db()
    assert client.last_used_at is not None
    assert timezone.now() - client.last_used_at < timedelta(minutes=1)


# --- Rate limits ----------------------------------------------------------------------------------


def start_of_window(period: int):
    """A count restarts with each window: do not begin a test in the last seconds of one."""
    if time.time() % period > period - 4:
        time.sleep(period - time.time() % period + 0.05)


@pytest.fixture
def low_limits(settings):
    settings.API_RATE_LIMITS = {"researcher": "3/hour", "partner": "3/hour", "service": "1000/hour"}
    start_of_window(3600)


@pytest.mark.parametrize(("rate", "period"), [("3/min", 60), ("3/hour", 3600), ("3/day", 86400)])
def test_fourth_request_of_a_researcher_is_429_with_retry_after(settings, urls, make_client, rate, period):
    settings.API_RATE_LIMITS = {"researcher": rate, "service": "1000/min"}
    start_of_window(period)
    _, token = make_client(kind="researcher")
    api = bearer(token)
    for url in urls[:3]:
        assert api.get(url).status_code == 200, url
    response = api.get(urls[3])
    assert response.status_code == 429
    retry_after = int(response.headers["Retry-After"])
    assert 1 <= retry_after <= period + 1
    assert "throttled" in response.json()["detail"].lower()
    # Every endpoint is limited, not just the one that tipped the count.
    assert api.get(urls[0]).status_code == 429


def test_the_limit_store_can_be_redis(settings, urls, make_client):
    if not port_open(6379):
        pytest.skip("Redis is not listening on 127.0.0.1:6379")
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:6379/15", "KEY_PREFIX": f"test-{uuid.uuid4()}"}}
    settings.API_RATE_LIMITS = {"researcher": "3/hour", "service": "1000/hour"}
    start_of_window(3600)
    _, token = make_client(kind="researcher")
    _, service = make_client(kind="service")
    for _ in range(3):
        assert bearer(token).get(urls[0]).status_code == 200
    assert bearer(token).get(urls[0]).status_code == 429
    for _ in range(5):
        assert bearer(service).get(urls[0]).status_code == 200
    # The client cached in Redis goes with its revocation.
    client = ApiClient.objects.get(token_hash=hash_token(service))
    api_client_revoke(client=client, reason="test")
    assert bearer(service).get(urls[0]).status_code == 401


def test_limits_are_per_client_and_by_kind(low_limits, urls, make_client):
    _, researcher = make_client(kind="researcher")
    _, other_researcher = make_client(kind="researcher")
    _, service = make_client(kind="service")
    for _ in range(3):
        assert bearer(researcher).get(urls[0]).status_code == 200
    assert bearer(researcher).get(urls[0]).status_code == 429
    assert bearer(other_researcher).get(urls[0]).status_code == 200
    for _ in range(10):
        assert bearer(service).get(urls[0]).status_code == 200


def test_an_empty_rate_means_no_limit(settings, urls, make_client):
    settings.API_RATE_LIMITS = {"researcher": "", "service": "1/hour"}
    _, token = make_client(kind="researcher")
    for _ in range(5):
        assert bearer(token).get(urls[0]).status_code == 200


def test_rejected_tokens_do_not_touch_the_limit_of_real_clients(low_limits, urls, make_client):
    _, token = make_client(kind="researcher")
    for _ in range(5):
        assert APIClient().get(urls[0]).status_code == 401
    for _ in range(3):
        assert bearer(token).get(urls[0]).status_code == 200


# --- Routes without a token -----------------------------------------------------------------------


def test_healthz_needs_no_token(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_reports_the_database(client, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_readyz_reports_a_reachable_broker(client, settings):
    if not port_open(5672):
        pytest.skip("RabbitMQ is not listening on 127.0.0.1:5672")
    settings.CELERY_BROKER_URL = "amqp://guest:guest@127.0.0.1:5672//"
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["checks"] == {"database": "ok", "broker": "ok"}


def test_readyz_is_503_when_the_broker_is_down(client, settings):
    with socket.socket() as sock:  # a port nothing listens on: bound, then released
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.CELERY_BROKER_URL = f"amqp://guest:guest@127.0.0.1:{port}//"
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"].startswith("error:")


def schema(client) -> dict:
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_schema_is_openapi_3_with_every_path_and_needs_no_token(client):
    document = schema(client)
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"]
    paths = document["paths"]
    for path in ["/api/v1/entities/", "/api/v1/entities/{id}/", "/api/v1/entities/{id}/history/", "/api/v1/changes/",
                 "/api/v1/export/", "/api/v1/sources/", "/api/v1/sources/{slug}/", "/api/v1/import-runs/",
                 "/api/v1/import-runs/{id}/", "/api/v1/proposals/", "/api/v1/proposals/{id}/"]:
        assert "get" in paths[path], path
    for path in ["/api/v1/entities/", "/api/v1/entities/{id}/propose/", "/api/v1/entities/{id}/propose-delisting/",
                 *(f"/api/v1/proposals/{{id}}/{verb}/" for verb in ("review", "approve", "reject", "withdraw"))]:
        assert {"400", "403", "409"} <= set(paths[path]["post"]["responses"]), path
    # Every $ref resolves.
    components = document["components"]["schemas"]
    for ref in re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', json.dumps(document)):
        assert ref in components, ref
    list_parameters = {parameter["name"] for parameter in paths["/api/v1/entities/"]["get"]["parameters"]}
    assert {"kind", "status", "category", "regime", "nationality", "source", "updated_since", "listed_since", "q",
            "ordering", "cursor", "page_size"} <= list_parameters
    assert {"after", "limit"} <= {parameter["name"] for parameter in paths["/api/v1/changes/"]["get"]["parameters"]}


def test_schema_generates_without_warnings_and_validates(tmp_path):
    """Every view documents its responses and every enum has its own name (drf-spectacular's checks)."""
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert "/api/v1/search/" in (tmp_path / "schema.yml").read_text()


def test_schema_operations_are_well_formed(client):
    operation_ids = []
    for path, operations in schema(client)["paths"].items():
        declared = set(re.findall(r"{(\w+)}", path))
        for method, operation in operations.items():
            operation_ids.append(operation["operationId"])
            assert {"200", "201"} & set(operation["responses"]), (path, method)
            path_parameters = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert path_parameters == declared, (path, method)
            for parameter in operation.get("parameters", []):
                assert parameter["in"] in {"path", "query", "header", "cookie"}
                assert "schema" in parameter, (path, parameter["name"])
    assert len(operation_ids) == len(set(operation_ids)), "operationIds must be unique"


def test_schema_declares_the_bearer_token(client):
    document = schema(client)
    schemes = document.get("components", {}).get("securitySchemes", {})
    assert any(scheme.get("type") == "http" and scheme.get("scheme") == "bearer" for scheme in schemes.values())
    assert document["paths"]["/api/v1/entities/"]["get"].get("security")


def test_docs_need_no_token_and_load_nothing_from_off_site(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "SwaggerUIBundle" in html
    assert "/api/schema/" in html
    references = re.findall(r"<(?:script|link)\b[^>]*?\b(?:src|href)=[\"']([^\"']+)", html)
    assert references, "the page loads no script or style sheet at all"
    for reference in references:
        assert not re.match(r"(?i)^(?:[a-z]+:)?//", reference), f"off-site asset: {reference}"
        assert reference.startswith("/static/"), reference
        # ... and the file ships with an installed package, so the page works offline.
        assert finders.find(reference.removeprefix("/static/")), f"no static file for {reference}"
    assert not re.search(r"(?i)https?://(?!localhost|127\.0\.0\.1|testserver)", html)


def test_schema_and_docs_ignore_a_bad_token(client):
    client.defaults["HTTP_AUTHORIZATION"] = "Bearer nonsense"
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200
    assert client.get("/healthz").status_code == 200


def test_tokens_are_stored_only_as_their_sha256(make_client):
    import hashlib

    client, token = make_client()
    row = ApiClient.objects.filter(pk=client.pk).values().get()
    assert row["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert token not in json.dumps(row, default=str)
    history = list(ApiClient.history.filter(id=client.pk).values())
    assert history and token not in json.dumps(history, default=str)
