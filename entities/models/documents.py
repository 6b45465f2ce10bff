from django.db import models


class EntityDocument(models.Model):
    """
    An entity's whole API document, rendered to JSON once per version of the entity.

    Derived data, never edited: ``version`` is the entity's ``updated_at`` when the body was rendered, and a
    body whose version is not the entity's current ``updated_at`` is stale and rendered again on its next
    read (``entities.documents``). Every change to an entity or to one of its facts moves ``updated_at``, so
    a stale body is never served, whether or not anything rendered it ahead of time.
    """

    entity = models.OneToOneField("entities.Entity", on_delete=models.CASCADE, primary_key=True, related_name="+")
    version = models.DateTimeField()
    etag = models.CharField(max_length=100)
    body = models.TextField()

    def __str__(self):
        return f"{self.entity_id} @ {self.version}"
