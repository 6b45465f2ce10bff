from .changes import EntityChange
from .entities import Entity
from .facts import Address, BirthDate, BirthPlace, IdentityDocument, Listing, Name, Nationality
from .sources import Source, SourceRecord

__all__ = [
    "Address",
    "BirthDate",
    "BirthPlace",
    "Entity",
    "EntityChange",
    "IdentityDocument",
    "Listing",
    "Name",
    "Nationality",
    "Source",
    "SourceRecord",
]
