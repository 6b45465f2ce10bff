"""
The UN importer against the 21 real versions of the Consolidated List in ../shared/data/un.

What each file holds (record counts, reference numbers, DATAIDs, what changed between two versions) is
worked out here independently with the standard library's ElementTree, never with the project's parser,
and the registry after each import is compared with it.
"""

import hashlib
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from django.apps import apps

from entities.choices import DesignationState, EntityKind, ListingStatus
from entities.models import AuditEvent, Entity, Listing, Source, SourceRecord
from importers.base import ImportFailed, SourceFormatError
from importers.choices import ImportRunStatus
from importers.models import ImportRun

pytestmark = [pytest.mark.realdata, pytest.mark.django_db]

UN_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "un"
# File names carry the list's date, so sorting them sorts the versions by date.
VERSIONS = sorted(path.name for path in UN_DIR.glob("*.xml")) if UN_DIR.is_dir() else []
HAITI_NEW_DATAIDS = {f"HTi.00{n}" for n in range(2, 8)}
ACTIVE, DELISTED = ListingStatus.ACTIVE, ListingStatus.DELISTED


@dataclass(frozen=True)
class FileFacts:
    """What one list file says, read with ElementTree only."""

    individuals: int
    entities: int
    date_generated: str
    sha256: str
    dataids: dict  # reference number -> DATAID
    texts: dict  # reference number -> every non-empty text of the record, white space collapsed
    raw: dict  # reference number -> the record's XML exactly as written

    @property
    def references(self) -> set[str]:
        return set(self.dataids)


def squeeze(text: str | None) -> str:
    return " ".join((text or "").split())


@cache
def facts_of(path: Path) -> FileFacts:
    raw = path.read_bytes()
    root = ET.fromstring(raw)
    dataids, texts, xml = {}, {}, {}
    for record in [*root.iter("INDIVIDUAL"), *root.iter("ENTITY")]:
        reference = squeeze(record.findtext("REFERENCE_NUMBER"))
        assert reference and reference not in dataids, f"{path.name}: bad or repeated reference {reference!r}"
        dataids[reference] = squeeze(record.findtext("DATAID"))
        texts[reference] = tuple((el.tag, squeeze(el.text)) for el in record.iter() if squeeze(el.text))
        record.tail = None
        xml[reference] = ET.tostring(record)
    return FileFacts(
        individuals=sum(1 for _ in root.iter("INDIVIDUAL")),
        entities=sum(1 for _ in root.iter("ENTITY")),
        date_generated=root.get("dateGenerated", ""),
        sha256=hashlib.sha256(raw).hexdigest(),
        dataids=dataids,
        texts=texts,
        raw=xml,
    )


def un_source() -> Source:
    return Source.objects.get(slug="un-sc")


def listings_state() -> dict[str, tuple]:
    """reference number -> (listing status, entity id, listing external id, record content hash, removed_at)."""
    records = {
        key: (content_hash, removed_at, external_id)
        for key, content_hash, removed_at, external_id in SourceRecord.objects.filter(source__slug="un-sc")
        .values_list("source_key", "content_hash", "removed_at", "external_id")
    }
    state = {}
    for reference, status, entity_id, external_id in Listing.objects.filter(source__slug="un-sc").values_list(
        "reference_number", "status", "entity_id", "external_id"
    ):
        content_hash, removed_at, record_external_id = records[reference]
        assert record_external_id == external_id, f"{reference}: listing and source record disagree on the DATAID"
        state[reference] = (status, entity_id, external_id, content_hash, removed_at)
    assert set(records) == set(state), "every source record should have exactly one listing with its reference"
    return state


def registry_row_counts() -> dict[str, int]:
    """Row counts of every entity table and every history table (simple-history puts them in the same app)."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_app_config("entities").get_models()}


def active_references() -> set[str]:
    return set(
        Listing.objects.filter(source__slug="un-sc", status=ListingStatus.ACTIVE).values_list(
            "reference_number", flat=True
        )
    )


def test_all_21_versions_are_present(shared_data):
    assert len(VERSIONS) == 21, VERSIONS
    assert len(list((shared_data / "un" / "malformed").glob("*.xml"))) == 1


@pytest.mark.parametrize("name", VERSIONS)
def test_each_version_imports_into_an_empty_registry(name, shared_data, import_un):
    path = shared_data / "un" / name
    facts = facts_of(path)
    expected = facts.individuals + facts.entities
    assert Entity.objects.count() == 0

    run = import_un(path)

    assert run.status == ImportRunStatus.SUCCEEDED, run.error
    assert Entity.objects.count() == expected
    assert Entity.objects.filter(kind=EntityKind.PERSON).count() == facts.individuals
    assert Entity.objects.filter(kind=EntityKind.ORGANISATION).count() == facts.entities
    assert (run.created, run.record_count) == (expected, expected)
    assert (run.updated, run.unchanged, run.delisted, run.relisted) == (0, 0, 0, 0)
    assert active_references() == facts.references
    assert run.date_generated == facts.date_generated
    assert run.file_sha256 == facts.sha256


def test_all_versions_in_date_order_give_exactly_the_changes_the_files_show(shared_data, import_un):
    """
    At every step: the listings created, delisted and re-listed are exactly the reference numbers that were
    added (never seen before), removed, and added back (seen in an earlier version); a changed DATAID or
    text is an update of the same entity; an entity is never replaced and never deleted; a version that is
    the same list under a new dateGenerated writes nothing at all.
    """
    paths = [shared_data / "un" / name for name in VERSIONS]
    problems = []
    seen: set[str] = set()
    previous: FileFacts | None = None
    last_dataid: dict[str, str] = {}
    last_entity: dict[str, object] = {}
    before: dict[str, tuple] = {}
    same_list_steps = []

    for path in paths:
        facts, step = facts_of(path), path.name
        rows_before = registry_row_counts()
        last_change = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0

        run = import_un(path)

        assert run.status == ImportRunStatus.SUCCEEDED, f"{step}: {run.error}"
        after = listings_state()
        previous_refs = previous.references if previous else set()
        staying = facts.references & previous_refs
        expected = {
            "created": (facts.references - previous_refs) - seen,
            "relisted": (facts.references - previous_refs) & seen,
            "delisted": previous_refs - facts.references,
        }
        observed = {
            "created": after.keys() - before.keys(),
            "relisted": {ref for ref in before if before[ref][0] == DELISTED and after[ref][0] == ACTIVE},
            "delisted": {ref for ref in before if before[ref][0] == ACTIVE and after[ref][0] == DELISTED},
            "updated": {ref for ref in staying if after[ref][3] != before[ref][3]},
        }
        for what, refs in expected.items():
            if getattr(run, what) != len(refs) or observed[what] != refs:
                problems.append(
                    f"{step} {what}: the run counts {getattr(run, what)}, the registry changed "
                    f"{sorted(observed[what])[:6]} ({len(observed[what])}), "
                    f"the files say {sorted(refs)[:6]} ({len(refs)})"
                )
        # An update is any record whose text changed (a new DATAID included), and only a record whose XML changed.
        text_changed = {ref for ref in staying if facts.texts[ref] != previous.texts[ref]}
        xml_changed = {ref for ref in staying if facts.raw[ref] != previous.raw[ref]}
        updated = observed["updated"]
        if run.updated != len(updated) or not text_changed <= updated <= xml_changed:
            problems.append(
                f"{step} updated: the run counts {run.updated}; missed {sorted(text_changed - updated)[:6]}, "
                f"updated with no change in the file {sorted(updated - xml_changed)[:6]}"
            )
        if run.unchanged != len(staying) - len(updated):
            problems.append(f"{step}: {run.unchanged} unchanged, expected {len(staying) - len(updated)}")

        # The change feed names exactly the entities of those changes.
        feed = {}
        for action, entity_id in AuditEvent.objects.filter(id__gt=last_change).values_list("action", "entity_id"):
            feed.setdefault(action, []).append(entity_id)
        for what, refs in observed.items():
            if sorted(feed.pop(what, [])) != sorted(after[ref][1] for ref in refs):
                problems.append(f"{step}: the change feed's {what} entries do not match the {what} listings")
        if feed:
            problems.append(f"{step}: unexpected change feed entries {sorted(feed)}")

        # The registry as a whole after this step.
        active = {ref for ref, state in after.items() if state[0] == ACTIVE}
        if active != facts.references:
            problems.append(f"{step}: active listings differ from the file by {sorted(active ^ facts.references)[:8]}")
        removed = {ref for ref, state in after.items() if state[4] is not None}
        if removed != after.keys() - facts.references:
            problems.append(f"{step}: removed_at is wrong on {sorted(removed ^ (after.keys() - facts.references))[:8]}")
        wrong_dataid = sorted(ref for ref in active if after[ref][2] != facts.dataids[ref])
        if wrong_dataid:
            problems.append(f"{step}: listings whose DATAID is not the file's: {wrong_dataid[:8]}")
        moved = sorted(ref for ref in last_entity if after[ref][1] != last_entity[ref])
        if moved:
            problems.append(f"{step}: references now pointing at another entity: {moved[:8]}")
        if Entity.objects.count() != len(seen | facts.references):
            problems.append(f"{step}: {Entity.objects.count()} entities for {len(seen | facts.references)} references")
        active_entities = set(Entity.objects.filter(state=DesignationState.DESIGNATED).values_list("id", flat=True))
        if active_entities != {after[ref][1] for ref in active}:
            problems.append(f"{step}: entity statuses do not follow their listings")

        if previous and facts.raw == previous.raw:
            # The same list under a new dateGenerated: nothing changes and not a row is written, history included.
            same_list_steps.append(step)
            if run.counts != {"created": 0, "updated": 0, "unchanged": len(staying), "delisted": 0, "relisted": 0,
                "skipped_out_of_scope": 0}:
                problems.append(f"{step}: the same list gave {run.counts}")
            if registry_row_counts() != rows_before:
                problems.append(f"{step}: the same list wrote rows: {diff_counts(rows_before, registry_row_counts())}")

        # The cases the data README points out.
        if step == "un-sc-consolidated-2024-09-21.xml":
            assert "KPe.068" in updated and "KPe.068" not in observed["created"] | observed["delisted"]
            assert after["KPe.068"][1] == before["KPe.068"][1]
            assert after["KPe.068"][2] == facts.dataids["KPe.068"] != last_dataid["KPe.068"]
        if step == "un-sc-consolidated-2025-11-15.xml":
            assert HAITI_NEW_DATAIDS <= updated
            assert not HAITI_NEW_DATAIDS & (observed["created"] | observed["delisted"] | observed["relisted"])
            for ref in HAITI_NEW_DATAIDS:
                assert after[ref][1] == before[ref][1], ref
                assert after[ref][2] == facts.dataids[ref] != last_dataid[ref], ref
            relisted = observed["relisted"]
            assert len(relisted) == run.relisted == 84 and all(ref.startswith("IR") for ref in relisted)
            for ref in relisted:
                # The same entity, back under the DATAID it had when it was last listed.
                assert after[ref][1] == last_entity[ref], ref
                assert after[ref][2] == last_dataid[ref] == facts.dataids[ref], ref
                assert after[ref][4] is None
            check_relisting_history(relisted)
        if step == "un-sc-consolidated-2025-12-10.xml":
            assert observed["delisted"] == {"IQi.074"}
            listing = Listing.objects.select_related("entity").get(reference_number="IQi.074")
            assert listing.delisted_at is not None
            assert listing.entity.state == DesignationState.DELISTED and listing.entity.delisted_at is not None
            assert SourceRecord.objects.get(source_key="IQi.074").removed_at is not None

        for ref in facts.references:
            last_dataid[ref] = facts.dataids[ref]
            last_entity[ref] = after[ref][1]
        seen |= facts.references
        previous, before = facts, after

    assert not problems, "\n".join(problems)
    assert active_references() == facts_of(paths[-1]).references
    assert ImportRun.objects.filter(status=ImportRunStatus.SUCCEEDED).count() == len(paths)
    # The data README also calls 2017-06-30 and 2025-12-09 "only dateGenerated differs", but each edits one or
    # two COMMENTS1 texts; those are counted above as updates.
    assert same_list_steps == [
        "un-sc-consolidated-2020-11-24.xml", "un-sc-consolidated-2020-11-30.xml", "un-sc-consolidated-2025-11-20.xml"
    ]


def diff_counts(before: dict, after: dict) -> dict:
    return {label: (before[label], after[label]) for label in after if before.get(label) != after[label]}


def check_relisting_history(references: set[str]):
    """A re-listing keeps the earlier delisting in the history of the listing and of the entity."""
    for listing in Listing.objects.filter(reference_number__in=sorted(references)[:5]).select_related("entity"):
        statuses = list(listing.history.order_by("history_date", "history_id").values_list("status", flat=True))
        assert statuses[0] == ListingStatus.ACTIVE and ListingStatus.DELISTED in statuses, statuses
        assert statuses[-1] == ListingStatus.ACTIVE
        entity = listing.entity
        assert entity.state == DesignationState.DESIGNATED and entity.delisted_at is None
        entity_statuses = list(entity.history.order_by("history_date", "history_id").values_list("state", flat=True))
        assert DesignationState.DELISTED in entity_statuses and entity_statuses[-1] == DesignationState.DESIGNATED


def test_the_same_file_twice_changes_nothing(shared_data, import_un):
    path = shared_data / "un" / VERSIONS[-1]
    import_un(path)
    rows, state = registry_row_counts(), listings_state()
    updated_at = dict(Entity.objects.values_list("id", "updated_at"))

    run = import_un(path)

    count = facts_of(path).individuals + facts_of(path).entities
    assert run.status == ImportRunStatus.SUCCEEDED
    assert run.counts == {"created": 0, "updated": 0, "unchanged": count, "delisted": 0, "relisted": 0,
        "skipped_out_of_scope": 0}
    assert registry_row_counts() == rows
    assert listings_state() == state
    assert dict(Entity.objects.values_list("id", "updated_at")) == updated_at


def test_the_malformed_file_fails_and_leaves_the_registry_unchanged(shared_data, import_un):
    import_un(shared_data / "un" / VERSIONS[-1])
    rows, state = registry_row_counts(), listings_state()
    last_imported_at = un_source().last_imported_at
    malformed = next((shared_data / "un" / "malformed").glob("*.xml"))

    with pytest.raises(ImportFailed) as failure:
        import_un(malformed)

    assert isinstance(failure.value, SourceFormatError), repr(failure.value)
    run = ImportRun.objects.get(pk=failure.value.run.pk)
    assert run.status == ImportRunStatus.FAILED
    assert run.finished_at is not None
    assert "well-formed" in run.error and "Traceback" not in run.error, run.error
    assert (run.created, run.updated, run.delisted, run.relisted) == (0, 0, 0, 0)
    assert registry_row_counts() == rows
    assert listings_state() == state
    assert un_source().last_imported_at == last_imported_at
