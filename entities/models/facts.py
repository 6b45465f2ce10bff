"""
Facts about an entity: names, dates and places of birth, nationalities, addresses, documents, listings.

Each fact row records the source record it came from. A fact with no source record was entered by an
analyst (from an expert partner's submission, when ``submission`` says so); imports rewrite only the facts
of the source record that changed, so analysts' facts survive every import. What an analyst enters is
internal (the platform's own services and the admin see it) unless they mark it ``public``; whatever a
source published is public.
"""

from django.db import models
from django.db.models.functions import Upper
from simple_history.models import HistoricalRecords

from entities.choices import DateType, ListingStatus, NameType


def entity_fk(related_name):
    return models.ForeignKey("entities.Entity", on_delete=models.CASCADE, related_name=related_name)


def submission_fk():
    """On the facts a partner can submit (names, dates of birth, nationalities): the submission it came from."""
    return models.ForeignKey("partners.Submission", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", help_text="The expert partner's submission it came from, if one did.")


class EntityFact(models.Model):
    source_record = models.ForeignKey(
        "entities.SourceRecord",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Where this fact came from; empty when an analyst entered it.",
    )
    public = models.BooleanField(
        default=False, db_default=False,  # bulk writers that name no column (COPY) get internal too
        help_text="An analyst's item is internal unless marked public (source facts are always public).",
    )

    class Meta:
        abstract = True

    @property
    def is_public(self) -> bool:
        return self.source_record_id is not None or self.public


class Name(EntityFact):
    """One name of an entity, typed: primary, strong or weak alias, former name, or the original script."""

    entity = entity_fk("names")
    submission = submission_fk()

    name_type = models.CharField(max_length=20, choices=NameType.choices)
    full_name = models.CharField(max_length=1000)
    quality = models.CharField(max_length=20, blank=True, help_text="The source's own alias quality, as given.")
    note = models.TextField(blank=True)
    # The UN gives some aliases their own birth details.
    date_of_birth = models.CharField(max_length=200, blank=True)
    city_of_birth = models.CharField(max_length=200, blank=True)
    country_of_birth = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["full_name"])]

    def __str__(self):
        return f"{self.full_name} ({self.get_name_type_display()})"


class BirthDate(EntityFact):
    """A date of birth in any of the forms sources use: exact, year only, approximately, between two years."""

    entity = entity_fk("birth_dates")
    submission = submission_fk()

    date_type = models.CharField(max_length=20, choices=DateType.choices)
    date = models.DateField(null=True, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    from_year = models.PositiveSmallIntegerField(null=True, blank=True)
    to_year = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]

    def __str__(self):
        if self.date_type == DateType.BETWEEN:
            text = f"between {self.from_year} and {self.to_year}"
        else:
            text = str(self.date or self.year or "")
            if self.date_type == DateType.APPROXIMATELY:
                text = f"approximately {text}"
        return f"{text} ({self.note})" if self.note else text


class Place(EntityFact):
    street = models.CharField(max_length=500, blank=True)
    city = models.CharField(max_length=200, blank=True)
    state_province = models.CharField(max_length=200, blank=True)
    zip_code = models.CharField(max_length=50, blank=True)
    country = models.CharField(max_length=200, blank=True, help_text="As the source wrote it.")
    country_code = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2, where one applies.")
    note = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["id"]

    def __str__(self):
        parts = [self.street, self.city, self.state_province, self.zip_code, self.country]
        return ", ".join(part for part in parts if part) or self.note


class BirthPlace(Place):
    """A place of birth."""

    entity = entity_fk("birth_places")

    history = HistoricalRecords()


class Address(Place):
    """A known address or location."""

    entity = entity_fk("addresses")

    history = HistoricalRecords()

    class Meta(Place.Meta):
        verbose_name_plural = "addresses"


class Nationality(EntityFact):
    """A nationality: the country as the source wrote it and its ISO code where one applies."""

    entity = entity_fk("nationalities")
    submission = submission_fk()

    country = models.CharField(max_length=200)
    country_code = models.CharField(max_length=2, blank=True, db_index=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "nationalities"
        indexes = [models.Index(fields=["country_code", "entity"])]  # the API's nationality filter

    def __str__(self):
        return self.country


class IdentityDocument(EntityFact):
    """A passport, national identity number or other identity document."""

    entity = entity_fk("documents")

    document_type = models.CharField(max_length=200, blank=True)
    document_type_detail = models.CharField(max_length=500, blank=True)
    number = models.CharField(max_length=200, blank=True)
    issuing_country = models.CharField(max_length=200, blank=True)
    country_of_issue = models.CharField(max_length=200, blank=True)
    city_of_issue = models.CharField(max_length=200, blank=True)
    date_of_issue = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = "identity document"

    def __str__(self):
        return " ".join(part for part in [self.document_type or self.document_type_detail, self.number] if part)


class Listing(EntityFact):
    """
    One designation of the entity on a source's list, e.g. the UN's Al-Qaida regime under QDi.001.

    The reference number identifies the listing within its source; a listing is never deleted: when the
    source drops it, it is marked delisted with the date, and a re-listing re-activates the same row.
    """

    entity = entity_fk("listings")

    source = models.ForeignKey("entities.Source", on_delete=models.PROTECT, related_name="listings")
    regime = models.CharField(max_length=100, help_text="The sanctions regime or list type, e.g. Al-Qaida.")
    list_type = models.CharField(max_length=100, blank=True)
    reference_number = models.CharField(max_length=100)
    listed_on = models.DateField(null=True, blank=True)
    last_updated = models.JSONField(default=list, blank=True, help_text="Dates the source last amended it.")
    external_id = models.CharField(max_length=100, blank=True, help_text="The source's own record id (UN DATAID).")
    version = models.CharField(max_length=50, blank=True)
    programs = models.JSONField(default=list, blank=True, help_text="Every program, when the source gives several.")
    cross_references = models.JSONField(
        default=list, blank=True,
        help_text='Other lists\' listings the source cites: [{"source": "un-sc", "reference": …, "text": …}].',
    )
    status = models.CharField(max_length=20, choices=ListingStatus.choices, default=ListingStatus.ACTIVE)
    delisted_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "reference_number"], name="unique_listing_reference"),
        ]
        # The API's regime filter is case-insensitive: UPPER(regime).
        indexes = [models.Index(fields=["regime"]), models.Index(Upper("regime"), name="listing_regime_upper"),
                   models.Index(Upper("reference_number"), name="listing_reference_upper")]  # `q`, iexact

    def __str__(self):
        return f"{self.reference_number} ({self.regime})"
