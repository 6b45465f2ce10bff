"""
GET /api/v1/export/: JSON lines (the detail documents), CSV, and FollowTheMoney entities that the
`followthemoney` library accepts without dropping a value; streamed, as an attachment, in batches.
"""

import csv
import io
import json
import re
import uuid
from datetime import datetime

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef
from django.test.utils import CaptureQueriesContext

from entities.choices import Audience, NameType
from entities.documents import document_bodies, dumps, render_all
from entities.models import Entity, EntityDocument, Name
from entities.selectors import entity_documents
from entities.services import entity_propose_delisting, entity_update_policy, name_save, proposal_approve
from tests.helpers import actor

pytestmark = pytest.mark.django_db
EXPORT = "/api/v1/export/"
CSV_HEADER = ["id", "kind", "caption", "status", "state", "category", "tier", "first_listed", "delisted_at",
              "reference_numbers", "regimes", "names", "aliases", "weak_aliases", "birth_dates", "nationalities",
              "updated_at"]


def download(api, fmt: str):
    response = api.get(f"{EXPORT}?format={fmt}")
    assert response.status_code == 200, response.content[:300]
    assert response.streaming is True
    return response, b"".join(response.streaming_content).decode("utf-8")


@pytest.fixture
def full_registry(registry, import_un, api_file, analyst, approver):
    """v1, an analyst's public name and a delisting, then v2: a delisted entity, an updated one and a new one."""
    name_save(name=Name(entity=registry["QDe.801"], name_type=NameType.ALIAS, full_name="Analyst Alias",
                        public=True), actor=actor(analyst))
    proposal = entity_propose_delisting(entity=registry["CDe.801"], actor=actor(analyst), reason="r")
    proposal_approve(proposal=proposal, actor=actor(approver), reason="agreed")
    import_un(api_file("v2.xml"))
    return registry


@pytest.mark.parametrize(
    ("fmt", "content_type", "extension"),
    [("jsonl", "application/x-ndjson", "jsonl"), ("csv", "text/csv; charset=utf-8", "csv"),
     ("ftm", "application/x-ndjson", "ftm.json")],
)
def test_formats_are_streamed_attachments(api, registry, fmt, content_type, extension):
    response, body = download(api, fmt)
    assert response.headers["Content-Type"] == content_type
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(rf'attachment; filename="registry-\d{{8}}T\d{{6}}Z\.{re.escape(extension)}"', disposition)
    assert body.endswith("\n")


def test_jsonl_is_the_default_format(api, registry):
    response = api.get(EXPORT)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/x-ndjson"


@pytest.mark.parametrize("fmt", ["xml", "JSONL", "", "json", "ftm%00", "csv;jsonl"])
def test_an_unknown_format_is_a_400(api, registry, fmt):
    response = api.get(f"{EXPORT}?format={fmt}")
    assert response.status_code == 400
    assert "jsonl, csv, ftm" in response.json()["format"][0]


def test_unknown_parameters_are_refused(api, registry):
    response = api.get(f"{EXPORT}?format=jsonl&status=active")
    assert response.status_code == 400
    assert "status" in response.json()


DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def to_milliseconds(value):
    """The same instant, written the same way whatever the precision: export and detail differ there."""
    if isinstance(value, dict):
        return {key: to_milliseconds(item) for key, item in value.items()}
    if isinstance(value, list):
        return [to_milliseconds(item) for item in value]
    if isinstance(value, str) and DATETIME.match(value):
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return moment.replace(microsecond=moment.microsecond // 1000 * 1000).isoformat()
    return value


def jsonl_documents(api) -> dict[str, dict]:
    _, body = download(api, "jsonl")
    documents = [json.loads(line) for line in body.splitlines()]
    by_id = {document["id"]: document for document in documents}
    assert len(by_id) == len(documents), "an entity appears twice"
    return by_id


def test_jsonl_has_one_document_per_entity_equal_to_its_detail(api, full_registry):
    documents = jsonl_documents(api)
    assert set(documents) == {str(pk) for pk in Entity.objects.values_list("pk", flat=True)}
    assert len(documents) == 8
    for entity_id, document in documents.items():
        detail = api.get(f"/api/v1/entities/{entity_id}/").json()
        assert to_milliseconds(document) == to_milliseconds(detail), detail["caption"]
    delisted = next(d for d in documents.values() if d["caption"] == "SAMPLE HAWALA NETWORK")
    assert delisted["status"] == "delisted" and delisted["listings"][0]["status"] == "delisted"
    analyst_names = [n for d in documents.values() for n in d["names"] if n["source_record"] is None]
    assert [n["name"] for n in analyst_names] == ["Analyst Alias"]


def test_jsonl_writes_timestamps_exactly_as_the_detail_does(api, registry):
    documents = jsonl_documents(api)
    entity = registry["QDi.801"]
    detail = api.get(f"/api/v1/entities/{entity.pk}/").json()
    assert documents[str(entity.pk)]["updated_at"] == detail["updated_at"]


def test_csv_has_a_header_and_one_row_per_entity(api, full_registry):
    _, body = download(api, "csv")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == CSV_HEADER
    records = [dict(zip(CSV_HEADER, row, strict=True)) for row in rows[1:]]
    assert sorted(r["id"] for r in records) == sorted(str(pk) for pk in Entity.objects.values_list("pk", flat=True))
    by_reference = {r["reference_numbers"]: r for r in records}
    person = by_reference["QDi.801"]
    assert person["kind"] == "person" and person["caption"] == "ABU FIXTURA AL-PROBANDI"
    assert person["status"] == "active" and person["category"] == "vei"
    assert person["first_listed"] == "2010-05-01" and person["delisted_at"] == ""
    assert person["regimes"] == "Al-Qaida"
    assert person["names"] == "ABU FIXTURA AL-PROBANDI"
    assert set(person["aliases"].split("; ")) == {"Probandi the Elder", "Probandi Junior", "أبو فكستورا البروباندي"}
    assert person["weak_aliases"] == "Abu Probe"
    assert person["birth_dates"] == "1970-01-02; 1968-1971; 1969"
    assert person["nationalities"] == "IQ; SY; XK"
    assert datetime.fromisoformat(person["updated_at"])
    assert by_reference["KPi.801"]["caption"] == "JOSÉ ÑANDÚ TESTÉ"
    assert by_reference["KPi.801"]["first_listed"] == ""
    assert by_reference["TAe.801"]["status"] == "delisted" and by_reference["TAe.801"]["delisted_at"]
    assert by_reference["CDe.801"]["status"] == "delisted"
    assert "Analyst Alias" in by_reference["QDe.801"]["aliases"]
    assert by_reference["QDe.801"]["aliases"].count("Old Probe Group") == 1


# --- FollowTheMoney -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ftm_model():
    from followthemoney import model

    return model


def ftm_entities(api) -> list[dict]:
    _, body = download(api, "ftm")
    return [json.loads(line) for line in body.splitlines()]


def test_ftm_lines_load_with_followthemoney_and_lose_nothing_when_cleaned(api, full_registry, ftm_model):
    entities = ftm_entities(api)
    assert entities
    for data in entities:
        raw = ftm_model.get_proxy(data, cleaned=False)
        cleaned = ftm_model.get_proxy(data)
        assert raw.id == data["id"] and cleaned.id == data["id"]
        for name, values in data["properties"].items():
            prop = raw.schema.get(name)
            assert prop is not None, f"{data['schema']} has no property {name}"
            assert values and all(isinstance(value, str) and value for value in values), (name, values)
            assert sorted(cleaned.get(name)) == sorted(values), f"cleaning changed {data['schema']}.{name}"
            for value in values:
                assert prop.type.clean(value, proxy=raw) == value, f"{data['schema']}.{name}: {value!r} is not clean"
        assert not cleaned.schema.abstract


def test_ftm_every_entity_with_a_sanction_per_listing(api, full_registry, ftm_model):
    entities = ftm_entities(api)
    by_id = {data["id"]: data for data in entities}
    assert len(by_id) == len(entities), "duplicate FtM ids"
    subjects = {data["id"]: data for data in entities if data["schema"] in ("Person", "Organization")}
    sanctions = [data for data in entities if data["schema"] == "Sanction"]
    assert {data["schema"] for data in entities} == {"Person", "Organization", "Sanction"}
    assert len(subjects) == Entity.objects.count()
    kinds = dict(Entity.objects.values_list("pk", "kind"))
    for subject_id, subject in subjects.items():
        entity_kind = kinds[uuid.UUID(subject_id.removeprefix("der-"))]
        assert subject["schema"] == ("Person" if entity_kind == "person" else "Organization")
    for sanction in sanctions:
        [target] = sanction["properties"]["entity"]
        assert target in subjects, f"sanction {sanction['id']} points at {target}, not exported"
        entity_range = ftm_model.get_proxy(sanction).schema.get("entity").range
        assert ftm_model.get(subjects[target]["schema"]).is_a(entity_range)
    per_subject = {subject_id: 0 for subject_id in subjects}
    for sanction in sanctions:
        per_subject[sanction["properties"]["entity"][0]] += 1
    assert set(per_subject.values()) == {1}  # every entity has exactly one listing here
    hawala = next(s for s in subjects.values() if s["properties"]["name"] == ["SAMPLE HAWALA NETWORK"])
    [hawala_sanction] = [s for s in sanctions if s["properties"]["entity"] == [hawala["id"]]]
    assert hawala_sanction["properties"]["status"] == ["delisted"]
    assert hawala_sanction["properties"]["endDate"]
    assert hawala_sanction["properties"]["unscId"] == ["TAe.801"]


def test_ftm_person_properties(api, full_registry):
    person = next(d for d in ftm_entities(api) if d["properties"].get("name") == ["ABU FIXTURA AL-PROBANDI"])
    props = person["properties"]
    assert person["schema"] == "Person"
    assert set(props["topics"]) == {"sanction", "crime.terror"}
    assert props["nationality"] == ["iq", "sy", "xk"]
    assert props["weakAlias"] == ["Abu Probe"]
    assert "Probandi Junior" in props["alias"]
    assert props["gender"] == ["male"]
    assert "1970-01-02" in props["birthDate"]
    assert props["passportNumber"] == ["P8100001"]
    assert props["idNumber"] == ["ID-81-0001"]
    organisation = next(d for d in ftm_entities(api) if d["properties"].get("name") == ["TESTCO MINING LTD"])
    assert organisation["schema"] == "Organization"
    assert organisation["properties"]["topics"] == ["sanction"]
    assert organisation["properties"]["country"] == ["cd"]


# --- Streaming in batches -------------------------------------------------------------------------


@pytest.mark.parametrize("batch_size", [1, 2, 3, 7])
def test_batches_yield_every_entity_once_in_id_order(full_registry, batch_size):
    everything = list(entity_documents(audience=Audience.PUBLIC))
    batched = list(entity_documents(audience=Audience.PUBLIC, batch_size=batch_size))
    assert [d["id"] for d in batched] == [d["id"] for d in everything] == sorted(d["id"] for d in everything)
    assert batched == everything


def test_export_queries_do_not_grow_with_the_registry(api, registry, import_un, api_file):
    api.get("/api/v1/sources/")  # the client's first call also stamps last_used_at

    def count():
        with CaptureQueriesContext(connection) as queries:
            download(api, "jsonl")
        return len(queries)

    before = count()
    import_un(api_file("v2.xml"))
    assert count() == before
    # client, a batch of entities, 8 fact and record tables, evidence, relationships, the empty next batch
    assert before <= 14


@pytest.mark.parametrize("batch_size", [1, 3, 1000])
def test_jsonl_bodies_are_current_whether_stored_stale_or_missing(full_registry, analyst, batch_size):
    render_all()
    stored, missing, changed = Entity.objects.order_by("id")[:3]
    EntityDocument.objects.filter(entity=missing).delete()
    entity_update_policy(entity=changed, actor=actor(analyst), reason="r", analyst_notes="stale now")
    name_save(name=Name(entity=changed, name_type=NameType.ALIAS, full_name="New Alias"), actor=actor(analyst))
    bodies = list(document_bodies(audience=Audience.INTERNAL, batch_size=batch_size))
    expected = entity_documents(audience=Audience.INTERNAL)
    assert [json.loads(body) for body in bodies] == [json.loads(dumps(d)) for d in expected]
    assert "New Alias" in bodies[2]
    # What was missing or stale has been stored for the next reader.
    current = Entity.objects.filter(pk=OuterRef("entity"), updated_at=OuterRef("version"))
    fresh = EntityDocument.objects.filter(Exists(current), audience=Audience.INTERNAL)
    assert fresh.count() == Entity.objects.count()
