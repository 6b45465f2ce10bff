"""Fixed vocabularies of the registry. Code refers to these members, never to bare strings."""

from django.db import models


class EntityKind(models.TextChoices):
    PERSON = "person", "Person"
    ORGANISATION = "organisation", "Organisation"


class EntityCategory(models.TextChoices):
    """The policy category analysts assign; it decides how the platform enforces against the entity."""

    VIOLENT_EXTREMIST_ORGANISATION = "veo", "Violent extremist organisation"
    VIOLENT_EXTREMIST_INDIVIDUAL = "vei", "Violent extremist individual"
    OTHER_DESIGNATED_ENTITY = "other", "Other designated entity"


class EntityStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    DELISTED = "delisted", "Delisted"


class ListingStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    DELISTED = "delisted", "Delisted"


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


class ChangeAction(models.TextChoices):
    CREATED = "created", "Created"
    UPDATED = "updated", "Updated"
    DELISTED = "delisted", "Delisted"
    RELISTED = "relisted", "Re-listed"
