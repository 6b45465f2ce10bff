"""Fixed vocabularies of the registry. Code refers to these members, never to bare strings."""

from django.db import models


class EntityKind(models.TextChoices):
    PERSON = "person", "Person"
    ORGANISATION = "organisation", "Organisation"


class EntityCategory(models.TextChoices):
    """The policy category analysts assign; it decides how the platform enforces against the entity."""

    VIOLENT_EXTREMIST_ORGANISATION = "veo", "Violent extremist organisation"
    VIOLENT_EXTREMIST_INDIVIDUAL = "vei", "Violent extremist individual"
    HATEFUL_ORGANISATION = "hateful", "Hateful organisation"
    OTHER_DESIGNATED_ENTITY = "other", "Other designated entity"


class Tier(models.IntegerChoices):
    """How severely the platform enforces against a designated entity (README, "Curation")."""

    TIER_1 = 1, "Tier 1: organises or commits serious offline violence"
    TIER_2 = 2, "Tier 2: violent non-state actor targeting armed parties"
    TIER_3 = 3, "Tier 3: hateful or militarised, not yet violent"


class DesignationState(models.TextChoices):
    """
    Where an entity stands in the designation lifecycle; only ``entities.services.lifecycle`` moves it.

    proposed -> under_review -> designated -> delisted, and rejected; a delisted or rejected entity can be
    proposed again. Only designated entities are enforced against (and screened by default).
    """

    PROPOSED = "proposed", "Proposed"
    UNDER_REVIEW = "under_review", "Under review"
    DESIGNATED = "designated", "Designated"
    DELISTED = "delisted", "Delisted"
    REJECTED = "rejected", "Rejected"


class EntityStatus(models.TextChoices):
    """The API's first, two-valued status, kept for existing consumers: ``active`` means designated."""

    ACTIVE = "active", "Active"
    DELISTED = "delisted", "Delisted"


# The values of the API's `status` field: `active` for designated, else the state.
API_STATUSES = [EntityStatus.ACTIVE.value, *DesignationState.values]


class ListingStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    DELISTED = "delisted", "Delisted"


class SourcePolicy(models.TextChoices):
    """What a source's new listings do: designate at once, or wait in the review queue for an approver."""

    AUTO_DESIGNATE = "auto_designate", "Designate directly (the importer is the actor)"
    PROPOSE = "propose", "Propose: new listings wait in the review queue"


class ProposalKind(models.TextChoices):
    DESIGNATE = "designate", "Designation"
    DELIST = "delist", "Delisting"


class ProposalState(models.TextChoices):
    OPEN = "open", "Open"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


class RelationshipKind(models.TextChoices):
    """Read as "subject <kind> object": a person is leader_of a group; a new group is successor_of the old one."""

    MEMBER_OF = "member_of", "member of"
    LEADER_OF = "leader_of", "leader of"
    AFFILIATED_WITH = "affiliated_with", "affiliated with"
    FINANCIER_OF = "financier_of", "financier of"
    SUCCESSOR_OF = "successor_of", "successor of"


class RelationshipState(models.TextChoices):
    CANDIDATE = "candidate", "Candidate"
    CONFIRMED = "confirmed", "Confirmed"
    DISMISSED = "dismissed", "Dismissed"


class NameType(models.TextChoices):
    PRIMARY = "primary", "Primary name"
    ALIAS = "alias", "Alias (strong)"
    WEAK_ALIAS = "weak_alias", "Weak alias"
    FORMER = "former", "Former name"
    ORIGINAL_SCRIPT = "original_script", "Name in original script"


class DateType(models.TextChoices):
    EXACT = "exact", "Exact"
    APPROXIMATELY = "approximately", "Approximately"
    BETWEEN = "between", "Between"
    UNKNOWN = "unknown", "Not stated"


class Gender(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    UNKNOWN = "unknown", "Unknown"


class AuditAction(models.TextChoices):
    """What an audit event records. The lifecycle's transitions each have their own; any other change is UPDATED."""

    CREATED = "created", "Created"
    UPDATED = "updated", "Updated"
    PROPOSED = "proposed", "Designation proposed"
    REVIEW_STARTED = "review_started", "Review started"
    DESIGNATED = "designated", "Designated"
    REJECTED = "rejected", "Proposal rejected"
    DELISTING_PROPOSED = "delisting_proposed", "Delisting proposed"
    DELISTING_REJECTED = "delisting_rejected", "Delisting rejected"
    PROPOSAL_WITHDRAWN = "proposal_withdrawn", "Proposal withdrawn"
    DELISTED = "delisted", "Delisted"
    RELISTED = "relisted", "Re-listed"


# The reason an external client (researcher, partner) reads for each kind of event, whatever was written.
PUBLIC_REASONS = {
    AuditAction.CREATED: "Entity added to the registry.",
    AuditAction.UPDATED: "Entity data updated.",
    AuditAction.PROPOSED: "Designation proposed.",
    AuditAction.REVIEW_STARTED: "Designation under review.",
    AuditAction.DESIGNATED: "Designated after review.",
    AuditAction.REJECTED: "Proposal rejected.",
    AuditAction.DELISTING_PROPOSED: "Delisting proposed.",
    AuditAction.DELISTING_REJECTED: "Delisting rejected after review.",
    AuditAction.PROPOSAL_WITHDRAWN: "Proposal withdrawn.",
    AuditAction.DELISTED: "Delisted.",
    AuditAction.RELISTED: "Re-listed by its source.",
}


class ActorKind(models.TextChoices):
    """What kind of actor made a change: what the API shows instead of who."""

    ANALYST = "analyst", "Analyst"
    APPROVER = "approver", "Approver"
    IMPORTER = "importer", "Importer"
    SERVICE = "service", "Service"
    RESEARCHER = "researcher", "Researcher"
    PARTNER = "partner", "Expert partner"
    SYSTEM = "system", "System"


class Role(models.TextChoices):
    """The curation roles: Django groups created by a data migration (entities/migrations/0007_roles.py)."""

    VIEWER = "viewer", "Viewer: reads everything, changes nothing"
    ANALYST = "analyst", "Analyst: proposes, edits names, evidence, notes and relationships"
    APPROVER = "approver", "Approver: designates, delists and rejects (never their own proposals)"


class Audience(models.TextChoices):
    """
    Who reads an entity through the API. ``public``: external clients (researchers, partners), who see
    entities once designated, what sources published and what analysts marked public. ``internal``: the
    platform's own services (the ``internal`` scope), who also see proposals, analysts' names, notes and evidence.
    """

    PUBLIC = "public", "External clients"
    INTERNAL = "internal", "The platform's own services"
