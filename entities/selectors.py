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

from entities.models import (
    Address,
    BirthDate,
    BirthPlace,
    Entity,
    IdentityDocument,
    Listing,
    Name,
    Nationality,
    SourceRecord,
)

ENTITY_FIELDS = ["id", "kind", "caption", "first_name", "second_name", "third_name", "fourth_name", "gender",
                 "titles", "positions", "narrative", "category", "status", "first_listed", "delisted_at",
                 "created_at", "updated_at"]
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


def entity_documents(queryset=None, *, batch_size: int = 1000) -> Iterator[dict]:
    """Yield the document of every entity in ``queryset`` (all by default), in id order, a batch at a time."""
    queryset = queryset if queryset is not None else Entity.objects.all()
    for entities in id_batches(queryset.values(*ENTITY_FIELDS), batch_size=batch_size):
        yield from documents_for(entities)


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


def documents_for(entities: list[dict]) -> list[dict]:
    """Complete entity rows (``values()`` dicts) with their facts and source records: 8 queries a batch."""
    ids = [entity["id"] for entity in entities]
    grouped = {key: _facts_by_entity(model, mapping, ids) for key, (model, mapping) in FACTS.items()}
    grouped["source_records"] = _by_entity(SourceRecord, SOURCE_RECORD_FIELDS, ids)
    for entity in entities:
        for key, by_entity in grouped.items():
            entity[key] = by_entity.get(entity["id"], [])
    return entities


def _facts_by_entity(model, mapping, ids):
    return _by_entity(model, {**mapping, "source_record": "source_record_id"}, ids)


def _by_entity(model, mapping: dict[str, str], ids) -> dict:
    grouped = defaultdict(list)
    names = list(mapping)
    rows = model.objects.filter(entity_id__in=ids).order_by("id").values_list("entity_id", *mapping.values())
    for entity_id, *values in rows:
        grouped[entity_id].append(dict(zip(names, values, strict=True)))
    return grouped


SUMMARY_FIELDS = ["id", "kind", "caption", "status", "category", "first_listed", "delisted_at", "updated_at"]


def entity_summaries(entities: list[dict], *, detail_base: str) -> list[dict]:
    """
    Rows of the entity list from ``values(*SUMMARY_FIELDS)`` dicts: one query for their listings and
    nationalities whatever their number, and no model instances. ``detail_base`` is the entity list's
    absolute URL; an entity's URL is below it.
    """
    references, regimes, codes = defaultdict(list), defaultdict(set), defaultdict(set)
    for entity_id, value, regime, is_nationality in _summary_facts([entity["id"] for entity in entities]):
        entity_id = entity_id if isinstance(entity_id, uuid.UUID) else uuid.UUID(entity_id)  # SQLite: hex text
        if is_nationality:
            codes[entity_id].add(value)
        else:
            references[entity_id].append(value)
            regimes[entity_id].add(regime)
    return [
        {
            "id": entity["id"],
            "url": f"{detail_base}{entity['id']}/",
            **{field: entity[field] for field in SUMMARY_FIELDS[1:-1]},
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
    "WHERE entity_id {ids} AND country_code <> '' ORDER BY 2"
)


def _summary_facts(ids: list) -> list[tuple]:
    """(entity id, reference number or country code, regime, is a nationality), listings in their order."""
    if not ids:
        return []
    values = [Entity._meta.pk.get_db_prep_value(entity_id, connection) for entity_id in ids]
    if connection.vendor == "postgresql":
        sql, params = SUMMARY_FACTS_SQL.format(ids="= ANY(%s)"), [values, values]
    else:
        sql, params = SUMMARY_FACTS_SQL.format(ids=f"IN ({', '.join(['%s'] * len(values))})"), values * 2
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[:1] + row[2:] for row in cursor.fetchall()]
