"""Celery tasks: thin wrappers that call the import service."""

import logging

from celery import shared_task
from django.contrib.auth import get_user_model

from importers.base import FetchError, ImportAlreadyRunning
from importers.choices import ImportTrigger
from importers.services import import_source, source_for

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(FetchError,),
    retry_backoff=60,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=5,
)
def import_source_task(self, slug: str, trigger: str = ImportTrigger.SCHEDULE, user_id: int | None = None,
                       force: bool = False) -> dict:
    """Import one source. Network failures are retried with back-off; a run already in progress is not."""
    if trigger == ImportTrigger.SCHEDULE and not source_for(slug).enabled:
        logger.info("Source %s is disabled; scheduled import skipped.", slug)
        return {"status": "skipped", "reason": "source disabled"}
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    try:
        run = import_source(slug=slug, trigger=trigger, user=user, force=force)
    except ImportAlreadyRunning as error:
        logger.warning("%s", error)
        return {"status": "skipped", "reason": str(error), "run": error.run.pk}
    return {"status": run.status, "run": run.pk, **run.counts}
