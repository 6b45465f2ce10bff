from django.db import models


class ImportTrigger(models.TextChoices):
    SCHEDULE = "schedule", "Schedule"
    ADMIN = "admin", "Admin user"
    COMMAND = "command", "Command line"


class ImportRunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    NOT_MODIFIED = "not_modified", "Not modified"
