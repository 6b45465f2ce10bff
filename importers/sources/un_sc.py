"""
The UN Security Council Consolidated Sanctions List (https://main.un.org/securitycouncil/en/content/un-sc-consolidated-list).

One XML file lists every individual and entity on the Council's sanctions regimes. The reference number
(e.g. QDi.001) identifies a listing for good; the DATAID can change under it and returns when a record is
re-listed, so the reference number is the record key. The parser knows every element the list has used
since 2017 and refuses a file with any other: a change in the format must be looked at, not guessed at.
"""

from pathlib import Path

from django.conf import settings

from entities.choices import DateType, EntityCategory, EntityKind, Gender, NameType, SourcePolicy
from importers.base import SourceFormatError, SourceImporter, register
from importers.narratives import find_citations
from importers.records import (
    BirthDateData,
    DocumentData,
    EntityRecord,
    ListingData,
    NameData,
    ParsedList,
    PlaceData,
)
from importers.sources.text import clean, clean_paragraphs, iso_date, year
from importers.xmlsafe import children_by_name, iter_records

INDIVIDUAL_FIELDS = {
    "DATAID", "VERSIONNUM", "FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME", "UN_LIST_TYPE",
    "REFERENCE_NUMBER", "LISTED_ON", "GENDER", "SUBMITTED_BY", "COMMENTS1", "NAME_ORIGINAL_SCRIPT", "TITLE",
    "DESIGNATION", "NATIONALITY", "LIST_TYPE", "LAST_DAY_UPDATED", "INDIVIDUAL_ALIAS", "INDIVIDUAL_ADDRESS",
    "INDIVIDUAL_DATE_OF_BIRTH", "INDIVIDUAL_PLACE_OF_BIRTH", "INDIVIDUAL_DOCUMENT", "SORT_KEY", "SORT_KEY_LAST_MOD",
}
ENTITY_FIELDS = {
    "DATAID", "VERSIONNUM", "FIRST_NAME", "UN_LIST_TYPE", "REFERENCE_NUMBER", "LISTED_ON", "SUBMITTED_ON",
    "COMMENTS1", "NAME_ORIGINAL_SCRIPT", "LIST_TYPE", "LAST_DAY_UPDATED", "ENTITY_ALIAS", "ENTITY_ADDRESS",
    "SORT_KEY", "SORT_KEY_LAST_MOD",
}
PART_FIELDS = {
    "ALIAS": {"QUALITY", "ALIAS_NAME", "NOTE", "DATE_OF_BIRTH", "CITY_OF_BIRTH", "COUNTRY_OF_BIRTH"},
    "ADDRESS": {"STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY", "NOTE"},
    "DATE_OF_BIRTH": {"TYPE_OF_DATE", "DATE", "YEAR", "FROM_YEAR", "TO_YEAR", "NOTE"},
    "PLACE_OF_BIRTH": {"STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY", "NOTE"},
    "DOCUMENT": {
        "TYPE_OF_DOCUMENT", "TYPE_OF_DOCUMENT2", "NUMBER", "ISSUING_COUNTRY", "DATE_OF_ISSUE", "CITY_OF_ISSUE",
        "COUNTRY_OF_ISSUE", "NOTE",
    },
    "VALUES": {"VALUE"},
}
ALIAS_TYPES = {
    "good": NameType.ALIAS,
    "a.k.a.": NameType.ALIAS,
    "": NameType.ALIAS,
    "low": NameType.WEAK_ALIAS,
    "f.k.a.": NameType.FORMER,
}
DATE_TYPES = {"EXACT": DateType.EXACT, "APPROXIMATELY": DateType.APPROXIMATELY, "BETWEEN": DateType.BETWEEN}
MAX_REFERENCE_LENGTH = 100
GENDERS = {"male": Gender.MALE, "female": Gender.FEMALE, "unknown": Gender.UNKNOWN}
# Regimes whose listings are terrorism designations; everything else (DPRK, Iran, Libya ...) is not.
VIOLENT_EXTREMIST_REGIMES = {"Al-Qaida", "Taliban"}


@register
class UnSecurityCouncil(SourceImporter):
    slug = "un-sc"
    name = "UN Security Council Consolidated List"
    default_url = "https://scsanctions.un.org/resources/xml/en/consolidated.xml"
    file_suffix = ".xml"
    default_policy = SourcePolicy.AUTO_DESIGNATE  # the Security Council's designations are binding on members

    def citations(self, record: EntityRecord) -> tuple:
        return find_citations(record.narrative, own_reference=record.key)

    def parse(self, path: Path) -> ParsedList:
        records, keys, generated_at = [], set(), ""
        elements = iter_records(
            Path(path), root_tag="CONSOLIDATED_LIST", record_tags={"INDIVIDUAL", "ENTITY"},
            max_bytes=settings.IMPORT_MAX_BYTES,
        )
        for element in elements:
            if not generated_at:
                generated_at = element.getroottree().getroot().get("dateGenerated", "")
            record = parse_record(element)
            if record.key in keys:
                raise SourceFormatError(f"Reference number {record.key} appears twice in the file.")
            keys.add(record.key)
            records.append(record)
        if not records:
            raise SourceFormatError("The file lists no individuals and no entities: refusing an empty list.")
        return ParsedList(records=records, generated_at=generated_at)


def parse_record(element) -> EntityRecord:
    is_person = element.tag == "INDIVIDUAL"
    reference = clean(element.findtext("REFERENCE_NUMBER"))
    where = f"{element.tag} {reference or '(no REFERENCE_NUMBER)'}"
    fields = children_by_tag(element, INDIVIDUAL_FIELDS if is_person else ENTITY_FIELDS, where=where)
    regime = text_of(fields, "UN_LIST_TYPE")
    if not reference or not regime:
        raise SourceFormatError(f"{where}: REFERENCE_NUMBER and UN_LIST_TYPE are required.")
    if len(reference) > MAX_REFERENCE_LENGTH or len(regime) > MAX_REFERENCE_LENGTH:
        raise SourceFormatError(f"{where[:150]}: REFERENCE_NUMBER or UN_LIST_TYPE is implausibly long.")

    name_parts = [text_of(fields, tag) for tag in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
    caption = " ".join(part for part in name_parts if part)
    if not caption:
        raise SourceFormatError(f"{where}: the record has no name.")
    names = [NameData(full_name=caption, name_type=NameType.PRIMARY)]
    for alias in parts(fields, "INDIVIDUAL_ALIAS" if is_person else "ENTITY_ALIAS", "ALIAS", where):
        names.extend(alias_name(alias, where))
    original = text_of(fields, "NAME_ORIGINAL_SCRIPT")
    if original:
        names.append(NameData(full_name=original, name_type=NameType.ORIGINAL_SCRIPT))

    gender_raw = text_of(fields, "GENDER")
    if gender_raw and gender_raw.lower() not in GENDERS:
        raise SourceFormatError(f"{where}: unknown GENDER {gender_raw!r}.")
    listed_on_raw = text_of(fields, "LISTED_ON")
    listing = ListingData(
        regime=regime,
        reference_number=reference,
        list_type="; ".join(values(fields, "LIST_TYPE", where)),
        listed_on=iso_date(listed_on_raw, what=f"{where} LISTED_ON"),
        listed_on_raw=listed_on_raw if len(listed_on_raw) > 10 else "",
        last_updated=tuple(
            iso_date(value, what=f"{where} LAST_DAY_UPDATED") for value in values(fields, "LAST_DAY_UPDATED", where)
        ),
        external_id=text_of(fields, "DATAID"),
        version=text_of(fields, "VERSIONNUM"),
        extra={
            tag: text_of(fields, tag)
            for tag in ("SUBMITTED_BY", "SUBMITTED_ON", "SORT_KEY", "SORT_KEY_LAST_MOD")
            if text_of(fields, tag)
        },
    )
    kind = EntityKind.PERSON if is_person else EntityKind.ORGANISATION
    birth_dates = [birth_date(dob, where) for dob in parts(fields, "INDIVIDUAL_DATE_OF_BIRTH", "DATE_OF_BIRTH", where)]
    return EntityRecord(
        key=reference,
        kind=kind,
        caption=caption,
        category=default_category(kind, regime),
        first_name=name_parts[0],
        second_name=name_parts[1],
        third_name=name_parts[2],
        fourth_name=name_parts[3],
        gender=GENDERS[gender_raw.lower()] if gender_raw else "",
        gender_raw=gender_raw,
        titles=tuple(values(fields, "TITLE", where)),
        positions=tuple(values(fields, "DESIGNATION", where)),
        narrative=clean_paragraphs(fields["COMMENTS1"][0].text if "COMMENTS1" in fields else ""),
        names=tuple(names),
        birth_dates=tuple(filter(None, birth_dates)),
        birth_places=tuple(place(p) for p in parts(fields, "INDIVIDUAL_PLACE_OF_BIRTH", "PLACE_OF_BIRTH", where)),
        nationalities=tuple(values(fields, "NATIONALITY", where)),
        addresses=tuple(
            place(p) for p in parts(fields, "INDIVIDUAL_ADDRESS" if is_person else "ENTITY_ADDRESS", "ADDRESS", where)
        ),
        documents=tuple(document(p, where) for p in parts(fields, "INDIVIDUAL_DOCUMENT", "DOCUMENT", where)),
        listings=(listing,),
    )


def default_category(kind: str, regime: str) -> str:
    if regime not in VIOLENT_EXTREMIST_REGIMES:
        return EntityCategory.OTHER_DESIGNATED_ENTITY
    if kind == EntityKind.PERSON:
        return EntityCategory.VIOLENT_EXTREMIST_INDIVIDUAL
    return EntityCategory.VIOLENT_EXTREMIST_ORGANISATION


def children_by_tag(element, allowed: set[str], *, where: str) -> dict[str, list]:
    """Group the element's children by tag, refusing any tag the list has never used."""
    return children_by_name(element, allowed, where=where, importer="the UN importer (importers/sources/un_sc.py)")


def text_of(fields: dict, tag: str) -> str:
    elements = fields.get(tag)
    return clean(elements[0].text) if elements else ""


def values(fields: dict, tag: str, where: str) -> list[str]:
    """The non-empty <VALUE> texts of repeated wrapper elements such as NATIONALITY or TITLE."""
    found = []
    for wrapper in fields.get(tag, []):
        for value in children_by_tag(wrapper, PART_FIELDS["VALUES"], where=f"{where} {tag}").get("VALUE", []):
            if clean(value.text):
                found.append(clean(value.text))
    return found


def parts(fields: dict, tag: str, kind: str, where: str) -> list[dict[str, str]]:
    """The non-empty structured sub-records (aliases, addresses, ...) as dicts of cleaned texts."""
    found = []
    for element in fields.get(tag, []):
        grouped = children_by_tag(element, PART_FIELDS[kind], where=f"{where} {tag}")
        texts = {child_tag: clean(children[0].text) for child_tag, children in grouped.items()}
        if any(texts.values()):
            found.append(texts)
    return found


def alias_name(alias: dict[str, str], where: str) -> list[NameData]:
    name = alias.get("ALIAS_NAME", "")
    quality = alias.get("QUALITY", "")
    if not name:
        return []
    if quality.lower() not in ALIAS_TYPES:
        raise SourceFormatError(f"{where}: unknown alias QUALITY {quality!r}.")
    return [
        NameData(
            full_name=name,
            name_type=ALIAS_TYPES[quality.lower()],
            quality=quality,
            note=alias.get("NOTE", ""),
            date_of_birth=alias.get("DATE_OF_BIRTH", ""),
            city_of_birth=alias.get("CITY_OF_BIRTH", ""),
            country_of_birth=alias.get("COUNTRY_OF_BIRTH", ""),
        )
    ]


def birth_date(dob: dict[str, str], where: str) -> BirthDateData | None:
    what = f"{where} DATE_OF_BIRTH"
    raw_type = dob.get("TYPE_OF_DATE", "").upper()
    if raw_type and raw_type not in DATE_TYPES:
        raise SourceFormatError(f"{what}: unknown TYPE_OF_DATE {raw_type!r}.")
    data = BirthDateData(
        date_type=DATE_TYPES.get(raw_type, DateType.EXACT),
        date=iso_date(dob.get("DATE", ""), what=what),
        year=year(dob.get("YEAR", ""), what=what),
        from_year=year(dob.get("FROM_YEAR", ""), what=what),
        to_year=year(dob.get("TO_YEAR", ""), what=what),
        note=dob.get("NOTE", ""),
    )
    if not (data.date or data.year or data.from_year or data.to_year):
        return BirthDateData(date_type=DateType.UNKNOWN, note=data.note) if data.note else None
    return data


def place(texts: dict[str, str]) -> PlaceData:
    return PlaceData(
        street=texts.get("STREET", ""),
        city=texts.get("CITY", ""),
        state_province=texts.get("STATE_PROVINCE", ""),
        zip_code=texts.get("ZIP_CODE", ""),
        country=texts.get("COUNTRY", ""),
        note=texts.get("NOTE", ""),
    )


def document(texts: dict[str, str], where: str) -> DocumentData:
    return DocumentData(
        document_type=texts.get("TYPE_OF_DOCUMENT", ""),
        document_type_detail=texts.get("TYPE_OF_DOCUMENT2", ""),
        number=texts.get("NUMBER", ""),
        issuing_country=texts.get("ISSUING_COUNTRY", ""),
        country_of_issue=texts.get("COUNTRY_OF_ISSUE", ""),
        city_of_issue=texts.get("CITY_OF_ISSUE", ""),
        date_of_issue=iso_date(texts.get("DATE_OF_ISSUE", ""), what=f"{where} DATE_OF_ISSUE"),
        note=texts.get("NOTE", ""),
    )
