"""
Entities as FollowTheMoney (FtM) entities, the data model of the OpenSanctions ecosystem.

Each registry entity becomes a Person or Organization, and each of its listings a Sanction pointing at
it, so tools that read OpenSanctions data (yente, nomenklatura, Aleph) can read the registry's export.
"""

from entities.choices import DateType, EntityCategory, EntityKind, NameType

AUTHORITIES = {"un-sc": "United Nations Security Council"}
NAME_PROPERTIES = {
    NameType.PRIMARY: "name",
    NameType.ALIAS: "alias",
    NameType.WEAK_ALIAS: "weakAlias",
    NameType.FORMER: "previousName",
    NameType.ORIGINAL_SCRIPT: "alias",
}
TERROR_CATEGORIES = {EntityCategory.VIOLENT_EXTREMIST_ORGANISATION, EntityCategory.VIOLENT_EXTREMIST_INDIVIDUAL}


def ftm_id(entity_id) -> str:
    return f"der-{entity_id}"


def ftm_entities(document: dict) -> list[dict]:
    """The FtM entities (as dicts) for one entity document from ``entities.selectors``."""
    is_person = document["kind"] == EntityKind.PERSON
    props: dict[str, list[str]] = {"topics": ["sanction"]}
    if document["category"] in TERROR_CATEGORIES:
        props["topics"].append("crime.terror")
    for name in document["names"]:
        _add(props, NAME_PROPERTIES[name["type"]], name["name"])
    _add(props, "notes", document["narrative"])
    countries = [n["country_code"].lower() for n in document["nationalities"] if n["country_code"]]
    for address in document["addresses"]:
        _add(props, "address", ", ".join(filter(None, [address[f] for f in ("street", "city", "state_province",
                                                                              "zip_code", "country")])))
        if address["country_code"]:
            _add(props, "country", address["country_code"].lower())
    if is_person:
        for code in countries:
            _add(props, "nationality", code)
        for title in document["titles"]:
            _add(props, "title", title)
        for position in document["positions"]:
            _add(props, "position", position)
        if document["gender"] in ("male", "female"):
            _add(props, "gender", document["gender"])
        for birth in document["birth_dates"]:
            for value in _birth_dates(birth):
                _add(props, "birthDate", value)
        for place in document["birth_places"]:
            _add(props, "birthPlace", ", ".join(filter(None, [place["city"], place["state_province"],
                                                                place["country"]])))
        for doc in document["documents"]:
            prop = "passportNumber" if "passport" in (doc["type"] + doc["type_detail"]).lower() else "idNumber"
            _add(props, prop, doc["number"])
    else:
        for code in countries:
            _add(props, "country", code)
    entity = {"id": ftm_id(document["id"]), "schema": "Person" if is_person else "Organization", "properties": props}
    return [entity, *(_sanction(document, listing, index) for index, listing in enumerate(document["listings"]))]


def _sanction(document, listing, index) -> dict:
    props = {"entity": [ftm_id(document["id"])], "program": [listing["regime"]]}
    _add(props, "authority", AUTHORITIES.get(listing["source"], listing["source"]))
    _add(props, "authorityId", listing["reference_number"])
    if listing["source"] == "un-sc":
        _add(props, "unscId", listing["reference_number"])
    if listing["listed_on"]:
        _add(props, "listingDate", listing["listed_on"].isoformat())
        _add(props, "startDate", listing["listed_on"].isoformat())
    if listing["delisted_at"]:
        _add(props, "endDate", listing["delisted_at"].date().isoformat())
    _add(props, "status", listing["status"])
    return {"id": f"{ftm_id(document['id'])}-sanction-{index}", "schema": "Sanction", "properties": props}


def _birth_dates(birth) -> list[str]:
    if birth["type"] == DateType.BETWEEN and birth["from_year"] and birth["to_year"]:
        return [str(year) for year in range(birth["from_year"], birth["to_year"] + 1)]
    if birth["date"]:
        return [birth["date"].isoformat()]
    return [str(birth["year"])] if birth["year"] else []


def _add(props: dict, prop: str, value):
    value = (value or "").strip() if isinstance(value, str) else value
    if value and value not in props.setdefault(prop, []):
        props[prop].append(value)
