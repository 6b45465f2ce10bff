"""Turning a parsed EntityRecord into unsaved registry rows: the entity's fields, its facts, its listings."""

from datetime import date

from entities.countries import country_code
from entities.models import Address, BirthDate, BirthPlace, IdentityDocument, Listing, Name, Nationality, SourceRecord
from importers.records import EntityRecord, PlaceData

FACT_MODELS = (Name, BirthDate, BirthPlace, Nationality, Address, IdentityDocument)
SOURCE_FIELDS = (
    "kind", "caption", "first_name", "second_name", "third_name", "fourth_name", "gender", "titles", "positions",
    "narrative",
)
LISTING_FIELDS = ("regime", "list_type", "listed_on", "last_updated", "external_id", "version", "programs",
                  "cross_references")


def entity_fields(record: EntityRecord) -> dict:
    """The source-derived fields of the entity a record feeds."""
    fields = {field: getattr(record, field) for field in SOURCE_FIELDS}
    fields["titles"] = list(record.titles)
    fields["positions"] = list(record.positions)
    return fields


def first_listed(record: EntityRecord) -> date | None:
    dates = [date.fromisoformat(listing.listed_on) for listing in record.listings if listing.listed_on]
    return min(dates, default=None)


def build_listings(source_record: SourceRecord, record: EntityRecord) -> list[Listing]:
    return [
        Listing(
            entity_id=source_record.entity_id,
            source_record=source_record,
            source_id=source_record.source_id,
            regime=listing.regime,
            list_type=listing.list_type,
            reference_number=listing.reference_number,
            listed_on=date.fromisoformat(listing.listed_on) if listing.listed_on else None,
            last_updated=list(listing.last_updated),
            external_id=listing.external_id,
            version=listing.version,
            programs=list(listing.programs),
            cross_references=[vars(reference) for reference in listing.cross_references],
        )
        for listing in record.listings
    ]


def build_facts(source_record: SourceRecord, record: EntityRecord) -> dict[type, list]:
    """The fact rows one record gives its entity, unsaved, keyed by model."""
    common = {"entity_id": source_record.entity_id, "source_record": source_record}
    return {
        Name: [Name(**common, **vars(name)) for name in record.names],
        BirthDate: [
            BirthDate(**common, **{**vars(birth), "date": _date(birth.date)}) for birth in record.birth_dates
        ],
        BirthPlace: [BirthPlace(**common, **place_fields(place)) for place in record.birth_places],
        Nationality: [
            Nationality(**common, country=country, country_code=country_code(country))
            for country in record.nationalities
        ],
        Address: [Address(**common, **place_fields(place)) for place in record.addresses],
        IdentityDocument: [
            IdentityDocument(**common, **{**vars(doc), "date_of_issue": _date(doc.date_of_issue)})
            for doc in record.documents
        ],
    }


def fact_key(fact) -> tuple:
    """What a fact says, whatever its row id: two facts with the same key are the same fact."""
    ignored = ("id", "source_record")
    return tuple(getattr(fact, field.attname) for field in fact._meta.concrete_fields if field.name not in ignored)


def place_fields(place: PlaceData) -> dict:
    return {**vars(place), "country_code": country_code(place.country)}


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None
