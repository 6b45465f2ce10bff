"""
Expert partners (civil-society organisations, researchers, local experts), their people, and what they submit.

A partner's users log in to the portal at /partners/ and its API clients (kind ``partner``, scope ``submit``)
call /api/v1/submissions/; both see their own organisation's submissions and nothing else. A submission
keeps what the partner sent as they sent it; what the registry makes of it (a proposal, names and evidence
on an entity) records the submission it came from.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from entities.choices import EntityKind
from entities.services.common import is_public
from partners.choices import MessageAuthor, SubmissionAction, SubmissionRequest, SubmissionStatus


class Partner(models.Model):
    name = models.CharField(max_length=200, unique=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code of its base.")
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(help_text="Where status notifications go (and to the submitting user).")
    active = models.BooleanField(default=True, help_text="An inactive partner's users and clients cannot submit.")
    notes = models.TextField(blank=True, help_text="Internal: never shown to the partner.")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class PartnerMember(models.Model):
    """A person of a partner organisation: a portal login, never admin access."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_membership")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="members")

    class Meta:
        verbose_name = "portal user"

    def __str__(self):
        return f"{self.user} ({self.partner})"


class SubmissionQuerySet(models.QuerySet):
    def of(self, partner):
        """A partner's own submissions: the only ones anything partner-facing may read."""
        return self.filter(partner=partner)


class Submission(models.Model):
    """
    One proposed entity (or information about, or the delisting of, an existing one) from a partner.

    Its id is random, so that ids say nothing about other partners' submissions. ``matches`` (the registry's
    likely matches, from screening), ``internal_reason`` and who handled it are internal; ``public_outcome`` is
    what the partner reads.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="submissions")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    client = models.ForeignKey("apiclients.ApiClient", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    batch = models.UUIDField(help_text="Submissions sent together share it.")
    row = models.PositiveIntegerField(help_text="Its position in its batch or CSV file, from 1.")

    request = models.CharField(max_length=20, choices=SubmissionRequest.choices)
    kind = models.CharField(max_length=20, choices=EntityKind.choices)
    names = models.JSONField(help_text='[{"name": …, "type": primary|alias|…}]')
    birth_dates = models.JSONField(default=list, blank=True)
    nationalities = models.JSONField(default=list, blank=True)
    rationale = models.TextField()
    evidence = models.JSONField(default=list, blank=True)
    entity = models.ForeignKey("entities.Entity", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="submissions",
                               help_text="The entity it is about: named by the partner, made from it, or attached.")

    status = models.CharField(max_length=30, choices=SubmissionStatus.choices, default=SubmissionStatus.RECEIVED)
    public_outcome = models.TextField(blank=True, help_text="Shown to the partner.")
    internal_reason = models.TextField(blank=True, help_text="Internal: never shown to the partner.")
    matches = models.JSONField(default=list, blank=True, help_text="Internal: the registry's likely matches.")
    screened_at = models.DateTimeField(null=True, blank=True)
    proposal = models.OneToOneField("entities.Proposal", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="submission")
    created_at = models.DateTimeField(default=timezone.now,
                                      help_text="The same for a batch: its rows keep their order.")
    updated_at = models.DateTimeField(auto_now=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "row"]
        indexes = [models.Index(fields=["partner", "-created_at"]), models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.primary_name} ({self.partner})"

    @property
    def public_entity_id(self):
        """The id of the entity it is about, once the registry has made that entity public; None before."""
        return self.entity_id if self.entity is not None and is_public(self.entity) else None

    @property
    def primary_name(self) -> str:
        return next((name["name"] for name in self.names if name["type"] == "primary"), "")


class SubmissionMessage(models.Model):
    """A question the registry's analysts ask a partner about a submission, or the partner's answer."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(max_length=20, choices=MessageAuthor.choices)
    author_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", help_text="Internal: partners never see which analyst.")
    author_client = models.ForeignKey("apiclients.ApiClient", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_author_display()}: {self.body[:60]}"


class SubmissionEvent(models.Model):
    """
    One step of a submission, in its audit timeline: who (the partner, an analyst, an approver, the system),
    what, when and why. Steps that change an entity are also in that entity's own timeline.
    """

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=30, choices=SubmissionAction.choices)
    occurred_at = models.DateTimeField()
    actor_kind = models.CharField(max_length=120)
    actor_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    actor_client = models.ForeignKey("apiclients.ApiClient", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    status = models.CharField(max_length=30, choices=SubmissionStatus.choices, help_text="The status after it.")
    reason = models.TextField(blank=True, help_text="Internal.")
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]

    def __str__(self):
        return f"{self.get_action_display()} ({self.actor_kind})"
