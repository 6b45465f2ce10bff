"""
The shape every source module parses its list into, whatever the source's own format.

Source modules build these plain dataclasses and never touch the ORM; the shared sync service turns them
into registry rows. ``EntityRecord.payload()`` is what the registry keeps as the source record, so it holds
everything the source said, not only what the entity tables use.
"""

import dataclasses
import functools
import hashlib
import json
from dataclasses import dataclass, field


@dataclass(frozen=True)
class NameData:
    full_name: str
    name_type: str  # entities.choices.NameType
    quality: str = ""
    note: str = ""
    date_of_birth: str = ""
    city_of_birth: str = ""
    country_of_birth: str = ""


@dataclass(frozen=True)
class BirthDateData:
    date_type: str  # entities.choices.DateType
    date: str = ""  # ISO 8601 date when the source gives a full date
    year: int | None = None
    from_year: int | None = None
    to_year: int | None = None
    note: str = ""


@dataclass(frozen=True)
class PlaceData:
    street: str = ""
    city: str = ""
    state_province: str = ""
    zip_code: str = ""
    country: str = ""
    note: str = ""


@dataclass(frozen=True)
class DocumentData:
    document_type: str = ""
    document_type_detail: str = ""
    number: str = ""
    issuing_country: str = ""
    country_of_issue: str = ""
    city_of_issue: str = ""
    date_of_issue: str = ""
    note: str = ""


@dataclass(frozen=True)
class CrossReference:
    """Another list's listing a source cites for this one: the UK's "UN REF:QE.A.146.14", say."""

    source: str  # the cited list, by the slug this registry gives it ("un-sc", "ofac-sdn", …)
    reference: str  # the cited reference as the source wrote it, tidied ("QE.A.146.14")
    text: str = ""  # the source's words that cite it


@dataclass(frozen=True)
class ListingData:
    regime: str  # the program or regime the listing is under (the first, when the source gives several)
    reference_number: str
    list_type: str = ""
    listed_on: str = ""  # ISO 8601 date
    listed_on_raw: str = ""  # as the source wrote it, when that differs
    last_updated: tuple[str, ...] = ()
    external_id: str = ""
    version: str = ""
    extra: dict = field(default_factory=dict)  # source fields with no column of their own
    programs: tuple[str, ...] = ()  # every program or regime, when the source gives several (OFAC's SDGT, FTO)
    cross_references: tuple[CrossReference, ...] = ()

    @property
    def all_programs(self) -> tuple[str, ...]:
        return self.programs or ((self.regime,) if self.regime else ())


# Fields added to ListingData after lists were imported: left out of the payload while empty, so that adding
# one does not change the content hash of every record already imported (and re-write them all).
LATER_LISTING_FIELDS = ("programs", "cross_references")


@dataclass(frozen=True)
class EntityRecord:
    """One entity as one source publishes it. ``key`` identifies it within the source for good."""

    key: str
    kind: str  # entities.choices.EntityKind
    caption: str
    category: str  # entities.choices.EntityCategory: the default an import gives a new entity
    first_name: str = ""
    second_name: str = ""
    third_name: str = ""
    fourth_name: str = ""
    gender: str = ""  # entities.choices.Gender, or "" when not stated
    gender_raw: str = ""
    titles: tuple[str, ...] = ()
    positions: tuple[str, ...] = ()
    narrative: str = ""
    names: tuple[NameData, ...] = ()
    birth_dates: tuple[BirthDateData, ...] = ()
    birth_places: tuple[PlaceData, ...] = ()
    nationalities: tuple[str, ...] = ()
    addresses: tuple[PlaceData, ...] = ()
    documents: tuple[DocumentData, ...] = ()
    listings: tuple[ListingData, ...] = ()

    def payload(self) -> dict:
        payload = plain(self)
        for listing in payload["listings"]:
            for name in LATER_LISTING_FIELDS:
                if not listing[name]:
                    del listing[name]
        return payload

    def content_hash(self) -> str:
        canonical = json.dumps(self.payload(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    @property
    def external_id(self) -> str:
        return self.listings[0].external_id if self.listings else ""

    @property
    def programs(self) -> set[str]:
        """Every program or regime it is listed under: what a source's scope is checked against."""
        return {program for listing in self.listings for program in listing.all_programs}


def plain(value):
    """
    ``value`` with its dataclasses as dicts and its tuples as lists, as JSON holds them. ``dataclasses.asdict``
    does the same but deep-copies every value on the way, which was most of a no-op import of a large list.
    """
    if dataclasses.is_dataclass(value):
        return {name: plain(getattr(value, name)) for name in field_names(type(value))}
    if isinstance(value, tuple | list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


@functools.cache
def field_names(cls) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(cls))


@dataclass(frozen=True)
class ParsedList:
    """A whole source file, parsed and validated."""

    records: list[EntityRecord]
    generated_at: str = ""  # the source's own timestamp for the file, as written
