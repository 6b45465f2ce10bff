"""
The OFAC SDN parser on small hand-written files (tests/fixtures/ofac-sdn/): the sdnList XML and the legacy CSV
set, every rule of each, every broken file refused with a message naming what is wrong; then imports through
the service, and the real files in ../shared/data/ofac.
"""

import csv
import re
import time
from pathlib import Path

import pytest
from lxml import etree

from entities.choices import DateType, EntityCategory, EntityKind, Gender, ListingStatus, NameType
from entities.models import Listing, SourceRecord
from importers.base import SourceFormatError, get_importer
from importers.choices import ImportTrigger
from importers.records import BirthDateData, CrossReference, DocumentData, PlaceData
from importers.services import import_source

IMPORTER = get_importer("ofac-sdn")


@pytest.fixture
def ofac(fixture_path):
    """ofac("sdn.csv", "alt.csv") -> the paths of tests/fixtures/ofac-sdn files."""
    return lambda *names: [fixture_path(f"ofac-sdn/{name}") for name in names]


@pytest.fixture
def csv_set(ofac):
    """The records of the whole CSV fixture set, by ent_num (files given out of order on purpose)."""
    parsed = IMPORTER.parse_files(ofac("alt.csv", "sdn_comments.csv", "sdn.csv", "add.csv"))
    return {record.key: record for record in parsed.records}


@pytest.fixture
def xml(ofac):
    return IMPORTER.parse(ofac("sdn.xml")[0])


# --- The CSV set ---------------------------------------------------------------------------------------------


def test_csv_files_are_told_apart_by_shape_and_records_keep_file_order(csv_set):
    assert list(csv_set) == ["9001", "9002", "9003", "9004"]


def test_individual_name_last_first_is_split_and_captioned_in_natural_order(csv_set):
    person = csv_set["9001"]
    assert person.kind == EntityKind.PERSON
    assert (person.caption, person.first_name, person.second_name) == ("Zayd Hamid TESTI", "Zayd Hamid", "TESTI")


def test_programs_field_with_several_tags_and_category_by_program(csv_set):
    front = csv_set["9002"].listings[0]
    assert (front.regime, front.programs, front.reference_number) == ("FTO", ("FTO", "SDGT"), "9002")
    assert csv_set["9001"].category == EntityCategory.VIOLENT_EXTREMIST_INDIVIDUAL
    assert csv_set["9002"].category == EntityCategory.VIOLENT_EXTREMIST_ORGANISATION
    assert csv_set["9004"].listings[0].programs == ("IRAN", "IRGC")
    assert csv_set["9004"].category == EntityCategory.OTHER_DESIGNATED_ENTITY  # IRGC is not a terrorism program


def test_remarks_birth_dates_in_every_ofac_form(csv_set):
    assert csv_set["9001"].birth_dates == (
        BirthDateData(date_type=DateType.EXACT, date="1970-01-01", year=1970),
        BirthDateData(date_type=DateType.APPROXIMATELY, year=1968),
        BirthDateData(date_type=DateType.BETWEEN, from_year=1965, to_year=1967),
    )
    assert csv_set["9004"].birth_dates == (BirthDateData(date_type=DateType.EXACT, year=1980, note="Mar 1980"),)


def test_remarks_place_nationality_citizenship_gender_and_documents(csv_set):
    person = csv_set["9001"]
    assert person.birth_places == (PlaceData(city="Gaza City", country="Gaza"),)
    assert person.nationalities == ("Jordan", "Iraq")
    assert (person.gender, csv_set["9004"].gender) == (Gender.MALE, Gender.FEMALE)
    assert person.documents == (
        DocumentData(document_type="Passport", number="A1234567", country_of_issue="Jordan",
                     date_of_issue="2002-02-02", note="expires 01 Feb 2012"),
        DocumentData(document_type="National ID No.", number="99-887", country_of_issue="Iraq"),
    )
    assert csv_set["9002"].documents == (DocumentData(document_type="Website", number="http://fixture.example"),)


def test_aliases_strong_from_alt_csv_weak_and_former_from_remarks(csv_set):
    person = [(name.full_name, name.name_type) for name in csv_set["9001"].names]
    assert person == [
        ("Zayd Hamid TESTI", NameType.PRIMARY), ("Zaid AL-TESTI", NameType.ALIAS),
        ("ABU FIXTURE", NameType.WEAK_ALIAS), ("AL-TESTI", NameType.WEAK_ALIAS),
    ]
    front = [(name.full_name, name.name_type, name.note) for name in csv_set["9002"].names]
    assert front == [
        ("FIXTURE FRONT", NameType.PRIMARY, ""), ("FIXTURE FRONT FOR TESTING", NameType.FORMER, ""),
        ("NEW FRONT", NameType.ALIAS, "since 2020"), ("OLD FRONT", NameType.FORMER, ""),
    ]


def test_comments_continue_the_remarks_which_stay_whole_in_the_narrative(csv_set):
    narrative = csv_set["9002"].narrative
    assert narrative.endswith("Linked To: ALPHA ONE, S.A.; Linked To: BETA TWO, S.A.")
    assert narrative.startswith("Website http://fixture.example; f.k.a. 'OLD FRONT'; Secondary sanctions risk")


def test_a_remark_citing_a_un_listing_is_a_cross_reference(csv_set):
    assert csv_set["9002"].listings[0].cross_references == (
        CrossReference(source="un-sc", reference="QDe.901", text="UN Ref QDe.901"),
    )


def test_addresses_from_add_csv(csv_set):
    assert csv_set["9002"].addresses == (
        PlaceData(street="12 Test Street", city="Testville 1000", country="Lebanon"),
        PlaceData(city="Sidon", country="Lebanon", note="branch office"),
    )


def test_a_vessel_is_an_organisation_with_its_type_and_vessel_columns(csv_set):
    vessel = csv_set["9003"]
    assert (vessel.kind, vessel.listings[0].list_type) == (EntityKind.ORGANISATION, "Vessel")
    assert vessel.listings[0].extra["Vess_flag"] == "Malta"
    assert vessel.documents[0] == DocumentData(document_type="Vessel Registration Identification", number="IMO 9000001")


def test_sdn_csv_alone_parses_and_parse_detects_csv(ofac):
    assert len(IMPORTER.parse(ofac("sdn.csv")[0]).records) == 4


def test_same_files_give_the_same_content_hashes(ofac):
    first, second = (IMPORTER.parse_files(ofac("sdn.csv", "alt.csv", "add.csv")) for _ in range(2))
    assert [r.content_hash() for r in first.records] == [r.content_hash() for r in second.records]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (["truncated.csv"], "row 3: 5 columns where the file has 12"),
        (["unterminated.csv"], "not a well-formed CSV file"),
        (["extra-column.csv"], "rows of 13 columns"),
        (["unknown-type.csv"], "unknown SDN_Type 'ship'"),
        (["sdn.csv", "orphan-alt.csv"], "ent_num 9999, which the sdn.csv does not list"),
        (["alt.csv"], "No sdn.csv among the files"),
        (["sdn.csv", "sdn-v2.csv"], "a second sdn.csv"),
        (["sdn.csv", "sdn.xml"], "import it alone"),
    ],
)
def test_broken_csv_sets_are_refused_saying_why(ofac, files, message):
    with pytest.raises(SourceFormatError, match=re.escape(message)):
        IMPORTER.parse_files(ofac(*files))


def test_hostile_bytes_are_refused(tmp_path):
    path = tmp_path / "sdn.csv"
    path.write_bytes(b'1,"A\x00B",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n')
    with pytest.raises(SourceFormatError, match="control character"):
        IMPORTER.parse(path)
    path.write_bytes(b'1,"\xe9",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n')
    with pytest.raises(SourceFormatError, match="not UTF-8"):
        IMPORTER.parse(path)


# --- The sdnList XML -----------------------------------------------------------------------------------------


def test_xml_records_publish_date_and_names(xml):
    assert xml.generated_at == "2024-03-01"
    person, front, vessel = xml.records
    assert (person.key, person.caption, person.titles) == ("9101", "Zayd Hamid TESTI", ("Commander",))
    assert [(n.full_name, n.name_type) for n in person.names] == [
        ("Zayd Hamid TESTI", NameType.PRIMARY), ("Zaid AL-TESTI", NameType.ALIAS),
        ("ABU FIXTURE", NameType.WEAK_ALIAS), ("OLD TESTI", NameType.FORMER),
    ]
    assert (front.caption, front.kind, front.category) == (
        "FIXTURE FRONT", EntityKind.ORGANISATION, EntityCategory.VIOLENT_EXTREMIST_ORGANISATION)
    assert (vessel.kind, vessel.listings[0].list_type, vessel.listings[0].extra["vesselFlag"]) == (
        EntityKind.ORGANISATION, "Vessel", "Malta")


def test_xml_facts(xml):
    person = xml.records[0]
    assert person.listings[0].programs == ("SDGT", "IRGC")
    assert person.gender == Gender.MALE
    assert person.nationalities == ("Jordan", "Iraq")
    assert person.birth_dates == (
        BirthDateData(date_type=DateType.EXACT, date="1970-01-01", year=1970),
        BirthDateData(date_type=DateType.APPROXIMATELY, year=1968),
    )
    assert person.birth_places == (PlaceData(city="Zarqa", country="Jordan"),)
    assert person.addresses == (
        PlaceData(street="12 Test Street, Floor 2", city="Amman", zip_code="11110", country="Jordan"),
    )
    assert person.documents == (
        DocumentData(document_type="Passport", number="A1234567", country_of_issue="Jordan",
                     date_of_issue="2002-02-02", note="expires 01 Feb 2012"),
    )
    information = ["Secondary sanctions risk: section 1(b) of Executive Order 13224"]
    assert person.listings[0].extra == {"information": information}
    assert person.listings[0].cross_references[0].reference == "QDi.901"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("unknown-element.xml", "unexpected element <rank>"),
        ("truncated.xml", "not well-formed XML"),
        ("wrong-count.xml", "says it has 4 records (Record_Count) but lists 3"),
        ("unknown-namespace.xml", "namespace"),
    ],
)
def test_broken_xml_is_refused_saying_why(ofac, name, message):
    with pytest.raises(SourceFormatError, match=re.escape(message)):
        IMPORTER.parse(ofac(name)[0])


# --- Imports through the service -----------------------------------------------------------------------------


def run_import(files, **options):
    return import_source(slug="ofac-sdn", trigger=ImportTrigger.COMMAND, file=files, **options)


def counts(run):
    return run.created, run.updated, run.unchanged, run.delisted, run.relisted, run.skipped_out_of_scope


@pytest.mark.django_db
def test_cold_import_takes_the_default_terrorism_scope_and_a_second_is_a_no_op(ofac):
    files = ofac("sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv")
    assert counts(run_import(files)) == (2, 0, 0, 0, 0, 2)  # 9001 SDGT, 9002 FTO; the vessel and 9004 skipped
    assert counts(run_import(files)) == (0, 0, 2, 0, 0, 2)
    listing = Listing.objects.get(reference_number="9002")
    assert listing.programs == ["FTO", "SDGT"]


@pytest.mark.django_db
def test_a_later_version_updates_delists_and_a_return_relists(ofac):
    assert counts(run_import(ofac("sdn.csv"), all_programs=True)) == (4, 0, 0, 0, 0, 0)
    assert counts(run_import(ofac("sdn-v2.csv"), all_programs=True, force=True)) == (1, 1, 2, 1, 0, 0)
    assert Listing.objects.get(reference_number="9003").status == ListingStatus.DELISTED
    assert counts(run_import(ofac("sdn.csv"), all_programs=True, force=True)) == (0, 1, 2, 1, 1, 0)
    assert Listing.objects.get(reference_number="9003").status == ListingStatus.ACTIVE


@pytest.mark.django_db
def test_a_malformed_file_leaves_the_registry_unchanged(ofac):
    run_import(ofac("sdn.csv"), all_programs=True)
    before = list(SourceRecord.objects.values_list("source_key", "content_hash", "removed_at"))
    with pytest.raises(SourceFormatError):
        run_import(ofac("truncated.csv"), all_programs=True)
    assert list(SourceRecord.objects.values_list("source_key", "content_hash", "removed_at")) == before


# --- The real files ------------------------------------------------------------------------------------------


def real_rows(path: Path) -> list[list[str]]:
    """The rows of a real OFAC CSV file, read with the csv module alone (the Ctrl-Z end byte dropped)."""
    text = path.read_text(encoding="utf-8").rstrip("\x1a")
    return [row for row in csv.reader(text.splitlines(keepends=True)) if row]


def real_csv_primaries(data: Path) -> list[Path]:
    ofac = data / "ofac"
    return sorted([*ofac.glob("*_sdn_2*.csv"), *ofac.glob("*cons_prim*.csv"), *ofac.glob("sdn_csv_series/*.csv")])


@pytest.mark.realdata
def test_every_real_primary_csv_parses_with_the_counts_of_the_file(shared_data):
    files = real_csv_primaries(shared_data)
    assert len(files) == 15 + 2 + 3  # the series, two sdn.csv, three cons_prim.csv
    for path in files:
        rows = real_rows(path)
        records = IMPORTER.parse(path).records
        assert [record.key for record in records] == [row[0] for row in rows], path.name
        persons = sum(row[2].strip() == "individual" for row in rows)
        assert sum(record.kind == EntityKind.PERSON for record in records) == persons, path.name
        terror = sum(bool(re.search(r"\b(SDGT|SDT|FTO|NS-PLC|HIFPAA)\b", row[3])) for row in rows)
        assert sum(record.category != EntityCategory.OTHER_DESIGNATED_ENTITY for record in records) == terror


@pytest.mark.realdata
def test_every_real_xml_parses_with_the_counts_of_the_file(shared_data):
    files = sorted((shared_data / "ofac").glob("*.xml"))
    assert len(files) == 6
    for path in files:
        root = etree.parse(str(path)).getroot()
        entries = root.findall("{*}sdnEntry")
        records = IMPORTER.parse(path).records
        assert [record.key for record in records] == [entry.findtext("{*}uid") for entry in entries]
        assert sum(len(record.names) for record in records) == len(entries) + len(root.findall(".//{*}aka"))
        assert sum(len(record.addresses) for record in records) == len(root.findall(".//{*}address"))


@pytest.mark.realdata
def test_the_real_csv_sets_parse_with_their_addresses_aliases_and_comments(shared_data):
    ofac = shared_data / "ofac"
    for prefix in ("moov-io-watchman__test_testdata_", "moov-io-watchman__test_testdata_bench_"):
        files = [path for path in ofac.glob(f"{prefix}*") if re.fullmatch(r"(sdn|add|alt|sdn_comments)_\d+_\w+\.csv",
                                                                          path.name[len(prefix):])]
        assert len(files) == 4
        records = IMPORTER.parse_files(files).records
        rows = {path.name[len(prefix):].split("_2")[0]: real_rows(path) for path in files}
        assert len(records) == len(rows["sdn"])
        assert sum(len(record.addresses) for record in records) == sum(any(
            cell.strip() != "-0-" for cell in row[2:]) for row in rows["add"])
        strong = sum(name.name_type in (NameType.ALIAS, NameType.FORMER) and name.quality != "weak"
                     for record in records for name in record.names)
        assert strong == len(rows["alt"])
        by_key = {record.key: record for record in records}
        for key, more in rows["sdn_comments"]:
            assert by_key[key].narrative.endswith(" ".join(more.split())), key


@pytest.mark.realdata
def test_a_real_excerpt_set_with_aliases_of_unlisted_entries_is_refused(shared_data):
    files = list((shared_data / "ofac" / "excerpts").glob("*.csv"))
    with pytest.raises(SourceFormatError, match="which the sdn.csv does not list"):
        IMPORTER.parse_files(files)


@pytest.mark.realdata
def test_known_real_entries(shared_data):
    newest = shared_data / "ofac" / "sdn_csv_series" / "jackdwyer-sdn-list__sdn_20240503_a5ec3c5e.csv"
    started = time.perf_counter()
    records = {record.key: record for record in IMPORTER.parse(newest).records}
    assert time.perf_counter() - started < 10  # about 1 s; the cold import's budget is 15 s
    assert len(records) == 14965
    qaida = records["6366"]
    assert (qaida.caption, qaida.listings[0].programs, qaida.category) == (
        "AL QA'IDA", ("FTO", "SDGT"), EntityCategory.VIOLENT_EXTREMIST_ORGANISATION)
    in_scope = [r for r in records.values() if r.programs & {"SDGT", "SDT", "FTO", "NS-PLC", "HIFPAA"}]
    assert len(in_scope) == 2388  # 2,386 SDGT, 70 FTO, 2 NS-PLC, 1 HIFPAA, overlapping


def series_steps(data: Path):
    return sorted((data / "ofac" / "sdn_csv_series").glob("*.csv"), key=lambda path: path.name.split("_")[-2:])


def registry_state() -> dict[str, tuple[str, bool]]:
    return {key: (digest, removed is None) for key, digest, removed in SourceRecord.objects.filter(
        source__slug="ofac-sdn").values_list("source_key", "content_hash", "removed_at")}


@pytest.mark.realdata
@pytest.mark.django_db
def test_the_real_sdn_csv_series_imported_in_date_order(shared_data):
    """
    Each of the 15 versions imported (all programs) in date order. The sets of ent_nums the registry created,
    updated, delisted and re-listed at each step must equal the ones computed from the files alone: created =
    never seen before; delisted = in the previous file, not in this one; re-listed = seen in an earlier file,
    absent from the previous one, back in this one; updated = in both files with a different row, a row being
    its 12 cells with white space collapsed (the record is built from the row alone, remarks included, so a
    record changes exactly when its row does).
    """
    seen: set[str] = set()
    previous: dict[str, tuple] = {}
    for path in series_steps(shared_data):
        rows = {row[0]: tuple(" ".join(cell.split()) for cell in row) for row in real_rows(path)}
        before = registry_state()
        run = run_import(path, all_programs=True, force=True)
        after = registry_state()
        created = after.keys() - before.keys()
        delisted = {key for key, (_, active) in after.items() if not active and before[key][1]}
        relisted = {key for key, (_, active) in after.items() if active and key in before and not before[key][1]}
        updated = {key for key in after.keys() & before.keys() if after[key][1] and before[key][1]
                   and after[key][0] != before[key][0]}
        assert created == rows.keys() - seen, path.name
        assert delisted == previous.keys() - rows.keys(), path.name
        assert relisted == (rows.keys() & seen) - previous.keys(), path.name
        assert updated == {key for key in rows.keys() & previous.keys() if rows[key] != previous[key]}, path.name
        assert (run.created, run.updated, run.delisted, run.relisted) == (
            len(created), len(updated), len(delisted), len(relisted))
        seen |= rows.keys()
        previous = rows
