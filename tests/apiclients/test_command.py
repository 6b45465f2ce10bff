"""`create_api_client`: the token alone on the last line, usable at once, stored only as its hash."""

import hashlib
import io
import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from apiclients.models import ApiClient
from tests.api.helpers import bearer

pytestmark = pytest.mark.django_db


def create(*args) -> tuple[str, list[str]]:
    out = io.StringIO()
    call_command("create_api_client", *args, stdout=out)
    lines = out.getvalue().splitlines()
    return lines[-1], lines


def test_prints_the_token_alone_on_the_last_line_and_it_works():
    token, lines = create("moderation-pipeline", "--kind", "service", "--scopes", "read,match")
    assert token == token.strip() and " " not in token and len(token) >= 40
    assert token not in "\n".join(lines[:-1]), "the token is printed once, on the last line only"
    client = ApiClient.objects.get(name="moderation-pipeline")
    assert client.kind == "service"
    assert client.scopes == ["match", "read"]
    assert client.expires_at is not None and client.expires_at > timezone.now() + timedelta(days=364)
    response = bearer(token).get("/api/v1/sources/")
    assert response.status_code == 200, response.content
    assert "un-sc" in [source["slug"] for source in response.json()]


def test_only_the_sha256_of_the_token_is_stored():
    token, _ = create("researcher-a", "--kind", "researcher", "--scopes", "read")
    row = ApiClient.objects.filter(name="researcher-a").values().get()
    assert row["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert token.startswith(row["token_prefix"]) and len(row["token_prefix"]) < len(token) // 2
    assert token not in json.dumps(row, default=str)
    for history_row in ApiClient.history.filter(name="researcher-a").values():
        assert token not in json.dumps(history_row, default=str)


def test_tokens_are_unique_per_client():
    first, _ = create("one")
    second, _ = create("two")
    assert first != second
    assert bearer(first).get("/api/v1/sources/").status_code == 200
    assert bearer(second).get("/api/v1/sources/").status_code == 200


def test_expires_in_days_zero_never_expires():
    create("forever", "--expires-in-days", "0")
    assert ApiClient.objects.get(name="forever").expires_at is None


def test_a_match_only_client_cannot_read():
    token, _ = create("matcher", "--scopes", "match")
    response = bearer(token).get("/api/v1/entities/")
    assert response.status_code == 403
    assert "'read'" in response.json()["detail"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x", "--scopes", "read,delete"], "Scopes must be"),
        (["x", "--scopes", ""], "Scopes must be"),
        (["x", "--scopes", " , "], "Scopes must be"),
    ],
)
def test_bad_scopes_are_refused(args, message):
    with pytest.raises(CommandError, match=message):
        create(*args)
    assert not ApiClient.objects.exists()


def test_a_taken_name_is_refused():
    create("taken")
    with pytest.raises(CommandError, match="exists already"):
        create("taken")
    assert ApiClient.objects.count() == 1


def test_an_unknown_kind_is_refused():
    with pytest.raises(CommandError):
        create("x", "--kind", "robot")
    assert not ApiClient.objects.exists()
