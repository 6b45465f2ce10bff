"""
The screening index: every name of every entity, analysed once, and looked up by its keys.

Kept in step with the registry by ``screening.index.reindex_entities`` (called by the import sync and by
the curation services, in their transactions) and rebuilt whole by ``manage.py build_name_index``.
"""

from django.db import models


class NameKey(models.Model):
    """One analysed name: its normalised text (trigram-indexed on PostgreSQL) and its tokens for scoring."""

    # DO_NOTHING: a deleted name's index rows stay until the reindex that follows removes them, so that it
    # can count the keys that went away.
    name = models.OneToOneField("entities.Name", on_delete=models.DO_NOTHING, db_constraint=False,
                                primary_key=True, related_name="+")
    entity = models.ForeignKey("entities.Entity", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, help_text="The entity's kind, copied here to filter without a join.")
    name_type = models.CharField(max_length=20)
    normalized = models.CharField(max_length=1000)
    tokens = models.JSONField(help_text="[form, metaphone, symbols, weight] per token.")

    class Meta:
        indexes = [models.Index(fields=["entity"])]

    def __str__(self):
        return self.normalized


class NameToken(models.Model):
    """An index key of a name (a token form, a §symbol or a ~metaphone) pointing at its entity."""

    id = models.BigAutoField(primary_key=True)
    key = models.CharField(max_length=200)
    kind = models.CharField(max_length=20)
    entity = models.ForeignKey("entities.Entity", on_delete=models.CASCADE, related_name="+", db_index=False)
    name = models.ForeignKey("entities.Name", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
                             db_index=False)

    class Meta:
        indexes = [models.Index(fields=["key", "kind", "entity"]), models.Index(fields=["name"])]

    def __str__(self):
        return self.key


class KeyFrequency(models.Model):
    """How many names carry a key: rare keys find candidates, common ones ("mohammed") only rank them."""

    key = models.CharField(max_length=200, primary_key=True)
    names = models.PositiveIntegerField()

    def __str__(self):
        return f"{self.key}: {self.names}"
