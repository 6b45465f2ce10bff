"""
Canada's consolidated autonomous sanctions list (SEMA): the parser on small hand-written files
(tests/fixtures/ca-sema/), a rule per test, the refusals, imports through the import service, and every real
file in ../shared/data/canada counted independently with lxml.
"""

import collections
import time

import pytest
from lxml import etree

from entities.choices import DateType, EntityCategory, EntityKind, ListingStatus, NameType
from entities.models import Entity, Listing, SourceRecord
from importers.base import DelistGuardError, SourceFormatError, get_importer
from importers.choices import ImportTrigger
from importers.services import import_source
from importers.sources.ca_sema import english, schedule_label
from importers.sources.text import split_names


@pytest.fixture
def parse(fixture_path):
    importer = get_importer("ca-sema")
    return lambda name: importer.parse(fixture_path(f"ca-sema/{name}"))


@pytest.fixture
def base(parse):
    return {record.key: record for record in parse("base.xml").records}


@pytest.fixture
def variant(fixture_path, tmp_path):
    """variant("old", "new") -> a copy of base.xml with one piece of text replaced."""

    def make(old: str, new: str, name: str = "variant.xml"):
        text = fixture_path("ca-sema/base.xml").read_text(encoding="utf-8")
        assert old in text, old
        path = tmp_path / name
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return path

    return make


def names(record):
    return [(name.full_name, name.name_type) for name in record.names]


# The rules of the format


def test_keys_are_regime_schedule_and_item_in_file_order(parse):
    assert [record.key for record in parse("base.xml").records] == [
        "Testland/1, Part 1/1",
        "Testland/1, Part 2/1",
        "Testland/1.1/1",
        "Hamas Terrorist Attacks/1, Part 1/1",
        "Hamas Terrorist Attacks/1, Part 2/1",
        "Venezuela/1",
        "Justice for Victims of Corrupt Foreign Officials Regulations (JVCFOR)/2",
    ]


def test_reference_number_is_the_key_and_the_regime_the_english_part(base):
    listing = base["Testland/1, Part 2/1"].listings[0]

    assert listing.reference_number == "Testland/1, Part 2/1"
    assert (listing.regime, listing.programs) == ("Testland", ("Testland",))
    assert listing.list_type == "Schedule 1, Part 2"
    assert listing.listed_on == "2022-03-01"
    assert listing.extra == {"country": "Testland / Testlande"}


@pytest.mark.parametrize(
    ("bilingual", "regime"),
    [
        ("Burma / Birmanie", "Burma"),
        ("Myanmar (Burma) / Myanmar (Birmanie)", "Myanmar (Burma)"),
        ("Venezuela ", "Venezuela"),
        ("Iran", "Iran"),
        ("Justice for Victims of Corrupt Foreign Officials Regulations (JVCFOR) / \xa0Règlement relatif (RJVDEC)",
         "Justice for Victims of Corrupt Foreign Officials Regulations (JVCFOR)"),
    ],
)
def test_bilingual_country_names_keep_the_english_part(bilingual, regime):
    assert english(bilingual) == regime


def test_country_code_of_the_regime_when_it_is_a_country(parse, variant):
    record = parse_path(variant("Testland / Testlande </Country>", "Myanmar (Burma) / Myanmar (Birmanie)</Country>"))
    assert record.listings[0].extra == {"country": "Myanmar (Burma) / Myanmar (Birmanie)", "country_code": "MM"}
    assert parse("base.xml").records[-1].listings[0].extra.get("country_code") is None  # JVCFOR is no country


def parse_path(path):
    return get_importer("ca-sema").parse(path).records[0]


@pytest.mark.parametrize(
    ("raw", "label"),
    [
        ("1, Part 1", "1, Part 1"),
        ("1,Part 3", "1, Part 3"),
        ("Part 2", "1, Part 2"),  # 2025's way of writing the first schedule's parts
        ("1", "1, Part 1"),  # 2020's first schedule, before it had parts: its items kept their numbers
        ("1, Part 1.1", "1, Part 1.1"),
        ("1.1", "1.1"),
        ("2", "2"),
        ("N/A", ""),
        ("", ""),
    ],
)
def test_schedule_labels_are_normalised_so_keys_hold(raw, label):
    assert schedule_label(raw, 1) == label


def test_the_same_listing_written_either_way_keeps_its_key(variant, parse):
    spaced = parse_path(variant("<Schedule>1, Part 1</Schedule>", "<Schedule> Part 1 </Schedule>"))
    assert spaced.key == parse("base.xml").records[0].key


@pytest.mark.parametrize("schedule", ["Annex 1", "1, Part", "Part one"])
def test_unknown_schedule_forms_are_refused(variant, schedule):
    with pytest.raises(SourceFormatError, match="Schedule"):
        parse_path(variant("<Schedule>1, Part 1</Schedule>", f"<Schedule>{schedule}</Schedule>"))


def test_person_names_white_space_and_title(base):
    person = base["Testland/1, Part 1/1"]

    assert person.kind == EntityKind.PERSON
    assert person.caption == "Ivan Testovich FIXTUROV"
    assert (person.first_name, person.second_name) == ("Ivan Testovich", "FIXTUROV")
    assert person.titles == ("Major General/major-général",)


def test_person_aliases_split_typed_and_split_at_and(base):
    assert names(base["Testland/1, Part 1/1"])[1:] == [
        ("Ivan Fiksturov", NameType.ALIAS),
        ("Iwan", NameType.WEAK_ALIAS),  # a one-word variant of a person's name
        ("Иван Тестович Фиктуров", NameType.ORIGINAL_SCRIPT),
        ("Иван Фиктуров", NameType.ORIGINAL_SCRIPT),
    ]


def test_organisation_aliases_keep_legal_forms_quotes_and_english_and(base):
    assert names(base["Testland/1, Part 2/1"]) == [
        ("Fixture Devices JSC", NameType.PRIMARY),
        ("LAT", NameType.ALIAS),
        ("LLC Laser Devices and Technologies", NameType.ALIAS),
        ("SSC Trinity, JSC", NameType.ALIAS),
        ("АО «Фикстура, Тест»", NameType.ORIGINAL_SCRIPT),
        ("ФТ Тест", NameType.ORIGINAL_SCRIPT),  # a line break inside a name is white space
    ]


def test_an_alias_in_brackets_loses_them(base):
    assert names(base["Hamas Terrorist Attacks/1, Part 2/1"])[1:] == [("FFF", NameType.ALIAS)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A, B; C or D", ["A", "B", "C", "D"]),
        ('NGO "Izhbs", LLC; Bank "Rossiya, JSC"', ['NGO "Izhbs", LLC', 'Bank "Rossiya, JSC"']),
        ("Company (North, South), Other", ["Company (North, South)", "Other"]),
        ("Alexander, or Alexandr Kalinin", ["Alexander", "Alexandr Kalinin"]),
        ("«Open, unclosed", ["«Open", "unclosed"]),
        ("  ", []),
    ],
)
def test_split_names(text, expected):
    assert split_names(text) == expected


def test_ships_are_organisations_with_their_imo_number(base):
    ship = base["Testland/1.1/1"]

    assert ship.kind == EntityKind.ORGANISATION
    assert ship.birth_dates == ()
    assert [(d.document_type, d.number) for d in ship.documents] == [("IMO number", "9123456")]
    assert ship.narrative == "Ship (Oil Tanker), IMO 9123456, built 2004."
    assert ship.listings[0].extra["ship_type"] == "Oil Tanker"
    assert ship.listings[0].extra["ship_build_date"] == "2004"


def test_birth_dates_in_every_form_the_list_uses(base, parse):
    def dates(key):
        return [(d.date_type, d.date, d.year, d.from_year, d.to_year, d.note) for d in base[key].birth_dates]

    assert dates("Testland/1, Part 1/1") == [
        (DateType.EXACT, "1965-04-29", None, None, None, ""), (DateType.EXACT, "", 1966, None, None, ""),
    ]
    assert dates("Hamas Terrorist Attacks/1, Part 1/1") == [
        (DateType.BETWEEN, "", None, 1970, 1979, "born in the early 1970s"),
    ]
    assert dates("Venezuela/1") == [(DateType.UNKNOWN, "", None, None, None, "Sep-99")]
    assert dates("Justice for Victims of Corrupt Foreign Officials Regulations (JVCFOR)/2") == [
        (DateType.EXACT, "", 1955, None, None, "1955-11"),
    ]


@pytest.mark.parametrize("value", ["1965-13-01", "1965-02-30", "1760", "2999-01-01", "1965-13", "1970-1960",
                                   "sometime", "01/02/1960"])
def test_nonsense_birth_dates_are_refused(variant, value):
    with pytest.raises(SourceFormatError, match="date of birth|not a date"):
        parse_path(variant("1965-04-29 or 1966", value))


def test_2020_element_names_are_read_too(parse):
    brewery, doctor = parse("old-format.xml").records

    assert brewery.key == "Burma/1, Part 1/2"
    assert brewery.listings[0].extra == {"country": "Burma / Birmanie", "country_code": "MM"}
    assert names(brewery)[1:] == [
        ("Fixture Brewery Holdings Pte. Ltd.", NameType.ALIAS), ("Fixture Brewery Limited", NameType.ALIAS),
    ]
    assert (doctor.key, doctor.caption, doctor.titles) == ("Syria/2/2", "Ali Testi", ("Dr.",))
    assert [d.date for d in doctor.birth_dates] == ["1972-08-10", "1972-08-11"]
    assert doctor.listings[0].listed_on == ""


def test_categories_follow_the_regime(base):
    assert base["Hamas Terrorist Attacks/1, Part 1/1"].category == EntityCategory.VIOLENT_EXTREMIST_INDIVIDUAL
    assert base["Hamas Terrorist Attacks/1, Part 2/1"].category == EntityCategory.VIOLENT_EXTREMIST_ORGANISATION
    assert base["Testland/1, Part 1/1"].category == EntityCategory.OTHER_DESIGNATED_ENTITY
    assert base["Testland/1, Part 2/1"].category == EntityCategory.OTHER_DESIGNATED_ENTITY


def test_scope_default_is_every_regime():
    assert get_importer("ca-sema").default_programs == ()


def test_same_file_gives_the_same_records(parse):
    first, second = parse("base.xml"), parse("base.xml")
    assert [r.content_hash() for r in first.records] == [r.content_hash() for r in second.records]


# Refusals


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("<Item>1</Item>", "<Item>1</Item><Sanctioned>yes</Sanctioned>", "unexpected element <Sanctioned>"),
        ("<Item>1</Item>", "<Item>1</Item><Item>2</Item>", "<Item> is nested or repeated"),
        ("<Item>1</Item>", "", "<Country> and <Item> are required"),
        ("<Country>Testland / Testlande </Country>", "", "<Country> and <Item> are required"),
        ("<Item>1</Item>", "<Item>1a</Item>", "is not a number"),
        ("<LastName>FIXTUROV </LastName>", "<EntityOrShip>X</EntityOrShip>", "not both or none"),
        ("<ShipIMONumber>9123456</ShipIMONumber>", "<ShipIMONumber>91234</ShipIMONumber>", "IMO number"),
        ("<Aliases>(FFF)</Aliases>", "<TitleOrShip>Dr.</TitleOrShip>", "only ships"),
        ("<DateOfListing>2022-02-24</DateOfListing>", "<DateOfListing>24/02/2022</DateOfListing>", "not a date"),
        ("<Schedule>1,Part 2</Schedule>", "<Schedule>1, Part 1</Schedule>", "appears twice"),
        ("<record>", "<note>hello</note><record>", "Unexpected element <note>"),
        ("</data-set>", "<note>hello</note></data-set>", "Unexpected element <note>"),
        ('<data-set xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">', "<list>", "root element is <list>"),
    ],
)
def test_a_changed_or_broken_format_is_refused_naming_what_changed(fixture_path, tmp_path, old, new, message):
    text = fixture_path("ca-sema/base.xml").read_text(encoding="utf-8").replace(old, new, 1)
    if new == "<list>":
        text = text.replace("</data-set>", "</list>")
    path = tmp_path / "changed.xml"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(SourceFormatError, match=message):
        get_importer("ca-sema").parse(path)


@pytest.mark.parametrize("cut", [0.3, 0.6, 0.95])
def test_a_truncated_file_is_refused(fixture_path, tmp_path, cut):
    raw = fixture_path("ca-sema/base.xml").read_bytes()
    path = tmp_path / "truncated.xml"
    path.write_bytes(raw[: int(len(raw) * cut)])

    with pytest.raises(SourceFormatError, match="not well-formed"):
        get_importer("ca-sema").parse(path)


def test_a_file_without_records_is_refused(tmp_path):
    path = tmp_path / "empty.xml"
    path.write_text('<?xml version="1.0"?><data-set></data-set>', encoding="utf-8")

    with pytest.raises(SourceFormatError, match="no records"):
        get_importer("ca-sema").parse(path)


def test_a_dtd_is_refused(tmp_path):
    path = tmp_path / "dtd.xml"
    path.write_text('<?xml version="1.0"?><!DOCTYPE data-set [<!ENTITY x "y">]><data-set><record/></data-set>')

    with pytest.raises(SourceFormatError, match="DTD"):
        get_importer("ca-sema").parse(path)


# Imports through the service


def import_ca(path, *, force=False):
    return import_source(slug="ca-sema", trigger=ImportTrigger.COMMAND, file=path, force=force)


def counts(**changed):
    """An import run's counts: zero but for ``changed``."""
    zero = ("created", "updated", "unchanged", "delisted", "relisted", "skipped_out_of_scope")
    return {name: changed.get(name, 0) for name in zero}


def active_keys():
    return set(
        Listing.objects.filter(source_record__source__slug="ca-sema", status=ListingStatus.ACTIVE)
        .values_list("source_record__source_key", flat=True)
    )


@pytest.mark.django_db
def test_cold_import_then_a_no_op(fixture_path):
    path = fixture_path("ca-sema/base.xml")

    first = import_ca(path)
    assert first.counts == counts(created=7)
    assert SourceRecord.objects.filter(source__slug="ca-sema").count() == 7
    assert Entity.objects.filter(caption="Test Voyager", kind=EntityKind.ORGANISATION).exists()

    second = import_ca(path)
    assert second.counts == counts(unchanged=7)


@pytest.mark.django_db
def test_a_changed_list_updates_delists_and_relists(fixture_path, variant):
    base = fixture_path("ca-sema/base.xml")
    import_ca(base)
    changed = variant("<Aliases>(FFF)</Aliases>", "<Aliases>FFF, Fixture Funds</Aliases>", name="changed.xml")
    text = changed.read_text(encoding="utf-8")
    start = text.index("\t<record>\n\t\t<Country>Venezuela")
    changed.write_text(text[:start] + text[text.index("</record>", start) + len("</record>\n"):], encoding="utf-8")

    run = import_ca(changed, force=True)  # one of seven delisted is over the default delisting limit
    assert run.counts == counts(updated=1, unchanged=5, delisted=1)
    assert "Venezuela/1" not in active_keys()

    run = import_ca(base)
    assert run.counts == counts(updated=1, unchanged=5, relisted=1)
    assert "Venezuela/1" in active_keys()


@pytest.mark.django_db
def test_a_malformed_file_leaves_the_registry_unchanged(fixture_path, variant):
    import_ca(fixture_path("ca-sema/base.xml"))
    before = {(r.source_key, r.content_hash) for r in SourceRecord.objects.all()}

    with pytest.raises(SourceFormatError):
        import_ca(variant("<Item>1</Item>", "<Item>1</Item><Vessel>x</Vessel>"))
    assert {(r.source_key, r.content_hash) for r in SourceRecord.objects.all()} == before


# The real files


REAL_FILES = [
    "canada/Mendw-cmt-project-api__sema-lmes_20200415_b96b3d1c.xml",
    "canada/kebalkhadka-Sanctionslist__data_cannada_SEMA_20250525_9118555a.xml",
]


def counted_with_lxml(path):
    """Records per English regime name, and people / organisations / ships, straight from the XML."""
    per_regime, kinds = collections.Counter(), collections.Counter()
    for record in etree.parse(str(path)).getroot():
        country = " ".join(record.findtext("Country").split())
        per_regime[country.split(" / ")[0].strip()] += 1
        if record.find("ShipIMONumber") is not None:
            kinds["ship"] += 1
        if record.find("Entity") is not None or record.find("EntityOrShip") is not None:
            kinds[EntityKind.ORGANISATION] += 1
        else:
            kinds[EntityKind.PERSON] += 1
    return per_regime, kinds


@pytest.mark.realdata
@pytest.mark.parametrize("name", REAL_FILES)
def test_real_files_parse_with_the_counts_lxml_finds(shared_data, name):
    per_regime, kinds = counted_with_lxml(shared_data / name)

    records = get_importer("ca-sema").parse(shared_data / name).records

    assert collections.Counter(r.listings[0].regime for r in records) == per_regime
    assert collections.Counter(r.kind for r in records) == {k: v for k, v in kinds.items() if k != "ship"}
    assert sum(1 for r in records if r.documents) == kinds["ship"]
    assert len({r.key for r in records}) == len(records)


@pytest.mark.realdata
def test_real_2020_file_spot_checks(shared_data):
    records = {r.key: r for r in get_importer("ca-sema").parse(shared_data / REAL_FILES[0]).records}

    assert len(records) == 1369
    air_bagan = records["Burma/1, Part 1/1"]
    assert names(air_bagan) == [
        ("Air Bagan", NameType.PRIMARY),
        ("Air Bagan Holdings Pte. Ltd.", NameType.ALIAS),
        ("Air Bagan Limited", NameType.ALIAS),
    ]
    assert sum(1 for key in records if key.startswith("Venezuela/")) == 96  # 54 "N/A" and 42 with no schedule


@pytest.mark.realdata
def test_real_2025_file_spot_checks_and_speed(shared_data):
    started = time.perf_counter()
    parsed = get_importer("ca-sema").parse(shared_data / REAL_FILES[1])
    elapsed = time.perf_counter() - started
    records = {r.key: r for r in parsed.records}

    assert len(records) == 4759
    assert elapsed < 5
    first = records["Belarus/1, Part 1/1"]
    assert (first.caption, first.listings[0].listed_on) == ("Khazalbek Bakhtibekovich Atabekov", "2020-09-28")
    ship = records["Russia/1.1/1"]
    assert (ship.caption, ship.documents[0].number) == ("Balitiyskiy III", "7612448")
    hamas = [r for r in records.values() if r.listings[0].regime == "Hamas Terrorist Attacks"]
    assert collections.Counter(r.category for r in hamas) == {
        EntityCategory.VIOLENT_EXTREMIST_INDIVIDUAL: 35, EntityCategory.VIOLENT_EXTREMIST_ORGANISATION: 4,
    }
    assert sum(1 for r in records.values() if r.category != EntityCategory.OTHER_DESIGNATED_ENTITY) == 39
    mordashov = records["Russia/1, Part 1/1114"]
    assert [(d.date_type, d.note) for d in mordashov.birth_dates] == [(DateType.UNKNOWN, "Sep-99")]


@pytest.mark.realdata
@pytest.mark.django_db
def test_real_2025_file_over_the_2020_one_is_stopped_by_the_delisting_guard(shared_data):
    """Canada renamed the Burma regime and renumbered some schedules between the two: most keys still hold."""
    import_ca(shared_data / REAL_FILES[0])
    old = active_keys()
    new = {r.key for r in get_importer("ca-sema").parse(shared_data / REAL_FILES[1]).records}

    with pytest.raises(DelistGuardError):
        import_ca(shared_data / REAL_FILES[1])
    assert active_keys() == old
    assert len(old & new) > len(old) // 2


@pytest.mark.django_db
def test_every_regime_is_in_scope_by_default_and_a_scope_counts_the_rest(fixture_path):
    from entities.audit import Actor
    from importers.services import source_for, source_update

    path = fixture_path("ca-sema/base.xml")
    assert source_for("ca-sema").programs == []
    run = import_ca(path)
    assert (run.created, run.skipped_out_of_scope) == (7, 0)
    assert Listing.objects.get(source_record__source_key="Testland/1.1/1").programs == ["Testland"]

    source_update(source=source_for("ca-sema"), actor=Actor.of_system("test"), reason="Terrorism regimes only",
                  programs=["hamas terrorist attacks"])
    narrowed = import_ca(path, force=True)  # five of seven leave the scope: over the delisting limit
    assert (narrowed.unchanged, narrowed.delisted, narrowed.skipped_out_of_scope) == (2, 5, 5)
    assert active_keys() == {"Hamas Terrorist Attacks/1, Part 1/1", "Hamas Terrorist Attacks/1, Part 2/1"}
