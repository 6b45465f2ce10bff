from celery import shared_task

from screening.index import reindex_entities


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=10, max_retries=5)
def reindex_entities_task(entity_ids: list[str]) -> int:
    """Re-index the names of these entities for screening (scheduled after the change commits)."""
    return reindex_entities(entity_ids)
