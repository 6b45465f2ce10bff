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
"""

import csv
import io
import re
from pathlib import Path

from django.conf import settings
from lxml import etree

from entities.choices import DateType, EntityCategory, EntityKind, Gender, NameType
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
    day_month_year,
    month_day_year,
    split_last_first,
    un_references,
)
from importers.xmlsafe import iter_records

# OFAC's counter-terrorism programs: Global Terrorism (EO 13224), Middle East peace terrorists (EO 12947),
# Foreign Terrorist Organizations (State Department), the non-SDN Palestinian Legislative Council list (Hamas
# members, under the Global Terrorism regulations) and the Hizballah International Financing Prevention Act.
# [IRGC] is left out: it marks Iran-program designations; the IRGC's own terrorism listings carry [SDGT]/[FTO].
TERRORISM_PROGRAMS = ("SDGT", "SDT", "FTO", "NS-PLC", "HIFPAA")
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
SDN_TYPES = {"individual": "Individual", "": "Entity", "entity": "Entity", "vessel": "Vessel", "aircraft": "Aircraft"}
ALIAS_TYPES = {"a.k.a.": NameType.ALIAS, "aka": NameType.ALIAS, "n.k.a.": NameType.ALIAS, "nka": NameType.ALIAS,
               "f.k.a.": NameType.FORMER, "fka": NameType.FORMER}
ALIAS_CATEGORIES = {"strong": NameType.ALIAS, "weak": NameType.WEAK_ALIAS}
GENDERS = {"male": Gender.MALE, "female": Gender.FEMALE}

# The CSV files, by their number of columns.
PRIMARY, ADDRESSES, ALIASES, COMMENTS = 12, 6, 5, 2
SHAPES = {PRIMARY: "sdn.csv", ADDRESSES: "add.csv", ALIASES: "alt.csv", COMMENTS: "sdn_comments.csv"}
VESSEL_COLUMNS = ("Call_Sign", "Vess_type", "Tonnage", "GRT", "Vess_flag", "Vess_owner")

# An identity document or other identifier in the remarks: "Passport A123 (Iran) issued 01 Jan 2001 expires
# 01 Jan 2011", "Tax ID No. 7701 (Russia)", "Website http://…". Its type ends with one of these words.
DOCUMENT_TYPE = (
    r"[^0-9;]*(?:\b(?:Passport|ID|No\.|Number|Identification|License|Card|Code \(USCC\)|D\.N\.I\.|C\.U\.I\.T\.|"
    r"C\.U\.R\.P\.|R\.F\.C\.|SSN|SWIFT/BIC|MMSI|ISIN|Website|Email Address|Digital Currency Address - \w+)|#)"
)
DOCUMENT = re.compile(
    rf"(?P<type>{DOCUMENT_TYPE})\s+(?P<number>[^()]+?)(?:\s+\((?P<country>[^()]+)\))?"
    r"(?:\s+issued (?P<issued>\d{1,2} \w{3} \d{4}))?(?:\s+expires (?P<expires>\d{1,2} \w{3} \d{4}))?"
)
REMARK = re.compile(  # one phrase of the remarks, by the fact it states
    r"DOB:?\s+(?P<dob>.+)|POB:?\s+(?P<pob>.+)|(?:nationality|citizen)\s+(?P<nationality>.+)|"
    r"Gender\s+(?P<gender>Male|Female)|(?P<aka>[afn])\.k\.a\.,?\s+'(?P<alias>.+)'"
)
MAX_FIELD = 200  # the registry's document and place columns


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


def person_name(name: str) -> str:
    last, first = split_last_first(name)
    return f"{first} {last}".strip()


def remark_facts(remarks: str) -> dict:
    """
    The facts in OFAC's remarks, phrases separated by ";": "DOB 01 Jan 1970; alt. DOB 1971; POB Gaza;
    nationality Iran; citizen Iraq; Gender Male; Passport A123 (Iran); a.k.a. 'X'; f.k.a. 'Y'". The a.k.a.s
    in remarks are OFAC's weak aliases (its strong ones are in alt.csv). Phrases that are no fact stay only in
    the narrative.
    """
    facts = {"names": [], "birth_dates": [], "birth_places": [], "nationalities": [], "documents": [], "gender": ""}
    for phrase in re.split(r";\s+", remarks.strip().rstrip(".")):
        phrase = phrase.strip().removeprefix("alt. ")
        found = REMARK.fullmatch(phrase)
        if found and found["dob"]:
            facts["birth_dates"].append(birth_date(found["dob"]))
        elif found and found["pob"]:
            facts["birth_places"].append(birth_place(found["pob"]))
        elif found and found["nationality"]:
            facts["nationalities"].append(found["nationality"])
        elif found and found["gender"]:
            facts["gender"] = GENDERS[found["gender"].lower()]
        elif found and found["aka"]:
            name_type = NameType.FORMER if found["aka"] == "f" else NameType.WEAK_ALIAS
            facts["names"].append(NameData(full_name=found["alias"], name_type=name_type, quality="weak"))
        elif not phrase.startswith("Linked To") and (found := DOCUMENT.fullmatch(phrase)):
            if len(found.group("number")) <= MAX_FIELD:
                facts["documents"].append(DocumentData(
                    document_type=clean(found.group("type")), number=found.group("number"),
                    country_of_issue=found.group("country") or "",
                    date_of_issue=day_month_year(found.group("issued") or ""),
                    note=f"expires {found.group('expires')}" if found.group("expires") else "",
                ))
    return facts


def birth_date(text: str) -> BirthDateData:
    """A date of birth as OFAC writes it: "01 Jan 1970", "Jan 1970", "1970", "circa 1970", "1968 to 1970"."""
    text = clean(text).rstrip(".")
    plain = re.sub(r"^circa\s+", "", text)
    date_type = DateType.APPROXIMATELY if plain != text else DateType.EXACT
    if full := day_month_year(plain):
        return BirthDateData(date_type=date_type, date=full, year=int(full[:4]))
    if re.fullmatch(r"\d{4}", plain):
        return BirthDateData(date_type=date_type, year=int(plain))
    if found := re.fullmatch(r"[A-Za-z]{3,9} (\d{4})", plain):
        return BirthDateData(date_type=date_type, year=int(found.group(1)), note=text)
    if found := re.fullmatch(r"(?:.*\D)?(\d{4})\s*(?:to|-)\s*(?:.*\D)?(\d{4})", plain):
        note = "" if re.fullmatch(r"\d{4} to \d{4}", text) else text
        return BirthDateData(date_type=DateType.BETWEEN, from_year=int(found.group(1)),
                             to_year=int(found.group(2)), note=note)
    return BirthDateData(date_type=DateType.UNKNOWN, note=text[:MAX_FIELD])


def birth_place(text: str) -> PlaceData:
    """"Culiacan, Sinaloa, Mexico" -> city, state/province, country; a place without commas is kept as a note."""
    parts = [part.strip() for part in clean(text).rstrip(".").split(",") if part.strip()]
    if len(parts) < 2 or any(len(part) > MAX_FIELD for part in parts):
        return PlaceData(note=clean(text))
    return PlaceData(city=parts[0], state_province=", ".join(parts[1:-1]), country=parts[-1])


def build_record(*, key, sdn_type, first, last, programs, titles, remarks, names, facts, addresses, extra):
    is_person = sdn_type == "Individual"
    kind = EntityKind.PERSON if is_person else EntityKind.ORGANISATION
    listing = ListingData(
        regime=programs[0],
        reference_number=key,
        list_type=sdn_type,
        programs=tuple(programs),
        cross_references=tuple(
            CrossReference(source="un-sc", reference=reference, text=phrase)
            for reference, phrase in un_references(remarks)
        ),
        extra=extra,
    )
    return EntityRecord(
        key=key,
        kind=kind,
        caption=f"{first} {last}".strip(),
        category=default_category(kind, programs),
        first_name=first,
        second_name=last if first else "",
        gender=facts["gender"],
        gender_raw=facts["gender"].label if facts["gender"] else "",
        titles=tuple(titles),
        narrative=clean_paragraphs(remarks),
        names=tuple(names),
        birth_dates=tuple(dict.fromkeys(facts["birth_dates"])),
        birth_places=tuple(dict.fromkeys(facts["birth_places"])),
        nationalities=tuple(dict.fromkeys(facts["nationalities"])),
        addresses=tuple(addresses),
        documents=tuple(dict.fromkeys(facts["documents"])),
        listings=(listing,),
    )


def default_category(kind: str, programs: list[str]) -> str:
    if not {program.upper() for program in programs} & set(TERRORISM_PROGRAMS):
        return EntityCategory.OTHER_DESIGNATED_ENTITY
    if kind == EntityKind.PERSON:
        return EntityCategory.VIOLENT_EXTREMIST_INDIVIDUAL
    return EntityCategory.VIOLENT_EXTREMIST_ORGANISATION


# --- The sdnList XML -----------------------------------------------------------------------------------------


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
    grouped: dict[str, list] = {}
    for child in element:
        name = etree.QName(child)
        if (name.namespace or "") != namespace or name.localname not in allowed:
            raise SourceFormatError(
                f"{where}: unexpected element <{name.localname}>. The list's format has changed; "
                "the OFAC importer (importers/sources/ofac_sdn.py) needs updating."
            )
        grouped.setdefault(name.localname, []).append(child)
    return grouped


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
