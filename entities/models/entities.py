import uuid

from django.db import models
from simple_history.models import HistoricalRecords

from entities.choices import DesignationState, EntityCategory, EntityKind, Gender, Tier


class EntityQuerySet(models.QuerySet):
    def designated(self):
        return self.filter(state=DesignationState.DESIGNATED)

    def public(self):
        """What external clients (researchers, partners) may see: entities that were designated at some point."""
        return self.filter(first_designated_at__isnull=False)

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
    admin. The *policy* ones (category, tier, first listed, analyst notes) belong to the
    analysts; an import sets them when it creates the entity.

    ``state`` is the designation lifecycle (``DesignationState``): it moves only through the services of
    ``entities.services.lifecycle``, each transition with an actor, a reason and an audit event, and
    designating, delisting or rejecting needs an approver other than the proposer (four-eyes).
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
    tier = models.PositiveSmallIntegerField(choices=Tier.choices, null=True, blank=True)
    state = models.CharField(max_length=20, choices=DesignationState.choices, default=DesignationState.PROPOSED,
                             editable=False)
    first_designated_at = models.DateTimeField(
        null=True, blank=True, editable=False,
        help_text="When it was first designated; external clients see only entities designated at some point.",
    )
    first_listed = models.DateField(null=True, blank=True)
    delisted_at = models.DateTimeField(null=True, blank=True, editable=False)
    analyst_notes = models.TextField(blank=True, help_text="Internal: never shown outside the platform.")

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = EntityQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "entities"
        ordering = ["caption"]
        permissions = [
            ("propose_entity", "Can propose designations and delistings"),
            ("decide_entity", "Can designate, delist and reject (never one's own proposal)"),
        ]
        indexes = [
            models.Index(fields=["state", "category"]),
            # The API list's orderings, each with its id tie-breaker, so a page is an index range scan.
            models.Index(fields=["caption", "id"]),
            models.Index(fields=["updated_at", "id"]),
            models.Index(fields=["created_at", "id"]),
            # The list's filters on a column of its own, in its default order: a page walks only matching rows.
            models.Index(fields=["kind", "caption", "id"]),
            models.Index(fields=["state", "caption", "id"]),
            models.Index(fields=["category", "caption", "id"]),
        ]

    def __str__(self):
        return self.caption

    @property
    def status(self) -> str:
        """The API's first, two-valued status: ``active`` while designated, else the state."""
        return api_status(self.state)


def api_status(state: str) -> str:
    return "active" if state == DesignationState.DESIGNATED else state
