"""
Internal stays internal, on every endpoint and in every export format.

A registry where analysts have been at work: internal names (an account handle, an alias), internal evidence,
notes, an internal relationship reason, internal facts, an alias that was internal before it was published,
a proposed entity, a rejected one, a pending delisting, a delisted entity proposed again, and a relationship
to the proposal; beside them, public items (a published alias, published evidence). External clients (a
researcher and a partner, with read and match) must find none of the internal text, no analyst's username,
no proposed or rejected entity and no internal reason or state anywhere in any response body, while they do
find the public items; a client with the `internal` scope finds every one of them, so that the checks cannot
pass for want of anything to find. Then the stored documents follow every change of visibility.
"""

import csv
import io
import json
import re
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from entities.choices import Audience, EntityCategory, EntityKind, NameType, RelationshipKind
from entities.models import Address, BirthDate, Entity, EntityDocument, Evidence, IdentityDocument, Name, Nationality
from entities.services import (
    entity_create,
    entity_propose,
    entity_propose_delisting,
    entity_update_policy,
    evidence_save,
    name_save,
    proposal_approve,
    proposal_reject,
    relationship_add,
)
from entities.services.common import touch
from screening.index import rebuild
from tests.api.helpers import bearer, walk
from tests.helpers import actor

pytestmark = pytest.mark.django_db

UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"
# A state an external client must never read: what analysts are doing with an entity.
INTERNAL_STATE = re.compile(r'"(proposed|under_review|rejected)"')

HANDLE = "@handle_x"
HIDDEN_ALIAS = "Veldrin Castellan Oskarov"
PUBLISHED_ALIAS = "Zorander the Public"
PUBLIC_EVIDENCE = "Published court ruling"
PROPOSED = "Harbinger Proposed Front"
REJECTED = "Satirical Rejected Brigade"


@dataclass
class World:
    """The registry the tests read: entities by role, and the text each kind of client may or may not see."""

    entities: dict
    secrets: list[str] = field(default_factory=list)  # internal text: never in an external client's answer
    hidden_ids: list[str] = field(default_factory=list)  # entities external clients never see
    people: list[str] = field(default_factory=list)  # usernames: in no client's answer
    public: list[str] = field(default_factory=list)  # what analysts published: in external clients' answers


@pytest.fixture
def world(registry, make_user) -> World:
    alice, bob = make_user("analyst", "alice_kestrel"), make_user("approver", "bob_osprey")
    desk, chief = actor(alice), actor(bob)
    fixer, brigade, omar, samplezai = (registry[reference] for reference in ("QDi.801", "QDe.801", "QDi.802",
                                                                             "TAi.801"))
    secrets = []

    def secret(text: str) -> str:
        secrets.append(text)
        return text

    name_save(name=Name(entity=fixer, name_type=NameType.ALIAS, full_name=secret(HANDLE),
                        note=secret("Handle seen in recruiter DMs")),
              actor=desk, reason=secret("Trust and safety found the handle"))
    name_save(name=Name(entity=fixer, name_type=NameType.WEAK_ALIAS, full_name=secret(HIDDEN_ALIAS)),
              actor=desk, reason=secret("Alias from an informant"))
    published = Name(entity=fixer, name_type=NameType.ALIAS, full_name=secret("@old_handle_y"))
    name_save(name=published, actor=desk, reason=secret("Old handle kept for the desk"))
    published.full_name, published.public = PUBLISHED_ALIAS, True
    published.note = secret("Alias noted by the desk only")
    name_save(name=published, actor=desk, reason=secret("Desk decided to publish the alias"))

    evidence_save(evidence=Evidence(entity=fixer, url=secret("https://captures.example.org/closed-channel-7731"),
                                    title=secret("Capture of the closed channel"),
                                    summary=secret("Moderator-only capture"), on_platform=True,
                                    captured_at=timezone.now().date()),
                  actor=desk, reason=secret("Evidence filed by the desk"))
    evidence_save(evidence=Evidence(entity=fixer, url="https://court.example.org/ruling-42", title=PUBLIC_EVIDENCE,
                                    summary="The ruling names him.", on_platform=False,
                                    captured_at=timezone.now().date(), public=True),
                  actor=desk, reason=secret("Ruling published by the court"))
    entity_update_policy(entity=fixer, actor=desk, analyst_notes=secret("Informant inside the brigade"),
                         reason=secret("Notes after the call"))
    # (The import made "leader of" a candidate, from the UN narrative: an analyst's own relationship is another.)
    relationship_add(subject=fixer, kind=RelationshipKind.FINANCIER_OF, object=brigade, actor=desk,
                     reason=secret("Ledger photo shows the payments"))
    # No service writes analysts' other facts yet: written as a future one would, moving updated_at.
    Nationality.objects.create(entity=fixer, country=secret("Ruritania"), country_code="ZZ")
    IdentityDocument.objects.create(entity=fixer, document_type="Passport", number=secret("PX-INTERNAL-9931"))
    BirthDate.objects.create(entity=fixer, date_type="exact", year=1911, note=secret("Birth year from a relative"))
    Address.objects.create(entity=fixer, street=secret("12 Hidden Lane"), city=secret("Strelsau"))
    touch(fixer)

    proposed = entity_create(actor=desk, reason=secret("Claims attacks in its closed channel"),
                             kind=EntityKind.ORGANISATION, caption=secret(PROPOSED),
                             category=EntityCategory.VIOLENT_EXTREMIST_ORGANISATION,
                             analyst_notes=secret("Proposal notes from the desk")).entity
    rejection = entity_create(actor=desk, reason=secret("Looks like a call to arms"), kind=EntityKind.ORGANISATION,
                              caption=secret(REJECTED), category=EntityCategory.VIOLENT_EXTREMIST_ORGANISATION)
    rejected = proposal_reject(proposal=rejection, actor=chief, reason=secret("It is satire, not a threat"))
    relationship_add(subject=omar, kind=RelationshipKind.MEMBER_OF, object=proposed, actor=desk,
                     reason=secret("Recruits for the proposed front"))

    entity_propose_delisting(entity=brigade, actor=desk, reason=secret("The brigade dissolved last spring"))
    delisting = entity_propose_delisting(entity=samplezai, actor=desk, reason=secret("Reported killed in a raid"))
    proposal_approve(proposal=delisting, actor=chief, reason=secret("Death confirmed by two sources"))
    entity_propose(entity=samplezai, actor=desk, reason=secret("Alive: a new video surfaced"))
    rebuild()

    return World(
        entities={"fixer": fixer, "brigade": brigade, "omar": omar, "samplezai": samplezai, "proposed": proposed,
                  "rejected": rejected},
        secrets=secrets, hidden_ids=[str(proposed.pk), str(rejected.pk)], people=["alice_kestrel", "bob_osprey"],
        public=[PUBLISHED_ALIAS, PUBLIC_EVIDENCE, "https://court.example.org/ruling-42"],
    )


# --- Reading everything a client can read ---------------------------------------------------------------------

LIST_QUERIES = [
    "", "kind=person", "kind=organisation", "status=active", "status=designated", "status=delisted", "category=vei",
    "category=veo", "category=other", "regime=Al-Qaida", "regime=Taliban", "nationality=IQ", "nationality=ZZ",
    "source=un-sc", "listed_since=2000-01-01", "updated_since=2000-01-01T00:00:00Z", f"q={HANDLE}", "q=handle_x",
    "q=Veldrin", "q=old_handle", f"q={PROPOSED}", "q=Satirical", "q=Zorander", "q=Ruritania", "ordering=-updated_at",
    "ordering=created_at", "page_size=2",
]
SCREENED_NAMES = [HANDLE, "handle x", HIDDEN_ALIAS, "old handle y", PROPOSED, REJECTED, PUBLISHED_ALIAS,
                  "Abu Fixtura al-Probandi"]


@dataclass
class Answer:
    what: str
    status: int
    text: str

    def json(self):
        return json.loads(self.text)


def read(response) -> str:
    return (b"".join(response.streaming_content) if response.streaming else response.content).decode()


def everything(api, world: World, *, include_proposed: bool = False) -> list[Answer]:
    """Every answer a client can get about this registry: each endpoint, filter, page, format and error."""
    answers = []

    def get(url):
        response = api.get(url)
        answers.append(Answer(url, response.status_code, read(response)))
        return response

    for query in LIST_QUERIES:
        for body in walk(api, f"/api/v1/entities/?{query}")[1]:
            answers.append(Answer(f"list ?{query}", 200, json.dumps(body, ensure_ascii=False)))
    for status in ("proposed", "under_review", "rejected"):
        get(f"/api/v1/entities/?status={status}")
    for entity_id in [*Entity.objects.values_list("id", flat=True), UNKNOWN_ID]:
        get(f"/api/v1/entities/{entity_id}/")
        get(f"/api/v1/entities/{entity_id}/history/")
        get(f"/api/v1/entities/{entity_id}/history/?limit=1")
    url = "/api/v1/changes/?limit=3"
    while True:
        page = get(url).json()
        if not page["has_more"]:
            break
        url = page["next"]
    for name in ("jsonl", "csv", "ftm"):
        get(f"/api/v1/export/?format={name}")
    queries = [{"name": name, "birth_date": "1911", "nationality": "ZZ"} for name in SCREENED_NAMES]
    response = api.post("/api/v1/match/", {"queries": queries, "threshold": 0.5, "limit": 50,
                                           "include_proposed": include_proposed}, format="json")
    answers.append(Answer("match", response.status_code, without_query_echo(read(response))))
    for name in SCREENED_NAMES:
        response = api.get("/api/v1/search/", {"q": name, "threshold": "0.5"})
        answers.append(Answer(f"search {name}", response.status_code, without_query_echo(read(response))))
    for url in ("/api/v1/sources/", "/api/v1/sources/un-sc/", "/api/v1/import-runs/", "/api/v1/proposals/"):
        get(url)
    return answers


def without_query_echo(text: str) -> str:
    """A screening answer without what repeats the caller's own query (its name, and its side of each token)."""
    body = json.loads(text)
    results = body["results"]
    candidates = [candidate for result in results for candidate in result["candidates"]] if "threshold" in body \
        else results
    for result in results:
        result.pop("query", None)
    for candidate in candidates:
        for token in candidate.get("explanation", {}).get("name", {}).get("tokens", []):
            token.pop("query")
        for feature in ("birth_date", "nationality"):
            candidate.get("explanation", {}).get(feature, {}).pop("query", None)
    return json.dumps(body, ensure_ascii=False)


def leaks(answers: list[Answer], texts: list[str]) -> list[tuple[str, str]]:
    """(request, text) for each text found in the answer to a request: all of them, to read in the failure."""
    return sorted({(answer.what, text) for answer in answers for text in texts if text.lower() in answer.text.lower()})


def found(answers: list[Answer], text: str) -> bool:
    return any(text.lower() in answer.text.lower() for answer in answers)


@pytest.fixture(params=["researcher", "partner"])
def external_api(request, make_client):
    _, token = make_client(kind=request.param, scopes=("read", "match"))
    return bearer(token)


@pytest.fixture
def internal_api(make_client):
    _, token = make_client(scopes=("read", "match", "internal"), name="internal-service")
    return bearer(token)


# --- External clients -----------------------------------------------------------------------------------------


def test_no_internal_text_reaches_an_external_client(world, external_api):
    answers = everything(external_api, world)
    assert not [answer for answer in answers if answer.status >= 500]
    assert leaks(answers, world.secrets) == []
    assert leaks(answers, world.hidden_ids) == []
    assert leaks(answers, world.people) == []
    assert [answer.what for answer in answers if INTERNAL_STATE.search(answer.text)] == []


def test_an_external_client_reads_what_analysts_published(world, external_api):
    answers = everything(external_api, world)
    for text in world.public:
        assert found(answers, text), text
    fixer = external_api.get(f"/api/v1/entities/{world.entities['fixer'].pk}/").json()
    assert PUBLISHED_ALIAS in {name["name"] for name in fixer["names"]}
    assert [item["title"] for item in fixer["evidence"]] == [PUBLIC_EVIDENCE]
    [relationship] = fixer["relationships"]
    assert (relationship["kind"], relationship["other"]["id"], relationship["basis"]) == (
        "financier_of", str(world.entities["brigade"].pk), "")
    found_by_alias = walk(external_api, "/api/v1/entities/?q=Zorander")[0]
    assert [row["id"] for row in found_by_alias] == [str(world.entities["fixer"].pk)]


def test_external_clients_see_states_as_designated_or_delisted(world, external_api):
    samplezai, brigade = str(world.entities["samplezai"].pk), str(world.entities["brigade"].pk)
    rows = {row["id"]: row for row in walk(external_api, "/api/v1/entities/")[0]}
    assert (rows[samplezai]["state"], rows[samplezai]["status"]) == ("delisted", "delisted")  # proposed again
    assert (rows[brigade]["state"], rows[brigade]["status"]) == ("designated", "active")  # delisting pending
    detail = external_api.get(f"/api/v1/entities/{samplezai}/").json()
    assert (detail["state"], detail["status"]) == ("delisted", "delisted")
    exported = csv.DictReader(io.StringIO(read(external_api.get("/api/v1/export/?format=csv"))))
    states = {row["id"]: (row["state"], row["status"]) for row in exported}
    assert states[samplezai] == ("delisted", "delisted") and states[brigade] == ("designated", "active")
    assert {state for state, _ in states.values()} <= {"designated", "delisted"}
    assert {status for _, status in states.values()} <= {"active", "delisted"}
    assert {row["id"] for row in walk(external_api, "/api/v1/entities/?status=delisted")[0]} == {samplezai}


def test_a_hidden_entity_is_an_unknown_id(world, external_api):
    unknown = external_api.get(f"/api/v1/entities/{UNKNOWN_ID}/")
    unknown_history = external_api.get(f"/api/v1/entities/{UNKNOWN_ID}/history/")
    assert unknown.status_code == unknown_history.status_code == 404
    for entity_id in world.hidden_ids:
        response = external_api.get(f"/api/v1/entities/{entity_id}/")
        assert (response.status_code, response.json()) == (404, unknown.json())
        response = external_api.get(f"/api/v1/entities/{entity_id}/history/")
        assert (response.status_code, response.json()) == (404, unknown_history.json())


def test_filters_of_an_external_client_never_reach_internal_things(world, external_api):
    for status in ("proposed", "under_review", "rejected"):
        response = external_api.get(f"/api/v1/entities/?status={status}")
        assert response.status_code == 400 and "internal" in response.json()["status"][0]
    for query in (f"q={HANDLE}", "q=Veldrin", "q=old_handle", "q=Harbinger", "q=Satirical", "nationality=ZZ"):
        assert walk(external_api, f"/api/v1/entities/?{query}")[0] == [], query
    response = external_api.post("/api/v1/match/", {"queries": [{"name": PROPOSED}], "include_proposed": True},
                                 format="json")
    assert response.status_code == 400 and "internal" in json.dumps(response.json())


def test_screening_never_answers_through_an_internal_name(world, external_api):
    fixer = str(world.entities["fixer"].pk)
    for name in (HANDLE, "handle x", HIDDEN_ALIAS, "old handle y"):
        response = external_api.post("/api/v1/match/", {"queries": [{"name": name}], "threshold": 0.0, "limit": 50},
                                     format="json")
        [result] = response.json()["results"]
        assert fixer not in [candidate["id"] for candidate in result["candidates"]], name
        assert fixer not in [row["id"] for row in external_api.get("/api/v1/search/", {"q": name}).json()["results"]]
    query = {"name": "Abu Fixtura al-Probandi", "birth_date": "1911", "nationality": "ZZ"}
    [result] = external_api.post("/api/v1/match/", {"queries": [query]}, format="json").json()["results"]
    explanation = result["candidates"][0]["explanation"]
    assert result["candidates"][0]["id"] == fixer
    assert explanation["birth_date"]["fits"] is False and "1911" not in explanation["birth_date"]["entity"]
    assert explanation["nationality"]["fits"] is False and "ZZ" not in explanation["nationality"]["entity"]
    [result] = external_api.post("/api/v1/match/", {"queries": [{"name": PUBLISHED_ALIAS}]},
                                 format="json").json()["results"]
    assert result["candidates"][0]["explanation"]["name"]["matched"] == PUBLISHED_ALIAS


# --- The platform's own services ------------------------------------------------------------------------------


def test_an_internal_client_reads_every_internal_thing(world, internal_api):
    answers = everything(internal_api, world, include_proposed=True)
    assert not [answer for answer in answers if answer.status >= 500]
    missing = [text for text in [*world.secrets, *world.hidden_ids, *world.public] if not found(answers, text)]
    assert missing == []
    assert leaks(answers, world.people) == []  # the API names no one, whoever asks
    proposed = str(world.entities["proposed"].pk)
    [result] = internal_api.post("/api/v1/match/", {"queries": [{"name": PROPOSED}], "include_proposed": True},
                                 format="json").json()["results"]
    assert result["candidates"][0]["id"] == proposed
    [result] = internal_api.post("/api/v1/match/", {"queries": [{"name": HIDDEN_ALIAS}]},
                                 format="json").json()["results"]
    assert result["candidates"][0]["explanation"]["name"]["matched"] == HIDDEN_ALIAS


# --- Stored documents follow visibility -----------------------------------------------------------------------


def stored(entity, audience=Audience.PUBLIC) -> str:
    return EntityDocument.objects.get(entity=entity, audience=audience).body


def test_stored_documents_follow_a_name_made_public_and_internal_again(world, external_api, internal_api, analyst):
    fixer = world.entities["fixer"]
    detail = f"/api/v1/entities/{fixer.pk}/"

    def external_names():
        return {name["name"] for name in external_api.get(detail).json()["names"]}

    name = Name(entity=fixer, name_type=NameType.ALIAS, full_name="Quillon Marrow", note="Desk-only note")
    name_save(name=name, actor=actor(analyst), reason="Seen in a channel")
    assert "Quillon Marrow" not in external_names()
    assert "Quillon Marrow" not in stored(fixer) and "Quillon Marrow" in internal_api.get(detail).content.decode()
    assert "Quillon Marrow" in stored(fixer, Audience.INTERNAL)
    etag = external_api.get(detail).headers["ETag"]

    name.public = True
    name_save(name=name, actor=actor(analyst), reason="Published")
    assert "Quillon Marrow" in external_names() and "Quillon Marrow" in stored(fixer)
    assert external_api.get(detail, HTTP_IF_NONE_MATCH=etag).status_code == 200  # a new version
    assert [row["id"] for row in walk(external_api, "/api/v1/entities/?q=Quillon")[0]] == [str(fixer.pk)]
    assert "Quillon Marrow" in read(external_api.get("/api/v1/export/?format=jsonl"))
    history = external_api.get(f"{detail}history/?limit=1").json()["results"][0]
    assert [(change["op"], change["before"], change["after"]["full_name"]) for change in history["changes"]] == [
        ("added", None, "Quillon Marrow")]  # published: as far as an external client knows, it was just added

    name.public = False
    name_save(name=name, actor=actor(analyst), reason="Withdrawn: it endangers a source")
    assert "Quillon Marrow" not in external_names() and "Quillon Marrow" not in stored(fixer)
    assert walk(external_api, "/api/v1/entities/?q=Quillon")[0] == []
    for name_ in ("jsonl", "csv", "ftm"):
        assert "Quillon Marrow" not in read(external_api.get(f"/api/v1/export/?format={name_}")), name_
    history = external_api.get(f"{detail}history/?limit=1").json()["results"][0]
    assert [(change["op"], change["after"]) for change in history["changes"]] == [("removed", None)]
    assert "Desk-only note" not in external_api.get(f"{detail}history/").content.decode()


def test_a_designation_publishes_the_relationships_of_the_entity(world, external_api, approver):
    omar, proposed = world.entities["omar"], world.entities["proposed"]
    detail = f"/api/v1/entities/{omar.pk}/"
    assert external_api.get(detail).json()["relationships"] == []
    cursor = external_api.get("/api/v1/changes/?limit=1000").json()["next"]
    proposal_approve(proposal=proposed.proposals.get(), actor=actor(approver), reason="The evidence holds")

    [relationship] = external_api.get(detail).json()["relationships"]
    assert (relationship["kind"], relationship["other"], relationship["basis"]) == (
        "member_of", {"id": str(proposed.pk), "caption": PROPOSED}, "")
    assert str(proposed.pk) in stored(omar)
    # A mirror that follows the feed learns that both entities changed.
    changed = {item["entity"] for item in external_api.get(cursor).json()["results"]}
    assert changed == {str(omar.pk), str(proposed.pk)}
    history = external_api.get(f"{detail}history/?limit=1").json()["results"][0]
    assert [(change["item"], change["op"]) for change in history["changes"]] == [("relationship", "added")]
    assert "Recruits for the proposed front" not in external_api.get(f"{detail}history/").content.decode()
