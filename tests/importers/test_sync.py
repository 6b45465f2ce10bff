"""
Importing the hand-written UN lists (tests/fixtures/un/) into the registry through the import service:
what a first import creates, that a re-import changes nothing, how a newer list updates, delists and
re-lists, that analysts' data survives, the delisting guard, and that a failed import changes nothing.
"""

import datetime
import json

import pytest
from django.apps import apps
from django.db import DataError

from entities.choices import (
    DateType,
    DesignationState,
    EntityCategory,
    EntityKind,
    EntityStatus,
    Gender,
    ListingStatus,
    NameType,
)
from entities.models import (
    Address,
    BirthDate,
    BirthPlace,
    Entity,
    IdentityDocument,
    Listing,
    Name,
    Nationality,
    Source,
    SourceRecord,
)
from entities.services import entity_update_policy, name_save
from importers.base import DelistGuardError, ImportFailed, SourceFormatError, get_importer
from importers.choices import ImportRunStatus
from importers.models import ImportRun
from tests.helpers import actor

pytestmark = pytest.mark.django_db

FACT_MODELS = (Name, BirthDate, BirthPlace, Nationality, Address, IdentityDocument, Listing)
REGISTRY_MODELS = (Entity, *FACT_MODELS, SourceRecord, Source)
# What a no-op import may write: its own run, the records' last_seen and the source's last_imported_at
# (and, until the bug test_no_op_import_writes_no_history_row_at_all shows is fixed, a Source history row).
NO_OP_WRITABLE_TABLES = {"importers_importrun", "entities_sourcerecord", "entities_source", "entities_historicalsource"}
BROKEN_FIXTURES = [
    "billion-laughs.xml", "external-entity.xml", "undefined-entity.xml", "wrong-root.xml", "empty.xml",
    "no-records.xml", "truncated.xml", "unknown-element.xml", "duplicate-reference.xml", "missing-reference.xml",
    "bad-listed-on.xml", "latin1-in-utf8.xml", "control-character.xml",
]


def snapshot(models=None):
    """
    Every row of the given models' tables and their history tables, by table name; by default of every
    table of the entities app (entities, facts, sources, source records, their history, and anything added later).
    """
    if models is None:
        table_models = list(apps.get_app_config("entities").get_models())
    else:
        table_models = [table_model for model in models for table_model in (model, model.history.model)]
    return {model._meta.db_table: list(model.objects.order_by("pk").values()) for model in table_models}


def history_counts(models=REGISTRY_MODELS):
    return {model.__name__: model.history.count() for model in models}


def entity(reference):
    return Entity.objects.get(listings__reference_number=reference)


def source_record(reference):
    return SourceRecord.objects.get(source__slug="un-sc", source_key=reference)


def last_run():
    return ImportRun.objects.order_by("-pk").first()


def written_tables(queries):
    """The tables the captured queries inserted into, updated or deleted from."""
    tables = set()
    for query in queries:
        sql = query["sql"].lstrip()
        for verb, marker in (("INSERT", " INTO "), ("UPDATE", "UPDATE "), ("DELETE", " FROM ")):
            if sql.startswith(verb):
                tables.add(sql.split(marker, 1)[1].split()[0].strip('"'))
    return tables


@pytest.fixture
def base_imported(import_un, fixture_path):
    return import_un(fixture_path("un/base.xml"))


# --- First import --------------------------------------------------------------------------------------------


def test_first_import_creates_one_entity_per_record_and_records_the_run(base_imported, fixture_path):
    run = base_imported

    assert run.status == ImportRunStatus.SUCCEEDED
    assert run.counts == {"created": 5, "updated": 0, "unchanged": 0, "delisted": 0, "relisted": 0,
        "skipped_out_of_scope": 0}
    assert run.record_count == 5
    assert run.date_generated == "2024-03-01T00:00:01.234Z"
    assert run.error == ""
    assert run.finished_at is not None
    assert run.file_size == fixture_path("un/base.xml").stat().st_size
    assert len(run.file_sha256) == 64
    assert Entity.objects.count() == 5
    assert SourceRecord.objects.count() == Listing.objects.count() == 5
    assert set(Entity.objects.values_list("state", flat=True)) == {DesignationState.DESIGNATED}
    assert Source.objects.get(slug="un-sc").last_imported_at is not None


def test_first_import_keeps_every_fact_of_a_person(base_imported):
    person = entity("QDi.901")
    record = source_record("QDi.901")

    assert person.kind == EntityKind.PERSON
    assert person.caption == "ZAYD HAMID AL-TESTI ABU FIXTURE"
    assert (person.first_name, person.second_name, person.third_name, person.fourth_name) == (
        "ZAYD", "HAMID AL-TESTI", "ABU", "FIXTURE",
    )
    assert person.gender == Gender.MALE
    assert person.titles == ["Sheikh", "Doctor"]
    assert person.positions == ["Emir of the Fixture Front", "Chief financier"]
    assert person.narrative.startswith("Leader of the Fixture Front (QDe.901). Responsible")
    assert person.category == EntityCategory.VIOLENT_EXTREMIST_INDIVIDUAL
    assert person.first_listed == datetime.date(2015, 4, 7)
    assert person.delisted_at is None

    assert list(person.names.values_list("full_name", "name_type", "quality")) == [
        ("ZAYD HAMID AL-TESTI ABU FIXTURE", NameType.PRIMARY, ""),
        ("Zayd the Tester", NameType.ALIAS, "Good"),
        ("Abu Test", NameType.WEAK_ALIAS, "Low"),
        ("Z. H. Testi", NameType.ALIAS, "a.k.a."),
        ("Zaid Testy", NameType.ALIAS, ""),
        ("Hamid Fixturi", NameType.ALIAS, "Good"),
        ("زيد حامد التستي", NameType.ORIGINAL_SCRIPT, ""),
    ]
    alias = person.names.get(full_name="Hamid Fixturi")
    assert (alias.date_of_birth, alias.city_of_birth, alias.country_of_birth) == (
        "1970-02-03", "Testabad", "Syrian Arab Republic",
    )
    assert list(person.birth_dates.values_list("date_type", "date", "year", "from_year", "to_year")) == [
        (DateType.EXACT, datetime.date(1968, 5, 14), None, None, None),
        (DateType.EXACT, None, 1969, None, None),
        (DateType.APPROXIMATELY, None, 1966, None, None),
        (DateType.BETWEEN, None, None, 1965, 1967),
    ]
    assert list(person.birth_places.values_list("city", "state_province", "country", "country_code", "note")) == [
        ("Testabad", "Aleppo Province", "Syrian Arab Republic", "SY", ""),
        ("Fixtureville", "", "Iraq", "IQ", "possibly"),
    ]
    assert list(person.nationalities.values_list("country", "country_code")) == [
        ("Syrian Arab Republic", "SY"), ("Iran (Islamic Republic of)", "IR"), ("Sudan/South Sudan", ""),
    ]
    assert list(person.addresses.values_list("street", "city", "state_province", "zip_code", "country_code", "note")) \
        == [("12 Example Street", "Testabad", "Idlib Governorate", "00100", "SY", "as of June 2019")]
    passport, national_id = person.documents.all()
    assert (passport.document_type, passport.document_type_detail, passport.number) == (
        "Passport", "Diplomatic passport", "X1234567",
    )
    assert (passport.issuing_country, passport.country_of_issue, passport.city_of_issue) == (
        "Syrian Arab Republic", "Syrian Arab Republic", "Damascus",
    )
    assert (passport.date_of_issue, passport.note) == (datetime.date(2011, 9, 12), "expired 2016")
    assert (national_id.document_type, national_id.number, national_id.date_of_issue) == (
        "National Identification Number", "99-000-111", None,
    )

    (listing,) = person.listings.all()
    assert listing.source.slug == "un-sc"
    assert (listing.regime, listing.list_type, listing.reference_number) == ("Al-Qaida", "UN List", "QDi.901")
    assert listing.listed_on == datetime.date(2015, 4, 7)
    assert listing.last_updated == ["2016-10-13", "2019-05-02"]
    assert (listing.external_id, listing.version) == ("9100001", "2")
    assert (listing.status, listing.delisted_at) == (ListingStatus.ACTIVE, None)

    for model in FACT_MODELS:
        assert set(model.objects.filter(entity=person).values_list("source_record", flat=True)) == {record.pk}


def test_first_import_keeps_organisations_with_their_default_categories(base_imported):
    front = entity("QDe.901")

    assert front.kind == EntityKind.ORGANISATION
    assert front.caption == "FIXTURE FRONT FOR TESTING"
    assert front.category == EntityCategory.VIOLENT_EXTREMIST_ORGANISATION
    assert front.gender == ""
    assert list(front.names.values_list("name_type", flat=True)) == [
        NameType.PRIMARY, NameType.ALIAS, NameType.FORMER, NameType.WEAK_ALIAS, NameType.ORIGINAL_SCRIPT,
    ]
    assert list(front.addresses.values_list("country_code", flat=True)) == ["SY", "IQ"]
    assert entity("CDe.901").category == EntityCategory.OTHER_DESIGNATED_ENTITY
    assert entity("KPi.901").category == EntityCategory.OTHER_DESIGNATED_ENTITY
    assert entity("KPi.901").nationalities.get().country_code == "KP"
    assert entity("TAi.901").category == EntityCategory.VIOLENT_EXTREMIST_INDIVIDUAL


def test_first_import_keeps_each_record_as_a_source_record(base_imported, fixture_path):
    parsed = {record.key: record for record in get_importer("un-sc").parse(fixture_path("un/base.xml")).records}
    record = source_record("QDi.901")

    assert record.entity == entity("QDi.901")
    assert record.external_id == "9100001"
    assert record.payload == json.loads(json.dumps(parsed["QDi.901"].payload()))
    assert record.payload["listings"][0]["listed_on_raw"] == "2015-04-07-04:00"
    assert record.content_hash == parsed["QDi.901"].content_hash()
    assert record.first_seen == record.last_seen
    assert record.removed_at is None
    assert sorted(SourceRecord.objects.values_list("source_key", flat=True)) == sorted(parsed)


# --- Re-import of the same list ------------------------------------------------------------------------------


def test_reimport_of_the_same_file_changes_nothing_and_writes_no_entity_rows(
    base_imported, import_un, fixture_path, django_assert_max_num_queries
):
    facts_before = snapshot((Entity, *FACT_MODELS))
    history_before = history_counts((Entity, *FACT_MODELS, SourceRecord))
    updated_at_before = dict(Entity.objects.values_list("pk", "updated_at"))

    with django_assert_max_num_queries(15) as captured:
        run = import_un(fixture_path("un/base.xml"))

    assert run.status == ImportRunStatus.SUCCEEDED
    assert run.counts == {"created": 0, "updated": 0, "unchanged": 5, "delisted": 0, "relisted": 0,
        "skipped_out_of_scope": 0}
    assert snapshot((Entity, *FACT_MODELS)) == facts_before
    assert history_counts((Entity, *FACT_MODELS, SourceRecord)) == history_before
    assert dict(Entity.objects.values_list("pk", "updated_at")) == updated_at_before
    assert written_tables(captured.captured_queries) <= NO_OP_WRITABLE_TABLES
    assert SourceRecord.objects.filter(last_seen__gt=run.started_at).count() == 5


def test_no_op_import_costs_the_same_queries_whatever_the_list_size(
    import_un, fixture_path, django_assert_max_num_queries
):
    import_un(fixture_path("un/base.xml"))
    with django_assert_max_num_queries(50) as small:
        import_un(fixture_path("un/base.xml"))
    import_un(fixture_path("un/relisted.xml"))  # one more record than base
    with django_assert_max_num_queries(50) as larger:
        run = import_un(fixture_path("un/relisted.xml"))

    assert run.counts["unchanged"] == 6
    assert len(larger.captured_queries) == len(small.captured_queries)


def test_same_list_in_another_layout_and_with_another_date_changes_nothing(base_imported, import_un, fixture_path):
    before = snapshot((Entity, *FACT_MODELS))

    run = import_un(fixture_path("un/base-one-line-per-record.xml"))

    assert run.counts == {"created": 0, "updated": 0, "unchanged": 5, "delisted": 0, "relisted": 0,
        "skipped_out_of_scope": 0}
    assert run.date_generated == "2024-03-02T19:04:40.335-05:00"
    assert snapshot((Entity, *FACT_MODELS)) == before


def test_no_op_import_writes_no_history_row_at_all(base_imported, import_un, fixture_path):
    before = history_counts()

    import_un(fixture_path("un/base.xml"))

    assert history_counts() == before


# --- A newer list ----------------------------------------------------------------------------------------------


@pytest.fixture
def next_imported(base_imported, import_un, fixture_path):
    ids = {reference: entity(reference).pk for reference in ("QDi.901", "TAi.901", "KPi.901", "QDe.901", "CDe.901")}
    return import_un(fixture_path("un/next.xml")), ids


def test_newer_list_gives_exactly_the_expected_counts(next_imported):
    run, _ = next_imported

    assert run.status == ImportRunStatus.SUCCEEDED
    assert run.counts == {"created": 1, "updated": 2, "unchanged": 2, "delisted": 1, "relisted": 0,
        "skipped_out_of_scope": 0}
    assert Entity.objects.count() == 6
    assert Entity.objects.filter(state=DesignationState.DESIGNATED).count() == 5


def test_changed_record_rewrites_its_facts_on_the_same_entity(next_imported):
    _, ids = next_imported
    minister = entity("TAi.901")

    assert minister.pk == ids["TAi.901"]
    assert minister.positions == ["Minister of Tests"]
    assert list(minister.addresses.values_list("city", flat=True)) == ["Kabul"]
    assert list(minister.nationalities.values_list("country", "country_code")) == [
        ("Afghanistan", "AF"), ("Pakistan", "PK"),
    ]
    listing = minister.listings.get()
    assert (listing.last_updated, listing.version, listing.status) == (["2024-03-20"], "2", ListingStatus.ACTIVE)
    assert source_record("TAi.901").payload["positions"] == ["Minister of Tests"]
    # The replaced fact is gone from the entity but not from history.
    assert Address.history.filter(entity_id=minister.pk, city="Kandahar", history_type="-").exists()
    assert list(minister.history.order_by("history_date").values_list("history_type", flat=True)) == ["+", "~"]


def test_record_gone_from_the_list_is_delisted_with_the_date_and_nothing_deleted(next_imported):
    run, ids = next_imported
    gone = Entity.objects.get(pk=ids["KPi.901"])
    listing = gone.listings.get()
    record = source_record("KPi.901")

    assert (listing.status, gone.status) == (ListingStatus.DELISTED, EntityStatus.DELISTED)
    assert listing.delisted_at is not None
    assert gone.delisted_at == listing.delisted_at == record.removed_at
    assert run.started_at <= gone.delisted_at <= run.finished_at
    assert gone.names.count() == 1
    assert gone.documents.get().number == "470000001"
    assert gone.birth_dates.get().date == datetime.date(1961, 7, 17)


def test_new_dataid_under_a_known_reference_is_an_update_of_the_same_entity(next_imported):
    _, ids = next_imported
    front = entity("QDe.901")

    assert front.pk == ids["QDe.901"]
    assert Entity.objects.filter(caption="FIXTURE FRONT FOR TESTING").count() == 1
    listing = front.listings.get()
    assert (listing.external_id, listing.status) == ("9200101", ListingStatus.ACTIVE)
    assert source_record("QDe.901").external_id == "9200101"
    assert front.state == DesignationState.DESIGNATED
    assert front.names.count() == 5


def test_new_reference_creates_an_entity(next_imported):
    newcomer = entity("IQi.901")

    assert newcomer.caption == "SALIM NEWCOMER"
    assert newcomer.category == EntityCategory.OTHER_DESIGNATED_ENTITY
    assert newcomer.first_listed == datetime.date(2024, 3, 25)
    assert newcomer.names.get(name_type=NameType.WEAK_ALIAS).full_name == "Abu Salim"


def test_unchanged_records_are_left_alone_by_a_newer_list(base_imported, import_un, fixture_path):
    person = entity("QDi.901")
    before = snapshot((Entity, *FACT_MODELS))

    import_un(fixture_path("un/next.xml"))

    after = snapshot((Entity, *FACT_MODELS))
    for table, rows in before.items():
        untouched = [row for row in rows if row.get("entity_id", row.get("id")) == person.pk]
        assert untouched == [row for row in after[table] if row.get("entity_id", row.get("id")) == person.pk]


# --- Re-listing ------------------------------------------------------------------------------------------------


def test_relisting_reactivates_the_same_entity_and_keeps_the_gap_in_history(next_imported, import_un, fixture_path):
    _, ids = next_imported
    listing_id = entity("KPi.901").listings.get().pk

    run = import_un(fixture_path("un/relisted.xml"))

    assert run.counts == {"created": 0, "updated": 0, "unchanged": 5, "delisted": 0, "relisted": 1,
        "skipped_out_of_scope": 0}
    back = entity("KPi.901")
    assert back.pk == ids["KPi.901"]
    assert Entity.objects.count() == 6
    assert (back.state, back.delisted_at) == (DesignationState.DESIGNATED, None)
    listing = back.listings.get()
    assert (listing.pk, listing.status, listing.delisted_at) == (listing_id, ListingStatus.ACTIVE, None)
    assert source_record("KPi.901").removed_at is None
    assert list(back.history.order_by("history_date").values_list("state", flat=True)) == [
        DesignationState.DESIGNATED, DesignationState.DELISTED, DesignationState.DESIGNATED,
    ]
    assert list(listing.history.order_by("history_date").values_list("status", flat=True)) == [
        ListingStatus.ACTIVE, ListingStatus.DELISTED, ListingStatus.ACTIVE,
    ]


def test_relisting_with_changed_content_counts_as_relisted_and_updates_the_facts(
    next_imported, import_un, fixture_path, tmp_path
):
    changed = tmp_path / "relisted-changed.xml"
    changed.write_text(
        fixture_path("un/relisted.xml").read_text(encoding="utf-8").replace("470000001", "470000002"), encoding="utf-8"
    )

    run = import_un(changed)

    assert run.counts == {"created": 0, "updated": 0, "unchanged": 5, "delisted": 0, "relisted": 1,
        "skipped_out_of_scope": 0}
    back = entity("KPi.901")
    assert back.state == DesignationState.DESIGNATED
    assert back.documents.get().number == "470000002"
    assert back.listings.get().status == ListingStatus.ACTIVE


# --- Analysts' data -------------------------------------------------------------------------------------------


def test_analyst_data_survives_an_update_import(base_imported, import_un, fixture_path, analyst):
    minister = entity("TAi.901")
    name_save(name=Name(entity=minister, name_type=NameType.ALIAS, full_name="Analyst Alias"), actor=actor(analyst),
              reason="Seen in a partner report")
    entity_update_policy(entity=minister, actor=actor(analyst), reason="Reviewed",
                         category=EntityCategory.OTHER_DESIGNATED_ENTITY, analyst_notes="Watch the new ministry.")

    run = import_un(fixture_path("un/next.xml"))

    assert run.counts["updated"] == 2
    minister.refresh_from_db()
    assert minister.positions == ["Minister of Tests"]  # the import did update this entity
    assert minister.category == EntityCategory.OTHER_DESIGNATED_ENTITY
    assert minister.analyst_notes == "Watch the new ministry."
    kept = minister.names.get(full_name="Analyst Alias")
    assert (kept.source_record, kept.name_type) == (None, NameType.ALIAS)


def test_analyst_name_survives_delisting_and_relisting(base_imported, import_un, fixture_path, analyst):
    gone = entity("KPi.901")
    name_save(name=Name(entity=gone, name_type=NameType.WEAK_ALIAS, full_name="Analyst Nickname"),
              actor=actor(analyst))

    import_un(fixture_path("un/next.xml"))
    import_un(fixture_path("un/relisted.xml"))

    assert gone.names.filter(full_name="Analyst Nickname", source_record=None).exists()
    assert gone.names.count() == 2


def test_analyst_first_listed_survives_an_update_import(base_imported, import_un, fixture_path, analyst):
    minister = entity("TAi.901")
    entity_update_policy(entity=minister, actor=actor(analyst), reason="Designated by us later",
                         first_listed=datetime.date(2005, 1, 1))

    import_un(fixture_path("un/next.xml"))

    minister.refresh_from_db()
    assert minister.first_listed == datetime.date(2005, 1, 1)


# --- The delisting guard ---------------------------------------------------------------------------------------


def test_delist_guard_refuses_an_import_that_would_delist_too_much(base_imported, import_un, fixture_path):
    before = snapshot()

    with pytest.raises(DelistGuardError) as refused:
        import_un(fixture_path("un/shrunk.xml"))

    message = str(refused.value)
    assert "would delist 3 of the 5 active un-sc listings (60%)" in message
    assert "25%" in message
    assert "--force" in message
    assert snapshot() == before
    run = last_run()
    assert refused.value.run == run
    assert (run.status, run.error) == (ImportRunStatus.FAILED, message)
    assert run.counts == {"created": 0, "updated": 0, "unchanged": 0, "delisted": 0, "relisted": 0,
        "skipped_out_of_scope": 0}
    assert run.record_count == 2
    assert run.finished_at is not None


def test_forced_import_applies_a_large_delisting(base_imported, import_un, fixture_path):
    run = import_un(fixture_path("un/shrunk.xml"), force=True)

    assert run.forced
    assert run.counts == {"created": 0, "updated": 0, "unchanged": 2, "delisted": 3, "relisted": 0,
        "skipped_out_of_scope": 0}
    assert set(Entity.objects.filter(state=DesignationState.DELISTED).values_list("caption", flat=True)) == {
        "MARYAM EXAMPLA", "PAK SAMPLE HO", "FIXTURE FRONT FOR TESTING",
    }


@pytest.mark.parametrize(("share", "refused"), [(0.1, True), (0.2, False)])
def test_delist_guard_uses_the_source_share(base_imported, import_un, fixture_path, share, refused):
    Source.objects.filter(slug="un-sc").update(max_delist_share=share)

    if refused:
        with pytest.raises(DelistGuardError, match="would delist 1 of the 5"):
            import_un(fixture_path("un/next.xml"))
        assert entity("KPi.901").state == DesignationState.DESIGNATED
    else:
        assert import_un(fixture_path("un/next.xml")).counts["delisted"] == 1


# --- Failed imports --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", BROKEN_FIXTURES)
def test_failed_import_leaves_the_registry_exactly_as_it_was(base_imported, import_un, fixture_path, name):
    before = snapshot()

    with pytest.raises(SourceFormatError) as refused:
        import_un(fixture_path(f"un/{name}"))

    assert snapshot() == before
    run = last_run()
    assert refused.value.run == run
    assert run.status == ImportRunStatus.FAILED
    assert run.error == str(refused.value) != ""
    assert run.finished_at is not None
    assert run.counts == {"created": 0, "updated": 0, "unchanged": 0, "delisted": 0, "relisted": 0,
        "skipped_out_of_scope": 0}
    assert ImportRun.objects.filter(status=ImportRunStatus.SUCCEEDED).count() == 1


def test_failed_first_import_leaves_the_registry_empty(import_un, fixture_path):
    with pytest.raises(SourceFormatError):
        import_un(fixture_path("un/truncated.xml"))

    tables = snapshot()
    assert len(tables) >= 2 * len(REGISTRY_MODELS)
    assert all(not rows for table, rows in tables.items() if table != "entities_source")
    assert last_run().status == ImportRunStatus.FAILED


def test_missing_file_fails_with_a_readable_error(import_un, tmp_path):
    with pytest.raises(ImportFailed, match="No such file"):
        import_un(tmp_path / "nowhere.xml")

    assert last_run().status == ImportRunStatus.FAILED
    assert Entity.objects.count() == 0


@pytest.mark.postgresql
def test_failure_in_the_middle_of_writing_rolls_everything_back(
    base_imported, import_un, fixture_path, tmp_path
):
    # next.xml updates two entities before creating the new one, whose city of birth is too long for its column.
    broken = tmp_path / "next-overlong-city.xml"
    broken.write_text(
        fixture_path("un/next.xml")
        .read_text(encoding="utf-8")
        .replace("<CITY>Tikrit</CITY>", f"<CITY>{'T' * 300}</CITY>"),
        encoding="utf-8",
    )
    before = snapshot()

    with pytest.raises(DataError):
        import_un(broken)

    assert snapshot() == before
    run = last_run()
    assert run.status == ImportRunStatus.FAILED
    assert run.error.startswith("Unexpected error (DataError)")
    assert "varying(200)" in run.error  # the birth place insert failed, after the updates and the entity inserts


# --- History -------------------------------------------------------------------------------------------------


def test_history_rows_name_the_import_run_and_the_user(import_un, fixture_path, django_user_model):
    analyst = django_user_model.objects.create_user("analyst")
    tracked = (Entity, *FACT_MODELS, SourceRecord)

    first = import_un(fixture_path("un/base.xml"), user=analyst)

    assert first.triggered_by == analyst
    for model in tracked:
        rows = list(model.history.values_list("history_user", "history_change_reason"))
        assert rows, model.__name__
        assert set(rows) == {(analyst.pk, f"Import run {first.pk} of un-sc")}, model.__name__

    counts_before = history_counts(tracked)
    second = import_un(fixture_path("un/next.xml"))

    for model in tracked:
        new_rows = model.history.exclude(history_change_reason=f"Import run {first.pk} of un-sc")
        assert new_rows.count() == model.history.count() - counts_before[model.__name__]
        assert set(new_rows.values_list("history_user", "history_change_reason")) <= {
            (None, f"Import run {second.pk} of un-sc")
        }
    # TAi.901 and QDe.901 updated, KPi.901 delisted, IQi.901 created.
    assert Entity.history.filter(history_change_reason=f"Import run {second.pk} of un-sc").count() == 4
