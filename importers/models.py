from django.conf import settings
from django.db import models

from importers.choices import ImportRunStatus, ImportTrigger

COUNTS = ("created", "updated", "unchanged", "delisted", "relisted", "skipped_out_of_scope")


class ImportRun(models.Model):
    """
    One attempt to import a source: who or what started it, the file it read, and what it changed.

    Written before the import starts and completed after it, outside the import's own transaction, so a
    failed import still leaves its record and its reason while the registry itself stays as it was.
    """

    source = models.ForeignKey("entities.Source", on_delete=models.PROTECT, related_name="import_runs")
    trigger = models.CharField(max_length=20, choices=ImportTrigger.choices)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=20, choices=ImportRunStatus.choices, default=ImportRunStatus.RUNNING)
    forced = models.BooleanField(default=False, help_text="The delisting guard was overridden.")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    location = models.CharField(max_length=1000, blank=True, help_text="The URL or file imported.")
    file_sha256 = models.CharField(max_length=64, blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    date_generated = models.CharField(max_length=50, blank=True, help_text="The file's own timestamp.")
    record_count = models.PositiveIntegerField(null=True, blank=True)

    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    delisted = models.PositiveIntegerField(default=0)
    relisted = models.PositiveIntegerField(default=0)
    skipped_out_of_scope = models.PositiveIntegerField(
        default=0, help_text="Records of the file under none of the source's programs: not imported.")
    all_programs = models.BooleanField(default=False, help_text="Imported every program, whatever the source's.")
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["source", "-started_at"])]

    def __str__(self):
        return f"{self.source} run {self.pk} ({self.get_status_display()})"

    @property
    def counts(self) -> dict[str, int]:
        return {key: getattr(self, key) for key in COUNTS}

    @property
    def duration(self):
        return self.finished_at - self.started_at if self.finished_at else None
