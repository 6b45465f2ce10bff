from django.conf import settings
from django.db import models

from entities.choices import AuditAction


class AuditEvent(models.Model):
    """
    One change to an entity or to anything attached to it (facts, evidence, relationships, proposals), from
    any path: the audit timeline, and the log behind the API's change feed.

    Written only by ``entities.audit``, in the same transaction as the change, numbered in commit order so
    that a consumer reading "everything after N" can never miss a change committed later with a smaller
    number. ``actor_kind`` is what the API may show (analyst, approver, importer:un-sc, partner, …);
    ``actor_user`` and ``reason`` are internal. ``public`` says whether external clients see the event at
    all, and ``changes`` lists each field and item before and after, with whether it is public.
    """

    id = models.BigAutoField(primary_key=True)
    entity = models.ForeignKey("entities.Entity", on_delete=models.PROTECT, related_name="audit_events")
    action = models.CharField(max_length=30, choices=AuditAction.choices)
    occurred_at = models.DateTimeField()
    actor_kind = models.CharField(max_length=120, default="",
                                  help_text="analyst, approver, importer:<source>, service, …")
    # PROTECT: who made a change must stay known; deactivate a user or revoke a client instead of deleting it.
    actor_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    actor_client = models.ForeignKey("apiclients.ApiClient", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    reason = models.TextField(blank=True, help_text="Internal: external clients read a fixed reason per action.")
    public = models.BooleanField(default=True, help_text="Whether external clients see this event.")
    changes = models.JSONField(default=list, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["entity", "-id"], name="audit_entity_timeline")]

    def __str__(self):
        return f"#{self.pk} {self.action} {self.entity_id}"
