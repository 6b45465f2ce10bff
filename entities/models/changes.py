from django.conf import settings
from django.db import models

from entities.choices import ChangeAction


class EntityChange(models.Model):
    """
    One change to an entity, numbered in commit order: the log behind the API's change feed.

    Written by the same services that make the change, in the same transaction, through
    ``entities.changes.record_changes``, which serialises the numbering so that a consumer reading
    "everything after N" can never miss a change committed later with a smaller number.
    """

    id = models.BigAutoField(primary_key=True)
    entity = models.ForeignKey("entities.Entity", on_delete=models.PROTECT, related_name="changes")
    action = models.CharField(max_length=20, choices=ChangeAction.choices)
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    reason = models.CharField(max_length=500, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"#{self.pk} {self.action} {self.entity_id}"
