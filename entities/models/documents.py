from django.db import models


class EntityDocument(models.Model):
    """
    An entity's whole API document for one audience, rendered to JSON once per version of the entity.

    Derived data, never edited. ``audience`` is ``public`` (what researchers and partners may read) or
    ``internal`` (the platform's own services: analysts' names, notes and evidence too). ``version`` is the
    entity's ``updated_at`` when the body was rendered, and a body whose version is not the entity's current
    ``updated_at`` is stale and rendered again on its next read (``entities.documents``). Every change to an
    entity or to anything attached to it moves ``updated_at``, so a stale body is never served, whether or
    not anything rendered it ahead of time.
    """

    entity = models.ForeignKey("entities.Entity", on_delete=models.CASCADE, related_name="+")
    audience = models.CharField(max_length=10)
    version = models.DateTimeField()
    etag = models.CharField(max_length=100)
    body = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entity", "audience"], name="one_document_per_audience")]

    def __str__(self):
        return f"{self.entity_id} ({self.audience}) @ {self.version}"
