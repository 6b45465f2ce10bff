from .changes import EntityChange
from .documents import EntityDocument
from .entities import Entity
from .facts import Address, BirthDate, BirthPlace, IdentityDocument, Listing, Name, Nationality
from .sources import Source, SourceRecord

__all__ = [
    "Address",
    "BirthDate",
    "BirthPlace",
    "Entity",
    "EntityChange",
    "EntityDocument",
    "IdentityDocument",
    "Listing",
    "Name",
    "Nationality",
    "Source",
    "SourceRecord",
]
