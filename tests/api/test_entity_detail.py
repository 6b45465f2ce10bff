"""
GET /api/v1/entities/{id}/: the whole entity with the provenance of every fact, in the shape the serializer
documents; ETag and If-None-Match; a cached body that is never stale after imports and analyst edits;
404s; and a query count that does not grow with the number of facts.
"""

import io
import json
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from entities.api.serializers import EntityDetailSerializer
from entities.choices import Audience, EntityCategory, NameType, RelationshipKind
from entities.models import Entity, EntityDocument, Evidence, Name
from entities.selectors import ENTITY_FIELDS, documents_for
from entities.services import (
    entity_propose_delisting,
    entity_update_policy,
    evidence_save,
    name_delete,
    name_save,
    proposal_approve,
    relationship_add,
)
from tests.helpers import actor

pytestmark = pytest.mark.django_db


def url(entity) -> str:
    return f"/api/v1/entities/{entity.pk}/"


def fresh(entity, audience=Audience.PUBLIC) -> dict:
    """The entity's document for ``audience`` computed now, bypassing the cache, as the API would render it."""
    entities = list(Entity.objects.filter(pk=entity.pk).values(*ENTITY_FIELDS))
    document = documents_for(entities, audience=audience)[0]
    return json.loads(render(document))


def render(data) -> str:
    from rest_framework.renderers import JSONRenderer

    return JSONRenderer().render(data).decode()


def test_every_fact_comes_with_its_source_record(api, registry):
    entity = registry["QDi.801"]
    body = api.get(url(entity)).json()
    [record] = body["source_records"]
    assert record["source"] == "un-sc"
    assert record["key"] == "QDi.801"
    assert record["external_id"] == "8100001"
    assert record["removed_at"] is None and record["first_seen"] and "last_seen" not in record
    assert body["id"] == str(entity.pk)
    assert body["kind"] == "person"
    assert body["caption"] == "ABU FIXTURA AL-PROBANDI"
    assert body["gender"] == "male"
    assert body["titles"] == ["Sheikh"]
    assert body["positions"] == ["Emir of the Probandi Brigade"]
    assert body["status"] == "active" and body["category"] == "vei"
    assert body["first_listed"] == "2010-05-01" and body["delisted_at"] is None
    assert {(n["name"], n["type"]) for n in body["names"]} == {
        ("ABU FIXTURA AL-PROBANDI", "primary"),
        ("Probandi the Elder", "alias"),
        ("Abu Probe", "weak_alias"),
        ("أبو فكستورا البروباندي", "original_script"),
    }
    assert [(b["type"], b["date"], b["year"], b["from_year"], b["to_year"]) for b in body["birth_dates"]] == [
        ("exact", "1970-01-02", None, None, None),
        ("between", None, None, 1968, 1971),
        ("approximately", None, 1969, None, None),
    ]
    assert [(p["city"], p["country_code"]) for p in body["birth_places"]] == [("Tal Probe", "IQ")]
    assert [(n["country"], n["country_code"]) for n in body["nationalities"]] == [
        ("Iraq", "IQ"), ("Syrian Arab Republic", "SY"), ("Kosovo", "XK")]
    assert [(a["street"], a["city"], a["country_code"]) for a in body["addresses"]] == [
        ("7 Sample Road", "Mosul", "IQ")]
    assert [(d["type"], d["number"], d["date_of_issue"]) for d in body["documents"]] == [
        ("Passport", "P8100001", "2005-06-07"), ("National Identification Number", "ID-81-0001", None)]
    [listing] = body["listings"]
    assert listing["source"] == "un-sc"
    assert listing["regime"] == "Al-Qaida"
    assert listing["reference_number"] == "QDi.801"
    assert listing["listed_on"] == "2010-05-01"
    assert listing["last_updated"] == ["2015-02-03"]
    assert listing["status"] == "active" and listing["delisted_at"] is None
    for key in ("names", "birth_dates", "birth_places", "nationalities", "addresses", "documents", "listings"):
        assert body[key], key
        assert all(fact["source_record"] == record["id"] for fact in body[key]), key


def test_an_analyst_fact_has_no_source_record(internal_api, registry, analyst):
    entity = registry["QDe.801"]
    name_save(name=Name(entity=entity, name_type=NameType.ALIAS, full_name="Analyst Alias"), actor=actor(analyst))
    names = {name["name"]: name for name in internal_api.get(url(entity)).json()["names"]}
    assert names["Analyst Alias"]["source_record"] is None
    assert names["PROBANDI BRIGADE"]["source_record"] is not None


def serializer_shape(serializer) -> dict:
    """{field: nested shape or None} of a serializer class, following nested list serializers."""
    shape = {}
    for name, field in serializer().fields.items():
        child = getattr(field, "child", None)
        shape[name] = serializer_shape(type(child)) if child is not None and hasattr(child, "fields") else None
    return shape


def document_shape(document: dict, reference: dict) -> dict:
    shape = {}
    for key, value in document.items():
        nested = reference.get(key)
        if nested is not None:
            assert value, f"{key} is empty: pick an entity with every kind of fact"
            shapes = [document_shape(item, nested) for item in value]
            assert all(item == shapes[0] for item in shapes), key
            shape[key] = shapes[0]
        else:
            shape[key] = None
    return shape


def with_evidence_and_a_relationship(registry, analyst):
    entity = registry["QDi.801"]
    evidence_save(evidence=Evidence(entity=entity, url="https://example.org/report", title="Report", summary="s",
                                    on_platform=False, captured_at="2026-01-02", public=True), actor=actor(analyst))
    # Not "leader of": the import made that pair a candidate, from the UN narrative.
    relationship_add(subject=entity, kind=RelationshipKind.FINANCIER_OF, object=registry["QDe.801"],
                     actor=actor(analyst), reason="Named as its financier in the report")
    return entity


def test_document_keys_are_the_serializers_fields(api, registry, analyst):
    """The serializer documents the schema; the view builds the dict in entities/selectors.py."""
    reference = serializer_shape(EntityDetailSerializer)
    body = api.get(url(with_evidence_and_a_relationship(registry, analyst))).json()
    assert document_shape(body, reference) == reference


class ModelFieldsSerializer(EntityDetailSerializer):
    """The fields a model instance gives; the document adds state, evidence and relationships of its own."""

    status = evidence = relationships = None

    class Meta(EntityDetailSerializer.Meta):
        fields = [field for field in EntityDetailSerializer.Meta.fields
                  if field not in ("status", "state", "evidence", "relationships")]


def test_document_equals_the_serializers_output(api, registry, analyst):
    entity = registry["QDi.801"]
    name = Name(entity=entity, name_type=NameType.FORMER, full_name="Old Name", public=True)
    name_save(name=name, actor=actor(analyst))
    instance = Entity.objects.with_facts().prefetch_related("source_records__source").get(pk=entity.pk)
    expected = json.loads(render(ModelFieldsSerializer(instance).data))
    body = api.get(url(entity)).json()
    assert {key: value for key, value in body.items() if key in expected} == expected
    assert (body["status"], body["state"]) == ("active", "designated")


def test_schema_documents_the_detail_fields(api, registry, client):
    schema = json.loads(client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content)
    ref = schema["paths"]["/api/v1/entities/{id}/"]["get"]["responses"]["200"]["content"]["application/json"]
    component = schema["components"]["schemas"][ref["schema"]["$ref"].rsplit("/", 1)[1]]
    body = api.get(url(registry["QDi.801"])).json()
    assert set(component["properties"]) == set(body)


# --- ETag -----------------------------------------------------------------------------------------


def test_etag_and_if_none_match(api, registry):
    response = api.get(url(registry["QDi.801"]))
    etag = response.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"') and len(etag) > 2
    assert api.get(url(registry["QDi.801"])).headers["ETag"] == etag
    not_modified = api.get(url(registry["QDi.801"]), HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified.headers["ETag"] == etag
    assert api.get(url(registry["QDi.801"]), HTTP_IF_NONE_MATCH=f'"other", {etag}').status_code == 304
    assert api.get(url(registry["QDi.801"]), HTTP_IF_NONE_MATCH=f"W/{etag}").status_code == 304
    assert api.get(url(registry["QDi.801"]), HTTP_IF_NONE_MATCH='"something-else"').status_code == 200
    # Each entity has its own ETag.
    other = api.get(url(registry["QDe.801"]), HTTP_IF_NONE_MATCH=etag)
    assert other.status_code == 200 and other.headers["ETag"] != etag


def names_of(api, entity) -> set[str]:
    return {name["name"] for name in api.get(url(entity)).json()["names"]}


def test_etag_and_body_change_after_an_import_changes_the_entity(api, registry, import_un, api_file):
    entity = registry["QDi.801"]
    before = api.get(url(entity))
    import_un(api_file("v2.xml"))
    after = api.get(url(entity), HTTP_IF_NONE_MATCH=before.headers["ETag"])
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert "Probandi Junior" in {name["name"] for name in after.json()["names"]}
    assert after.json()["listings"][0]["version"] == "2"


def test_etag_and_body_change_after_an_analyst_adds_and_removes_a_name(api, registry, analyst):
    entity = registry["TAi.801"]
    etag = api.get(url(entity)).headers["ETag"]
    name = Name(entity=entity, name_type=NameType.ALIAS, full_name="Analyst Added", public=True)
    name_save(name=name, actor=actor(analyst), reason="open source report")
    response = api.get(url(entity), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response.headers["ETag"] != etag
    assert "Analyst Added" in {n["name"] for n in response.json()["names"]}
    etag = response.headers["ETag"]
    name.full_name = "Analyst Edited"
    name_save(name=name, actor=actor(analyst))
    response = api.get(url(entity), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response.headers["ETag"] != etag
    assert {"Analyst Edited"} == names_of(api, entity) - {"OMAR SAMPLEZAI", "Mullah Samplezai"}
    etag = response.headers["ETag"]
    name_delete(name=name, actor=actor(analyst))
    response = api.get(url(entity), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response.headers["ETag"] != etag
    assert names_of(api, entity) == {"OMAR SAMPLEZAI", "Mullah Samplezai"}


def test_etag_and_body_change_after_a_policy_change(api, registry, analyst, approver):
    entity = registry["CDe.801"]
    etag = api.get(url(entity)).headers["ETag"]
    entity_update_policy(entity=entity, actor=actor(analyst), reason="reclassified",
                         category=EntityCategory.VIOLENT_EXTREMIST_ORGANISATION)
    response = api.get(url(entity), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response.headers["ETag"] != etag
    assert response.json()["category"] == "veo"
    etag = response.headers["ETag"]
    proposal = entity_propose_delisting(entity=entity, actor=actor(analyst), reason="delisted by review")
    proposal_approve(proposal=proposal, actor=actor(approver), reason="agreed")
    response = api.get(url(entity), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response.headers["ETag"] != etag
    assert response.json()["status"] == "delisted" and response.json()["delisted_at"]


def test_etag_and_body_follow_delisting_and_relisting_by_import(api, registry, import_un, api_file):
    entity = registry["TAe.801"]
    etag = api.get(url(entity)).headers["ETag"]
    import_un(api_file("v2.xml"))
    delisted = api.get(url(entity), HTTP_IF_NONE_MATCH=etag)
    assert delisted.status_code == 200 and delisted.headers["ETag"] != etag
    body = delisted.json()
    assert body["status"] == "delisted" and body["delisted_at"]
    assert body["listings"][0]["status"] == "delisted" and body["listings"][0]["delisted_at"]
    assert body["source_records"][0]["removed_at"]
    import_un(api_file("v3.xml"))
    relisted = api.get(url(entity), HTTP_IF_NONE_MATCH=delisted.headers["ETag"])
    assert relisted.status_code == 200 and relisted.headers["ETag"] != delisted.headers["ETag"]
    body = relisted.json()
    assert body["status"] == "active" and body["delisted_at"] is None
    assert body["listings"][0]["status"] == "active" and body["source_records"][0]["removed_at"] is None


def test_the_cached_body_is_never_stale(api, internal_api, registry, import_un, api_file, analyst):
    """After every kind of write, each entity's served body equals its document computed afresh, for each audience."""

    def check(step):
        for entity in Entity.objects.all():
            assert api.get(url(entity)).json() == fresh(entity), (step, entity.caption)
            assert internal_api.get(url(entity)).json() == fresh(entity, Audience.INTERNAL), (step, entity.caption)

    check("v1")  # also fills the cache
    name_save(name=Name(entity=registry["KPi.801"], name_type=NameType.ALIAS, full_name="Jo N."), actor=actor(analyst))
    check("name added")
    entity_update_policy(entity=registry["QDi.802"], actor=actor(analyst), reason="r", analyst_notes="seen")
    check("notes")
    import_un(api_file("v2.xml"))
    check("v2")
    import_un(api_file("v3.xml"))
    check("v3")
    import_un(api_file("v1.xml"), force=True)
    check("v1 again")


def test_an_unchanged_import_keeps_the_etag_and_the_body(api, registry, import_un, api_file):
    # The document leaves out what moves on every import without the entity changing (last_seen), so an
    # unchanged import is a 304 for a client that holds the ETag, and the cached body is still right.
    entity = registry["QDi.801"]
    before = api.get(url(entity))
    import_un(api_file("v1.xml"))
    after = api.get(url(entity), HTTP_IF_NONE_MATCH=before.headers["ETag"])
    assert after.status_code == 304
    assert api.get(url(entity)).json() == fresh(entity) == before.json()


# --- Not found and bad input ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["not-a-uuid", "123", "0" * 32, str(uuid.uuid4()) + "0", str(uuid.uuid4())[:-1], "%00" * 36, "../sources"],
)
def test_a_malformed_id_is_404(api, registry, path):
    response = api.get(f"/api/v1/entities/{path}/")
    assert response.status_code == 404


@pytest.mark.parametrize("path", ["-" * 36, "a" * 36, "0123456789abcdef-" * 2 + "01"])
def test_a_36_character_non_uuid_is_404(api, registry, path):
    response = api.get(f"/api/v1/entities/{path}/")
    assert response.status_code == 404


def test_an_unknown_id_is_404(api, registry):
    response = api.get(f"/api/v1/entities/{uuid.uuid4()}/")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_an_upper_case_id_finds_the_entity(api, registry):
    entity = registry["QDe.801"]
    response = api.get(f"/api/v1/entities/{str(entity.pk).upper()}/")
    assert response.status_code == 200
    assert response.json()["id"] == str(entity.pk)


def test_unknown_parameters_are_refused_on_detail(api, registry):
    response = api.get(url(registry["QDe.801"]) + "?expand=all")
    assert response.status_code == 400
    assert "expand" in response.json()


# --- Query counts ---------------------------------------------------------------------------------


def queries_for(api, path, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path, **headers)
    assert response.status_code in (200, 304)
    return len(queries)


def test_detail_queries_do_not_grow_with_facts(api, registry, analyst):
    rich, poor = registry["QDi.801"], registry["CDe.801"]
    for number in range(20):
        name_save(name=Name(entity=rich, name_type=NameType.ALIAS, full_name=f"Alias {number}"), actor=actor(analyst))
    api.get("/api/v1/sources/")  # the client's first call reads it and stamps last_used_at; later ones hit the cache
    rich_count = queries_for(api, url(rich))
    poor_count = queries_for(api, url(poor))
    assert rich_count == poor_count
    # The stored document is stale: its freshness check, the entity row, 7 fact tables, source records, evidence
    # and relationships, and the upsert of the new rendering.
    assert rich_count <= 13
    # Then the stored rendering is served, and a 304 costs the same single query.
    assert queries_for(api, url(rich)) == 1
    etag = api.get(url(rich)).headers["ETag"]
    assert queries_for(api, url(rich), HTTP_IF_NONE_MATCH=etag) == 1


# --- Stored renderings ------------------------------------------------------------------------------


def test_a_read_stores_the_rendering_and_the_next_read_serves_it(api, registry):
    entity = registry["QDi.801"]
    EntityDocument.objects.all().delete()
    first = api.get(url(entity))
    stored = EntityDocument.objects.get(entity=entity, audience=Audience.PUBLIC)
    assert stored.version == Entity.objects.get(pk=entity.pk).updated_at
    assert json.loads(stored.body) == first.json() == fresh(entity)
    assert stored.etag == first.headers["ETag"]
    second = api.get(url(entity))
    assert second.content == first.content and second.headers["ETag"] == first.headers["ETag"]


def test_a_stale_rendering_is_never_served_whoever_changed_the_entity(api, registry):
    """Freshness does not depend on any hook: a change made with the bare ORM still moves updated_at."""
    entity = registry["QDi.801"]
    before = api.get(url(entity))
    Name.objects.create(entity=entity, name_type=NameType.ALIAS, full_name="Written Behind The Back", public=True)
    Entity.objects.get(pk=entity.pk).save()
    after = api.get(url(entity), HTTP_IF_NONE_MATCH=before.headers["ETag"])
    assert after.status_code == 200
    assert "Written Behind The Back" in {name["name"] for name in after.json()["names"]}
    assert after.json() == fresh(entity)


def test_a_rendering_stored_for_another_version_is_replaced(api, registry):
    entity = registry["CDe.801"]
    api.get(url(entity))
    EntityDocument.objects.filter(entity=entity).update(body='{"forged": true}', version=timezone.now())
    response = api.get(url(entity))
    assert response.json() == fresh(entity)
    assert json.loads(EntityDocument.objects.get(entity=entity, audience=Audience.PUBLIC).body) == fresh(entity)


def test_render_entity_documents_renders_what_is_missing_or_stale(registry, analyst):
    EntityDocument.objects.all().delete()
    out = io.StringIO()
    call_command("render_entity_documents", stdout=out, stderr=io.StringIO())
    assert "Rendered 14 documents" in out.getvalue()  # each entity's, for each audience
    for audience in Audience.values:
        documents = EntityDocument.objects.filter(audience=audience)
        assert {str(pk) for pk in documents.values_list("entity", flat=True)} == {
            str(entity.pk) for entity in registry.values()}
        for document in documents:
            assert json.loads(document.body) == fresh(document.entity, audience)
    name_save(name=Name(entity=registry["KPi.801"], name_type=NameType.ALIAS, full_name="Jo N."), actor=actor(analyst))
    out = io.StringIO()
    call_command("render_entity_documents", stdout=out, stderr=io.StringIO())
    assert "Rendered 2 documents" in out.getvalue()
    assert "Jo N." in EntityDocument.objects.get(entity=registry["KPi.801"], audience=Audience.INTERNAL).body
    assert "Jo N." not in EntityDocument.objects.get(entity=registry["KPi.801"], audience=Audience.PUBLIC).body

