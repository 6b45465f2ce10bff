"""
What both of OFAC's formats become: an EntityRecord built from an entry's parts, with the facts its remarks
state (dates and places of birth, nationalities, gender, identity documents, aliases) read out of them, and
its default category by program. Used by ``ofac_sdn`` (the importer and the CSV set) and ``ofac_xml``.
"""

import re

from entities.choices import DateType, EntityCategory, EntityKind, Gender, NameType
from importers.records import (
    BirthDateData,
    CrossReference,
    DocumentData,
    EntityRecord,
    ListingData,
    NameData,
    PlaceData,
)
from importers.sources.text import (
    clean,
    clean_paragraphs,
    day_month_year,
    split_last_first,
    un_references,
)

# OFAC's counter-terrorism programs: Global Terrorism (EO 13224), Middle East peace terrorists (EO 12947),
# Foreign Terrorist Organizations (State Department), the non-SDN Palestinian Legislative Council list (Hamas
# members, under the Global Terrorism regulations) and the Hizballah International Financing Prevention Act.
# [IRGC] is left out: it marks Iran-program designations; the IRGC's own terrorism listings carry [SDGT]/[FTO].
TERRORISM_PROGRAMS = ("SDGT", "SDT", "FTO", "NS-PLC", "HIFPAA")
SDN_TYPES = {"individual": "Individual", "": "Entity", "entity": "Entity", "vessel": "Vessel", "aircraft": "Aircraft"}
ALIAS_TYPES = {"a.k.a.": NameType.ALIAS, "aka": NameType.ALIAS, "n.k.a.": NameType.ALIAS, "nka": NameType.ALIAS,
               "f.k.a.": NameType.FORMER, "fka": NameType.FORMER}
ALIAS_CATEGORIES = {"strong": NameType.ALIAS, "weak": NameType.WEAK_ALIAS}
GENDERS = {"male": Gender.MALE, "female": Gender.FEMALE}

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
