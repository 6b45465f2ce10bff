"""
The one service that writes a source's records into the registry.

Every source module's parsed records go through ``sync_records``: new keys become entities, changed records
rewrite what changed of their facts, records that came back are re-listed, and records that left the list
are delisted. Nothing is deleted but the facts a source stopped stating, every write leaves a history row
naming the import run, and every entity touched gets an audit event (the change feed's entry) saying what
changed, before and after. What a listing's arrival or departure does to an entity's designation state is
the lifecycle's to decide (``entities.services.lifecycle``, by the source's policy). Writes are batched (a
few queries per table, not per record), so a large update costs about what a cold import does. The caller
holds the transaction: a failure anywhere leaves the registry as it was.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from entities import audit
from entities.audit import Actor, delete, event, field_changes, history_kwargs, item_change, save, snapshot
from entities.bulk import insert_with_history
from entities.choices import AuditAction, ListingStatus, RelationshipState
from entities.models import Entity, Listing, Relationship, SourceRecord
from entities.services import lifecycle
from entities.services.relationships import RELATIONSHIP_FIELDS, relationship_candidates
from entities.signals import send_names_changed
from importers.base import DelistGuardError, get_importer
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


@dataclass
class SyncCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    delisted: int = 0
    relisted: int = 0


def sync_records(*, source, records: list[EntityRecord], actor: Actor, reason: str,
                 force: bool = False) -> SyncCounts:
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

    sync = Sync(source=source, actor=actor, reason=reason, now=now)
    changes = sync.update_records(
        [(known, record) for known, record in [*changed, *returning] if known.content_hash != record.content_hash()]
    )
    events = [
        sync.updated(known.entity_id, changes.pop(known.entity_id, []), source_key=known.source_key)
        for known, _ in changed
    ]
    events += sync.relist_records([known for known, _ in returning], changes)
    events += sync.create_records(new)
    events += sync.delist_records([existing[key] for key in leaving])
    sync.derive_relationships([*new, *(record for _, record in [*changed, *returning])], events)
    audit.record(events)
    # Not a change to the records, so it writes no history.
    SourceRecord.objects.filter(source=source, removed_at__isnull=True).update(last_seen=now)
    send_names_changed([*(known.entity_id for known, _ in [*changed, *returning]),
                        *(e.entity_id for e in events if e.action == AuditAction.CREATED)])
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


def fact_text(fact) -> dict:
    """A fact as the audit timeline shows it."""
    return {"text": str(fact)}


@dataclass
class Sync:
    """One import's writes: every row attributed to the importer and the run's reason, at the same time."""

    source: object
    actor: Actor
    reason: str
    now: object
    public: dict = field(default_factory=dict)  # {entity id: whether external clients see it}, of updated ones

    @property
    def history(self) -> dict:
        return history_kwargs(self.actor, self.reason)

    @property
    def new_rows(self) -> dict:
        return {"user": self.actor.user, "reason": self.reason}

    def updated(self, entity_id, changes: list, **details):
        return event(entity_id, AuditAction.UPDATED, actor=self.actor, reason=self.reason, when=self.now,
                     changes=changes, public=self.public[entity_id], **details)

    def create_records(self, records: list[EntityRecord]) -> list:
        """New keys: an entity each, with its source record, facts and listings. Returns their audit events."""
        if not records:
            return []
        entities = [
            lifecycle.new_from_source({**entity_fields(record), "category": record.category,
                                       "first_listed": first_listed(record)}, policy=self.source.policy, when=self.now)
            for record in records
        ]
        insert_with_history(entities, Entity, **self.new_rows)
        source_records = insert_with_history(
            [
                SourceRecord(
                    source=self.source, source_key=record.key, external_id=record.external_id, entity=entity,
                    payload=record.payload(), content_hash=record.content_hash(), first_seen=self.now,
                    last_seen=self.now,
                )
                for record, entity in zip(records, entities, strict=True)
            ],
            SourceRecord, **self.new_rows,
        )
        rows: dict[type, list] = defaultdict(list)
        for record, source_record in zip(records, source_records, strict=True):
            for model, facts in build_facts(source_record, record).items():
                rows[model].extend(facts)
            rows[Listing].extend(build_listings(source_record, record))
        for model, objects in rows.items():
            insert_with_history(objects, model, **self.new_rows)
        return lifecycle.source_created(entities, source=self.source, keys=[record.key for record in records],
                                        actor=self.actor, reason=self.reason, when=self.now)

    def update_records(self, pairs: list[tuple[SourceRecord, EntityRecord]]) -> dict:
        """
        Changed records: rewrite their entities' source-derived fields, add the facts the source now states and
        remove the ones it no longer does (unchanged facts keep their rows), update their listings, keep the
        new payload. Analysts' fields and facts are never touched. Returns {entity id: [change, …]}.
        """
        changes = defaultdict(list)
        if not pairs:
            return changes
        fresh = {known.pk: record for known, record in pairs}
        source_records = list(SourceRecord.objects.select_related("entity").filter(pk__in=fresh).order_by("pk"))
        for source_record in source_records:
            record = fresh[source_record.pk]
            entity = source_record.entity
            self.public[entity.pk] = lifecycle.is_public(entity)
            before = snapshot(entity, SOURCE_FIELDS)
            for name, value in entity_fields(record).items():
                setattr(entity, name, value)
            changes[entity.pk].extend(field_changes(before, snapshot(entity, SOURCE_FIELDS)))
            entity.updated_at = self.now
            source_record.payload = record.payload()
            source_record.content_hash = record.content_hash()
            source_record.external_id = record.external_id
            source_record.last_seen = self.now
        bulk_update_with_history(
            [source_record.entity for source_record in source_records], Entity, [*SOURCE_FIELDS, "updated_at"],
            **self.history,
        )
        bulk_update_with_history(
            source_records, SourceRecord, ["payload", "content_hash", "external_id", "last_seen"], **self.history
        )
        wanted = {record.pk: build_facts(record, fresh[record.pk]) for record in source_records}
        for model in FACT_MODELS:
            for entity_id, change in self.replace_facts(model, {pk: facts[model] for pk, facts in wanted.items()}):
                changes[entity_id].append(change)
        for entity_id, change in self.upsert_listings(source_records, fresh):
            changes[entity_id].append(change)
        return changes

    def replace_facts(self, model, wanted: dict[int, list]) -> list[tuple]:
        """
        Make each source record's facts of ``model`` exactly those ``wanted``, touching only the difference.
        Returns (entity id, change) for each fact added or removed.
        """
        stale = defaultdict(lambda: defaultdict(list))
        for fact in model.objects.filter(source_record_id__in=wanted):
            stale[fact.source_record_id][fact_key(fact)].append(fact)
        to_create, changes = [], []
        label = model._meta.model_name
        for source_record_id, facts in wanted.items():
            for fact in facts:
                same = stale[source_record_id][fact_key(fact)]
                if same:
                    same.pop()
                else:
                    to_create.append(fact)
                    changes.append((fact.entity_id, item_change(label, after=fact_text(fact), public=True)))
        for by_key in stale.values():
            for facts in by_key.values():
                for fact in facts:
                    changes.append((fact.entity_id, item_change(label, before=fact_text(fact), public=True,
                                                                item_id=fact.pk)))
                    delete(fact, actor=self.actor, reason=self.reason)
        insert_with_history(to_create, model, **self.new_rows)
        return changes

    def upsert_listings(self, source_records: list[SourceRecord], fresh: dict[int, EntityRecord]) -> list[tuple]:
        current = {
            (listing.source_record_id, listing.reference_number): listing
            for listing in Listing.objects.filter(source_record__in=source_records)
        }
        to_create, to_update, changes = [], [], []
        for source_record in source_records:
            for listing in build_listings(source_record, fresh[source_record.pk]):
                existing = current.get((source_record.pk, listing.reference_number))
                if existing is None:
                    to_create.append(listing)
                    changes.append((listing.entity_id, item_change("listing", after=fact_text(listing),
                                                                   public=True)))
                elif any(getattr(existing, field) != getattr(listing, field) for field in LISTING_FIELDS):
                    before = snapshot(existing, LISTING_FIELDS)
                    for field in LISTING_FIELDS:
                        setattr(existing, field, getattr(listing, field))
                    to_update.append(existing)
                    changes.append((existing.entity_id, item_change(
                        "listing", before=before, after=snapshot(existing, LISTING_FIELDS), public=True,
                        item_id=existing.pk)))
        insert_with_history(to_create, Listing, **self.new_rows)
        bulk_update_with_history(to_update, Listing, list(LISTING_FIELDS), **self.history)
        return changes

    def derive_relationships(self, records: list[EntityRecord], events: list) -> None:
        """
        Candidate relationships from what these (new or changed) records cite of the source's other listings,
        for analysts to confirm or dismiss; a pair known in any state is not suggested again. Each candidate is
        an internal change in the audit event of the entity whose record cites it.
        """
        importer = get_importer(self.source.slug)
        citations = [(record.key, citation) for record in records for citation in importer.citations(record)]
        if not citations:
            return
        references = {reference for key, c in citations for reference in (key, c.subject, c.object)}
        entity_of = dict(Listing.objects.filter(source=self.source, reference_number__in=references)
                         .values_list("reference_number", "entity_id"))
        record_of = dict(SourceRecord.objects.filter(source=self.source, source_key__in={k for k, _ in citations})
                         .values_list("source_key", "id"))
        candidates, citing = [], []
        for key, citation in citations:
            subject, target = entity_of.get(citation.subject), entity_of.get(citation.object)
            if subject is None or target is None or subject == target:
                continue  # a listing no longer (or never) on the list, or two listings of one entity
            candidates.append(Relationship(subject_id=subject, kind=str(citation.kind), object_id=target,
                                           state=RelationshipState.CANDIDATE, source_record_id=record_of[key],
                                           basis=citation.evidence))
            citing.append(entity_of[key])
        made = {id(relationship) for relationship in relationship_candidates(candidates, actor=self.actor,
                                                                            reason=self.reason)}
        event_of = {event.entity_id: event for event in reversed(events)}
        for relationship, entity_id in zip(candidates, citing, strict=True):
            if id(relationship) in made and entity_id in event_of:
                event_of[entity_id].changes.append(item_change(
                    "relationship", after=snapshot(relationship, RELATIONSHIP_FIELDS), public=False,
                    item_id=relationship.pk))

    def relist_records(self, returning: list[SourceRecord], changes: dict) -> list:
        """Records back on the list: their listings are active again, and the lifecycle decides the entities'."""
        events = []
        for known in returning:
            source_record = SourceRecord.objects.select_related("entity").get(pk=known.pk)
            source_record.removed_at = None
            source_record.last_seen = self.now
            save(source_record, actor=self.actor, reason=self.reason)
            listed = self.set_listings(source_record, ListingStatus.ACTIVE, None)
            events += lifecycle.source_relisted(
                source_record.entity, source=self.source, source_key=known.source_key, actor=self.actor,
                reason=self.reason, when=self.now, changes=[*changes.pop(known.entity_id, []), *listed],
            )
        return events

    def delist_records(self, leaving: list[SourceRecord]) -> list:
        """Records gone from the list: their listings are delisted, and the lifecycle decides the entities'."""
        events = []
        for known in leaving:
            source_record = SourceRecord.objects.select_related("entity").get(pk=known.pk)
            source_record.removed_at = self.now
            save(source_record, actor=self.actor, reason=self.reason)
            delisted = self.set_listings(source_record, ListingStatus.DELISTED, self.now)
            events += lifecycle.source_delisted(
                source_record.entity, source=self.source, source_key=known.source_key, actor=self.actor,
                reason=self.reason, when=self.now, changes=delisted,
            )
        return events

    def set_listings(self, source_record: SourceRecord, status: str, delisted_at) -> list[dict]:
        changes = []
        for listing in Listing.objects.filter(source_record=source_record).exclude(status=status):
            before = snapshot(listing, ("reference_number", "status", "delisted_at"))
            listing.status, listing.delisted_at = status, delisted_at
            save(listing, actor=self.actor, reason=self.reason)
            changes.append(item_change("listing", before=before, public=True, item_id=listing.pk,
                                       after=snapshot(listing, ("reference_number", "status", "delisted_at"))))
        return changes
