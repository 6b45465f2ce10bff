import uuid

from django.db import models
from simple_history.models import HistoricalRecords

from entities.choices import EntityCategory, EntityKind, EntityStatus, Gender


class EntityQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=EntityStatus.ACTIVE)

    def with_facts(self):
        """Everything an entity page shows, in a fixed number of queries."""
        return self.prefetch_related(
            "names", "birth_dates", "birth_places", "nationalities", "addresses", "documents", "listings__source"
        )


class Entity(models.Model):
    """
    A designated person or organisation: the registry's canonical record.

    Two kinds of field live here. The *source-derived* ones (kind, name parts, gender, titles, positions,
    narrative) are rewritten whenever a source record feeding the entity changes, and are read-only in the
    admin. The *policy* ones (category, status, first listed, delisted at, analyst notes) belong to the
    analysts; an import sets them when it creates the entity and afterwards only moves ``status`` when every
    listing of the entity leaves, or comes back to, its source list.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=EntityKind.choices)
    caption = models.CharField("name", max_length=1000, help_text="The full primary name.")
    first_name = models.CharField(max_length=500, blank=True)
    second_name = models.CharField(max_length=500, blank=True)
    third_name = models.CharField(max_length=500, blank=True)
    fourth_name = models.CharField(max_length=500, blank=True)
    gender = models.CharField(max_length=10, choices=Gender.choices, blank=True)
    titles = models.JSONField(default=list, blank=True)
    positions = models.JSONField(default=list, blank=True, help_text="Designations: the positions held.")
    narrative = models.TextField(blank=True, help_text="The source's narrative summary (UN COMMENTS1).")

    category = models.CharField(max_length=20, choices=EntityCategory.choices)
    status = models.CharField(max_length=20, choices=EntityStatus.choices, default=EntityStatus.ACTIVE)
    first_listed = models.DateField(null=True, blank=True)
    delisted_at = models.DateTimeField(null=True, blank=True)
    analyst_notes = models.TextField(blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = EntityQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "entities"
        ordering = ["caption"]
        indexes = [
            models.Index(fields=["status", "category"]),
            # The API list's orderings, each with its id tie-breaker, so a page is an index range scan.
            models.Index(fields=["caption", "id"]),
            models.Index(fields=["updated_at", "id"]),
            models.Index(fields=["created_at", "id"]),
            # The list's filters on a column of its own, in its default order: a page walks only matching rows.
            models.Index(fields=["kind", "caption", "id"]),
            models.Index(fields=["status", "caption", "id"]),
            models.Index(fields=["category", "caption", "id"]),
        ]

    def __str__(self):
        return self.caption
