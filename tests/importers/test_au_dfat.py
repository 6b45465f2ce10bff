"""
The Australian Consolidated List parser (importers/sources/au_dfat.py) on small hand-written rows
(tests/fixtures/au-dfat/base.json, written to an XLSX here), on the real list, and through the import service.
"""

import copy
import json
import re
import zipfile
from collections import Counter
from datetime import datetime

import openpyxl
import pytest

from entities.audit import Actor
from entities.choices import DateType, EntityCategory, EntityKind, ListingStatus, NameType
from entities.models import Entity, Listing, SourceRecord
from importers.base import SourceFormatError, get_importer
from importers.choices import ImportRunStatus, ImportTrigger
from importers.records import BirthDateData, CrossReference, PlaceData
from importers.services import import_source, source_for, source_update
from importers.sources.text import list_items, text_dates

REAL_FILES = "australia/*regulation8_consolidated*.xlsx"


@pytest.fixture
def base_rows(fixture_path):
    """The header and rows of base.json, a fresh copy to change."""
    return json.loads(fixture_path("au-dfat/base.json").read_text(encoding="utf-8"))


def write_xlsx(path, data, *, extra_sheet=False):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    sheet.append(data["header"])
    for row in data["rows"]:
        sheet.append([datetime.fromisoformat(v[1:]) if isinstance(v, str) and v.startswith("@") else v for v in row])
    if extra_sheet:
        workbook.create_sheet("Notes").append(["about this list"])
    workbook.save(path)
    return path


@pytest.fixture
def xlsx(tmp_path, base_rows):
    """xlsx(change=None, name="list.xlsx") -> the path of base.json written as XLSX, after change(data) if given."""

    def make(change=None, name="list.xlsx", **options):
        data = copy.deepcopy(base_rows)
        if change:
            change(data)
        return write_xlsx(tmp_path / name, data, **options)

    return make


@pytest.fixture
def base(xlsx):
    return {record.key: record for record in get_importer("au-dfat").parse(xlsx()).records}


def parse(path):
    return get_importer("au-dfat").parse(path)


def test_one_record_per_reference_number_in_order_of_first_row(xlsx):
    parsed = parse(xlsx())

    assert [record.key for record in parsed.records] == ["901", "902", "903", "904", "905", "906"]
    assert parsed.generated_at[:4].isdigit() and "T" in parsed.generated_at  # the workbook's last-saved time


def test_alias_rows_join_their_reference_number_wherever_they_are(base):
    names = [(name.full_name, name.name_type, name.quality) for name in base["902"].names]

    assert names == [
        ("FIXTURE FRONT", NameType.PRIMARY, ""),
        ("Test Brigade", NameType.FORMER, "formerly known as"),
        ("The Front", NameType.ALIAS, "aka"),
    ]
    assert [name.full_name for name in base["903"].names] == ["Ivan Fixturov", "Ivan Fiksturov", "Ivan Fiks"]


def test_name_types_and_kinds_whatever_their_case_and_spaces(base):
    assert [(name.name_type, name.quality) for name in base["901"].names] == [
        (NameType.PRIMARY, ""), (NameType.ALIAS, "aka"), (NameType.ORIGINAL_SCRIPT, "original script"),
    ]
    assert base["906"].names[1].name_type == NameType.FORMER  # "Previously listed as"
    assert base["901"].kind == base["903"].kind == EntityKind.PERSON  # "Individual", "individual"
    assert base["902"].kind == EntityKind.ORGANISATION  # "Entity "
    assert base["903"].caption == "Ivan Fixturov"


def test_birth_dates_of_every_row_in_every_form(base):
    assert base["901"].birth_dates == (
        BirthDateData(date_type=DateType.BETWEEN, from_year=1955, to_year=1958),
        BirthDateData(date_type=DateType.EXACT, date="1960-01-12"),
        BirthDateData(date_type=DateType.APPROXIMATELY, year=1962),  # the alias row's own
    )
    note = "19/08/1974; alt DOB: 1972 (as Ivan Fiks)"
    assert base["903"].birth_dates == (
        BirthDateData(date_type=DateType.EXACT, date="1970-05-04"),  # an Excel date
        BirthDateData(date_type=DateType.EXACT, year=1971),  # a number
        BirthDateData(date_type=DateType.EXACT, date="1974-08-19", note=note),
        BirthDateData(date_type=DateType.EXACT, year=1972, note=note),
    )
    assert base["905"].birth_dates == (BirthDateData(date_type=DateType.BETWEEN, from_year=1963, to_year=1968),)
    assert base["902"].birth_dates == ()


def test_a_hijri_date_is_skipped_and_kept_in_the_note(base):
    (birth,) = base["906"].birth_dates

    assert birth.date == "1982-04-19"
    assert "Hijri" in birth.note


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 Jan 1960", [(DateType.EXACT, "1960-01-12", None)]),
        ("1960", [(DateType.EXACT, "", 1960)]),
        ("c. 1960", [(DateType.APPROXIMATELY, "", 1960)]),
        ("Approximately 1960", [(DateType.APPROXIMATELY, "", 1960)]),
        ("circa 1957", [(DateType.APPROXIMATELY, "", 1957)]),
        ("23-Apr-68", [(DateType.EXACT, "1968-04-23", None)]),
        ("March 16, 1972", [(DateType.EXACT, "1972-03-16", None)]),
        ("05.09.1990", [(DateType.EXACT, "1990-09-05", None)]),
        ("29-Aprl-1967", [(DateType.EXACT, "1967-04-29", None)]),
        ("Nov. 1973", [(DateType.EXACT, "", 1973)]),
        ("1963 or 1964", [(DateType.EXACT, "", 1963), (DateType.EXACT, "", 1964)]),
        ("a)1994 b)1993", [(DateType.EXACT, "", 1994), (DateType.EXACT, "", 1993)]),
        ("approximately 1977/1978", [(DateType.BETWEEN, "", (1977, 1978))]),
        ("Between 1963 to 1968", [(DateType.BETWEEN, "", (1963, 1968))]),
        ("na", []),
        ("Approximately (30-35 years old)", [(DateType.UNKNOWN, "", None)]),
    ],
)
def test_text_dates(text, expected):
    found = [
        (d.date_type, d.date, (d.from_year, d.to_year) if d.date_type == DateType.BETWEEN else d.year)
        for d in text_dates(text, what="test")
    ]
    assert found == expected


@pytest.mark.parametrize("text", ["31/02/1960", "1830", "Between 1970 and 1960", "12 Jan 2990"])
def test_text_dates_refuse_nonsense(text):
    with pytest.raises(SourceFormatError, match="DOB"):
        text_dates(text, what="DOB", earliest=1850)


def test_list_items_split_lettered_lists_and_drop_placeholders():
    assert list_items("a) Syria b) Iraq; Lebanon\nNA") == ["Syria", "Iraq", "Lebanon"]
    assert list_items("a)Iran b)Iraq") == ["Iran", "Iraq"]
    assert list_items("None") == []


def test_places_split_into_city_and_country_where_the_country_is_known(base):
    assert base["901"].birth_places == (
        PlaceData(city="Testabad, Kandahar Province", country="Afghanistan"),
        PlaceData(city="Quetta", country="Pakistan"),
    )
    assert base["902"].addresses == (
        PlaceData(street="Idlib", country="Syrian Arab Republic"), PlaceData(street="Mosul", country="Iraq"),
    )
    assert base["904"].addresses == (PlaceData(note="Testville"),)
    assert base["903"].addresses == base["905"].birth_places == ()  # "na"


def test_nationalities_as_written_with_two_in_one_split(base):
    assert base["903"].nationalities == ("Russian", "Ukrainian")
    assert base["906"].nationalities == ("Testland", "Syria")
    assert base["902"].nationalities == ()


def test_narrative_keeps_each_distinct_additional_information(base):
    assert base["901"].narrative == (
        "Title: Mullah. A close associate of Omar Fixture (TI.O.4.01).\n\nReview concluded on 21 Jul. 2010."
    )
    assert base["902"].narrative == "Operates in Syria.\n\nFormerly a brigade of the Test Army."
    assert base["903"].narrative == ""


def test_listing_programs_dates_and_information(base):
    (listing,) = base["901"].listings

    assert (listing.regime, listing.programs) == ("1988 (Taliban)", ("1988 (Taliban)",))
    assert listing.reference_number == "901"
    assert listing.listed_on == "2001-01-25"
    assert listing.last_updated == ("2012-08-14", "2014-12-15")  # every row's Control Date
    assert listing.extra == {
        "Listing Information": "Listed by UN 1267 Committee on 25 January 2001 (amended on 20 December 2005)"
    }
    assert base["902"].listings[0].listed_on == "2015-03-03"
    assert base["903"].listings[0].listed_on == ""  # an instrument of 2022, no date
    assert base["904"].listings[0].listed_on == "2002-10-21"  # an Excel date
    assert base["905"].listings[0].programs == ("1970 (Libya)", "1973 (Libya)")


def test_un_regimes_cite_the_un_list_and_australian_ones_do_not(base):
    taliban = CrossReference(source="un-sc", reference="", text="1988 (Taliban)")
    assert base["901"].listings[0].cross_references == (taliban,)
    assert [ref.text for ref in base["905"].listings[0].cross_references] == ["1970 (Libya)", "1973 (Libya)"]
    assert base["903"].listings[0].cross_references == ()  # autonomous
    assert base["904"].listings[0].cross_references == ()  # 1373 (2001): Australia's own listing


@pytest.mark.parametrize(
    ("key", "category"),
    [
        ("901", EntityCategory.VIOLENT_EXTREMIST_INDIVIDUAL),  # Taliban
        ("902", EntityCategory.VIOLENT_EXTREMIST_ORGANISATION),  # ISIL and Al-Qaida
        ("904", EntityCategory.VIOLENT_EXTREMIST_ORGANISATION),  # 1373 (2001)
        ("903", EntityCategory.OTHER_DESIGNATED_ENTITY),
        ("905", EntityCategory.OTHER_DESIGNATED_ENTITY),
        ("906", EntityCategory.OTHER_DESIGNATED_ENTITY),
    ],
)
def test_category_follows_the_regime(base, key, category):
    assert base[key].category == category


def test_the_importer_declares_its_default_scope():
    importer = get_importer("au-dfat")

    assert importer.default_programs == ()
    assert importer.file_suffix == ".xlsx"


def test_same_file_saved_again_gives_the_same_records(xlsx):
    first = parse(xlsx(name="first.xlsx"))
    second = parse(xlsx(name="second.xlsx"))

    assert [r.content_hash() for r in first.records] == [r.content_hash() for r in second.records]


def refused(path, match):
    with pytest.raises(SourceFormatError, match=match):
        parse(path)


def test_refuses_a_file_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "list.xlsx"
    path.write_text("Reference,Name\n1,Someone\n")
    refused(path, "not a valid XLSX")


def test_refuses_an_empty_file(tmp_path):
    path = tmp_path / "list.xlsx"
    path.write_bytes(b"")
    refused(path, "empty")


def test_refuses_a_truncated_workbook(xlsx, tmp_path):
    data = xlsx().read_bytes()
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(data[: len(data) * 2 // 3])
    refused(path, "not a valid XLSX")


def test_refuses_a_workbook_with_a_dtd(xlsx, tmp_path):
    source = xlsx()
    path = tmp_path / "dtd.xlsx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w") as new:
        for item in old.infolist():
            content = old.read(item)
            if item.filename == "xl/workbook.xml":
                content = b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + content
            new.writestr(item, content)
    refused(path, "DTD")


def test_refuses_an_unknown_column_and_names_it(xlsx):
    def change(data):
        data["header"].append("Gender")

    refused(xlsx(change), r"unknown \['Gender'\]")


def test_refuses_a_missing_column_and_names_it(xlsx):
    def change(data):
        data["header"][11] = None
        for row in data["rows"]:
            row[11] = None

    refused(xlsx(change), r"missing \['Control Date'\]")


def test_refuses_a_value_in_a_column_without_a_header(xlsx):
    def change(data):
        data["rows"][0].append("stray")

    refused(xlsx(change), "Row 2: a value in column M")


def test_refuses_a_second_sheet(xlsx):
    refused(xlsx(extra_sheet=True), "one worksheet")


@pytest.mark.parametrize(
    ("row", "column", "value", "match"),
    [
        (1, 3, "Nickname", "unknown Name Type 'Nickname'"),
        (0, 2, "Vessel", "Type must be Individual or Entity"),
        (1, 2, "Entity", "Type must be Individual or Entity"),
        (1, 3, "Primary Name", "expected one Primary Name row"),
        (0, 3, "aka", "expected one Primary Name row"),
        (1, 0, "901", "appears twice"),
        (1, 0, "901-a", "is not a Reference"),
        (0, 1, None, "primary name is empty"),
        (0, 4, "31/02/1960", r"Reference 901 Date of Birth \(row 2\): '31/02/1960' is not a date"),
        (0, 4, 1066, "not a year of birth"),
        (0, 10, None, "Committees is empty"),
        (0, 1, "x" * 1001, "implausibly long"),
    ],
)
def test_refuses_a_broken_row(xlsx, row, column, value, match):
    def change(data):
        data["rows"][row][column] = value
        if match == "Committees is empty":
            for other in data["rows"][1:3]:
                other[column] = None

    refused(xlsx(change), match)


def test_refuses_a_list_with_no_rows(xlsx):
    def change(data):
        data["rows"] = []

    refused(xlsx(change), "empty list")


# The real list ---------------------------------------------------------------------------------------------------


def real_rows(path):
    """The non-empty rows of the real file as dicts, read with openpyxl alone."""
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = workbook.worksheets[0].iter_rows(values_only=True)
    header = [cell for cell in next(rows) if cell]
    found = [dict(zip(header, row, strict=False)) for row in rows if any(cell is not None for cell in row[:12])]
    workbook.close()
    return found


@pytest.mark.realdata
def test_every_real_file_parses_with_the_counts_the_sheet_gives(shared_data):
    paths = sorted(shared_data.glob(REAL_FILES))
    assert paths
    for path in paths:
        rows = real_rows(path)
        number = {id(row): re.match(r"\d+", str(row["Reference"]).strip()).group(0) for row in rows}
        primaries = [row for row in rows if row["Name Type"].strip().lower() == "primary name"]
        kinds = Counter(row["Type"].strip().lower() for row in primaries)
        names = {
            (number[id(row)], " ".join(row["Name of Individual or Entity"].split()), row["Name Type"].strip().lower())
            for row in rows
        }

        parsed = parse(path)

        assert [record.key for record in parsed.records] == list(dict.fromkeys(number.values()))
        assert len(parsed.records) == len(primaries)
        assert Counter(record.kind for record in parsed.records) == {
            EntityKind.PERSON: kinds["individual"], EntityKind.ORGANISATION: kinds["entity"],
        }
        assert sum(len(record.names) for record in parsed.records) == len(names)
        assert Counter(" ".join(record.listings[0].programs) for record in parsed.records) == Counter(
            " ".join(row["Committees"].split()) for row in primaries
        )


@pytest.mark.realdata
def test_known_entries_of_the_real_list(shared_data):
    (path,) = sorted(shared_data.glob(REAL_FILES))[-1:]
    records = {record.key: record for record in parse(path).records}

    akhund = records["2"]
    assert akhund.caption == "MOHAMMAD HASSAN AKHUND"
    assert akhund.category == EntityCategory.VIOLENT_EXTREMIST_INDIVIDUAL
    assert [name.name_type for name in akhund.names] == [NameType.PRIMARY, NameType.ORIGINAL_SCRIPT]
    assert akhund.birth_dates[0] == BirthDateData(date_type=DateType.BETWEEN, from_year=1955, to_year=1958)
    assert akhund.listings[0].listed_on == "2001-01-25"
    assert akhund.listings[0].cross_references == (CrossReference(source="un-sc", reference="", text="1988 (Taliban)"),)
    assert records["4"].caption == "Mohammed Omar GHULAM NABI"
    assert len(records["2672"].names) > 10  # suffixes run to 2672a10
    assert {record.category for record in records.values() if "1373 (2001)" in record.listings[0].programs} == {
        EntityCategory.VIOLENT_EXTREMIST_INDIVIDUAL, EntityCategory.VIOLENT_EXTREMIST_ORGANISATION,
    }


# Through the import service --------------------------------------------------------------------------------------


def import_au(path, **options):
    return import_source(slug="au-dfat", trigger=ImportTrigger.COMMAND, file=path, **options)


@pytest.mark.django_db
def test_cold_import_creates_every_record_then_a_reimport_changes_nothing(xlsx):
    run = import_au(xlsx())

    assert run.status == ImportRunStatus.SUCCEEDED
    assert run.counts["created"] == 6
    assert SourceRecord.objects.filter(source__slug="au-dfat").count() == 6
    front = Entity.objects.get(source_records__source_key="902")
    assert front.category == EntityCategory.VIOLENT_EXTREMIST_ORGANISATION
    assert Listing.objects.get(reference_number="905").regime == "1970 (Libya)"

    again = import_au(xlsx(name="again.xlsx"))

    assert again.counts == {
        "created": 0, "updated": 0, "unchanged": 6, "delisted": 0, "relisted": 0, "skipped_out_of_scope": 0,
    }


@pytest.mark.django_db
def test_a_changed_list_updates_delists_and_relists(xlsx):
    import_au(xlsx())

    def change(data):
        data["rows"][3][1] = "FIXTURE FRONT RENAMED"
        data["rows"] = [row for row in data["rows"] if str(row[0]).strip() not in {"905"}]

    changed = import_au(xlsx(change, name="changed.xlsx"), force=True)

    assert changed.counts == {
        "created": 0, "updated": 1, "unchanged": 4, "delisted": 1, "relisted": 0, "skipped_out_of_scope": 0,
    }
    assert Listing.objects.get(reference_number="905").status == ListingStatus.DELISTED
    assert Entity.objects.get(source_records__source_key="902").caption == "FIXTURE FRONT RENAMED"

    back = import_au(xlsx(name="back.xlsx"))

    assert back.counts["relisted"] == 1
    assert Listing.objects.get(reference_number="905").status == ListingStatus.ACTIVE


@pytest.mark.django_db
def test_a_broken_file_leaves_the_registry_unchanged(xlsx, tmp_path):
    import_au(xlsx())
    before = sorted(SourceRecord.objects.values_list("source_key", "content_hash"))
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(xlsx(name="whole.xlsx").read_bytes()[:3000])

    with pytest.raises(SourceFormatError):
        import_au(broken)

    assert sorted(SourceRecord.objects.values_list("source_key", "content_hash")) == before


@pytest.mark.django_db
def test_listings_keep_their_programs_and_the_un_listings_they_implement(xlsx):
    import_au(xlsx())

    libya = Listing.objects.get(reference_number="905")
    assert libya.programs == ["1970 (Libya)", "1973 (Libya)"]
    assert libya.cross_references == [
        {"source": "un-sc", "reference": "", "text": "1970 (Libya)"},
        {"source": "un-sc", "reference": "", "text": "1973 (Libya)"},
    ]
    assert Listing.objects.get(reference_number="904").cross_references == []


@pytest.mark.django_db
def test_every_listing_is_in_the_default_scope_and_a_narrower_one_counts_the_rest(xlsx):
    assert source_for("au-dfat").programs == []
    source_update(source=source_for("au-dfat"), actor=Actor.of_system("test"), reason="Terrorism only",
                  programs=["1988 (taliban)", "1373 (2001)", "1267/1989/2253 (ISIL (Da'esh) and Al-Qaida)"])

    run = import_au(xlsx())

    assert (run.created, run.skipped_out_of_scope) == (3, 3)
    assert import_au(xlsx(name="all.xlsx"), all_programs=True).created == 3
