"""
The UK OFSI ConList parser on small hand-written lists (tests/fixtures/uk-ofsi/): rows grouped by Group ID into
one record each, every fact deduplicated, and every broken or changed file refused saying why; then imports of
them through the import service; then the real 2016 list in ../shared/data/uk, counted with the csv module.
"""

import csv
import re
from collections import defaultdict
from pathlib import Path

import pytest

from entities.choices import DateType, EntityCategory, EntityKind, ListingStatus, NameType
from entities.models import Entity, Listing
from importers.base import SourceFormatError, get_importer
from importers.choices import ImportRunStatus, ImportTrigger
from importers.records import BirthDateData, CrossReference, DocumentData, NameData, PlaceData
from importers.services import import_source

ISIL = "The ISIL (Da'esh) and Al-Qaida organisations"


@pytest.fixture
def parse(fixture_path):
    importer = get_importer("uk-ofsi")
    return lambda name: importer.parse(fixture_path(f"uk-ofsi/{name}"))


@pytest.fixture
def base(parse):
    """The records of base.csv (the 2016 format, Windows-1252) by Group ID."""
    return {record.key: record for record in parse("base.csv").records}


@pytest.fixture
def base_text(fixture_path):
    return fixture_path("uk-ofsi/base.csv").read_bytes().decode("cp1252")


def write(tmp_path, text: str, encoding="cp1252") -> Path:
    path = tmp_path / "ConList.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_one_record_per_group_id_in_order_of_first_row_and_the_list_date(parse):
    parsed = parse("base.csv")

    assert [record.key for record in parsed.records] == ["9901", "9902", "9903", "9904", "9905"]
    assert parsed.generated_at == "2016-03-23"


def test_rows_of_a_group_need_not_be_adjacent(base):
    names = [name.full_name for name in base["9902"].names]

    assert names == ["FIXTURE FRONT FOR TESTING", "FIXTURE FRONT", "JABHAT AL-IKHTIBAR"]


def test_person_name_is_given_names_then_family_name(base):
    person = base["9901"]

    assert person.kind == EntityKind.PERSON
    assert person.caption == "Zayd Hamid Abu AL-TESTI"
    assert (person.first_name, person.second_name, person.third_name, person.fourth_name) == (
        "Zayd", "Hamid", "Abu", "AL-TESTI",
    )


def test_names_are_deduplicated_and_typed_by_alias_type(base):
    assert base["9901"].names == (
        NameData(full_name="Zayd Hamid Abu AL-TESTI", name_type=NameType.PRIMARY),
        NameData(full_name="Zaid TESTY", name_type=NameType.ALIAS),
    )
    assert [(name.full_name, name.name_type) for name in base["9903"].names] == [
        ("KOREA TEST TRADING CORPORATION", NameType.PRIMARY), ("OLD TEST TRADING", NameType.FORMER),
    ]


def test_a_group_without_a_primary_row_takes_its_first_row_and_the_file_is_windows_1252(base):
    record = base["9904"]

    assert record.caption == "Abu SA\u2019ID"
    assert [(name.full_name, name.name_type) for name in record.names] == [
        ("Abu SA\u2019ID", NameType.PRIMARY), ("Abu SAEED", NameType.ALIAS),
    ]


def test_entity_name_is_name_6_with_white_space_collapsed(base):
    assert (base["9902"].kind, base["9902"].first_name) == (EntityKind.ORGANISATION, "FIXTURE FRONT FOR TESTING")


def test_a_ship_is_an_organisation_and_says_so_on_its_listing(base):
    ship = base["9905"]

    assert ship.kind == EntityKind.ORGANISATION
    assert ship.listings[0].extra == {"group_type": "Ship"}


def test_dates_of_birth_full_year_only_and_month_and_year_once_each(base):
    assert base["9901"].birth_dates == (
        BirthDateData(date_type=DateType.EXACT, date="1968-05-14"),
        BirthDateData(date_type=DateType.EXACT, year=1970),
    )
    assert base["9904"].birth_dates == (BirthDateData(date_type=DateType.EXACT, year=1977, note="00/08/1977"),)


def test_facts_repeated_on_every_row_are_kept_once(base):
    person = base["9901"]

    assert person.titles == ("Sheikh",)
    assert person.positions == ("Emir of the Fixture Front",)
    assert person.birth_places == (PlaceData(city="Testabad", country="Syria"),)
    assert person.nationalities == ("Syrian", "Iraqi")
    assert person.addresses == (
        PlaceData(street="12 Example Street, Testabad", zip_code="00100", country="Syria"),
        PlaceData(street="Mosul", country="Iraq"),
    )
    assert person.documents == (
        DocumentData(document_type="Passport", note="X1234567 (Syrian). Issued 1 Jan 2010"),
        DocumentData(document_type="National Identification Number", note="99-000-111"),
    )
    assert person.narrative == "UN Ref QI.T.901.14. Leader of the Fixture Front."


def test_several_regimes_make_one_listing_with_the_earliest_first(base):
    (listing,) = base["9901"].listings

    assert listing.programs == ("Syria", ISIL)
    assert (listing.regime, listing.listed_on, listing.reference_number) == ("Syria", "2011-12-01", "9901")
    assert listing.last_updated == ("2019-05-02",)
    assert listing.extra == {"listed_on_by_regime": {"Syria": "2011-12-01", ISIL: "2015-04-07"}}


@pytest.mark.parametrize(
    ("key", "reference", "text"),
    [
        ("9901", "QI.T.901.14", "UN Ref QI.T.901.14"),
        ("9902", "QE.T.902.14", "UN REF:QE.T.902.14"),
        ("9903", "E.29.I.11", "UN Ref E.29.I.11"),
    ],
)
def test_un_references_in_other_information_are_cross_references(base, key, reference, text):
    assert base[key].listings[0].cross_references == (CrossReference(source="un-sc", reference=reference, text=text),)


@pytest.mark.parametrize(
    ("key", "category"),
    [
        ("9901", EntityCategory.VIOLENT_EXTREMIST_INDIVIDUAL),  # ISIL among its regimes
        ("9902", EntityCategory.VIOLENT_EXTREMIST_ORGANISATION),
        ("9903", EntityCategory.OTHER_DESIGNATED_ENTITY),
        ("9904", EntityCategory.VIOLENT_EXTREMIST_INDIVIDUAL),  # Terrorism and Terrorist Financing
        ("9905", EntityCategory.OTHER_DESIGNATED_ENTITY),
    ],
)
def test_default_category_follows_the_regimes_and_kind(base, key, category):
    assert base[key].category == category


def test_default_programs_are_the_terrorism_regimes_in_both_wordings():
    programs = get_importer("uk-ofsi").default_programs

    assert ISIL in programs and "Terrorism and Terrorist Financing" in programs
    assert "Counter-Terrorism (International)" in programs and "Syria" not in programs


def test_the_2022_format_in_utf8_with_original_script_variation_and_quality(parse):
    person, battalion = parse("base-2022.csv").records

    assert person.names == (
        NameData(full_name="Aiman Muhammed AL-FIXTURI", name_type=NameType.PRIMARY),
        NameData(full_name="أيمن الفكستوري", name_type=NameType.ORIGINAL_SCRIPT, note="Arabic Arabic"),
        NameData(full_name="Ayman AL-FIXTOURI", name_type=NameType.ALIAS, note="primary name variation"),
        NameData(full_name="Abu FIXTURI", name_type=NameType.WEAK_ALIAS, quality="Low"),
        NameData(full_name="DOCTOR", name_type=NameType.ALIAS, quality="Good"),
    )
    assert person.documents == (DocumentData(document_type="Passport", number="1084010", note="Egyptian passport"),)
    assert person.listings[0].extra == {"uk_sanctions_list_date_designated": "2020-12-31"}
    assert person.listings[0].cross_references == (CrossReference("un-sc", "QDi.906", "UN Ref QDi.906"),)
    assert person.category == EntityCategory.VIOLENT_EXTREMIST_INDIVIDUAL
    assert battalion.category == EntityCategory.VIOLENT_EXTREMIST_ORGANISATION


def test_same_file_gives_the_same_records_and_hashes(parse):
    first, second = parse("base.csv"), parse("base.csv")

    assert [r.content_hash() for r in first.records] == [r.content_hash() for r in second.records]


BROKEN = [
    (lambda t: t[: t.index("Owned by a test")], ["Line", "fields where the header has 29", "truncated"]),
    (lambda t: t[: t.index("UN REF:QE") + 5], ["not valid CSV", "unexpected end of data"]),
    (lambda t: t.replace(",Group ID", ",Group ID,Favourite Colour", 1), ["unknown column(s): Favourite Colour"]),
    (lambda t: t.replace("NI Number,", "", 1), ["missing column(s): NI Number"]),
    (lambda t: t.replace("Last Updated,23/03/2016", "Generated,23/03/2016", 1), ["not an OFSI ConList"]),
    (lambda t: t.replace("29/11/2014", "2014-11-29"), ["Group ID 9902", "Listed On", "not a date"]),
    (lambda t: t.replace("14/05/1968", "31/02/1968"), ["Group ID 9901", "DOB", "'31/02/1968'"]),
    (lambda t: t.replace("Prime Alias", "Nickname", 1), ["Group ID 9901", "unknown Alias Type 'Nickname'"]),
    (lambda t: t.replace(",Ship,", ",Submarine,"), ["Group ID 9905", "Submarine"]),
    (lambda t: t.replace(",9905", ",99O5"), ["Group ID '99O5' is not a number"]),
    (lambda t: t.replace("MV FIXTURE", "MV\x07FIXTURE"), ["control character U+0007"]),
    (lambda t: t.split("\r\n", 2)[0] + "\r\n" + t.split("\r\n", 2)[1], ["no names", "empty"]),
    (lambda t: "", ["not an OFSI ConList"]),
]


@pytest.mark.parametrize(("change", "words"), BROKEN)
def test_broken_truncated_or_changed_file_is_refused_saying_why(base_text, tmp_path, change, words):
    with pytest.raises(SourceFormatError) as refused:
        get_importer("uk-ofsi").parse(write(tmp_path, change(base_text)))

    for word in words:
        assert word in str(refused.value)


def test_bytes_neither_utf8_nor_windows_1252_are_refused(base_text, tmp_path):
    path = tmp_path / "ConList.csv"
    path.write_bytes(base_text.encode("cp1252").replace(b"MV FIXTURE", b"MV \x81FIXTURE"))

    with pytest.raises(SourceFormatError, match="byte 0x81 .* neither UTF-8 nor Windows-1252"):
        get_importer("uk-ofsi").parse(path)


def test_file_over_the_size_cap_is_refused_before_reading(parse, settings):
    settings.IMPORT_MAX_BYTES = 1000

    with pytest.raises(SourceFormatError, match="over the limit of 1,000 .IMPORT_MAX_BYTES"):
        parse("base.csv")


# --- Imports through the service ------------------------------------------------------------------------------


def import_uk(path, *, all_programs=True):
    return import_source(slug="uk-ofsi", trigger=ImportTrigger.COMMAND, file=path, all_programs=all_programs)


def counts(**changed) -> dict:
    return {"created": 0, "updated": 0, "unchanged": 0, "delisted": 0, "relisted": 0, "skipped_out_of_scope": 0,
            **changed}


def listing(reference):
    return Listing.objects.get(source__slug="uk-ofsi", reference_number=reference)


@pytest.mark.django_db
def test_cold_import_then_the_same_file_again_changes_nothing(fixture_path):
    first = import_uk(fixture_path("uk-ofsi/base.csv"))
    again = import_uk(fixture_path("uk-ofsi/base.csv"))

    assert first.status == ImportRunStatus.SUCCEEDED
    assert first.counts == counts(created=5)
    assert first.date_generated == "2016-03-23"
    assert Entity.objects.count() == 5
    assert listing("9901").regime == "Syria"
    assert again.counts == counts(unchanged=5)


@pytest.mark.django_db
def test_default_scope_imports_the_terrorism_regimes_and_counts_the_rest(fixture_path):
    run = import_uk(fixture_path("uk-ofsi/base.csv"), all_programs=False)

    assert (run.record_count, run.skipped_out_of_scope) == (5, 2)  # 9903 (DPRK) and 9905 (Iran) left out
    assert sorted(Listing.objects.values_list("reference_number", flat=True)) == ["9901", "9902", "9904"]
    assert listing("9901").programs == ["Syria", ISIL]
    assert listing("9902").cross_references == [
        {"source": "un-sc", "reference": "QE.T.902.14", "text": "UN REF:QE.T.902.14"},
    ]


@pytest.mark.django_db
def test_a_changed_list_updates_delists_and_the_old_one_relists(fixture_path, base_text, tmp_path):
    import_uk(fixture_path("uk-ofsi/base.csv"))
    front = listing("9902").entity_id
    lines = [line for line in base_text.split("\r\n") if not line.endswith(",9903")]
    changed = "\r\n".join(lines).replace("02/12/2014,9902", "05/01/2016,9902")

    run = import_uk(write(tmp_path, changed))

    assert run.counts == counts(updated=1, unchanged=3, delisted=1)
    assert listing("9902").last_updated == ["2016-01-05"] and listing("9902").entity_id == front
    assert listing("9903").status == ListingStatus.DELISTED

    back = import_uk(fixture_path("uk-ofsi/base.csv"))

    assert back.counts == counts(updated=1, unchanged=3, relisted=1)
    assert listing("9903").status == ListingStatus.ACTIVE


@pytest.mark.django_db
def test_a_malformed_file_leaves_the_registry_unchanged(fixture_path, base_text, tmp_path):
    import_uk(fixture_path("uk-ofsi/base.csv"))
    before = list(Listing.objects.order_by("pk").values_list("reference_number", "status", "last_updated"))

    with pytest.raises(SourceFormatError) as refused:
        import_uk(write(tmp_path, base_text[: base_text.index(",9903") - 20]))

    assert refused.value.run.status == ImportRunStatus.FAILED
    assert list(Listing.objects.order_by("pk").values_list("reference_number", "status", "last_updated")) == before


# --- The real 2016 list ---------------------------------------------------------------------------------------


def real_groups(path: Path) -> dict[str, list[dict]]:
    """The file's rows by Group ID, read with the csv module alone (Windows-1252, the first line skipped)."""
    with path.open(encoding="cp1252", newline="") as lines:
        next(lines)
        groups = defaultdict(list)
        for row in csv.DictReader(lines):
            groups[row["Group ID"]].append(row)
    return groups


@pytest.mark.realdata
def test_every_real_file_parses_to_one_record_per_group(shared_data):
    paths = sorted((shared_data / "uk").glob("*ConList*.csv"))
    assert paths
    for path in paths:
        groups = real_groups(path)
        parsed = get_importer("uk-ofsi").parse(path)
        records = {record.key: record for record in parsed.records}

        assert set(records) == set(groups)
        for key, rows in groups.items():
            record = records[key]
            assert record.kind == (EntityKind.PERSON if rows[0]["Group Type"] == "Individual" else
                                   EntityKind.ORGANISATION)
            assert set(record.listings[0].programs) == {row["Regime"] for row in rows}
            spelled = {" ".join(" ".join(row[f"Name {i}"] for i in (1, 2, 3, 4, 5, 6)).split()) for row in rows}
            assert {name.full_name for name in record.names} == spelled
            cites = bool(re.search(r"UN\s*Ref", rows[0]["Other Information"], re.I))
            assert bool(record.listings[0].cross_references) == cites, key


@pytest.mark.realdata
def test_the_real_2016_list_counts_and_spot_checks(shared_data):
    path = shared_data / "uk" / "albertodiaz-open_list__ukhmt_ConList_2016-03-25_20160409_d1124c97.csv"
    parsed = get_importer("uk-ofsi").parse(path)
    records = {record.key: record for record in parsed.records}
    scope = {program.lower() for program in get_importer("uk-ofsi").default_programs}

    assert parsed.generated_at == "2016-03-23"
    assert len(records) == 1924
    assert sum(record.kind == EntityKind.PERSON for record in records.values()) == 1269
    assert sum(bool({p.lower() for p in record.programs} & scope) for record in records.values()) == 515
    ansar = records["13188"]
    assert ansar.caption == "ANSAR AL CHARIA BENGHAZI"
    assert "ANSAR AL SHARIA" in {name.full_name for name in ansar.names}
    assert ansar.listings[0].cross_references == (
        CrossReference(source="un-sc", reference="QE.A.146.14", text="UN REF:QE.A.146.14"),
    )
    assert ansar.category == EntityCategory.VIOLENT_EXTREMIST_ORGANISATION
    soleimani = records["9062"]
    assert soleimani.caption == "Qasem SOLEIMANI"
    assert soleimani.listings[0].programs == (
        "Iran (nuclear proliferation)", "Syria", "Terrorism and Terrorist Financing",
    )
    assert soleimani.category == EntityCategory.VIOLENT_EXTREMIST_INDIVIDUAL
    assert records["13090"].listings[0].cross_references[0].reference == "TI.R.172.14"  # "UN Reference No:"
