"""
Australia's Consolidated List (DFAT, https://www.dfat.gov.au/international-relations/security/sanctions).

One spreadsheet lists everyone Australia sanctions, under the UN Security Council's regimes as it applies them
and under its own (autonomous) ones, counter-terrorism listings under resolution 1373 included. A listing is one
row per name: the primary name under a bare Reference number ("123"), its aliases and original-script names
under that number with a suffix ("123a", "123b", "2672a10"). The number identifies the listing for good and is
the record key. Every row repeats the listing's details, sometimes with an alias's own date or place of birth:
the record keeps the union of them all. The parser knows the list's columns, types and name types and refuses
a file with any other.
"""

import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
from django.conf import settings

from entities.choices import DateType, EntityCategory, EntityKind, NameType
from entities.countries import country_code
from importers.base import SourceFormatError, SourceImporter, register
from importers.records import BirthDateData, CrossReference, EntityRecord, ListingData, NameData, ParsedList, PlaceData
from importers.sources.text import clean, clean_paragraphs, first_full_date, list_items, text_dates

COLUMNS = (
    "Reference", "Name of Individual or Entity", "Type", "Name Type", "Date of Birth", "Place of Birth", "Citizenship",
    "Address", "Additional Information", "Listing Information", "Committees", "Control Date",
)
KINDS = {"individual": EntityKind.PERSON, "entity": EntityKind.ORGANISATION}
NAME_TYPES = {
    "primary name": NameType.PRIMARY,
    "aka": NameType.ALIAS,
    "original script": NameType.ORIGINAL_SCRIPT,
    "formerly known as": NameType.FORMER,
    "previously listed as": NameType.FORMER,
}
# "123" is a listing's primary name, "123a" or "2672a10" one of its other names.
REFERENCE = re.compile(r"(?P<number>\d{1,7})(?P<suffix>[a-z]{0,3}\d{0,3})")
# A cell naming two regimes ("1970 (Libya) 1973 (Libya)") runs them together after a closing bracket.
PROGRAM_BREAK = re.compile(r"(?<=\))\s+(?=\d|Autonomous\b)")
# Regimes are named by the resolution that set them up. Terrorism ones: ISIL (Da'esh) and Al-Qaida, the Taliban,
# Al-Shabaab (since 2023 a regime apart from Somalia's), and 1373 (2001), Australia's own terrorist listings.
# Every other regime (DPRK, Iran, Russia, human rights …) is not. Every numbered regime but 1373 is the UN's.
TERRORISM_RESOLUTIONS = {"1267/1989/2253", "1988", "2713", "1373"}
AUSTRALIAN_RESOLUTIONS = {"1373"}
LISTING_WORDS = re.compile(r"\b(?:listed|designated|listing|designation)\b", re.IGNORECASE)
MAX_CELL = 20_000
MAX_NAME = 1000
EARLIEST_BIRTH_YEAR = 1850


@register
class AustraliaConsolidatedList(SourceImporter):
    slug = "au-dfat"
    name = "Australia DFAT Consolidated List"
    default_url = "https://www.dfat.gov.au/sites/default/files/regulation8_consolidated.xlsx"
    file_suffix = ".xlsx"
    default_programs: tuple[str, ...] = ()  # the whole list: it is small, and every listing is Australian law

    def parse(self, path: Path) -> ParsedList:
        generated_at, rows = read_sheet(Path(path))
        listings: dict[str, list[dict]] = {}
        seen = set()
        for row in rows:
            reference = row["Reference"]
            if reference in seen:
                raise SourceFormatError(f"Row {row['row']}: Reference {reference} appears twice in the file.")
            seen.add(reference)
            listings.setdefault(REFERENCE.fullmatch(reference).group("number"), []).append(row)
        if not listings:
            raise SourceFormatError("The file lists no individuals and no entities: refusing an empty list.")
        return ParsedList(records=[parse_record(key, rows) for key, rows in listings.items()],
                          generated_at=generated_at)


def read_sheet(path: Path) -> tuple[str, list[dict]]:
    """The workbook's date and its non-empty rows as dicts by column (plus "row", the row number)."""
    check_container(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise SourceFormatError(f"The file is not a valid XLSX workbook ({type(error).__name__}: {error}).") from None
    try:
        if len(workbook.worksheets) != 1:
            raise SourceFormatError(f"Expected one worksheet, found {workbook.sheetnames}: the format has changed.")
        modified = workbook.properties.modified
        rows = list(sheet_rows(workbook.worksheets[0].iter_rows(values_only=True)))
    except (SourceFormatError, zipfile.BadZipFile, OSError, EOFError):
        raise
    except Exception as error:
        raise SourceFormatError(f"The worksheet cannot be read ({type(error).__name__}: {error}).") from None
    finally:
        workbook.close()
    return (modified.isoformat() if modified else ""), rows


def check_container(path: Path) -> None:
    """Refuse an empty, oversized or malformed zip, a zip bomb, and XML parts with a DTD before openpyxl sees them."""
    size = path.stat().st_size
    if size == 0:
        raise SourceFormatError("The file is empty.")
    limit = settings.IMPORT_MAX_BYTES
    if size > limit:
        raise SourceFormatError(f"The file is {size:,} bytes, over the limit of {limit:,} (IMPORT_MAX_BYTES).")
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            unpacked = sum(part.file_size for part in parts)
            if unpacked > limit:
                raise SourceFormatError(f"The workbook unpacks to {unpacked:,} bytes, over {limit:,} bytes.")
            for part in parts:
                if part.filename.endswith((".xml", ".rels")):
                    with archive.open(part) as stream:
                        if b"<!doctype" in stream.read(4096).lower():
                            raise SourceFormatError(f"The workbook part {part.filename} has a DTD: refused.")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as error:
        raise SourceFormatError(f"The file is not a valid XLSX workbook (a broken zip: {error}).") from None


def sheet_rows(rows):
    """Check the header, then yield each non-empty row as a dict; refuse values outside the known columns."""
    header = [clean(str(cell)) if cell is not None else "" for cell in next(rows, ())]
    named = [name for name in header if name]
    unknown = [name for name in named if name not in COLUMNS]
    missing = [name for name in COLUMNS if name not in named]
    if unknown or missing or len(named) != len(set(named)):
        raise SourceFormatError(
            f"The sheet's columns have changed: unknown {unknown or 'none'}, missing {missing or 'none'}. "
            "The Australian importer (importers/sources/au_dfat.py) needs updating."
        )
    positions = {name: header.index(name) for name in COLUMNS}
    last = max(positions.values())
    unnamed = [index for index, name in enumerate(header[:last]) if not name]
    for number, values in enumerate(rows, start=2):
        where = f"Row {number}"
        tail = values[last + 1:]
        # The sheet runs to column IV; any() over its empty tail is the cheap test on every row.
        stray = [index for index in unnamed if cell_text(values[index], where=where)]
        if any(tail):
            stray += [last + 1 + index for index, value in enumerate(tail) if cell_text(value, where=where)]
        if stray:
            column = openpyxl.utils.get_column_letter(stray[0] + 1)
            raise SourceFormatError(f"{where}: a value in column {column}, which has no header.")
        if not any(cell_text(value, where=where) for value in values[:last + 1]):
            continue
        row = {name: values[position] if position < len(values) else None for name, position in positions.items()}
        row["Reference"] = cell_text(row["Reference"], where=where)
        row["row"] = number
        if not REFERENCE.fullmatch(row["Reference"]):
            raise SourceFormatError(f"{where}: {row['Reference'][:50]!r} is not a Reference (e.g. 123, 123a).")
        yield row


def cell_text(value, *, where: str) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = clean(str(value)) if value is not None else ""
    if len(text) > MAX_CELL:
        raise SourceFormatError(f"{where}: a cell of {len(text):,} characters is implausibly long.")
    return text


def parse_record(key: str, rows: list[dict]) -> EntityRecord:
    where = f"Reference {key}"
    primaries = [row for row in rows if name_type(row, where) == NameType.PRIMARY]
    if len(primaries) != 1 or primaries[0]["Reference"] != key:
        raise SourceFormatError(f"{where}: expected one Primary Name row, under the bare number {key}.")
    primary = primaries[0]
    rows = [primary] + [row for row in rows if row is not primary]
    kinds = {clean(row["Type"]).lower() for row in rows}
    if len(kinds) != 1 or not kinds <= KINDS.keys():
        raise SourceFormatError(f"{where}: Type must be Individual or Entity on every row, found {sorted(kinds)}.")
    kind = KINDS[kinds.pop()]
    names = unique(
        NameData(full_name=text(row, "Name of Individual or Entity", where), name_type=name_type(row, where),
                 quality="" if row is primary else clean(row["Name Type"]).lower())
        for row in rows
    )
    if not names[0].full_name:
        raise SourceFormatError(f"{where}: the primary name is empty.")
    programs = unique(program for row in rows for program in PROGRAM_BREAK.split(text(row, "Committees", where)))
    if not programs:
        raise SourceFormatError(f"{where}: Committees is empty.")
    listing = ListingData(
        regime=programs[0],
        reference_number=key,
        listed_on=listed_on(primary["Listing Information"]),
        last_updated=tuple(sorted(set(filter(None, (control_date(row, where) for row in rows))))),
        extra={"Listing Information": clean_paragraphs(text(primary, "Listing Information", where))},
        programs=tuple(programs),
        cross_references=tuple(
            CrossReference(source="un-sc", reference="", text=program) for program in programs if is_un(program)
        ),
    )
    return EntityRecord(
        key=key,
        kind=kind,
        caption=names[0].full_name,
        category=default_category(kind, programs),
        narrative="\n\n".join(unique(clean_paragraphs(row["Additional Information"]) for row in rows)),
        names=tuple(names),
        birth_dates=tuple(unique(date for row in rows for date in birth_dates(row, where))),
        birth_places=tuple(unique(place(item, "city") for row in rows for item in items(row, "Place of Birth"))),
        nationalities=tuple(unique(part for row in rows for item in items(row, "Citizenship")
                                   for part in nationality(item))),
        addresses=tuple(unique(place(item, "street") for row in rows for item in items(row, "Address"))),
        listings=(listing,),
    )


def name_type(row: dict, where: str) -> str:
    raw = clean(row["Name Type"])
    if raw.lower() not in NAME_TYPES:
        raise SourceFormatError(f"{where}: unknown Name Type {raw[:50]!r} (row {row['row']}).")
    return NAME_TYPES[raw.lower()]


def text(row: dict, column: str, where: str) -> str:
    value = cell_text(row[column], where=where)
    if column == "Name of Individual or Entity" and len(value) > MAX_NAME:
        raise SourceFormatError(f"{where}: a name of {len(value):,} characters is implausibly long.")
    return value


def items(row: dict, column: str) -> list[str]:
    return list_items(str(row[column]) if row[column] is not None else "")


def unique(values) -> list:
    """The non-empty values, each once, in their first order."""
    return [value for value in dict.fromkeys(values) if value]


def birth_dates(row: dict, where: str) -> list[BirthDateData]:
    """An Excel date, a year typed as a number, or free text ("a) 1 Jan. 1960 b) Approximately 1962")."""
    value, what = row["Date of Birth"], f"{where} Date of Birth (row {row['row']})"
    if isinstance(value, datetime | date):
        value = value.date() if isinstance(value, datetime) else value
        if not EARLIEST_BIRTH_YEAR <= value.year <= date.today().year:
            raise SourceFormatError(f"{what}: {value.isoformat()} is not a plausible date of birth.")
        return [BirthDateData(date_type=DateType.EXACT, date=value.isoformat())]
    if isinstance(value, int | float):
        if value != int(value) or not EARLIEST_BIRTH_YEAR <= value <= date.today().year:
            raise SourceFormatError(f"{what}: the number {value} is not a year of birth.")
        return [BirthDateData(date_type=DateType.EXACT, year=int(value))]
    return text_dates(str(value or ""), what=what, earliest=EARLIEST_BIRTH_YEAR)


def place(item: str, field: str) -> PlaceData:
    """ "Kandahar, Afghanistan" -> city (or street) and country; a bare country; else the text as a note."""
    head, _, last = item.rpartition(",")
    head, last = head.strip(), last.strip()
    limit = 200 if field == "city" else 500
    if head and len(head) <= limit and country_code(last):
        return PlaceData(**{field: head}, country=last)
    if not head and country_code(last):
        return PlaceData(country=last)
    return PlaceData(note=item)


def nationality(item: str) -> list[str]:
    """ "Russian and Ukrainian" is two nationalities; "Bosnia and Herzegovina" is one."""
    parts = [part.strip() for part in item.split(" and ")]
    if len(parts) > 1 and not country_code(item) and any(country_code(part) for part in parts):
        return parts
    return [item]


def listed_on(value) -> str:
    """The date the Listing Information says it was listed ("Listed on 12 Apr. 2000 (amended …)"), or ""."""
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    found = LISTING_WORDS.search(str(value or ""))
    return first_full_date(str(value)[found.end():]) if found else ""


def control_date(row: dict, where: str) -> str:
    value = row["Control Date"]
    if value is None or isinstance(value, datetime | date):
        return value.isoformat()[:10] if value else ""
    found = first_full_date(str(value))
    if not found and clean(str(value)):
        raise SourceFormatError(f"{where}: Control Date {str(value)[:50]!r} is not a date (row {row['row']}).")
    return found


def resolution(program: str) -> str:
    return program.split(" ", 1)[0]


def is_un(program: str) -> bool:
    return program[:1].isdigit() and resolution(program) not in AUSTRALIAN_RESOLUTIONS


def default_category(kind: str, programs: list[str]) -> str:
    if not any(resolution(program) in TERRORISM_RESOLUTIONS for program in programs):
        return EntityCategory.OTHER_DESIGNATED_ENTITY
    if kind == EntityKind.PERSON:
        return EntityCategory.VIOLENT_EXTREMIST_INDIVIDUAL
    return EntityCategory.VIOLENT_EXTREMIST_ORGANISATION
