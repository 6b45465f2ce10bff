"""Reads of partners' submissions for the registry's own pages: the review queue and the desk."""

from django.db.models import Count, Q

from partners.choices import TO_REVIEW, SubmissionStatus
from partners.models import Submission


def submission_review_counts() -> dict:
    """{"to_review": submissions an analyst has to act on, "waiting": those waiting for the partner's answer}."""
    return Submission.objects.aggregate(
        to_review=Count("pk", filter=Q(status__in=TO_REVIEW)),
        waiting=Count("pk", filter=Q(status=SubmissionStatus.INFORMATION_REQUESTED)),
    )
