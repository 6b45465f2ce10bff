"""
The one service that writes a source's records into the registry.

Every source module's parsed records go through ``sync_records``: new reference numbers become entities,
changed records rewrite their own facts, records that came back are re-listed, and records that left the
list are delisted. Nothing is deleted but the facts a changed record replaces, and every write leaves a
history row naming the import run. The caller holds the transaction: a failure anywhere leaves the
registry as it was.
"""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from entities.changes import change, record_changes
from entities.choices import ChangeAction, EntityStatus, ListingStatus
from entities.countries import country_code
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
from importers.base import DelistGuardError
from importers.records import EntityRecord, PlaceData

FACT_MODELS = (Name, BirthDate, BirthPlace, Nationality, Address, IdentityDocument)
SOURCE_FIELDS = (
    "kind", "caption", "first_name", "second_name", "third_name", "fourth_name", "gender", "titles", "positions",
    "narrative",
)


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


def sync_records(*, source, records: list[EntityRecord], actor: Actor, force: bool = False) -> SyncCounts:
    """Bring the registry in line with ``records``, the complete current list of ``source``."""
    now = timezone.now()
    counts = SyncCounts()
    existing = {
        record.source_key: record
        for record in SourceRecord.objects.filter(source=source).only(
            "id", "source_key", "content_hash", "removed_at", "entity_id"
        )
    }
    incoming = {record.key: record for record in records}
    active = {key for key, record in existing.items() if record.removed_at is None}
    leaving = sorted(active - incoming.keys())
    check_delist_guard(source=source, leaving=len(leaving), active=len(active), force=force)

    new, changes = [], []
    for key, record in incoming.items():
        known = existing.get(key)
        if known is None:
            new.append(record)
        elif known.removed_at is not None:
            relist_record(known, record, actor=actor, now=now)
            changes.append(actor.change(known.entity_id, ChangeAction.RELISTED, now, source_key=key))
            counts.relisted += 1
        elif known.content_hash != record.content_hash():
            update_record(known, record, actor=actor, now=now)
            changes.append(actor.change(known.entity_id, ChangeAction.UPDATED, now, source_key=key))
            counts.updated += 1
        else:
            counts.unchanged += 1
    for entity in create_records(source, new, actor=actor, now=now):
        changes.append(actor.change(entity.pk, ChangeAction.CREATED, now, source_key=entity.source_key))
    counts.created = len(new)
    for key in leaving:
        delist_record(existing[key], actor=actor, now=now)
        changes.append(actor.change(existing[key].entity_id, ChangeAction.DELISTED, now, source_key=key))
    counts.delisted = len(leaving)
    record_changes(changes)
    # Not a change to the records, so it writes no history.
    SourceRecord.objects.filter(source=source, removed_at__isnull=True).update(last_seen=now)
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


def create_records(source, records: list[EntityRecord], *, actor: Actor, now) -> list[Entity]:
    if not records:
        return []
    entities = [Entity(**entity_fields(record), category=record.category, first_listed=first_listed(record))
                for record in records]
    bulk_create_with_history(entities, Entity, default_user=actor.user, default_change_reason=actor.reason)
    source_records = [
        SourceRecord(
            source=source, source_key=record.key, external_id=record.external_id, entity=entity,
            payload=record.payload(), content_hash=record.content_hash(), first_seen=now, last_seen=now,
        )
        for record, entity in zip(records, entities, strict=True)
    ]
    source_records = bulk_create_with_history(
        source_records, SourceRecord, default_user=actor.user, default_change_reason=actor.reason
    )
    facts: dict[type, list] = {model: [] for model in (*FACT_MODELS, Listing)}
    for record, source_record in zip(records, source_records, strict=True):
        for model, rows in build_facts(source_record, record).items():
            facts[model].extend(rows)
        facts[Listing].extend(build_listings(source_record, record))
    for model, rows in facts.items():
        bulk_create_with_history(rows, model, default_user=actor.user, default_change_reason=actor.reason)
    for entity, record in zip(entities, records, strict=True):
        entity.source_key = record.key
    return entities


def update_record(known: SourceRecord, record: EntityRecord, *, actor: Actor, now):
    """Rewrite the entity's source-derived fields and the facts that came from this record."""
    source_record = SourceRecord.objects.select_related("entity", "source").get(pk=known.pk)
    entity = source_record.entity
    for field, value in entity_fields(record).items():
        setattr(entity, field, value)
    save(entity, actor)  # policy fields, first_listed included, are the analysts' after creation

    for model in FACT_MODELS:
        for fact in model.objects.filter(source_record=source_record):
            delete(fact, actor)
    for model, rows in build_facts(source_record, record).items():
        bulk_create_with_history(rows, model, default_user=actor.user, default_change_reason=actor.reason)
    upsert_listings(source_record, record, actor=actor)

    source_record.payload = record.payload()
    source_record.content_hash = record.content_hash()
    source_record.external_id = record.external_id
    source_record.removed_at = None
    source_record.last_seen = now
    save(source_record, actor)


def relist_record(known: SourceRecord, record: EntityRecord, *, actor: Actor, now):
    """A record back on the list: the same entity and listing become active again, history keeps the gap."""
    known = SourceRecord.objects.get(pk=known.pk)
    if known.content_hash != record.content_hash():
        update_record(known, record, actor=actor, now=now)
    else:
        upsert_listings(known, record, actor=actor)
        known.removed_at = None
        known.last_seen = now
        save(known, actor)
    entity = Entity.objects.get(pk=known.entity_id)
    if entity.status == EntityStatus.DELISTED:
        entity.status = EntityStatus.ACTIVE
        entity.delisted_at = None
    save(entity, actor)  # saved even when its status stays, so its updated_at and ETag move


def delist_record(known: SourceRecord, *, actor: Actor, now):
    """A record gone from the list: its listings are delisted, and the entity too once none is left active."""
    known = SourceRecord.objects.get(pk=known.pk)
    known.removed_at = now
    save(known, actor)
    for listing in Listing.objects.filter(source_record=known, status=ListingStatus.ACTIVE):
        listing.status = ListingStatus.DELISTED
        listing.delisted_at = now
        save(listing, actor)
    entity = Entity.objects.get(pk=known.entity_id)
    if entity.status == EntityStatus.ACTIVE and not entity.listings.filter(status=ListingStatus.ACTIVE).exists():
        entity.status = EntityStatus.DELISTED
        entity.delisted_at = now
    save(entity, actor)  # saved even when its status stays, so its updated_at and ETag move


def upsert_listings(source_record: SourceRecord, record: EntityRecord, *, actor: Actor):
    current = {listing.reference_number: listing for listing in Listing.objects.filter(source_record=source_record)}
    for fresh in build_listings(source_record, record):
        listing = current.get(fresh.reference_number)
        if listing is None:
            save(fresh, actor)
            continue
        for field in ("regime", "list_type", "listed_on", "last_updated", "external_id", "version"):
            setattr(listing, field, getattr(fresh, field))
        listing.status = ListingStatus.ACTIVE
        listing.delisted_at = None
        save(listing, actor)


def save(instance, actor: Actor):
    instance._history_user = actor.user
    instance._change_reason = actor.reason
    instance.save()


def delete(instance, actor: Actor):
    instance._history_user = actor.user
    instance._change_reason = actor.reason
    instance.delete()


def entity_fields(record: EntityRecord) -> dict:
    fields = {field: getattr(record, field) for field in SOURCE_FIELDS}
    fields["titles"] = list(record.titles)
    fields["positions"] = list(record.positions)
    return fields


def first_listed(record: EntityRecord) -> date | None:
    dates = [date.fromisoformat(listing.listed_on) for listing in record.listings if listing.listed_on]
    return min(dates, default=None)


def build_listings(source_record: SourceRecord, record: EntityRecord) -> list[Listing]:
    return [
        Listing(
            entity_id=source_record.entity_id,
            source_record=source_record,
            source_id=source_record.source_id,
            regime=listing.regime,
            list_type=listing.list_type,
            reference_number=listing.reference_number,
            listed_on=listing.listed_on or None,
            last_updated=list(listing.last_updated),
            external_id=listing.external_id,
            version=listing.version,
        )
        for listing in record.listings
    ]


def build_facts(source_record: SourceRecord, record: EntityRecord) -> dict[type, list]:
    """The fact rows one record gives its entity, unsaved, keyed by model."""
    common = {"entity_id": source_record.entity_id, "source_record": source_record}
    return {
        Name: [Name(**common, **vars(name)) for name in record.names],
        BirthDate: [
            BirthDate(**common, **{**vars(birth), "date": birth.date or None}) for birth in record.birth_dates
        ],
        BirthPlace: [BirthPlace(**common, **place_fields(place)) for place in record.birth_places],
        Nationality: [
            Nationality(**common, country=country, country_code=country_code(country))
            for country in record.nationalities
        ],
        Address: [Address(**common, **place_fields(place)) for place in record.addresses],
        IdentityDocument: [
            IdentityDocument(**common, **{**vars(doc), "date_of_issue": doc.date_of_issue or None})
            for doc in record.documents
        ],
    }


def place_fields(place: PlaceData) -> dict:
    return {**vars(place), "country_code": country_code(place.country)}
