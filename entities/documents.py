"""
Serving whole entity documents fast: rendered once per version of the entity and audience, then read in one
query.

The detail endpoint is the registry's hottest path. Building a document takes a query per fact table and a
JSON rendering; reading a stored one takes a single lookup joined to the entity's row, and the stored body
goes out as it is. Each entity has one document per audience (``entities.choices.Audience``): what external
clients may read, and what the platform's own services read. ``EntityDocument.version`` is the
``updated_at`` the body was rendered for, and ``updated_at`` moves with every change to the entity or to
anything attached to it, so freshness is checked on every read, in the same query: a stale or missing body is
rendered and stored again on the spot. Rendering ahead of time (``manage.py render_entity_documents``) only
saves the first reader that work.
"""

import json
import uuid
from collections.abc import Iterator

from django.db import connection
from django.db.models import Exists, OuterRef, Subquery
from django.utils.http import quote_etag
from rest_framework.utils.encoders import JSONEncoder

from entities.choices import Audience
from entities.models import Entity, EntityDocument
from entities.selectors import ENTITY_FIELDS, documents_for, id_batches, visible_entities

_entity, _document = Entity._meta, EntityDocument._meta
# Built once: the ORM's query compilation would cost more than the lookup itself.
FRESH_DOCUMENT_SQL = (
    f"SELECT d.etag, d.body, d.version = e.updated_at FROM {_entity.db_table} e "
    f"LEFT JOIN {_document.db_table} d ON d.entity_id = e.id AND d.audience = %s WHERE e.id = %s"
)
PUBLIC_CONDITION = " AND e.first_designated_at IS NOT NULL"


def dumps(value) -> str:
    """JSON as the API's renderer writes it: DRF's encoder, compact, not ASCII-escaped."""
    return json.dumps(value, cls=JSONEncoder, ensure_ascii=False, separators=(",", ":"))


def etag_of(document: dict, audience: str) -> str:
    return quote_etag(f"{document['id']}:{audience[0]}:{document['updated_at'].timestamp()}")


def entity_document(entity_id: uuid.UUID, *, audience: str) -> tuple[str, str] | None:
    """(ETag, JSON body) of the entity's current document for ``audience``, or None when it may not see one."""
    sql = FRESH_DOCUMENT_SQL + (PUBLIC_CONDITION if audience == Audience.PUBLIC else "")
    with connection.cursor() as cursor:
        cursor.execute(sql, [audience, _entity.pk.get_db_prep_value(entity_id, connection)])
        row = cursor.fetchone()
    if row is None:
        return None
    etag, body, fresh = row
    if fresh:
        return etag, body
    [document] = render(list(Entity.objects.filter(pk=entity_id).values(*ENTITY_FIELDS)), audience=audience)
    return document.etag, document.body


def render(entities: list[dict], *, audience: str) -> list[EntityDocument]:
    """Render and store the documents of these entity rows (``values(*ENTITY_FIELDS)`` dicts) for ``audience``."""
    documents = []
    for document in documents_for(entities, audience=audience):
        documents.append(EntityDocument(entity_id=document["id"], audience=audience, version=document["updated_at"],
                                        etag=etag_of(document, audience), body=dumps(document)))
    # A concurrent reader may have stored the same version already; the last write wins, and a body stored
    # for an older version is caught by the freshness check on the next read.
    EntityDocument.objects.bulk_create(documents, update_conflicts=True, unique_fields=["entity", "audience"],
                                       update_fields=["version", "etag", "body"])
    return documents


def document_bodies(*, audience: str, batch_size: int = 1000) -> Iterator[str]:
    """
    The JSON document of every entity ``audience`` may read, in id order, a batch at a time: stored where
    fresh, else rendered and stored.
    """
    current = EntityDocument.objects.filter(entity=OuterRef("pk"), audience=audience,
                                            version=OuterRef("updated_at")).values("body")
    rows = visible_entities(audience).annotate(body=Subquery(current)).values_list("id", "body")
    for batch in id_batches(rows, batch_size=batch_size):
        stale = [entity_id for entity_id, body in batch if body is None]
        rendered = {}
        if stale:
            entities = list(Entity.objects.filter(pk__in=stale).values(*ENTITY_FIELDS))
            rendered = {document.entity_id: document.body for document in render(entities, audience=audience)}
        for entity_id, body in batch:
            yield body if body is not None else rendered[entity_id]


def render_all(*, batch_size: int = 1000, progress=lambda done: None) -> int:
    """Render every missing or stale document of every audience, a batch at a time; returns how many."""
    done = 0
    for audience in Audience.values:
        current = EntityDocument.objects.filter(entity=OuterRef("pk"), audience=audience,
                                                version=OuterRef("updated_at"))
        stale = visible_entities(audience).filter(~Exists(current)).values(*ENTITY_FIELDS)
        for batch in id_batches(stale, batch_size=batch_size):
            render(batch, audience=audience)
            done += len(batch)
            progress(done)
    return done
