from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from entities.choices import SourcePolicy


class Source(models.Model):
    """
    A list that feeds the registry, e.g. the UN Security Council Consolidated List.

    Keeps the download settings analysts may edit (URL, the delisting guard) and what the last download
    left behind (validators for a conditional GET, the last good file).
    """

    slug = models.SlugField(unique=True, help_text="The importer's name, e.g. un-sc.")
    name = models.CharField(max_length=200)
    url = models.URLField(max_length=500, blank=True, help_text="Where the list is downloaded from.")
    enabled = models.BooleanField(default=True, help_text="Scheduled imports skip a disabled source.")
    policy = models.CharField(
        max_length=20, choices=SourcePolicy.choices, default=SourcePolicy.PROPOSE,
        help_text="Whether the source's new listings designate directly, or wait in the review queue.",
    )
    programs = models.JSONField(
        default=list, blank=True,
        help_text="The programs or regimes imported (e.g. SDGT, FTO); empty: all. Listings under none of them are "
        "skipped and counted in each import run.",
    )
    max_delist_share = models.FloatField(
        default=0.25,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="An import that would delist more than this share of the active listings at once is "
        "refused unless forced: a broken download must never wipe the registry.",
    )
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    last_good_file = models.CharField(max_length=500, blank=True, editable=False)
    last_good_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    last_imported_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords(
        excluded_fields=["etag", "last_modified", "last_good_file", "last_good_sha256", "last_imported_at"]
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class SourceRecord(models.Model):
    """
    One record exactly as a source published it, the provenance of the facts it feeds.

    ``source_key`` identifies the record within its source for good (the UN reference number); the
    source's own record id (``external_id``, the UN DATAID) can change under it. ``payload`` keeps
    everything the parser read, ``content_hash`` tells an import whether anything changed.
    """

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="records")
    source_key = models.CharField(max_length=200)
    external_id = models.CharField(max_length=100, blank=True)
    entity = models.ForeignKey("entities.Entity", on_delete=models.PROTECT, related_name="source_records")
    payload = models.JSONField()
    content_hash = models.CharField(max_length=64)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    removed_at = models.DateTimeField(null=True, blank=True, help_text="When the source stopped publishing it.")

    history = HistoricalRecords(excluded_fields=["last_seen"])

    class Meta:
        ordering = ["source", "source_key"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_key"], name="unique_source_record_key"),
        ]

    def __str__(self):
        return f"{self.source.slug}:{self.source_key}"
