"""
The US Treasury OFAC Specially Designated Nationals list (https://ofac.treasury.gov/sanctions-list-service).

OFAC publishes the same list in two shapes, both read here:
- the ``sdnList`` XML (SDN.XML, and CONS_PRIM.XML for the consolidated non-SDN list): one ``sdnEntry`` per
  listing, its facts in structured elements; the namespace has changed over the years.
- the legacy CSV set: ``sdn.csv`` (no header, 12 columns, ``-0-`` for empty) and optionally ``add.csv``
  (addresses), ``alt.csv`` (strong aliases) and ``sdn_comments.csv`` (the end of remarks over 1,000
  characters). The files are told apart by their number of columns, not their names. In this format the
  dates of birth, places of birth, nationalities, identity documents, gender and weak aliases are only in the
  remarks, so they are parsed out of them; the whole remarks text stays the record's narrative.

The ``uid`` / ``ent_num`` identifies a listing for good and is the record key. Vessels and aircraft are
imported as organisations (the registry knows people and organisations only) with their type as the listing's
``list_type``, so that nothing OFAC lists is silently dropped and their names can be screened.

This module is the importer and the CSV set; ``ofac_xml`` reads the XML, and ``ofac_records`` builds the
records of both (the remarks' facts, the category by program).
"""

import csv
import io
import re
from pathlib import Path

from django.conf import settings

from entities.choices import NameType
from importers.base import SourceFormatError, SourceImporter, register
from importers.records import (
    EntityRecord,
    NameData,
    ParsedList,
    PlaceData,
)
from importers.sources.ofac_records import (
    ALIAS_TYPES,
    SDN_TYPES,
    TERRORISM_PROGRAMS,
    build_record,
    person_name,
    remark_facts,
)
from importers.sources.ofac_xml import parse_xml
from importers.sources.text import clean, split_last_first

# The CSV files, by their number of columns.
PRIMARY, ADDRESSES, ALIASES, COMMENTS = 12, 6, 5, 2
SHAPES = {PRIMARY: "sdn.csv", ADDRESSES: "add.csv", ALIASES: "alt.csv", COMMENTS: "sdn_comments.csv"}
VESSEL_COLUMNS = ("Call_Sign", "Vess_type", "Tonnage", "GRT", "Vess_flag", "Vess_owner")


@register
class OfacSdn(SourceImporter):
    slug = "ofac-sdn"
    name = "US Treasury OFAC Specially Designated Nationals List"
    default_url = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN.XML"
    file_suffix = ".xml"
    default_programs = TERRORISM_PROGRAMS

    def parse(self, path: Path) -> ParsedList:
        return self.parse_files([path])

    def parse_files(self, paths: list[Path]) -> ParsedList:
        """One sdnList XML, or the CSV set (sdn.csv and any of add.csv, alt.csv, sdn_comments.csv)."""
        texts = [read_text(Path(path)) for path in paths]
        if any(text.lstrip("\ufeff \r\n\t").startswith("<") for text in texts):
            if len(paths) != 1:
                raise SourceFormatError("An OFAC XML file is a whole list: import it alone, not with other files.")
            return parse_xml(Path(paths[0]))
        return parse_csv_set(texts, [Path(path).name for path in paths])


def read_text(path: Path) -> str:
    size = path.stat().st_size
    if size == 0:
        raise SourceFormatError(f"{path.name}: the file is empty.")
    if size > settings.IMPORT_MAX_BYTES:
        raise SourceFormatError(f"{path.name}: {size:,} bytes, over the limit of {settings.IMPORT_MAX_BYTES:,}.")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise SourceFormatError(f"{path.name}: not UTF-8 text (byte {error.start:,}).") from None
    text = text.rstrip("\x1a")  # official files end with a DOS end-of-file byte
    bad = re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", text)
    if bad:
        raise SourceFormatError(f"{path.name}: control character {bad.group()!r} at character {bad.start():,}.")
    return text


# --- The CSV set ---------------------------------------------------------------------------------------------


def parse_csv_set(texts: list[str], names: list[str]) -> ParsedList:
    files: dict[int, list[list[str]]] = {}
    for text, name in zip(texts, names, strict=True):
        try:
            rows = [row for row in csv.reader(io.StringIO(text), strict=True) if row]
        except csv.Error as error:
            raise SourceFormatError(f"{name}: not a well-formed CSV file ({error}); is it truncated?") from None
        shape = len(rows[0]) if rows else 0
        if shape not in SHAPES:
            raise SourceFormatError(
                f"{name}: rows of {shape} columns; OFAC's CSV files have 12 (sdn.csv), 6 (add.csv), "
                "5 (alt.csv) or 2 (sdn_comments.csv). The format has changed or this is another file."
            )
        if shape in files:
            raise SourceFormatError(f"{name}: a second {SHAPES[shape]} in one import.")
        for number, row in enumerate(rows, start=1):
            if len(row) != shape:
                raise SourceFormatError(
                    f"{name} row {number}: {len(row)} columns where the file has {shape}: truncated or malformed."
                )
            if not re.fullmatch(r"\d{1,10}", row[0].strip()):
                raise SourceFormatError(f"{name} row {number}: ent_num {row[0][:40]!r} is not a number.")
        files[shape] = rows
    if PRIMARY not in files:
        raise SourceFormatError("No sdn.csv among the files (rows of 12 columns): the primary records are needed.")

    extras: dict[int, dict[str, list[list[str]]]] = {}
    keys = {row[0].strip() for row in files[PRIMARY]}
    for shape in (ADDRESSES, ALIASES, COMMENTS):
        for row in files.get(shape, []):
            key = row[0].strip()
            if key not in keys:
                raise SourceFormatError(
                    f"{SHAPES[shape]}: a row for ent_num {key}, which the sdn.csv does not list: not one set of files."
                )
            extras.setdefault(shape, {}).setdefault(key, []).append([cell_text(cell) for cell in row])

    records, seen = [], set()
    for row in files[PRIMARY]:
        record = csv_record([cell_text(cell) for cell in row], {shape: rows.get(row[0].strip(), []) for shape, rows
                                                               in extras.items()})
        if record.key in seen:
            raise SourceFormatError(f"sdn.csv: ent_num {record.key} appears twice.")
        seen.add(record.key)
        records.append(record)
    if not records:
        raise SourceFormatError("The sdn.csv lists nothing: refusing an empty list.")
    return ParsedList(records=records)


def cell_text(cell: str) -> str:
    cell = clean(cell)
    return "" if cell == "-0-" else cell


def csv_record(row: list[str], extras: dict[int, list[list[str]]]) -> EntityRecord:
    key, name, sdn_type, program, title = row[:5]
    where = f"sdn.csv ent_num {key}"
    if sdn_type.lower() not in SDN_TYPES:
        raise SourceFormatError(f"{where}: unknown SDN_Type {sdn_type!r}.")
    programs = [part.strip() for part in re.split(r"\]\s*\[", program.strip("[] ")) if part.strip()]
    remarks = row[11] + "".join(comment[1] for comment in extras.get(COMMENTS, []))
    if not name or not programs:
        raise SourceFormatError(f"{where}: SDN_Name and Program are required.")
    is_person = sdn_type.lower() == "individual"
    facts = remark_facts(remarks)
    names = [NameData(full_name=person_name(name) if is_person else name, name_type=NameType.PRIMARY)]
    for alias in extras.get(ALIASES, []):
        alias_type = alias[2].lower()
        if alias_type not in ALIAS_TYPES:
            raise SourceFormatError(f"{where}: unknown alt_type {alias[2]!r} in alt.csv.")
        names.append(NameData(
            full_name=person_name(alias[3]) if is_person else alias[3], name_type=ALIAS_TYPES[alias_type],
            quality=alias[2], note=alias[4],
        ))
    last, first = split_last_first(name) if is_person else (name, "")
    vessel = {column: value for column, value in zip(VESSEL_COLUMNS, row[5:11], strict=True) if value}
    return build_record(
        key=key, sdn_type=SDN_TYPES[sdn_type.lower()], first=first, last=last, programs=programs,
        titles=[title] if title else [], remarks=remarks, names=names + facts["names"], facts=facts,
        addresses=[
            PlaceData(street=address[2], city=address[3], country=address[4], note=address[5])
            for address in extras.get(ADDRESSES, []) if any(address[2:])
        ],
        extra=vessel,
    )
