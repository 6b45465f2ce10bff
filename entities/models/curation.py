"""What analysts curate around an entity: proposals waiting for a decision, evidence, relationships."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from entities.choices import ProposalKind, ProposalState, RelationshipKind, RelationshipState


class ProposalQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state=ProposalState.OPEN)


class Proposal(models.Model):
    """
    A designation or a delisting waiting for an approver: the review queue.

    Made by an analyst (also when accepting an expert partner's submission), or by an importer (a source whose
    policy is to propose, or a source delisting an entity that still has other grounds). ``proposed_by`` is
    the person who made it, if a person did: four-eyes compares the deciding approver with them. Decided or
    withdrawn, it stays.
    """

    entity = models.ForeignKey("entities.Entity", on_delete=models.PROTECT, related_name="proposals")
    kind = models.CharField(max_length=20, choices=ProposalKind.choices)
    state = models.CharField(max_length=20, choices=ProposalState.choices, default=ProposalState.OPEN)
    reason = models.TextField(help_text="Internal: why it was proposed.")
    proposer_kind = models.CharField(max_length=120, help_text="analyst, importer:<source>, partner, …")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField()
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", help_text="The approver who started the review.")
    review_started_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True, help_text="e.g. the source listing that left.")

    history = HistoricalRecords()
    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["state", "created_at"])]
        constraints = [
            # One open proposal of each kind per entity: a second would be decided twice.
            models.UniqueConstraint(fields=["entity", "kind"], condition=models.Q(state="open"),
                                    name="one_open_proposal_per_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.entity} ({self.get_state_display()})"


class Evidence(models.Model):
    """
    Why an entity is designated: a captured page or document, the behaviour it shows and where (on the
    platform or off it). Internal unless an analyst marks it public; never deleted without its history.
    """

    entity = models.ForeignKey("entities.Entity", on_delete=models.CASCADE, related_name="evidence")
    url = models.URLField(max_length=2000)
    title = models.CharField(max_length=500)
    summary = models.TextField(blank=True)
    on_platform = models.BooleanField(help_text="The behaviour was seen on the platform (not elsewhere).")
    captured_at = models.DateField(help_text="When the evidence was captured.")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", editable=False)
    added_at = models.DateTimeField(auto_now_add=True)
    public = models.BooleanField(default=False, help_text="Shown to external clients (researchers, partners).")
    submission = models.ForeignKey("partners.Submission", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", help_text="The expert partner's submission it came from.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-captured_at", "id"]
        verbose_name_plural = "evidence"

    def __str__(self):
        return self.title


class Relationship(models.Model):
    """
    "subject <kind> object" between two entities, with dates and where it comes from: a source record (a UN
    narrative citing another listing: a candidate until an analyst confirms it) or an analyst. Only
    confirmed relationships reach the API.
    """

    subject = models.ForeignKey("entities.Entity", on_delete=models.CASCADE, related_name="relationships_out")
    kind = models.CharField(max_length=20, choices=RelationshipKind.choices)
    object = models.ForeignKey("entities.Entity", on_delete=models.CASCADE, related_name="relationships_in")
    state = models.CharField(max_length=20, choices=RelationshipState.choices, default=RelationshipState.CANDIDATE)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    source_record = models.ForeignKey("entities.SourceRecord", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", help_text="Empty when an analyst added it.")
    basis = models.TextField(blank=True, help_text="The source's words it was derived from, or the analyst's note.")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "kind", "object"], name="unique_relationship"),
            models.CheckConstraint(condition=~models.Q(subject=models.F("object")), name="relationship_not_self"),
        ]

    def __str__(self):
        return f"{self.subject} {self.get_kind_display()} {self.object}"
