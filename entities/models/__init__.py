from .audit import AuditEvent
from .curation import Evidence, Proposal, Relationship
from .documents import EntityDocument
from .entities import Entity
from .facts import Address, BirthDate, BirthPlace, IdentityDocument, Listing, Name, Nationality
from .sources import Source, SourceRecord

__all__ = [
    "Address",
    "AuditEvent",
    "BirthDate",
    "BirthPlace",
    "Entity",
    "EntityDocument",
    "Evidence",
    "IdentityDocument",
    "Listing",
    "Name",
    "Nationality",
    "Proposal",
    "Relationship",
    "Source",
    "SourceRecord",
]
