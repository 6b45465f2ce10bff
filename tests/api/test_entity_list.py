"""
GET /api/v1/entities/: every filter, ordering, cursor pagination to the end in every ordering, bad input
answered with a 400 naming the parameter, nasty input never a 500, and a query count that does not grow
with the page size.
"""

import base64
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from entities.choices import NameType
from entities.models import Entity, Name
from entities.services import entity_propose_delisting, entity_update_policy, name_save, proposal_approve
from tests.api.conftest import V1_REFERENCES
from tests.api.helpers import walk
from tests.helpers import actor

pytestmark = pytest.mark.django_db
LIST = "/api/v1/entities/"


def references(api, query: str = "") -> list[str]:
    """The reference numbers of every entity the list gives for ``query``, in order, across every page."""
    results, _ = walk(api, f"{LIST}?{query}")
    return [ref for entity in results for ref in entity["reference_numbers"]]


def test_a_row_summarises_the_entity(api, registry):
    results, pages = walk(api, LIST)
    assert len(pages) == 1 and pages[0]["previous"] is None
    row = next(row for row in results if row["reference_numbers"] == ["QDi.801"])
    entity = registry["QDi.801"]
    assert row["id"] == str(entity.pk)
    assert row["url"] == f"http://testserver/api/v1/entities/{entity.pk}/"
    assert row["kind"] == "person"
    assert row["caption"] == "ABU FIXTURA AL-PROBANDI"
    assert (row["status"], row["state"]) == ("active", "designated")
    assert (row["category"], row["tier"]) == ("vei", None)
    assert row["first_listed"] == "2010-05-01"
    assert row["delisted_at"] is None
    assert row["regimes"] == ["Al-Qaida"]
    assert row["nationalities"] == ["IQ", "SY", "XK"]
    assert set(row) == {"id", "url", "kind", "caption", "status", "state", "category", "tier", "first_listed",
                        "delisted_at", "reference_numbers", "regimes", "nationalities", "updated_at"}


def test_default_order_is_by_caption(api, registry):
    results, _ = walk(api, LIST)
    captions = [row["caption"] for row in results]
    assert captions == sorted(captions)
    assert len(results) == len(V1_REFERENCES)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=person", {"QDi.801", "TAi.801", "QDi.802", "KPi.801"}),
        ("kind=organisation", {"QDe.801", "TAe.801", "CDe.801"}),
        ("category=vei", {"QDi.801", "TAi.801", "QDi.802"}),
        ("category=veo", {"QDe.801", "TAe.801"}),
        ("category=other", {"KPi.801", "CDe.801"}),
        ("regime=Al-Qaida", {"QDi.801", "QDi.802", "QDe.801"}),
        ("regime=al-qaida", {"QDi.801", "QDi.802", "QDe.801"}),
        ("regime=Taliban", {"TAi.801", "TAe.801"}),
        ("regime=Nowhere", set()),
        ("nationality=IQ", {"QDi.801"}),
        ("nationality=iq", {"QDi.801"}),
        ("nationality=XK", {"QDi.801"}),
        ("nationality=AF", {"TAi.801"}),
        ("nationality=KP", {"KPi.801"}),
        ("nationality=FR", set()),
        ("source=un-sc", V1_REFERENCES),
        ("listed_since=2011-07-01", {"QDe.801", "QDi.802"}),
        ("listed_since=2012-03-04", {"QDi.802"}),
        ("listed_since=2012-03-05", set()),
        ("status=active", V1_REFERENCES),
        ("status=delisted", set()),
        ("kind=person&regime=Al-Qaida", {"QDi.801", "QDi.802"}),
        ("kind=organisation&category=other&source=un-sc", {"CDe.801"}),
    ],
)
def test_filters(api, registry, query, expected):
    found = references(api, query)
    assert len(found) == len(set(found)), f"an entity appears twice for {query}"
    assert set(found) == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("Katibat", {"QDe.801"}),  # a strong alias
        ("old probe group", {"QDe.801"}),  # a former name, any case
        ("abu probe", {"QDi.801"}),  # a weak alias
        ("البروباندي", {"QDi.801"}),  # the original script
        ("SAMPLEZAI", {"TAi.801", "QDi.802"}),  # primary name of two, and an alias of one of them: no duplicates
        ("ÑANDÚ", {"KPi.801"}),
        ("QDi.802", {"QDi.802"}),  # a reference number
        ("qdi.802", {"QDi.802"}),
        ("  QDi.802  ", {"QDi.802"}),
        ("QDi.80", set()),  # reference numbers match whole, not by prefix
        ("nobody at all", set()),
        ("   ", V1_REFERENCES),  # blank: no filter
    ],
)
def test_q_finds_names_and_reference_numbers(api, registry, q, expected):
    found = references(api, f"q={q}")
    assert len(found) == len(set(found))
    assert set(found) == expected


def test_q_finds_an_analyst_name_only_for_whom_may_see_it(api, internal_api, registry, analyst):
    name = Name(entity=registry["CDe.801"], name_type=NameType.ALIAS, full_name="Zebra Holdings")
    name_save(name=name, actor=actor(analyst), reason="seen in a filing")
    assert set(references(internal_api, "q=zebra")) == {"CDe.801"}
    assert references(api, "q=zebra") == []  # an external client cannot probe for an internal name
    name.public = True
    name_save(name=name, actor=actor(analyst), reason="published in the annual report")
    assert set(references(api, "q=zebra")) == {"CDe.801"}


def test_status_filter_follows_delisting(api, registry, import_un, api_file, analyst, approver):
    import_un(api_file("v2.xml"))
    assert set(references(api, "status=delisted")) == {"TAe.801"}
    proposal = entity_propose_delisting(entity=registry["CDe.801"], actor=actor(analyst), reason="review")
    assert set(references(api, "status=delisted")) == {"TAe.801"}  # proposed, not decided
    proposal_approve(proposal=proposal, actor=actor(approver), reason="agreed")
    assert set(references(api, "status=delisted")) == {"TAe.801", "CDe.801"}
    assert "QDi.803" in references(api, "status=active")
    assert set(references(api, "status=designated")) == set(references(api, "status=active"))


def test_updated_since(api, registry, analyst):
    time.sleep(0.01)
    since = timezone.now()
    assert references(api, f"updated_since={since.isoformat().replace('+00:00', 'Z')}") == []
    entity_update_policy(entity=registry["QDe.801"], actor=actor(analyst), reason="note", analyst_notes="checked")
    assert references(api, f"updated_since={since.isoformat().replace('+00:00', 'Z')}") == ["QDe.801"]
    assert set(references(api, "updated_since=2000-01-01T00:00:00Z")) == V1_REFERENCES


@pytest.mark.parametrize(
    ("ordering", "key", "descending"),
    [
        ("caption", "caption", False),
        ("-caption", "caption", True),
        ("updated_at", "updated_at", False),
        ("-updated_at", "updated_at", True),
        ("created_at", "updated_at", False),
    ],
)
def test_ordering(api, registry, ordering, key, descending):
    results, _ = walk(api, f"{LIST}?ordering={ordering}")
    values = [row[key] for row in results]
    assert values == sorted(values, reverse=descending)
    assert len(results) == len(V1_REFERENCES)


@pytest.mark.parametrize("ordering", ["first_listed", "-first_listed"])
def test_ordering_by_the_nullable_first_listed_is_refused(api, registry, ordering):
    # A cursor cannot page past a null, so the list offers only orderings on fields that are never null.
    response = api.get(f"{LIST}?ordering={ordering}")
    assert response.status_code == 400 and "ordering" in response.json()


def walking_cases():
    for ordering in ["", "caption", "-caption", "caption,updated_at", "updated_at", "-updated_at", "created_at",
                     "-created_at"]:
        for page_size in (1, 2, 3):
            yield pytest.param(ordering, page_size, id=f"{ordering or 'default'}-{page_size}")


@pytest.mark.parametrize(("ordering", "page_size"), list(walking_cases()))
def test_walking_the_pages_gives_every_entity_exactly_once(api, registry, ordering, page_size):
    results, pages = walk(api, f"{LIST}?page_size={page_size}&ordering={ordering}")
    ids = [row["id"] for row in results]
    assert sorted(ids) == sorted(str(entity.pk) for entity in registry.values())
    assert all(len(page["results"]) <= page_size for page in pages)
    assert pages[-1]["next"] is None


@pytest.mark.parametrize(
    ("ordering", "page_size"),
    [*(("updated_at", size) for size in (1, 2, 3)),
     *(("caption", size) for size in (1, 2, 3))],
)
def test_walking_back_with_previous_gives_the_same_sequence(api, registry, ordering, page_size):
    forward, pages = walk(api, f"{LIST}?page_size={page_size}&ordering={ordering}")
    backward = list(pages[-1]["results"])
    url = pages[-1]["previous"]
    while url:
        page = api.get(url).json()
        backward = page["results"] + backward
        url = page["previous"]
    assert [row["id"] for row in backward] == [row["id"] for row in forward]


def test_default_and_maximum_page_sizes(api, registry):
    assert len(api.get(LIST).json()["results"]) == 7
    assert api.get(f"{LIST}?page_size=500").status_code == 200
    body = api.get(f"{LIST}?page_size=1").json()
    assert len(body["results"]) == 1 and body["next"]


# --- Bad input: a 400 that names the parameter ----------------------------------------------------


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("kind=robot", "kind"),
        ("status=gone", "status"),
        ("category=terrorist", "category"),
        ("updated_since=yesterday", "updated_since"),
        ("updated_since=2024-13-01T00:00:00Z", "updated_since"),
        ("listed_since=2020-02-30", "listed_since"),
        ("listed_since=2020-1-1x", "listed_since"),
        ("cursor=not-a-cursor", "cursor"),
        ("cursor=bz0tMQ", "cursor"),  # "o=-1": a negative offset
        ("page_size=0", "page_size"),
        ("page_size=501", "page_size"),
        ("page_size=abc", "page_size"),
        ("page_size=-1", "page_size"),
        ("page_size=", "page_size"),
        ("page_size=2.5", "page_size"),
        ("nationality=XYZ", "nationality"),
        ("nationality=Iraq", "nationality"),
        ("nationality=1Q", "nationality"),
        ("unknown=1", "unknown"),
        ("Kind=person", "Kind"),
        ("q=" + "x" * 201, "q"),
        ("q=" + "x" * 5000, "q"),
        ("q=a%00b", "q"),
        ("regime=a%00b", "regime"),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter(api, registry, query, parameter):
    response = api.get(f"{LIST}?{query}")
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert parameter in body, body
    assert body[parameter] and all(isinstance(message, str) and message for message in body[parameter])


def test_messages_say_how_to_fix_the_input(api, registry):
    assert "1 to 500" in api.get(f"{LIST}?page_size=0").json()["page_size"][0]
    assert "AF" in api.get(f"{LIST}?nationality=XYZ").json()["nationality"][0]
    assert "page_size" in api.get(f"{LIST}?pagesize=2").json()["pagesize"][0]  # lists the known parameters
    assert "200" in api.get(f"{LIST}?q={'x' * 201}").json()["q"][0]


@pytest.mark.parametrize("ordering", ["bogus", "-names__full_name", "analyst_notes"])
def test_ordering_by_an_unknown_field_is_a_400(api, registry, ordering):
    response = api.get(f"{LIST}?ordering={ordering}")
    assert response.status_code == 400
    assert "ordering" in response.json()


def test_an_unknown_source_is_a_400(api, registry):
    response = api.get(f"{LIST}?source=un_sc")
    assert response.status_code == 400
    assert "source" in response.json()


# --- Nasty input never gets a 500 -----------------------------------------------------------------


def forged_cursor(query: str) -> str:
    return base64.b64encode(query.encode()).decode()


NASTY = [
    "q=" + "%F0%9F%92%A3" * 60,  # emoji
    "q=%E2%80%AE%D8%A7%D9%84%D8%A8",  # right-to-left override and Arabic
    "q=e%CC%81" * 10,  # combining accents
    "q=%25%5F%25",  # LIKE wildcards
    "q=' OR 1=1 --",
    "q=%00",
    "q=%FF%FE",  # not UTF-8
    "regime=%00",
    "source=%00",
    "kind=%00",
    "nationality=%00%00",
    "%00=1",
    "cursor=%00",
    "cursor=%C3%A9",
    "cursor=" + "A" * 5000,
    "cursor=" + forged_cursor("p=" + "z" * 2000),
    "cursor=" + forged_cursor("o=99999999999999999999"),
    "cursor=" + forged_cursor("r=x"),
    "updated_since=" + "9" * 500,
    "listed_since=%00",
    "page_size=99999999999999999999999",
    "page_size=%EF%BC%92",  # fullwidth digit two
    pytest.param(
        "page_size=%C2%B2",
    ),
    pytest.param(
        "ordering=updated_at&cursor=" + forged_cursor("p=garbage"),
    ),
]


@pytest.mark.parametrize("query", NASTY)
def test_nasty_input_is_never_a_500(api, registry, query):
    response = api.get(f"{LIST}?{query}")
    assert response.status_code in (200, 400), (response.status_code, response.content[:300])
    assert response.headers["Content-Type"] == "application/json"
    response.json()


def test_a_junk_cursor_is_a_400_not_the_first_page(api, registry):
    response = api.get(f"{LIST}?cursor=!!!!")
    assert response.status_code == 400


# --- Query counts ---------------------------------------------------------------------------------


def count_queries(api, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url)
    assert response.status_code == 200
    return len(queries)


def test_list_queries_do_not_grow_with_the_page_size(api, registry, import_un, api_file):
    import_un(api_file("v2.xml"))
    api.get(LIST)  # the first call of a client also stamps its last_used_at
    small = count_queries(api, f"{LIST}?page_size=2")
    large = count_queries(api, f"{LIST}?page_size=50")
    filtered = count_queries(api, f"{LIST}?page_size=50&regime=Al-Qaida&nationality=IQ&q=a")
    assert small == large == filtered
    assert large == 2  # the page, then its listings and nationalities together (the client is cached)


def test_list_queries_do_not_grow_with_facts(api, registry, analyst):
    api.get(LIST)
    before = count_queries(api, f"{LIST}?page_size=50")
    for number in range(5):
        name_save(name=Name(entity=registry["QDi.802"], name_type=NameType.ALIAS, full_name=f"Alias {number}"),
                  actor=actor(analyst))
    assert count_queries(api, f"{LIST}?page_size=50") == before
    assert Entity.objects.count() == 7
