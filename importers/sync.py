"""
The one service that writes a source's records into the registry.

Every source module's parsed records go through ``sync_records``: new keys become entities, changed records
rewrite what changed of their facts, records that came back are re-listed, and records that left the list
are delisted. Nothing is deleted but the facts a source stopped stating, every write leaves a history row
naming the import run, and every entity touched gets one entry in the change feed. Writes are batched (a
few queries per table, not per record), so a large update costs about what a cold import does. The caller
holds the transaction: a failure anywhere leaves the registry as it was.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from entities.changes import change, record_changes
from entities.choices import ChangeAction, EntityStatus, ListingStatus
from entities.models import Entity, Listing, SourceRecord
from importers.base import DelistGuardError
from importers.records import EntityRecord
from importers.rows import (
    FACT_MODELS,
    LISTING_FIELDS,
    SOURCE_FIELDS,
    build_facts,
    build_listings,
    entity_fields,
    fact_key,
    first_listed,
)
from screening.index import schedule_reindex


@dataclass
class SyncCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    delisted: int = 0
    relisted: int = 0


@dataclass(frozen=True)
class Actor:
    """Who an import's history rows and change-feed entries are attributed to, and why they were written."""

    user: object | None
    reason: str

    def change(self, entity_id, action: str, when, **details):
        return change(entity_id, action, actor=self.user, reason=self.reason, when=when, **details)

    @property
    def history(self) -> dict:
        return {"default_user": self.user, "default_change_reason": self.reason}


def sync_records(*, source, records: list[EntityRecord], actor: Actor, force: bool = False) -> SyncCounts:
    """Bring the registry in line with ``records``, the complete current list of ``source``."""
    now = timezone.now()
    existing = {
        record.source_key: record
        for record in SourceRecord.objects.filter(source=source).only(
            "id", "source_key", "content_hash", "removed_at", "entity_id"
        )
    }
    incoming = {record.key: record for record in records}
    active = {key for key, known in existing.items() if known.removed_at is None}
    leaving = sorted(active - incoming.keys())
    check_delist_guard(source=source, leaving=len(leaving), active=len(active), force=force)

    new, changed, returning = [], [], []
    for key, record in incoming.items():
        known = existing.get(key)
        if known is None:
            new.append(record)
        elif known.removed_at is not None:
            returning.append((known, record))
        elif known.content_hash != record.content_hash():
            changed.append((known, record))
    counts = SyncCounts(
        created=len(new), updated=len(changed), relisted=len(returning), delisted=len(leaving),
        unchanged=len(incoming) - len(new) - len(changed) - len(returning),
    )

    update_records(
        [(known, record) for known, record in [*changed, *returning] if known.content_hash != record.content_hash()],
        actor=actor, now=now,
    )
    relist_records([known for known, _ in returning], actor=actor, now=now)
    created = create_records(source, new, actor=actor, now=now)
    delist_records([existing[key] for key in leaving], actor=actor, now=now)

    record_changes([
        *(actor.change(known.entity_id, ChangeAction.UPDATED, now, source_key=known.source_key)
          for known, _ in changed),
        *(actor.change(known.entity_id, ChangeAction.RELISTED, now, source_key=known.source_key)
          for known, _ in returning),
        *(actor.change(entity.pk, ChangeAction.CREATED, now, source_key=key) for key, entity in created),
        *(actor.change(existing[key].entity_id, ChangeAction.DELISTED, now, source_key=key) for key in leaving),
    ])
    # Not a change to the records, so it writes no history.
    SourceRecord.objects.filter(source=source, removed_at__isnull=True).update(last_seen=now)
    schedule_reindex([*(known.entity_id for known, _ in [*changed, *returning]), *(e.pk for _, e in created)])
    return counts


def check_delist_guard(*, source, leaving: int, active: int, force: bool):
    if force or not active or leaving <= source.max_delist_share * active:
        return
    raise DelistGuardError(
        f"This import would delist {leaving} of the {active} active {source.slug} listings "
        f"({leaving / active:.0%}), more than the {source.max_delist_share:.0%} the source allows at once. "
        "The download may be truncated or broken. If the list really shrank, run the import again with --force "
        "(or raise the source's delisting limit in the admin)."
    )


def create_records(source, records: list[EntityRecord], *, actor: Actor, now) -> list[tuple[str, Entity]]:
    """New keys: an entity each, with its source record, facts and listings. Returns (key, entity) pairs."""
    if not records:
        return []
    entities = [Entity(**entity_fields(record), category=record.category, first_listed=first_listed(record))
                for record in records]
    bulk_create_with_history(entities, Entity, **actor.history)
    source_records = bulk_create_with_history(
        [
            SourceRecord(
                source=source, source_key=record.key, external_id=record.external_id, entity=entity,
                payload=record.payload(), content_hash=record.content_hash(), first_seen=now, last_seen=now,
            )
            for record, entity in zip(records, entities, strict=True)
        ],
        SourceRecord, **actor.history,
    )
    rows: dict[type, list] = defaultdict(list)
    for record, source_record in zip(records, source_records, strict=True):
        for model, facts in build_facts(source_record, record).items():
            rows[model].extend(facts)
        rows[Listing].extend(build_listings(source_record, record))
    for model, objects in rows.items():
        bulk_create_with_history(objects, model, **actor.history)
    return [(record.key, entity) for record, entity in zip(records, entities, strict=True)]


def update_records(pairs: list[tuple[SourceRecord, EntityRecord]], *, actor: Actor, now):
    """
    Changed records: rewrite their entities' source-derived fields, add the facts the source now states and
    remove the ones it no longer does (unchanged facts keep their rows), update their listings, keep the new
    payload. Analysts' fields and facts are never touched.
    """
    if not pairs:
        return
    fresh = {known.pk: record for known, record in pairs}
    source_records = list(SourceRecord.objects.select_related("entity").filter(pk__in=fresh).order_by("pk"))
    for source_record in source_records:
        record = fresh[source_record.pk]
        for field, value in entity_fields(record).items():
            setattr(source_record.entity, field, value)
        source_record.entity.updated_at = now
        source_record.payload = record.payload()
        source_record.content_hash = record.content_hash()
        source_record.external_id = record.external_id
        source_record.last_seen = now
    bulk_update_with_history(
        [source_record.entity for source_record in source_records], Entity, [*SOURCE_FIELDS, "updated_at"],
        **actor.history,
    )
    bulk_update_with_history(
        source_records, SourceRecord, ["payload", "content_hash", "external_id", "last_seen"], **actor.history
    )
    wanted = {record.pk: build_facts(record, fresh[record.pk]) for record in source_records}
    for model in FACT_MODELS:
        replace_facts(model, {pk: facts[model] for pk, facts in wanted.items()}, actor=actor)
    upsert_listings(source_records, fresh, actor=actor)


def replace_facts(model, wanted: dict[int, list], *, actor: Actor):
    """Make each source record's facts of ``model`` exactly those ``wanted``, touching only the difference."""
    stale = defaultdict(lambda: defaultdict(list))
    for fact in model.objects.filter(source_record_id__in=wanted):
        stale[fact.source_record_id][fact_key(fact)].append(fact)
    to_create = []
    for source_record_id, facts in wanted.items():
        for fact in facts:
            same = stale[source_record_id][fact_key(fact)]
            if same:
                same.pop()
            else:
                to_create.append(fact)
    for by_key in stale.values():
        for facts in by_key.values():
            for fact in facts:
                delete(fact, actor)
    bulk_create_with_history(to_create, model, **actor.history)


def upsert_listings(source_records: list[SourceRecord], fresh: dict[int, EntityRecord], *, actor: Actor):
    current = {
        (listing.source_record_id, listing.reference_number): listing
        for listing in Listing.objects.filter(source_record__in=source_records)
    }
    to_create, to_update = [], []
    for source_record in source_records:
        for listing in build_listings(source_record, fresh[source_record.pk]):
            existing = current.get((source_record.pk, listing.reference_number))
            if existing is None:
                to_create.append(listing)
            elif any(getattr(existing, field) != getattr(listing, field) for field in LISTING_FIELDS):
                for field in LISTING_FIELDS:
                    setattr(existing, field, getattr(listing, field))
                to_update.append(existing)
    bulk_create_with_history(to_create, Listing, **actor.history)
    bulk_update_with_history(to_update, Listing, list(LISTING_FIELDS), **actor.history)


def relist_records(returning: list[SourceRecord], *, actor: Actor, now):
    """Records back on the list: the same entities and listings become active again; history keeps the gap."""
    for known in returning:
        source_record = SourceRecord.objects.select_related("entity").get(pk=known.pk)
        source_record.removed_at = None
        source_record.last_seen = now
        save(source_record, actor)
        for listing in Listing.objects.filter(source_record=source_record, status=ListingStatus.DELISTED):
            listing.status = ListingStatus.ACTIVE
            listing.delisted_at = None
            save(listing, actor)
        entity = source_record.entity
        if entity.status == EntityStatus.DELISTED:
            entity.status = EntityStatus.ACTIVE
            entity.delisted_at = None
        save(entity, actor)  # saved even when its status stays, so its updated_at and ETag move


def delist_records(leaving: list[SourceRecord], *, actor: Actor, now):
    """Records gone from the list: their listings are delisted, and each entity once none is left active."""
    for known in leaving:
        source_record = SourceRecord.objects.select_related("entity").get(pk=known.pk)
        source_record.removed_at = now
        save(source_record, actor)
        for listing in Listing.objects.filter(source_record=source_record, status=ListingStatus.ACTIVE):
            listing.status = ListingStatus.DELISTED
            listing.delisted_at = now
            save(listing, actor)
        entity = source_record.entity
        if entity.status == EntityStatus.ACTIVE and not entity.listings.filter(status=ListingStatus.ACTIVE).exists():
            entity.status = EntityStatus.DELISTED
            entity.delisted_at = now
        save(entity, actor)  # saved even when its status stays, so its updated_at and ETag move


def save(instance, actor: Actor):
    instance._history_user = actor.user
    instance._change_reason = actor.reason
    instance.save()


def delete(instance, actor: Actor):
    instance._history_user = actor.user
    instance._change_reason = actor.reason
    instance.delete()
