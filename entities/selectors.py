"""
Reading whole entities fast, for the API's detail view and full exports.

An entity document is a plain dict with every fact and its provenance. Facts are read with one
``values()`` query per table for a whole batch of entities, so a document costs no model instances and no
serializer machinery, and an export of any size runs in constant memory, a batch at a time.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterator

from django.db import connection
from django.db.models import Q

from entities.choices import Audience, DesignationState, RelationshipState
from entities.models import (
    Address,
    BirthDate,
    BirthPlace,
    Entity,
    Evidence,
    IdentityDocument,
    Listing,
    Name,
    Nationality,
    Relationship,
    SourceRecord,
)
from entities.models.entities import api_status

ENTITY_FIELDS = ["id", "kind", "caption", "first_name", "second_name", "third_name", "fourth_name", "gender",
                 "titles", "positions", "narrative", "category", "tier", "state", "first_designated_at",
                 "first_listed", "delisted_at", "analyst_notes", "created_at", "updated_at"]
INTERNAL_ENTITY_FIELDS = {"analyst_notes", "first_designated_at"}
PLACE_FIELDS = ["street", "city", "state_province", "zip_code", "country", "country_code", "note"]
# document key -> (model, {output name: model field}); every fact also carries its source record.
FACTS = {
    "names": (Name, {"name": "full_name", "type": "name_type", "quality": "quality", "note": "note",
                     "date_of_birth": "date_of_birth", "city_of_birth": "city_of_birth",
                     "country_of_birth": "country_of_birth"}),
    "birth_dates": (BirthDate, {"type": "date_type", "date": "date", "year": "year", "from_year": "from_year",
                                "to_year": "to_year", "note": "note"}),
    "birth_places": (BirthPlace, {field: field for field in PLACE_FIELDS}),
    "nationalities": (Nationality, {"country": "country", "country_code": "country_code"}),
    "addresses": (Address, {field: field for field in PLACE_FIELDS}),
    "documents": (IdentityDocument, {"type": "document_type", "type_detail": "document_type_detail",
                                     "number": "number", "issuing_country": "issuing_country",
                                     "country_of_issue": "country_of_issue", "city_of_issue": "city_of_issue",
                                     "date_of_issue": "date_of_issue", "note": "note"}),
    "listings": (Listing, {"source": "source__slug", "regime": "regime", "reference_number": "reference_number",
                           "list_type": "list_type", "listed_on": "listed_on", "last_updated": "last_updated",
                           "external_id": "external_id", "version": "version", "status": "status",
                           "delisted_at": "delisted_at"}),
}
# Not last_seen: it moves on every import without anything about the entity changing.
SOURCE_RECORD_FIELDS = {"id": "id", "source": "source__slug", "key": "source_key", "external_id": "external_id",
                        "first_seen": "first_seen", "removed_at": "removed_at"}
EVIDENCE_FIELDS = {"url": "url", "title": "title", "summary": "summary", "on_platform": "on_platform",
                   "captured_at": "captured_at"}
# What external clients may read of a fact: what a source published, or what an analyst marked public.
PUBLIC_FACTS = Q(source_record__isnull=False) | Q(public=True)


def visible_entities(audience: str):
    """The entities an audience may read: external clients, only those designated at some point."""
    return Entity.objects.public() if audience == Audience.PUBLIC else Entity.objects.all()


def entity_documents(queryset=None, *, audience: str, batch_size: int = 1000) -> Iterator[dict]:
    """Yield the document of every entity in ``queryset`` (all the audience may read by default), in id order."""
    queryset = queryset if queryset is not None else visible_entities(audience)
    for entities in id_batches(queryset.values(*ENTITY_FIELDS), batch_size=batch_size):
        yield from documents_for(entities, audience=audience)


def id_batches(rows, *, batch_size: int) -> Iterator[list]:
    """
    The rows of a ``values()`` or ``values_list()`` queryset of entities (``id`` first) in id order,
    ``batch_size`` at a time. Each batch starts after the last id of the one before (no OFFSET), so a batch
    costs the same at any depth, and rows the caller changed in between are neither skipped nor repeated.
    """
    rows = rows.order_by("id")
    last_id = None
    while batch := list((rows.filter(id__gt=last_id) if last_id else rows)[:batch_size]):
        yield batch
        last = batch[-1]
        last_id = last["id"] if isinstance(last, dict) else last[0]


def documents_for(entities: list[dict], *, audience: str) -> list[dict]:
    """
    Complete entity rows (``values(*ENTITY_FIELDS)`` dicts) for ``audience``: with their facts, source records,
    evidence and confirmed relationships (10 queries a batch). For external clients (``Audience.PUBLIC``): no
    analyst's notes, no analyst's item not marked public, and the state as designated or delisted (and the
    status with it: an entity delisted and proposed again is delisted, not proposed).
    """
    ids = [entity["id"] for entity in entities]
    public = audience == Audience.PUBLIC
    grouped = {key: _facts_by_entity(model, mapping, ids, public=public) for key, (model, mapping) in FACTS.items()}
    grouped["source_records"] = _by_entity(SourceRecord, SOURCE_RECORD_FIELDS, ids)
    grouped["evidence"] = _evidence_by_entity(ids, public=public)
    grouped["relationships"] = _relationships_by_entity(ids, public=public)
    for entity in entities:
        if public:
            entity["state"] = public_state(entity["state"])
            for field in INTERNAL_ENTITY_FIELDS:
                del entity[field]
        entity["status"] = api_status(entity["state"])  # as the audience sees the state
        for key, by_entity in grouped.items():
            entity[key] = by_entity.get(entity["id"], [])
    return entities


def public_state(state: str) -> str:
    """The state external clients see: designated, or delisted for an entity no longer (or not again) designated."""
    return state if state == DesignationState.DESIGNATED else DesignationState.DELISTED


def _facts_by_entity(model, mapping, ids, *, public: bool):
    filters = PUBLIC_FACTS if public else Q()
    grouped = _by_entity(model, {**mapping, "source_record": "source_record_id", "public": "public"}, ids, filters)
    for facts in grouped.values():
        for fact in facts:
            marked = fact.pop("public")
            published = fact["source_record"] is not None or marked
            if public:
                if fact["source_record"] is None and "note" in fact:
                    fact["note"] = ""  # an analyst's note stays internal, even on a public item
            else:
                fact["public"] = published
    return grouped


def _by_entity(model, mapping: dict[str, str], ids, filters=None) -> dict:
    grouped = defaultdict(list)
    names = list(mapping)
    rows = model.objects.filter(entity_id__in=ids)
    if filters is not None:
        rows = rows.filter(filters)
    for entity_id, *values in rows.order_by("id").values_list("entity_id", *mapping.values()):
        grouped[entity_id].append(dict(zip(names, values, strict=True)))
    return grouped


def _evidence_by_entity(ids, *, public: bool) -> dict:
    if public:
        return _by_entity(Evidence, EVIDENCE_FIELDS, ids, Q(public=True))
    return _by_entity(Evidence, {"id": "id", **EVIDENCE_FIELDS, "public": "public", "added_at": "added_at"}, ids)


def _relationships_by_entity(ids, *, public: bool) -> dict:
    """Confirmed relationships from both ends: each entity's list says which end it is."""
    grouped = defaultdict(list)
    rows = Relationship.objects.filter(Q(subject_id__in=ids) | Q(object_id__in=ids), state=RelationshipState.CONFIRMED)
    if public:
        rows = rows.filter(subject__first_designated_at__isnull=False, object__first_designated_at__isnull=False)
    wanted = set(ids)
    for row in rows.order_by("id").values("id", "kind", "subject_id", "subject__caption", "object_id",
                                          "object__caption", "start_date", "end_date", "source_record_id", "basis"):
        for end, other in (("subject", "object"), ("object", "subject")):
            if row[f"{end}_id"] not in wanted:
                continue
            item = {
                "kind": row["kind"], "role": end,
                "other": {"id": row[f"{other}_id"], "caption": row[f"{other}__caption"]},
                "start_date": row["start_date"], "end_date": row["end_date"],
                "origin": "source" if row["source_record_id"] else "analyst",
                "source_record": row["source_record_id"],
                # A source's words are public; an analyst's are not.
                "basis": row["basis"] if row["source_record_id"] or not public else "",
            }

            grouped[row[f"{end}_id"]].append(item)
    return grouped


SUMMARY_FIELDS = ["id", "kind", "caption", "state", "category", "tier", "first_listed", "delisted_at", "updated_at"]


def entity_summaries(entities: list[dict], *, detail_base: str, audience: str) -> list[dict]:
    """
    Rows of the entity list from ``values(*SUMMARY_FIELDS)`` dicts: one query for their listings and
    nationalities whatever their number, and no model instances. ``detail_base`` is the entity list's
    absolute URL; an entity's URL is below it. Nationalities an analyst entered count for external clients
    only where marked public.
    """
    references, regimes, codes = defaultdict(list), defaultdict(set), defaultdict(set)
    public = audience == Audience.PUBLIC
    for entity_id, value, regime, is_nationality in _summary_facts([entity["id"] for entity in entities],
                                                                    public=public):
        entity_id = entity_id if isinstance(entity_id, uuid.UUID) else uuid.UUID(entity_id)  # SQLite: hex text
        if is_nationality:
            codes[entity_id].add(value)
        else:
            references[entity_id].append(value)
            regimes[entity_id].add(regime)
    states = {entity["id"]: public_state(entity["state"]) if public else entity["state"] for entity in entities}
    return [
        {
            "id": entity["id"],
            "url": f"{detail_base}{entity['id']}/",
            **{field: entity[field] for field in SUMMARY_FIELDS[1:-1]},
            "state": states[entity["id"]],
            "status": api_status(states[entity["id"]]),
            "reference_numbers": references[entity["id"]],
            "regimes": sorted(regimes[entity["id"]]),
            "nationalities": sorted(codes[entity["id"]]),
            "updated_at": entity["updated_at"],
        }
        for entity in entities
    ]


# Hand-written: through the ORM, the page's hundred ids cost more CPU (a lookup per id, and a query text
# psycopg must parse anew each time) than the rest of a list request together. One array parameter instead.
SUMMARY_FACTS_SQL = (
    f"SELECT entity_id, id, reference_number, regime, 0 FROM {Listing._meta.db_table} WHERE entity_id {{ids}} "
    f"UNION ALL SELECT entity_id, id, country_code, '', 1 FROM {Nationality._meta.db_table} "
    "WHERE entity_id {ids} AND country_code <> '' {public} ORDER BY 2"
)


def _summary_facts(ids: list, *, public: bool) -> list[tuple]:
    """(entity id, reference number or country code, regime, is a nationality), listings in their order."""
    if not ids:
        return []
    values = [Entity._meta.pk.get_db_prep_value(entity_id, connection) for entity_id in ids]
    condition = "AND (source_record_id IS NOT NULL OR public)" if public else ""
    if connection.vendor == "postgresql":
        sql, params = SUMMARY_FACTS_SQL.format(ids="= ANY(%s)", public=condition), [values, values]
    else:
        sql = SUMMARY_FACTS_SQL.format(ids=f"IN ({', '.join(['%s'] * len(values))})", public=condition)
        params = values * 2
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[:1] + row[2:] for row in cursor.fetchall()]
