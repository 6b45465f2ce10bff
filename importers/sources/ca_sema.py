"""
Canada's Consolidated Autonomous Sanctions List (Special Economic Measures Act and the JVCFOR regulations).

One XML ``data-set`` of flat ``record`` elements. Each record sits in a regulation's schedule: ``Country`` names
the regime in English and French ("Russia / Russie", "Hamas Terrorist Attacks / Attaques terroristes du
Hamas"), and ``Schedule`` + ``Item`` place it there. Item numbers restart in every schedule (and part) of every
regime, so the record key is all three: "Russia/1, Part 2/14", or "Venezuela/12" for regimes without schedules.
It is also the reference number people see. Between 2020 and 2025 Canada renamed the Burma regime "Myanmar
(Burma)" and split schedules into parts ("1" became "1, Part 1" or "Part 1") while keeping every item number;
a lone "Part N" is read as "1, Part N" and a lone "1" as "1, Part 1" so those keys hold, but a renamed regime or
a re-numbered schedule ("2" became "1, Part 2" for Iran) gives new keys, which the delisting guard stops.

The 2025 format renamed three elements for ships (EntityOrShip, TitleOrShip, DateOfBirthOrShipBuildDate) and
added ShipIMONumber and DateOfListing; both generations are read. Ships (records with an IMO number) are kept as
organisations with the IMO number as a document, their type and build date in the listing's extra fields.
"""

import re
from datetime import date
from pathlib import Path

from django.conf import settings

from entities.choices import DateType, EntityCategory, EntityKind, NameType
from entities.countries import country_code
from importers.base import SourceFormatError, SourceImporter, register
from importers.records import BirthDateData, DocumentData, EntityRecord, ListingData, NameData, ParsedList
from importers.sources.text import clean, iso_date, split_names
from importers.xmlsafe import iter_records

# The 2025 name of each element, and the 2020 name where it differs.
FIELDS = {
    "Country": "Country", "LastName": "LastName", "GivenName": "GivenName", "Aliases": "Aliases",
    "Schedule": "Schedule", "Item": "Item", "DateOfListing": "DateOfListing", "ShipIMONumber": "ShipIMONumber",
    "EntityOrShip": "EntityOrShip", "Entity": "EntityOrShip",
    "TitleOrShip": "TitleOrShip", "Title": "TitleOrShip",
    "DateOfBirthOrShipBuildDate": "DateOfBirthOrShipBuildDate", "DateOfBirth": "DateOfBirthOrShipBuildDate",
}
MAX_REFERENCE_LENGTH = 100
# Regimes whose listings are terrorism designations. "Extremist Settler Violence" is not: Canada lists those
# people and groups for violence against civilians under SEMA, not as terrorists (analysts decide).
VIOLENT_EXTREMIST_REGIMES = {"Hamas Terrorist Attacks"}
# "Russian: Иван", "Arabic:محمد": the language an alias is written in, not part of it.
LANGUAGE_LABEL = re.compile(r"\b(?:Russian|Belaruss?ian|Ukrainian|Arabic|Persian|Farsi|Chinese|Hebrew)\s*:\s*")
SCHEDULE = re.compile(r"(?:(\d+(?:\.\d+)?))?\s*,?\s*(?:Part\s*(\d+(?:\.\d+)?))?", re.IGNORECASE)
EARLIEST_BIRTH_YEAR = 1850


@register
class CanadaSema(SourceImporter):
    slug = "ca-sema"
    name = "Canada Consolidated Autonomous Sanctions List (SEMA)"
    default_url = (
        "https://www.international.gc.ca/world-monde/assets/office_docs/international_relations-"
        "relations_internationales/sanctions/sema-lmes.xml"
    )
    file_suffix = ".xml"
    default_programs: tuple[str, ...] = ()  # every regime: Canada's list is small and all of it is of interest

    def parse(self, path: Path) -> ParsedList:
        records, keys, root = [], set(), None
        for element in iter_records(
            Path(path), root_tag="data-set", record_tags={"record"}, max_bytes=settings.IMPORT_MAX_BYTES
        ):
            root = element.getparent()
            refuse_strangers(element.itersiblings(preceding=True))
            record = parse_record(element, position=len(records) + 1)
            if record.key in keys:
                raise SourceFormatError(f"Record {record.key} appears twice in the file.")
            keys.add(record.key)
            records.append(record)
        if root is None or not records:
            raise SourceFormatError("The file lists no records: refusing an empty list.")
        refuse_strangers(root)
        return ParsedList(records=records)  # the file carries no date of its own


def refuse_strangers(elements):
    for element in elements:
        if element.tag != "record":
            raise SourceFormatError(f"Unexpected element <{element.tag}> in <data-set>: the list's format changed.")


def parse_record(element, *, position: int) -> EntityRecord:
    fields = fields_of(element, where=f"record {position}")
    regime, country = english(fields.get("Country", "")), fields.get("Country", "")
    item, schedule = fields.get("Item", ""), schedule_label(fields.get("Schedule", ""), position)
    if not regime or not item:
        raise SourceFormatError(f"Record {position}: <Country> and <Item> are required.")
    if not item.isdigit():
        raise SourceFormatError(f"Record {position}: <Item> {item!r} is not a number.")
    key = "/".join(part for part in (regime, schedule, item) if part)
    if len(key) > MAX_REFERENCE_LENGTH:
        raise SourceFormatError(f"Record {position}: the reference {key[:120]!r} is implausibly long.")
    where = f"Record {key}"

    organisation, given, last = fields.get("EntityOrShip", ""), fields.get("GivenName", ""), fields.get("LastName", "")
    if bool(organisation) == bool(given or last):
        raise SourceFormatError(f"{where}: needs either <EntityOrShip> or <GivenName>/<LastName>, not both or none.")
    imo, title, born = fields.get("ShipIMONumber", ""), fields.get("TitleOrShip", ""), fields.get(
        "DateOfBirthOrShipBuildDate", ""
    )
    is_person = not organisation
    caption = organisation or " ".join(part for part in (given, last) if part)
    extra = {"country": country, "country_code": regime_country_code(regime)} if country else {}
    documents, narrative = (), ""
    if imo:
        if is_person or not re.fullmatch(r"\d{7}", imo):
            raise SourceFormatError(f"{where}: <ShipIMONumber> {imo!r} is not a ship's 7-digit IMO number.")
        birth_dates(born, where)  # a build date is checked like a birth date, and kept as written
        extra.update(ship_type=title, ship_build_date=born)
        documents = (DocumentData(document_type="IMO number", number=imo),)
        narrative = f"Ship ({title or 'type not stated'}), IMO {imo}" + (f", built {born}." if born else ".")
    elif not is_person and (title or born):
        raise SourceFormatError(f"{where}: an organisation with a title or a date of birth; only ships have those.")

    return EntityRecord(
        key=key,
        kind=EntityKind.PERSON if is_person else EntityKind.ORGANISATION,
        caption=caption,
        category=default_category(is_person, regime),
        first_name=given if is_person else organisation,
        second_name=last,
        titles=(title,) if is_person and title else (),
        narrative=narrative,
        names=(NameData(full_name=caption, name_type=NameType.PRIMARY), *aliases(fields, caption, is_person)),
        birth_dates=birth_dates(born, where) if is_person else (),
        documents=documents,
        listings=(
            ListingData(
                regime=regime,
                programs=(regime,),
                reference_number=key,
                list_type=f"Schedule {schedule}" if schedule else "",
                listed_on=iso_date(fields.get("DateOfListing", ""), what=f"{where} <DateOfListing>"),
                extra={name: value for name, value in extra.items() if value},
            ),
        ),
    )


def fields_of(element, *, where: str) -> dict[str, str]:
    """The record's texts by their 2025 element names, refusing unknown, nested and repeated elements."""
    fields = {}
    for child in element:
        name = FIELDS.get(child.tag)
        if name is None:
            raise SourceFormatError(
                f"{where}: unexpected element <{child.tag}>. The list's format has changed; "
                "the Canada importer (importers/sources/ca_sema.py) needs updating."
            )
        if len(child) or name in fields:
            raise SourceFormatError(f"{where}: <{child.tag}> is nested or repeated, which the list never does.")
        fields[name] = child.text if name == "Aliases" else clean(child.text)
    return fields


def english(bilingual: str) -> str:
    """ "Burma / Birmanie" -> "Burma"; a name without a French part is kept whole."""
    return clean(bilingual.split(" / ")[0])


def regime_country_code(regime: str) -> str:
    """The country a regime is named after ("Myanmar (Burma)" -> MM); "" for themed regimes such as JVCFOR."""
    return country_code(regime) or country_code(re.sub(r"\s*\(.*?\)", "", regime))


def schedule_label(raw: str, position: int) -> str:
    """
    "1,Part 3" -> "1, Part 3"; "Part 2" -> "1, Part 2" and "1" -> "1, Part 1" (the file's two ways of writing
    the first schedule's parts); "N/A" and nothing -> "" (regimes without schedules).
    """
    if raw.upper() in ("", "N/A"):
        return ""
    match = SCHEDULE.fullmatch(raw)
    if not match or not any(match.groups()):
        raise SourceFormatError(f"Record {position}: <Schedule> {raw!r} is not a schedule number or part.")
    number, part = match.groups()
    if number == "1" or not number:
        return f"1, Part {part or 1}"
    return f"{number}, Part {part}" if part else number


def aliases(fields: dict, caption: str, is_person: bool) -> list[NameData]:
    """
    The names in <Aliases>, split by ``split_names`` and at "and" (see ``split_at_and``); language labels
    ("Russian:") separate names. A name with no Latin letter is in its original script; a person's one-word
    alias ("Sergei, Serhii SHERBAKOV") is a weak alias.
    """
    names, seen = [], {caption}
    listed = split_names(LANGUAGE_LABEL.sub(";", fields.get("Aliases") or ""))
    for name in (part for text in listed for part in split_at_and(text, is_person)):
        if re.fullmatch(r"\([^()]*\)", name):  # "(Rosselkhozbank)"
            name = clean(name[1:-1])
        if name in seen:
            continue
        seen.add(name)
        if not re.search(r"[A-Za-z]", name):
            name_type = NameType.ORIGINAL_SCRIPT
        elif is_person and " " not in name:
            name_type = NameType.WEAK_ALIAS
        else:
            name_type = NameType.ALIAS
        names.append(NameData(full_name=name, name_type=name_type))
    return names


def split_at_and(text: str, is_person: bool) -> list[str]:
    """
    "A and B" lists two names when it is a person's (no one's name holds "and"), or when the words either side
    of "and" are not in Latin script ("ООО Волна and МПИ-Волна"); "Laser Devices and Technologies" is one name.
    """
    parts = re.split(r"\s+and\s+", text)
    names = parts[:1]
    for part in parts[1:]:
        if is_person or not re.search(r"[A-Za-z]", names[-1].split()[-1] + part.split()[0]):
            names.append(part)
        else:
            names[-1] = f"{names[-1]} and {part}"
    return names


def birth_dates(raw: str, where: str) -> tuple[BirthDateData, ...]:
    """
    The forms the list uses: "1965-04-29", "1955-11" (kept as the year, the month in the note), "1972",
    "1963-1964" (between), "1972-08-10 or 1972-08-11" (each), "born in the early 1970s" (the decade, with the
    words in the note) and "Sep-99" (a spreadsheet's rendering of a month; the century is unknowable, so only
    the note). Anything else, or a date outside 1850 to today, is refused.
    """
    found = []
    for text in re.split(r"\s+or\s+", raw, flags=re.IGNORECASE) if raw else ():
        if re.fullmatch(r"\d{4}-\d\d-\d\d", text):
            found.append(BirthDateData(date_type=DateType.EXACT, date=iso_date(text, what=f"{where} date of birth")))
        elif match := re.fullmatch(r"(\d{4})(?:-(\d\d))?", text):
            if match[2] and not 1 <= int(match[2]) <= 12:
                raise SourceFormatError(f"{where}: date of birth {raw!r} has no such month.")
            found.append(BirthDateData(date_type=DateType.EXACT, year=int(match[1]), note=text if match[2] else ""))
        elif match := re.fullmatch(r"(\d{4})-(\d{4})", text):
            found.append(BirthDateData(date_type=DateType.BETWEEN, from_year=int(match[1]), to_year=int(match[2])))
        elif match := re.fullmatch(r"born in the (?:early |mid-?|late )?(\d{3}0)s", text, flags=re.IGNORECASE):
            decade = int(match[1])
            found.append(BirthDateData(date_type=DateType.BETWEEN, from_year=decade, to_year=decade + 9, note=text))
        elif re.fullmatch(r"[A-Z][a-z]{2}-\d\d", text):
            found.append(BirthDateData(date_type=DateType.UNKNOWN, note=text))
        else:
            raise SourceFormatError(f"{where}: date of birth {raw!r} is in no form the list uses.")
    for data in found:
        years = [data.year, data.from_year, data.to_year, int(data.date[:4]) if data.date else None]
        if any(y is not None and not EARLIEST_BIRTH_YEAR <= y <= date.today().year for y in years) or (
            data.from_year and data.from_year > data.to_year
        ):
            raise SourceFormatError(f"{where}: date of birth {raw!r} is implausible.")
    return tuple(found)


def default_category(is_person: bool, regime: str) -> str:
    if regime not in VIOLENT_EXTREMIST_REGIMES:
        return EntityCategory.OTHER_DESIGNATED_ENTITY
    return EntityCategory.VIOLENT_EXTREMIST_INDIVIDUAL if is_person else EntityCategory.VIOLENT_EXTREMIST_ORGANISATION
