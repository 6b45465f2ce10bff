"""
The screening endpoints: POST /api/v1/match/ (scope `match`) and GET /api/v1/search/ (scope `read`) on the
hand-written registry of tests/fixtures/screening/: access, the request and response shape the issue fixes,
threshold and limit, batch size, every kind of bad input (a 400 naming the problem, never a 500), pagination,
and query counts.
"""

import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from screening.api import MAX_QUERIES
from screening.service import DEFAULT_THRESHOLD
from tests.api.helpers import bearer, walk

pytestmark = pytest.mark.django_db

MATCH = "/api/v1/match/"
SEARCH = "/api/v1/search/"


def post(client, body):
    return client.post(MATCH, body, format="json")


def error_text(response) -> str:
    """The whole error body, for checking that it names the field and the problem."""
    return json.dumps(response.json(), ensure_ascii=False)


# --- Access -------------------------------------------------------------------------------------


def test_match_without_a_token_is_401(registry):
    client = APIClient()
    client.raise_request_exception = False
    response = client.post(MATCH, {"queries": [{"name": "Abu Hafs"}]}, format="json")
    assert response.status_code == 401


def test_match_with_a_bad_token_is_401(registry):
    response = post(bearer("not-a-token"), {"queries": [{"name": "Abu Hafs"}]})
    assert response.status_code == 401


def test_match_needs_the_match_scope(registry, read_api):
    response = post(read_api, {"queries": [{"name": "Abu Hafs"}]})
    assert response.status_code == 403
    assert "match" in response.json()["detail"]


def test_match_with_the_match_scope(registry, match_api):
    assert post(match_api, {"queries": [{"name": "Abu Hafs"}]}).status_code == 200


def test_search_needs_the_read_scope(registry, match_api, read_api):
    assert match_api.get(SEARCH, {"q": "Muhammad"}).status_code == 403
    assert read_api.get(SEARCH, {"q": "Muhammad"}).status_code == 200
    anonymous = APIClient()
    anonymous.raise_request_exception = False
    assert anonymous.get(SEARCH, {"q": "Muhammad"}).status_code == 401


def test_match_only_accepts_post(registry, match_api):
    assert match_api.get(MATCH).status_code == 405


# --- Shape --------------------------------------------------------------------------------------


def test_response_shape_and_order(registry, match_api):
    queries = [
        {"name": "Fajr Brigades", "kind": "organisation"},
        {"name": "Mohammed Abdul Karim Jizrawi", "kind": "person", "birth_date": "1971-05-03", "nationality": "IQ"},
        {"name": "Nobody Atall Known"},
        {"name": "Сергей Петрович Волкодавов", "birth_date": "1965", "nationality": "Russian Federation"},
    ]
    response = post(match_api, {"queries": queries})
    assert response.status_code == 200, response.content
    body = response.json()
    assert len(body["results"]) == len(queries)
    expected_first = [registry["QDe.901"].pk, registry["QDi.901"].pk, None, registry["QDi.902"].pk]
    for query, result, expected in zip(queries, body["results"], expected_first, strict=True):
        assert result["query"]["name"] == query["name"]
        candidates = result["candidates"]
        assert isinstance(candidates, list)
        scores = [candidate["score"] for candidate in candidates]
        assert scores == sorted(scores, reverse=True)
        for candidate in candidates:
            assert {"id", "caption", "score", "match", "explanation"} <= set(candidate)
            uuid.UUID(candidate["id"])
            assert isinstance(candidate["caption"], str) and candidate["caption"]
            assert isinstance(candidate["score"], float) and 0.0 <= candidate["score"] <= 1.0
            assert candidate["match"] is (candidate["score"] >= DEFAULT_THRESHOLD)
            name = candidate["explanation"]["name"]
            assert {"matched", "type", "score", "tokens"} <= set(name)
        if expected is None:
            assert not any(candidate["match"] for candidate in candidates)
        else:
            assert candidates[0]["id"] == str(expected)
            assert candidates[0]["match"] is True
    jizrawi = body["results"][1]["candidates"][0]
    assert jizrawi["caption"] == "MUHAMMAD ABD AL-KARIM AL-JIZRAWI"
    assert jizrawi["explanation"]["name"]["matched"] == "MUHAMMAD ABD AL-KARIM AL-JIZRAWI"
    assert jizrawi["explanation"]["birth_date"]["fits"] is True
    assert jizrawi["explanation"]["nationality"]["fits"] is True
    assert body["results"][0]["candidates"][0]["explanation"]["name"]["type"] == "weak_alias"
    assert body["results"][3]["candidates"][0]["explanation"]["birth_date"]["fits"] is True


def test_candidate_links_to_the_entity(registry, match_api, read_api):
    body = post(match_api, {"queries": [{"name": "Tariq Mahmud Zafarani"}]}).json()
    candidate = body["results"][0]["candidates"][0]
    assert candidate["id"] == str(registry["QDi.905"].pk)
    assert candidate["url"].endswith(f"/api/v1/entities/{candidate['id']}/")
    assert read_api.get(candidate["url"]).status_code == 200


def test_default_threshold_is_reported(registry, match_api):
    body = post(match_api, {"queries": [{"name": "Abu Hafs al-Shimali"}]}).json()
    assert body["threshold"] == DEFAULT_THRESHOLD


def test_threshold_is_honoured(registry, match_api):
    query = {"name": "Muhammad al-Jizrawi"}  # fully explained, but half the entity's name
    default = post(match_api, {"queries": [query]}).json()["results"][0]["candidates"]
    best = default[0]["score"]
    assert 0 < best < 1
    strict = post(match_api, {"queries": [query], "threshold": 1.0}).json()
    assert strict["threshold"] == 1.0
    assert not any(candidate["match"] for candidate in strict["results"][0]["candidates"])
    exact = post(match_api, {"queries": [query], "threshold": best}).json()["results"][0]["candidates"]
    assert exact[0]["match"] is True
    lenient = post(match_api, {"queries": [query], "threshold": 0}).json()["results"][0]["candidates"]
    assert len(lenient) > 1 and all(candidate["match"] for candidate in lenient)


@pytest.mark.parametrize("limit", [1, 2, 50])
def test_limit_is_honoured(registry, match_api, limit):
    body = post(match_api, {"queries": [{"name": "Muhammad al-Jizrawi"}], "limit": limit}).json()
    candidates = body["results"][0]["candidates"]
    assert 1 <= len(candidates) <= limit
    everything = post(match_api, {"queries": [{"name": "Muhammad al-Jizrawi"}], "limit": 50}).json()
    assert candidates == everything["results"][0]["candidates"][:limit]


def test_a_batch_of_the_maximum_size(registry, match_api):
    names = ["Abu Hafs al-Shimali", "Fajr Brigades", "Sergey Volkodavov", "Nobody Known"]
    queries = [{"name": names[i % len(names)]} for i in range(MAX_QUERIES)]
    assert MAX_QUERIES == 100
    response = post(match_api, {"queries": queries})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [result["query"]["name"] for result in results] == [query["name"] for query in queries]


def test_a_batch_over_the_maximum_is_400(registry, match_api):
    response = post(match_api, {"queries": [{"name": "Abu Hafs"}] * (MAX_QUERIES + 1)})
    assert response.status_code == 400
    assert "queries" in response.json()
    assert "100" in error_text(response)


# --- Bad input ----------------------------------------------------------------------------------

GOOD = {"name": "Muhammad al-Jizrawi"}

BAD_QUERIES = [
    # (one query of the batch, the field the 400 must name, a word of the message)
    ({"name": ""}, "name", "blank"),
    ({"name": "   "}, "name", "empty"),
    ({"name": " \t\n "}, "name", "empty"),
    ({"name": "x" * 10_000}, "name", "300"),
    ({"name": "Abu\x00Hafs"}, "name", "null character"),
    ({"name": "Abu Hafs\x07"}, "name", "control"),
    ({"name": "\x1b[31mAbu Hafs"}, "name", "control"),
    ({"name": "Abu\x85Hafs"}, "name", "control"),
    ({"name": None}, "name", "null"),
    ({"name": ["Abu", "Hafs"]}, "name", "string"),
    ({}, "name", "required"),
    ({"name": "Abu Hafs", "kind": "vessel"}, "kind", "valid choice"),
    ({"name": "Abu Hafs", "kind": ""}, "kind", "valid choice"),
    ({"name": "Abu Hafs", "kind": "PERSON"}, "kind", "valid choice"),
    ({"name": "Abu Hafs", "birth_date": "1971-13-40"}, "birth_date", "YYYY-MM-DD"),
    ({"name": "Abu Hafs", "birth_date": "1971-02-30"}, "birth_date", "YYYY-MM-DD"),
    ({"name": "Abu Hafs", "birth_date": "71"}, "birth_date", "YYYY"),
    ({"name": "Abu Hafs", "birth_date": "abc"}, "birth_date", "YYYY"),
    ({"name": "Abu Hafs", "birth_date": "03/05/1971"}, "birth_date", "YYYY"),
    ({"name": "Abu Hafs", "nationality": "x" * 101}, "nationality", "100"),
]


@pytest.mark.parametrize(("query", "field", "word"), BAD_QUERIES)
def test_a_bad_query_is_a_400_naming_the_field(registry, match_api, query, field, word):
    response = post(match_api, {"queries": [GOOD, query]})
    assert response.status_code == 400, response.content[:300]
    errors = response.json()["queries"]
    assert set(errors) == {"1"}, errors  # the second query, and only that one
    assert field in errors["1"]
    assert word.lower() in " ".join(errors["1"][field]).lower()




@pytest.mark.parametrize(
    "birth_date",
    [
        ("19711"),
        ("1971-05-03x"),
        ("x1971"),
        ("born 1971"),
    ],
)
def test_a_malformed_date_with_four_digits_in_it_is_a_400(registry, match_api, birth_date):
    response = post(match_api, {"queries": [{"name": "Muhammad al-Jizrawi", "birth_date": birth_date}]})
    assert response.status_code == 400, response.status_code
    assert "birth_date" in response.json()["queries"]["0"]


BAD_BODIES = [
    # (request body, the key the 400 must name)
    ({"queries": "Abu Hafs"}, "queries"),
    ({"queries": {"name": "Abu Hafs"}}, "queries"),
    ({"queries": 5}, "queries"),
    ({"queries": None}, "queries"),
    ({"queries": []}, "queries"),
    ({"queries": ["Abu Hafs"]}, "queries"),
    ({"queries": [None]}, "queries"),
    ({}, "queries"),
    ({"name": "Abu Hafs"}, "queries"),
    ({"queries": [GOOD], "threshold": -0.1}, "threshold"),
    ({"queries": [GOOD], "threshold": 1.01}, "threshold"),
    ({"queries": [GOOD], "threshold": 80}, "threshold"),
    ({"queries": [GOOD], "threshold": "high"}, "threshold"),
    ({"queries": [GOOD], "threshold": None}, "threshold"),
    ({"queries": [GOOD], "limit": 0}, "limit"),
    ({"queries": [GOOD], "limit": 51}, "limit"),
    ({"queries": [GOOD], "limit": -1}, "limit"),
    ({"queries": [GOOD], "limit": "many"}, "limit"),
    ({"queries": [GOOD], "limit": 1.5}, "limit"),
]


@pytest.mark.parametrize(("body", "key"), BAD_BODIES)
def test_a_bad_body_is_a_400_naming_the_problem(registry, match_api, body, key):
    response = post(match_api, body)
    assert response.status_code == 400, response.content[:300]
    assert key in response.json()
    assert response.json()[key]


@pytest.mark.parametrize(
    ("raw", "content_type"),
    [
        ("not json", "application/json"),
        ('{"queries": [{"name": "Abu Hafs"}]', "application/json"),  # truncated
        ('{"queries": [{"name": "Abu Hafs"}], "threshold": NaN}', "application/json"),
        ('{"queries": [{"name": "Abu Hafs"}], "threshold": Infinity}', "application/json"),
        ("", "application/json"),
        (b"\xff\xfe{", "application/json"),
    ],
)
def test_a_body_that_is_not_json_is_a_400(registry, match_api, raw, content_type):
    response = match_api.post(MATCH, data=raw, content_type=content_type)
    assert response.status_code == 400, response.content[:300]
    assert response.json()


def test_a_json_list_body_is_a_400(registry, match_api):
    response = match_api.post(MATCH, data=json.dumps([{"name": "Abu Hafs"}]), content_type="application/json")
    assert response.status_code == 400
    assert "dictionary" in error_text(response).lower() or "object" in error_text(response).lower()


def test_a_form_body_is_not_a_500(registry, match_api):
    response = match_api.post(MATCH, data={"queries": "Abu Hafs"})
    assert response.status_code in (400, 415)


def test_odd_but_valid_names_are_answered(registry, match_api):
    """Names that are no name at all, or only symbols, get an empty answer rather than an error."""
    names = ["!!!", "\u200b", "12345", "金正恩", "x" * 300, "Muhammad\u2028al-Jizrawi", "Abu\tHafs\nal-Shimali"]
    response = post(match_api, {"queries": [{"name": name} for name in names]})
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == len(names)
    assert results[0]["candidates"] == []
    assert results[-1]["candidates"][0]["id"] == str(registry["QDi.901"].pk)


def test_optional_fields_may_be_null_or_blank(registry, match_api):
    query = {"name": "Abu Hafs al-Shimali", "kind": None, "birth_date": None, "nationality": None}
    blank = {"name": "Abu Hafs al-Shimali", "birth_date": "", "nationality": ""}
    year_as_number = {"name": "Abu Hafs al-Shimali", "birth_date": 1971}
    response = post(match_api, {"queries": [query, blank, year_as_number]})
    assert response.status_code == 200
    for result in response.json()["results"]:
        assert result["candidates"][0]["id"] == str(registry["QDi.901"].pk)


def test_unknown_nationality_is_answered_without_a_nationality_effect(registry, match_api):
    response = post(match_api, {"queries": [{"name": "Abu Hafs al-Shimali", "nationality": "Atlantis"}]})
    assert response.status_code == 200
    assert "nationality" not in response.json()["results"][0]["candidates"][0]["explanation"]


# --- Search -------------------------------------------------------------------------------------


def test_search_finds_and_explains(registry, read_api):
    response = read_api.get(SEARCH, {"q": "Abu Karim Jizrawi"})
    assert response.status_code == 200
    body = response.json()
    assert {"count", "next", "results"} <= set(body)
    assert body["results"][0]["id"] == str(registry["QDi.901"].pk)
    assert body["results"][0]["match"] is True
    assert body["results"][0]["explanation"]["name"]["type"] == "alias"
    assert body["count"] == len(body["results"])
    assert body["next"] is None


def test_search_is_paginated(registry, read_api):
    whole = read_api.get(SEARCH, {"q": "Muhammad al-Jizrawi"}).json()
    assert whole["count"] >= 3
    results, pages = walk(read_api, f"{SEARCH}?q=Muhammad+al-Jizrawi&page_size=1")
    assert len(pages) == whole["count"]
    assert all(len(page["results"]) == 1 and page["count"] == whole["count"] for page in pages)
    assert [r["id"] for r in results] == [r["id"] for r in whole["results"]]
    assert pages[-1]["next"] is None
    assert "page=2" in pages[0]["next"] and "page_size=1" in pages[0]["next"] and "q=" in pages[0]["next"]
    second = read_api.get(SEARCH, {"q": "Muhammad al-Jizrawi", "page": 2, "page_size": 2}).json()
    assert [r["id"] for r in second["results"]] == [r["id"] for r in whole["results"][2:4]]
    beyond = read_api.get(SEARCH, {"q": "Muhammad al-Jizrawi", "page": 99}).json()
    assert beyond["results"] == [] and beyond["next"] is None


def test_search_kind_and_threshold(registry, read_api):
    people = read_api.get(SEARCH, {"q": "al-Jizrawi", "kind": "person"}).json()["results"]
    assert people and {r["kind"] for r in people} == {"person"}
    organisations = read_api.get(SEARCH, {"q": "al-Jizrawi", "kind": "organisation"}).json()["results"]
    assert organisations and {r["kind"] for r in organisations} == {"organisation"}
    lenient = read_api.get(SEARCH, {"q": "al-Jizrawi", "threshold": "0"}).json()["results"]
    assert lenient and all(r["match"] for r in lenient)


BAD_SEARCHES = [
    # (query parameters, the parameter the 400 must name)
    ({}, "q"),
    ({"q": ""}, "q"),
    ({"q": "   "}, "q"),
    ({"q": "x" * 10_000}, "q"),
    ({"q": "Abu\x00Hafs"}, "q"),
    ({"q": "Abu\x1bHafs"}, "q"),
    ({"q": "Abu Hafs", "kind": "vessel"}, "kind"),
    ({"q": "Abu Hafs", "page": "0"}, "page"),
    ({"q": "Abu Hafs", "page": "-1"}, "page"),
    ({"q": "Abu Hafs", "page": "abc"}, "page"),
    ({"q": "Abu Hafs", "page": "1.5"}, "page"),
    ({"q": "Abu Hafs", "page_size": "0"}, "page_size"),
    ({"q": "Abu Hafs", "page_size": "101"}, "page_size"),
    ({"q": "Abu Hafs", "page_size": "ten"}, "page_size"),
    ({"q": "Abu Hafs", "threshold": "2"}, "threshold"),
    ({"q": "Abu Hafs", "threshold": "-0.5"}, "threshold"),
    ({"q": "Abu Hafs", "threshold": "high"}, "threshold"),
    ({"q": "Abu Hafs", "threshold": "nan"}, "threshold"),
    ({"q": "Abu Hafs", "threshold": "inf"}, "threshold"),
    ({"q": "Abu Hafs", "limit": "5"}, "limit"),  # not a parameter of the search
    ({"q": "Abu Hafs", "name": "Abu Hafs"}, "name"),
]


@pytest.mark.parametrize(("params", "key"), BAD_SEARCHES)
def test_bad_search_parameters_are_a_400_naming_the_parameter(registry, read_api, params, key):
    response = read_api.get(SEARCH, params)
    assert response.status_code == 400, response.content[:300]
    assert key in response.json()
    assert response.json()[key]


# --- Query counts -------------------------------------------------------------------------------


def count_queries(client, body) -> int:
    with CaptureQueriesContext(connection) as context:
        response = post(client, body)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_match_query_count_grows_linearly_and_bounded(registry, match_api):
    query = {"name": "Muhammad Rashid Qudsi", "birth_date": "1980", "nationality": "Jordan"}
    post(match_api, {"queries": [query]})  # the client's first request may write its last-used time
    one = count_queries(match_api, {"queries": [query]})
    two = count_queries(match_api, {"queries": [query] * 2})
    ten = count_queries(match_api, {"queries": [query] * 10})
    per_query = two - one
    assert 1 <= per_query <= 7  # key frequencies, index rows, entities, names, birth dates, nationalities
    assert ten == one + 9 * per_query
    assert one - per_query <= 3  # what the request costs besides screening: the token lookup


def test_match_query_count_is_bounded_for_any_batch(registry, match_api):
    names = ["Abu Hafs al-Shimali", "Fajr Brigades", "Voklodavov Mikolaos", "!!!", "Muhammad", "Сергей Волкодавов",
             "Sunrise Trading", "Husayn Ali", "New Dawn", "Tariq Zafarani"]
    post(match_api, {"queries": [{"name": "warm"}]})
    count = count_queries(match_api, {"queries": [{"name": name} for name in names]})
    assert count <= 3 + 7 * len(names)


def test_search_query_count_is_fixed(registry, read_api):
    read_api.get(SEARCH, {"q": "warm"})
    counts = []
    for q in ["Muhammad", "Muhammad al-Jizrawi", "Abu Hafs al-Shimali"]:
        with CaptureQueriesContext(connection) as context:
            assert read_api.get(SEARCH, {"q": q}).status_code == 200
        counts.append(len(context.captured_queries))
    assert max(counts) <= 3 + 7
