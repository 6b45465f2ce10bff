"""
The UK HM Treasury / OFSI Consolidated List of Financial Sanctions Targets, as the "ConList" CSV
(https://www.gov.uk/government/publications/financial-sanctions-consolidated-list-of-targets).

OFSI retired the ConList in January 2026 in favour of the FCDO's UK Sanctions List, so the default URL may stop
answering: this source's schedule is disabled by default, and the importer serves older files and any copy still
published.

The file's first line is "Last Updated,DD/MM/YYYY" (the list's date), then a header, then ONE ROW PER NAME:
the rows of one designation share a ``Group ID`` (OFSI's permanent id: the record key and reference number),
need not be adjacent (the file is sorted by name), and repeat the group's facts once per name, date of birth,
address and regime (the cross product), so every fact is deduplicated. Two headers are known: the 2016 one
(29 columns, encoded in Windows-1252) and the "2022 format" (36 columns, adding the non-Latin script name,
passport and national id numbers, alias quality and the UK Sanctions List date); any other header is refused
naming the columns that differ.

Names: ``Name 6`` is the family name (the whole name of an entity or ship), ``Name 1``-``Name 5`` the given
names, so a person's name reads "Name 1 ... Name 5 Name 6". ``Alias Type`` "Prime Alias" (2016) or "Primary
name" (2022) marks the primary name; a group with no such row (none in 2016) takes its first row's name.
"Primary name variation" (a spelling of the primary name) and "AKA" are aliases, "FKA" a former name,
``Alias Quality`` "Low" a weak alias. Ships are kept as organisations. The address lines have no fixed
meaning (``Address 6`` is a town in most rows, a province or empty in others), so they stay in order as the
street. "UN Ref QI.A.25.01" in ``Other Information`` cites a UN listing by its old-style reference: kept as a
cross-reference to "un-sc" as written (QI.A.25.01 is QDi.025 today). A file cut inside the last column of its
last row cannot be told from a complete one (the file does not end with a newline); the delisting guard
catches a file cut short by more than a row.
"""

import csv
import io
import re
from pathlib import Path

from django.conf import settings

from entities.choices import DateType, EntityCategory, EntityKind, NameType
from importers.base import SourceFormatError, SourceImporter, register
from importers.records import (
    BirthDateData,
    CrossReference,
    DocumentData,
    EntityRecord,
    ListingData,
    NameData,
    ParsedList,
    PlaceData,
)
from importers.sources.text import (
    clean,
    clean_paragraphs,
    decode_legacy_text,
    dmy_date,
    dmy_date_or_year,
    numbered_values,
)

NAME_COLUMNS = ("Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Name 6")
ADDRESS_COLUMNS = ("Address 1", "Address 2", "Address 3", "Address 4", "Address 5", "Address 6")
HEADER_2016 = (
    "Name 6", "Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Title", "DOB", "Town of Birth", "Country of Birth",
    "Nationality", "Passport Details", "NI Number", "Position", *ADDRESS_COLUMNS, "Post/Zip Code", "Country",
    "Other Information", "Group Type", "Alias Type", "Regime", "Listed On", "Last Updated", "Group ID",
)
HEADER_2022 = (
    "Name 6", "Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Title", "Name Non-Latin Script",
    "Non-Latin Script Type", "Non-Latin Script Language", "DOB", "Town of Birth", "Country of Birth", "Nationality",
    "Passport Number", "Passport Details", "National Identification Number", "National Identification Details",
    "Position", *ADDRESS_COLUMNS, "Post/Zip Code", "Country", "Other Information", "Group Type", "Alias Type",
    "Alias Quality", "Regime", "Listed On", "UK Sanctions List Date Designated", "Last Updated", "Group ID",
)
KNOWN_HEADERS = (HEADER_2016, HEADER_2022)
GROUP_KINDS = {"individual": EntityKind.PERSON, "entity": EntityKind.ORGANISATION, "ship": EntityKind.ORGANISATION}
ALIAS_TYPES = {
    "prime alias": NameType.PRIMARY,
    "primary name": NameType.PRIMARY,
    "primary name variation": NameType.ALIAS,
    "aka": NameType.ALIAS,
    "alias": NameType.ALIAS,
    "fka": NameType.FORMER,
}
ALIAS_QUALITIES = {"", "good", "low"}
# The UK's terrorism regimes, in the 2016 and the 2022 wording. "Afghanistan" is the UK's implementation of the
# UN's 1988 Taliban regime, which the UN importer counts as terrorism too.
TERRORISM_REGIMES = (
    "The ISIL (Da'esh) and Al-Qaida organisations", "ISIL (Da'esh) and Al-Qaida",
    "Terrorism and Terrorist Financing", "Counter-Terrorism (International)", "Counter-Terrorism (Domestic)",
    "Afghanistan",
)
# "UN Ref QI.A.86.03", "UN REF:QE.A.146.14", "UN Ref. SSi.001", "UN Reference No: TI.R.172.14"
UN_REFERENCE = re.compile(
    r"\bUN\s*Ref(?:erence)?\b\.?(?:\s*No\b\.?)?\s*:?\s*(?P<reference>[A-Za-z]+(?:\.[A-Za-z0-9]+)+)", re.I
)
MAX_TEXT = {"city": 200, "number": 200, "regime": 100}


@register
class UkConsolidatedList(SourceImporter):
    slug = "uk-ofsi"
    name = "UK HM Treasury (OFSI) Consolidated List"
    default_url = "https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.csv"
    file_suffix = ".csv"
    default_programs = TERRORISM_REGIMES

    def parse(self, path: Path) -> ParsedList:
        header, generated_at, rows = read_rows(Path(path))
        groups: dict[str, list[dict]] = {}
        for line, row in rows:
            group_id = clean(row["Group ID"])
            if not re.fullmatch(r"\d{1,20}", group_id):
                raise SourceFormatError(f"Line {line}: Group ID {row['Group ID']!r} is not a number.")
            groups.setdefault(group_id, []).append(row)
        if not groups:
            raise SourceFormatError("The file lists no names: refusing an empty list.")
        records = [parse_group(group_id, group_rows) for group_id, group_rows in groups.items()]
        return ParsedList(records=records, generated_at=generated_at)


def read_rows(path: Path) -> tuple[tuple[str, ...], str, list[tuple[int, dict]]]:
    """The header, the list's date and every non-blank row (with its line number) of a ConList file."""
    size = path.stat().st_size
    if size > settings.IMPORT_MAX_BYTES:
        raise SourceFormatError(f"The file is {size:,} bytes, over the limit of {settings.IMPORT_MAX_BYTES:,} "
                                "(IMPORT_MAX_BYTES).")
    text = decode_legacy_text(path.read_bytes(), what="The file")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        first = [clean(cell) for cell in next(reader, [])]
        while first and not first[-1]:
            first.pop()
        if len(first) != 2 or first[0] != "Last Updated":
            raise SourceFormatError(f"The first line is {','.join(first)[:100]!r}, not 'Last Updated,DD/MM/YYYY': "
                                    "this is not an OFSI ConList file.")
        generated_at = dmy_date(first[1], what="The first line's Last Updated")
        header = tuple(clean(cell) for cell in next(reader, []))
        check_header(header)
        rows = []
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise SourceFormatError(f"Line {reader.line_num}: {len(row)} fields where the header has "
                                        f"{len(header)}: the file is truncated or malformed.")
            rows.append((reader.line_num, dict(zip(header, row, strict=True))))
    except csv.Error as error:
        raise SourceFormatError(f"Line {reader.line_num}: not valid CSV ({error}).") from None
    return header, generated_at, rows


def check_header(header: tuple[str, ...]) -> None:
    if header in KNOWN_HEADERS:
        return
    nearest = min(KNOWN_HEADERS, key=lambda known: len(set(known) ^ set(header)))
    unknown = [column for column in header if column not in nearest]
    missing = [column for column in nearest if column not in header]
    what = "; ".join(part for part in (
        f"unknown column(s): {', '.join(unknown)[:300]}" if unknown else "",
        f"missing column(s): {', '.join(missing)}" if missing else "",
    ) if part) or "the columns are in another order"
    raise SourceFormatError(f"The header is not a known ConList header ({what}). The list's format has changed; "
                            "the UK importer (importers/sources/uk_ofsi.py) needs updating.")


def parse_group(group_id: str, rows: list[dict]) -> EntityRecord:
    where = f"Group ID {group_id}"
    group_types = distinct(rows, "Group Type")
    if len(group_types) != 1 or group_types[0].lower() not in GROUP_KINDS:
        raise SourceFormatError(f"{where}: Group Type {' / '.join(group_types) or '(empty)'} is not one "
                                "Individual, Entity or Ship.")
    kind = GROUP_KINDS[group_types[0].lower()]
    names = group_names(rows, where, is_person=kind == EntityKind.PERSON)
    primary = next((row for row in rows if ALIAS_TYPES[clean(row["Alias Type"]).lower()] == NameType.PRIMARY), rows[0])
    parts = [clean(primary[column]) for column in NAME_COLUMNS]
    if kind == EntityKind.PERSON:
        name_parts = (parts[0], parts[1], " ".join(part for part in parts[2:5] if part), parts[5])
    else:
        name_parts = (" ".join(part for part in parts if part), "", "", "")
    narrative = "\n\n".join(distinct(rows, "Other Information", clean_paragraphs))
    listing = group_listing(group_id, rows, narrative, group_types[0], where)
    return EntityRecord(
        key=group_id,
        kind=kind,
        caption=names[0].full_name,
        category=default_category(kind, listing),
        first_name=name_parts[0],
        second_name=name_parts[1],
        third_name=name_parts[2],
        fourth_name=name_parts[3],
        titles=tuple(distinct(rows, "Title")),
        positions=tuple(distinct(rows, "Position")),
        narrative=narrative,
        names=names,
        birth_dates=tuple(birth_date(dob, where) for dob in distinct(rows, "DOB")),
        birth_places=unique(birth_place(row) for row in rows if clean(row["Town of Birth"] + row["Country of Birth"])),
        nationalities=unique(value for text in distinct(rows, "Nationality") for value in numbered_values(text)),
        addresses=unique(place for place in map(address, rows) if place != PlaceData()),
        documents=unique(document for row in rows for document in documents(row, where)),
        listings=(listing,),
    )


def group_names(rows: list[dict], where: str, *, is_person: bool) -> tuple[NameData, ...]:
    """The primary name first (the first primary row's, else the first row's), then every other name once."""
    names = []
    for row in rows:
        alias_type = clean(row["Alias Type"])
        quality = clean(row.get("Alias Quality", ""))
        if alias_type.lower() not in ALIAS_TYPES:
            raise SourceFormatError(f"{where}: unknown Alias Type {alias_type!r}.")
        if quality.lower() not in ALIAS_QUALITIES:
            raise SourceFormatError(f"{where}: unknown Alias Quality {quality!r}.")
        full_name = " ".join(clean(row[column]) for column in NAME_COLUMNS if clean(row[column]))
        if not full_name:
            raise SourceFormatError(f"{where}: a row has no name.")
        name_type = ALIAS_TYPES[alias_type.lower()]
        if name_type == NameType.ALIAS and quality.lower() == "low":
            name_type = NameType.WEAK_ALIAS
        variation = "primary name variation" if alias_type.lower() == "primary name variation" else ""
        names.append(NameData(full_name=full_name, name_type=name_type, quality=quality, note=variation))
        if clean(row.get("Name Non-Latin Script", "")):
            script = " ".join(clean(row[c]) for c in ("Non-Latin Script Type", "Non-Latin Script Language"))
            names.append(NameData(full_name=clean(row["Name Non-Latin Script"]), name_type=NameType.ORIGINAL_SCRIPT,
                                  note=clean(script)))
    primary = next((name for name in names if name.name_type == NameType.PRIMARY), names[0])
    primary = NameData(full_name=primary.full_name, name_type=NameType.PRIMARY, quality=primary.quality)
    others = [
        NameData(full_name=name.full_name, name_type=NameType.ALIAS, quality=name.quality, note="another primary name")
        if name.name_type == NameType.PRIMARY else name  # a second, different primary name is one more alias
        for name in names if name.full_name != primary.full_name
    ]
    return unique([primary, *others])


def group_listing(group_id: str, rows: list[dict], narrative: str, group_type: str, where: str) -> ListingData:
    """One listing for the group: its regimes ordered by the date each was imposed, the earliest first."""
    listed = {}
    for row in rows:
        regime = clean(row["Regime"])
        if not regime or len(regime) > MAX_TEXT["regime"]:
            raise SourceFormatError(f"{where}: Regime {regime[:120]!r} is empty or implausibly long.")
        listed_on = dmy_date(row["Listed On"], what=f"{where} Listed On")
        if listed.setdefault(regime, listed_on) != listed_on:
            raise SourceFormatError(f"{where}: regime {regime!r} has two Listed On dates.")
    programs = tuple(sorted(listed, key=lambda regime: (listed[regime], regime)))
    extra = {}
    if len(programs) > 1:
        extra["listed_on_by_regime"] = {regime: listed[regime] for regime in programs}
    if group_type.lower() == "ship":
        extra["group_type"] = group_type
    designated = sorted({dmy_date(r["UK Sanctions List Date Designated"], what=f"{where} UK Sanctions List Date "
                                  "Designated") for r in rows if clean(r.get("UK Sanctions List Date Designated", ""))})
    if designated:
        extra["uk_sanctions_list_date_designated"] = designated[0]
    return ListingData(
        regime=programs[0],
        reference_number=group_id,
        listed_on=listed[programs[0]],
        last_updated=tuple(sorted({dmy_date(r["Last Updated"], what=f"{where} Last Updated") for r in rows} - {""})),
        extra=extra,
        programs=programs,
        cross_references=unique(
            CrossReference(source="un-sc", reference=match["reference"], text=clean(match[0]))
            for match in UN_REFERENCE.finditer(narrative)
        ),
    )


def default_category(kind: str, listing: ListingData) -> str:
    terrorism = {regime.lower() for regime in TERRORISM_REGIMES}
    if not any(program.lower() in terrorism for program in listing.programs):
        return EntityCategory.OTHER_DESIGNATED_ENTITY
    if kind == EntityKind.PERSON:
        return EntityCategory.VIOLENT_EXTREMIST_INDIVIDUAL
    return EntityCategory.VIOLENT_EXTREMIST_ORGANISATION


def birth_date(text: str, where: str) -> BirthDateData:
    iso, year = dmy_date_or_year(text, what=f"{where} DOB")
    if iso:
        return BirthDateData(date_type=DateType.EXACT, date=iso)
    # "00/00/1970" is the year alone; "00/08/1977" keeps its month in the note.
    return BirthDateData(date_type=DateType.EXACT, year=year, note="" if text.startswith("00/00/") else clean(text))


def birth_place(row: dict) -> PlaceData:
    town, country = clean(row["Town of Birth"]), clean(row["Country of Birth"])
    if len(town) > MAX_TEXT["city"]:  # several numbered towns in one field
        return PlaceData(country=country, note=town)
    return PlaceData(city=town, country=country)


def address(row: dict) -> PlaceData:
    street = ", ".join(clean(row[column]) for column in ADDRESS_COLUMNS if clean(row[column]))
    return PlaceData(street=street, zip_code=clean(row["Post/Zip Code"]), country=clean(row["Country"]))


def documents(row: dict, where: str) -> list[DocumentData]:
    found = []
    for kind, number_column, details_column in (
        ("Passport", "Passport Number", "Passport Details"),
        ("National Identification Number", "National Identification Number", "National Identification Details"),
        ("National Identification Number", None, "NI Number"),
    ):
        number = clean(row.get(number_column, "")) if number_column else ""
        details = clean(row.get(details_column, ""))
        if len(number) > MAX_TEXT["number"]:
            raise SourceFormatError(f"{where}: {number_column} is implausibly long.")
        if number or details:
            found.append(DocumentData(document_type=kind, number=number, note=details))
    return found


def distinct(rows: list[dict], column: str, normalise=clean) -> list[str]:
    """The column's non-empty values over the group's rows, each once, in file order."""
    return list(dict.fromkeys(normalise(row.get(column, "")) for row in rows if normalise(row.get(column, ""))))


def unique(items) -> tuple:
    return tuple(dict.fromkeys(items))
