"""
OFAC's ``sdnList`` XML (SDN.XML, and CONS_PRIM.XML for the consolidated non-SDN list): one ``sdnEntry`` per
listing, its facts in structured elements; the namespace has changed over the years. Every element must be
one this parser knows.
"""

import re
from pathlib import Path

from django.conf import settings
from lxml import etree

from entities.choices import NameType
from importers.base import SourceFormatError
from importers.records import (
    DocumentData,
    EntityRecord,
    NameData,
    ParsedList,
    PlaceData,
)
from importers.sources.ofac_records import (
    ALIAS_CATEGORIES,
    ALIAS_TYPES,
    DOCUMENT_TYPE,
    GENDERS,
    MAX_FIELD,
    SDN_TYPES,
    birth_date,
    birth_place,
    build_record,
)
from importers.sources.text import clean, day_month_year, month_day_year
from importers.xmlsafe import children_by_name, iter_records

XML_NAMESPACES = {
    "http://tempuri.org/sdnList.xsd",
    "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML",
}
ENTRY_FIELDS = {
    "uid", "firstName", "lastName", "title", "sdnType", "remarks", "programList", "idList", "akaList",
    "addressList", "nationalityList", "citizenshipList", "dateOfBirthList", "placeOfBirthList", "vesselInfo",
}
LIST_ITEMS = {  # list element -> (item element, the item's allowed children)
    "programList": ("program", set()),
    "idList": ("id", {"uid", "idType", "idNumber", "idCountry", "issueDate", "expirationDate"}),
    "akaList": ("aka", {"uid", "type", "category", "lastName", "firstName"}),
    "addressList": ("address", {
        "uid", "address1", "address2", "address3", "city", "stateOrProvince", "postalCode", "country", "region",
    }),
    "nationalityList": ("nationality", {"uid", "country", "mainEntry"}),
    "citizenshipList": ("citizenship", {"uid", "country", "mainEntry"}),
    "dateOfBirthList": ("dateOfBirthItem", {"uid", "dateOfBirth", "mainEntry"}),
    "placeOfBirthList": ("placeOfBirthItem", {"uid", "placeOfBirth", "mainEntry"}),
}
VESSEL_FIELDS = {"callSign", "vesselType", "vesselFlag", "vesselOwner", "tonnage", "grossRegisteredTonnage"}


def parse_xml(path: Path) -> ParsedList:
    namespace = root_namespace(path)
    tag = f"{{{namespace}}}" if namespace else ""
    records, keys, header = [], set(), {}
    elements = iter_records(
        path, root_tag=f"{tag}sdnList", record_tags={f"{tag}sdnEntry", f"{tag}publshInformation"},
        max_bytes=settings.IMPORT_MAX_BYTES,
    )
    for element in elements:
        if element.tag == f"{tag}publshInformation":
            header = children(element, {"Publish_Date", "Record_Count"}, namespace, "publshInformation")
            continue
        fields = children(element, ENTRY_FIELDS, namespace, "sdnEntry")
        record = xml_record(fields, namespace)
        if record.key in keys:
            raise SourceFormatError(f"sdnEntry uid {record.key} appears twice in the file.")
        keys.add(record.key)
        records.append(record)
    if not records:
        raise SourceFormatError("The file lists no sdnEntry: refusing an empty list.")
    count = text_of(header, "Record_Count")
    if count and count != str(len(records)):
        raise SourceFormatError(f"The file says it has {count} records (Record_Count) but lists {len(records)}.")
    published = month_day_year(text_of(header, "Publish_Date"), what="Publish_Date")
    return ParsedList(records=records, generated_at=published)


def root_namespace(path: Path) -> str:
    """The namespace of the root element, read safely before the whole file is parsed; known ones only."""
    try:
        for _, element in etree.iterparse(str(path), events=("start",), resolve_entities=False, no_network=True,
                                          load_dtd=False):
            namespace = etree.QName(element).namespace or ""
            break
    except etree.XMLSyntaxError:
        return ""  # iter_records reports the error with its place
    if namespace and namespace not in XML_NAMESPACES:
        raise SourceFormatError(f"The root element's namespace {namespace!r} is not one OFAC has used.")
    return namespace


def children(element, allowed: set[str], namespace: str, where: str) -> dict[str, list]:
    """Group the element's children by local name, refusing any element the list has never used."""
    return children_by_name(element, allowed, where=where, namespace=namespace,
                            importer="the OFAC importer (importers/sources/ofac_xml.py)")


def text_of(fields: dict, tag: str) -> str:
    elements = fields.get(tag)
    return clean(elements[0].text) if elements else ""


def items(fields: dict, list_tag: str, namespace: str, where: str) -> list[dict[str, str]]:
    """The items of a list element (akaList, idList, …) as dicts of cleaned texts."""
    item_tag, allowed = LIST_ITEMS[list_tag]
    found = []
    for wrapper in fields.get(list_tag, []):
        for item in children(wrapper, {item_tag}, namespace, f"{where} {list_tag}").get(item_tag, []):
            if not allowed:
                found.append({"": clean(item.text)})
                continue
            grouped = children(item, allowed, namespace, f"{where} {item_tag}")
            found.append({tag: text_of(grouped, tag) for tag in grouped})
    return found


def xml_record(fields: dict, namespace: str) -> EntityRecord:
    key = text_of(fields, "uid")
    where = f"sdnEntry {key or '(no uid)'}"
    if not re.fullmatch(r"\d{1,10}", key):
        raise SourceFormatError(f"{where}: the uid must be a number.")
    sdn_type = text_of(fields, "sdnType")
    if sdn_type.lower() not in SDN_TYPES or not sdn_type:
        raise SourceFormatError(f"{where}: unknown sdnType {sdn_type!r}.")
    programs = [item[""] for item in items(fields, "programList", namespace, where) if item[""]]
    last, first = text_of(fields, "lastName"), text_of(fields, "firstName")
    if not last or not programs:
        raise SourceFormatError(f"{where}: lastName and a program are required.")
    names = [NameData(full_name=f"{first} {last}".strip(), name_type=NameType.PRIMARY)]
    for aka in items(fields, "akaList", namespace, where):
        if aka.get("type", "").lower() not in ALIAS_TYPES or aka.get("category", "").lower() not in ALIAS_CATEGORIES:
            raise SourceFormatError(
                f"{where}: unknown aka type {aka.get('type')!r} or category {aka.get('category')!r}."
            )
        former = ALIAS_TYPES[aka["type"].lower()] == NameType.FORMER
        names.append(NameData(
            full_name=f"{aka.get('firstName', '')} {aka.get('lastName', '')}".strip(),
            name_type=NameType.FORMER if former else ALIAS_CATEGORIES[aka["category"].lower()],
            quality=aka["category"], note=aka["type"],
        ))
    facts = {
        "names": [], "gender": "", "documents": [], "information": [],
        "birth_dates": [birth_date(item["dateOfBirth"]) for item in items(fields, "dateOfBirthList", namespace, where)
                        if item.get("dateOfBirth")],
        "birth_places": [birth_place(item["placeOfBirth"])
                         for item in items(fields, "placeOfBirthList", namespace, where) if item.get("placeOfBirth")],
        "nationalities": [item["country"] for list_tag in ("nationalityList", "citizenshipList")
                          for item in items(fields, list_tag, namespace, where) if item.get("country")],
    }
    for identifier in items(fields, "idList", namespace, where):
        xml_identifier(identifier, facts)
    vessel = {}
    for element in fields.get("vesselInfo", []):
        vessel.update({tag: text_of(grouped, tag) for grouped in [children(element, VESSEL_FIELDS, namespace, where)]
                       for tag in grouped if text_of(grouped, tag)})
    if facts["information"]:
        vessel["information"] = facts["information"]
    return build_record(
        key=key, sdn_type=SDN_TYPES[sdn_type.lower()], first=first, last=last, programs=programs,
        titles=[text_of(fields, "title")] if text_of(fields, "title") else [],
        remarks=(fields["remarks"][0].text or "") if "remarks" in fields else "", names=names, facts=facts,
        addresses=[xml_address(address) for address in items(fields, "addressList", namespace, where)],
        extra=vessel,
    )


def xml_identifier(identifier: dict[str, str], facts: dict) -> None:
    """An idList entry is a gender, an identity document, or other information (kept on the listing)."""
    id_type, number = identifier.get("idType", ""), identifier.get("idNumber", "")
    if id_type == "Gender" and number.lower() in GENDERS:
        facts["gender"] = GENDERS[number.lower()]
    elif re.fullmatch(DOCUMENT_TYPE, id_type) and len(number) <= MAX_FIELD and len(id_type) <= MAX_FIELD:
        facts["documents"].append(DocumentData(
            document_type=id_type, number=number, country_of_issue=identifier.get("idCountry", ""),
            date_of_issue=day_month_year(identifier.get("issueDate", "")),
            note=f"expires {identifier['expirationDate']}" if identifier.get("expirationDate") else "",
        ))
    else:
        facts["information"].append(f"{id_type} {number}".strip())


def xml_address(address: dict[str, str]) -> PlaceData:
    return PlaceData(
        street=", ".join(address[tag] for tag in ("address1", "address2", "address3") if address.get(tag)),
        city=address.get("city", ""),
        state_province=address.get("stateOrProvince", ""),
        zip_code=address.get("postalCode", ""),
        country=address.get("country", ""),
        note=address.get("region", ""),
    )
