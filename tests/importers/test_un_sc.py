"""
The UN Security Council parser on small hand-written lists (tests/fixtures/un/): every field the list has
lands in the EntityRecord, and every broken or hostile file is refused with a message that says why.
"""

import json

import pytest

from entities.choices import DateType, EntityCategory, EntityKind, Gender, NameType
from importers.base import SourceFormatError, get_importer
from importers.records import BirthDateData, DocumentData, NameData, PlaceData


@pytest.fixture
def parse(fixture_path):
    """parse("base.xml") -> the ParsedList of tests/fixtures/un/base.xml."""
    importer = get_importer("un-sc")

    def run(name):
        return importer.parse(fixture_path(f"un/{name}"))

    return run


@pytest.fixture
def base(parse):
    """The records of base.xml by reference number."""
    return {record.key: record for record in parse("base.xml").records}


def test_reads_every_record_in_file_order_and_the_date_generated(parse):
    parsed = parse("base.xml")

    assert [record.key for record in parsed.records] == ["QDi.901", "TAi.901", "KPi.901", "QDe.901", "CDe.901"]
    assert parsed.generated_at == "2024-03-01T00:00:01.234Z"


def test_person_name_parts_and_caption_have_white_space_collapsed(base):
    person = base["QDi.901"]

    assert person.kind == EntityKind.PERSON
    assert (person.first_name, person.second_name, person.third_name, person.fourth_name) == (
        "ZAYD", "HAMID AL-TESTI", "ABU", "FIXTURE",
    )
    assert person.caption == "ZAYD HAMID AL-TESTI ABU FIXTURE"


def test_organisation_name_is_the_first_name_with_white_space_collapsed(base):
    organisation = base["QDe.901"]

    assert organisation.kind == EntityKind.ORGANISATION
    assert organisation.caption == "FIXTURE FRONT FOR TESTING"
    assert organisation.first_name == "FIXTURE FRONT FOR TESTING"
    assert organisation.second_name == organisation.third_name == organisation.fourth_name == ""


def test_names_are_typed_by_alias_quality_and_empty_aliases_are_skipped(base):
    names = [(name.full_name, name.name_type, name.quality) for name in base["QDi.901"].names]

    assert names == [
        ("ZAYD HAMID AL-TESTI ABU FIXTURE", NameType.PRIMARY, ""),
        ("Zayd the Tester", NameType.ALIAS, "Good"),
        ("Abu Test", NameType.WEAK_ALIAS, "Low"),
        ("Z. H. Testi", NameType.ALIAS, "a.k.a."),
        ("Zaid Testy", NameType.ALIAS, ""),
        ("Hamid Fixturi", NameType.ALIAS, "Good"),
        ("زيد حامد التستي", NameType.ORIGINAL_SCRIPT, ""),
    ]


def test_organisation_former_names_weak_aliases_and_original_script(base):
    names = [(name.full_name, name.name_type, name.quality) for name in base["QDe.901"].names]

    assert names == [
        ("FIXTURE FRONT FOR TESTING", NameType.PRIMARY, ""),
        ("Jabhat al-Ikhtibar", NameType.ALIAS, "a.k.a."),
        ("Test Brigade", NameType.FORMER, "f.k.a."),
        ("The Front", NameType.WEAK_ALIAS, "Low"),
        ("جبهة الاختبار", NameType.ORIGINAL_SCRIPT, ""),
    ]


def test_alias_keeps_its_note_and_its_own_birth_details(base):
    names = {name.full_name: name for name in base["QDi.901"].names}

    assert names["Hamid Fixturi"] == NameData(
        full_name="Hamid Fixturi", name_type=NameType.ALIAS, quality="Good",
        date_of_birth="1970-02-03", city_of_birth="Testabad", country_of_birth="Syrian Arab Republic",
    )
    assert names["Z. H. Testi"].note == "used in 2010"


def test_titles_and_positions_are_cleaned_and_empty_values_dropped(base):
    person = base["QDi.901"]

    assert person.titles == ("Sheikh", "Doctor")
    assert person.positions == ("Emir of the Fixture Front", "Chief financier")
    assert base["TAi.901"].titles == ()


@pytest.mark.parametrize(
    ("key", "gender", "raw"),
    [
        ("QDi.901", Gender.MALE, "Male"),
        ("TAi.901", Gender.FEMALE, "Female"),
        ("KPi.901", Gender.UNKNOWN, "Unknown"),
        ("QDe.901", "", ""),
    ],
)
def test_gender_is_mapped_and_the_raw_value_kept(base, key, gender, raw):
    assert (base[key].gender, base[key].gender_raw) == (gender, raw)


def test_narrative_keeps_its_paragraphs_but_not_its_line_wrapping(base):
    narrative = base["QDi.901"].narrative

    assert narrative.startswith("Leader of the Fixture Front (QDe.901). Responsible for")
    assert narrative.endswith("recruitment.\n\nReview pursuant to resolution 9999 (2099) was concluded on 1 Jan. 2020.")
    assert "\n\n\n" not in narrative
    assert base["KPi.901"].narrative == ""


def test_a_re_wrapped_narrative_is_not_a_change(fixture_path, tmp_path):
    original = fixture_path("un/base.xml").read_text(encoding="utf-8")
    assert "(QDe.901).\nResponsible for" in original
    rewrapped = tmp_path / "rewrapped.xml"
    rewrapped.write_text(original.replace("(QDe.901).\nResponsible for", "(QDe.901).   Responsible\n   for"))
    parser = get_importer("un-sc")

    before = {record.key: record.content_hash() for record in parser.parse(fixture_path("un/base.xml")).records}
    after = {record.key: record.content_hash() for record in parser.parse(rewrapped).records}

    assert after == before


def test_birth_dates_in_every_form_and_an_empty_one_skipped(base):
    assert base["QDi.901"].birth_dates == (
        BirthDateData(date_type=DateType.EXACT, date="1968-05-14"),
        BirthDateData(date_type=DateType.EXACT, year=1969),
        BirthDateData(date_type=DateType.APPROXIMATELY, year=1966),
        BirthDateData(date_type=DateType.BETWEEN, from_year=1965, to_year=1967),
    )
    assert base["QDe.901"].birth_dates == ()


def test_places_of_birth(base):
    assert base["QDi.901"].birth_places == (
        PlaceData(city="Testabad", state_province="Aleppo Province", country="Syrian Arab Republic"),
        PlaceData(city="Fixtureville", country="Iraq", note="possibly"),
    )
    assert base["KPi.901"].birth_places == ()


def test_nationalities_as_written(base):
    assert base["QDi.901"].nationalities == ("Syrian Arab Republic", "Iran (Islamic Republic of)", "Sudan/South Sudan")
    assert base["KPi.901"].nationalities == ("Democratic People's Republic of Korea",)


def test_addresses_with_every_part_and_empty_ones_skipped(base):
    assert base["QDi.901"].addresses == (
        PlaceData(
            street="12 Example Street", city="Testabad", state_province="Idlib Governorate", zip_code="00100",
            country="Syrian Arab Republic", note="as of June 2019",
        ),
    )
    assert base["QDe.901"].addresses == (
        PlaceData(state_province="North Testia", country="Syrian Arab Republic"),
        PlaceData(city="Mosul", country="Iraq"),
    )
    assert base["KPi.901"].addresses == ()


def test_documents_with_type_detail_issuer_and_dates(base):
    assert base["QDi.901"].documents == (
        DocumentData(
            document_type="Passport", document_type_detail="Diplomatic passport", number="X1234567",
            issuing_country="Syrian Arab Republic", country_of_issue="Syrian Arab Republic", city_of_issue="Damascus",
            date_of_issue="2011-09-12", note="expired 2016",
        ),
        DocumentData(document_type="National Identification Number", number="99-000-111"),
    )
    assert base["TAi.901"].documents == ()


def test_listing_drops_the_time_zone_suffix_and_keeps_the_raw_value(base):
    (listing,) = base["QDi.901"].listings

    assert listing.regime == "Al-Qaida"
    assert listing.reference_number == "QDi.901"
    assert listing.list_type == "UN List"
    assert listing.listed_on == "2015-04-07"
    assert listing.listed_on_raw == "2015-04-07-04:00"
    assert listing.last_updated == ("2016-10-13", "2019-05-02")
    assert listing.external_id == "9100001"
    assert listing.version == "2"
    assert listing.extra == {"SUBMITTED_BY": "Testland"}
    assert base["QDi.901"].external_id == "9100001"


def test_listing_with_a_plain_date_and_an_empty_last_updated(base):
    (listing,) = base["TAi.901"].listings

    assert (listing.listed_on, listing.listed_on_raw, listing.last_updated) == ("2001-01-25", "", ())
    assert base["QDe.901"].listings[0].extra == {"SUBMITTED_ON": "2014-05-01"}


@pytest.mark.parametrize(
    ("key", "category"),
    [
        ("QDi.901", EntityCategory.VIOLENT_EXTREMIST_INDIVIDUAL),
        ("TAi.901", EntityCategory.VIOLENT_EXTREMIST_INDIVIDUAL),
        ("QDe.901", EntityCategory.VIOLENT_EXTREMIST_ORGANISATION),
        ("KPi.901", EntityCategory.OTHER_DESIGNATED_ENTITY),
        ("CDe.901", EntityCategory.OTHER_DESIGNATED_ENTITY),
    ],
)
def test_default_category_follows_the_regime_and_kind(base, key, category):
    assert base[key].category == category


def test_payload_is_json_and_keeps_everything(base):
    payload = json.loads(json.dumps(base["QDi.901"].payload()))

    assert payload["key"] == "QDi.901"
    assert payload["listings"][0]["listed_on_raw"] == "2015-04-07-04:00"
    assert payload["names"][5]["city_of_birth"] == "Testabad"
    assert payload["birth_dates"][3] == {
        "date_type": "between", "date": "", "year": None, "from_year": 1965, "to_year": 1967, "note": "",
    }


def test_same_list_in_another_layout_gives_the_same_records(parse):
    pretty = parse("base.xml")
    one_line = parse("base-one-line-per-record.xml")

    assert one_line.generated_at == "2024-03-02T19:04:40.335-05:00"
    assert one_line.records == pretty.records
    assert [r.content_hash() for r in one_line.records] == [r.content_hash() for r in pretty.records]


def test_content_hash_changes_with_the_dataid_alone(parse, base):
    after = {record.key: record for record in parse("next.xml").records}

    assert after["QDe.901"].external_id == "9200101"
    assert after["QDe.901"].content_hash() != base["QDe.901"].content_hash()
    assert after["QDi.901"].content_hash() == base["QDi.901"].content_hash()


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("billion-laughs.xml", ["DTD", "refused"]),
        ("external-entity.xml", ["DTD", "refused"]),
        ("wrong-root.xml", ["<sdnList>", "expected <CONSOLIDATED_LIST>"]),
        ("empty.xml", ["empty"]),
        ("no-records.xml", ["no individuals and no entities"]),
        ("truncated.xml", ["not well-formed", "Premature end"]),
        ("unknown-element.xml", ["unexpected element <FAVOURITE_COLOUR>", "format has changed"]),
        ("duplicate-reference.xml", ["QDi.951", "twice"]),
        ("missing-reference.xml", ["REFERENCE_NUMBER", "required"]),
        ("bad-listed-on.xml", ["QDi.953", "LISTED_ON", "'31/12/2010'", "not a date"]),
        ("latin1-in-utf8.xml", ["not well-formed", "encoding"]),
        ("control-character.xml", ["not well-formed", "Char value 7"]),
    ],
)
def test_broken_or_hostile_file_is_refused_saying_why(parse, name, words):
    with pytest.raises(SourceFormatError) as refused:
        parse(name)

    for word in words:
        assert word in str(refused.value)


def test_external_entity_is_never_read(parse):
    with pytest.raises(SourceFormatError) as refused:
        parse("external-entity.xml")

    assert "root:" not in str(refused.value)


def test_undefined_entity_is_refused_naming_the_entity(parse):
    with pytest.raises(SourceFormatError) as refused:
        parse("undefined-entity.xml")

    assert "foo" in str(refused.value)


def test_undefined_entity_is_refused(parse):
    with pytest.raises(SourceFormatError, match="not well-formed"):
        parse("undefined-entity.xml")


def test_file_over_the_size_cap_is_refused_before_parsing(parse, settings):
    settings.IMPORT_MAX_BYTES = 1000

    with pytest.raises(SourceFormatError) as refused:
        parse("base.xml")

    assert "over the limit of 1,000" in str(refused.value)
    assert "IMPORT_MAX_BYTES" in str(refused.value)


MINIMAL = """<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2024-01-01T00:00:00Z"><INDIVIDUALS><INDIVIDUAL>
<DATAID>1</DATAID><VERSIONNUM>1</VERSIONNUM><FIRST_NAME>{first}</FIRST_NAME><UN_LIST_TYPE>{regime}</UN_LIST_TYPE>
<REFERENCE_NUMBER>QDi.999</REFERENCE_NUMBER><LISTED_ON>2010-01-01</LISTED_ON>{extra}
</INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>
"""


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"extra": "<INDIVIDUAL_ALIAS><QUALITY>Medium</QUALITY><ALIAS_NAME>X</ALIAS_NAME></INDIVIDUAL_ALIAS>"},
         ["QDi.999", "alias QUALITY", "'Medium'"]),
        ({"extra": "<INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>CIRCA</TYPE_OF_DATE><YEAR>1970</YEAR>"
                   "</INDIVIDUAL_DATE_OF_BIRTH>"},
         ["QDi.999", "TYPE_OF_DATE", "'CIRCA'"]),
        ({"extra": "<INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><YEAR>70s</YEAR>"
                   "</INDIVIDUAL_DATE_OF_BIRTH>"},
         ["QDi.999", "'70s'", "not a year"]),
        ({"extra": "<INDIVIDUAL_DOCUMENT><NUMBER>1</NUMBER><DATE_OF_ISSUE>soon</DATE_OF_ISSUE></INDIVIDUAL_DOCUMENT>"},
         ["QDi.999", "DATE_OF_ISSUE", "not a date"]),
        ({"extra": "<INDIVIDUAL_ADDRESS><PLANET>Mars</PLANET></INDIVIDUAL_ADDRESS>"},
         ["QDi.999", "INDIVIDUAL_ADDRESS", "<PLANET>"]),
        ({"extra": "<NATIONALITY><COUNTRY>Iraq</COUNTRY></NATIONALITY>"}, ["NATIONALITY", "<COUNTRY>"]),
        ({"first": " "}, ["QDi.999", "no name"]),
        ({"regime": ""}, ["UN_LIST_TYPE", "required"]),
    ],
)
def test_a_field_in_an_unknown_shape_is_refused(tmp_path, fields, words):
    path = tmp_path / "list.xml"
    path.write_text(MINIMAL.format(**{"first": "ALPHA", "regime": "Al-Qaida", "extra": "", **fields}), encoding="utf-8")

    with pytest.raises(SourceFormatError) as refused:
        get_importer("un-sc").parse(path)

    for word in words:
        assert word in str(refused.value)


def test_empty_type_of_date_with_a_year_is_an_exact_year_and_a_note_alone_is_kept(tmp_path):
    path = tmp_path / "list.xml"
    extra = (
        "<INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE/><YEAR>1970</YEAR></INDIVIDUAL_DATE_OF_BIRTH>"
        "<INDIVIDUAL_DATE_OF_BIRTH><NOTE>date of birth unknown</NOTE></INDIVIDUAL_DATE_OF_BIRTH>"
    )
    path.write_text(MINIMAL.format(first="ALPHA", regime="Al-Qaida", extra=extra), encoding="utf-8")

    (record,) = get_importer("un-sc").parse(path).records

    assert record.birth_dates == (
        BirthDateData(date_type=DateType.EXACT, year=1970),
        BirthDateData(date_type=DateType.UNKNOWN, note="date of birth unknown"),
    )
