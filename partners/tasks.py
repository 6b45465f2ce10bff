"""
Celery tasks of partner submissions: screening a batch against the registry, and mailing partners.

Both run after the submitting or deciding transaction commits: in-process without a broker (the embedded
default), on a worker with one. Mails go through Django's mail framework (the console backend by default,
SMTP by settings) and say only what the partner may read: the status and its public outcome.
"""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail

from partners import services
from partners.models import Submission

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=10, max_retries=5)
def screen_submissions(ids: list[str]) -> int:
    """Screen received submissions against the registry; they become pending review with their likely matches."""
    return services.screen_submissions(ids)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def notify_received(batch: str) -> int:
    """Tell a partner its batch arrived: one mail per batch, however many submissions it held."""
    submissions = list(Submission.objects.filter(batch=batch).select_related("partner", "submitted_by")
                       .order_by("row"))
    if not submissions:
        return 0
    first = submissions[0]
    lines = [f"- {submission.primary_name}: {portal_url(submission)}" for submission in submissions]
    body = (f"The registry received {len(submissions)} submission{'s' if len(submissions) != 1 else ''} "
            f"from {first.partner}:\n\n" + "\n".join(lines) +
            "\n\nEach is screened against the registry and reviewed by its analysts; you will hear of every "
            "change of status.\n")
    return mail(first, f"Registry: {len(submissions)} submission(s) received", body)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def notify_status(submission_id: str) -> int:
    """Tell a partner where its submission now stands."""
    submission = Submission.objects.select_related("partner", "submitted_by").filter(pk=submission_id).first()
    if submission is None:
        return 0
    body = (f"Your submission about {submission.primary_name} is now: {submission.get_status_display()}.\n\n"
            f"{submission.public_outcome}\n\nSee it, and answer any question, at {portal_url(submission)}\n")
    return mail(submission, f"Registry: {submission.primary_name}: {submission.get_status_display()}", body)


def mail(submission: Submission, subject: str, body: str) -> int:
    recipients = [submission.partner.contact_email]
    if submission.submitted_by is not None and submission.submitted_by.email:
        recipients.append(submission.submitted_by.email)
    return send_mail(subject, body, None, sorted(set(filter(None, recipients))))


def portal_url(submission: Submission) -> str:
    return f"{settings.PARTNER_PORTAL_URL.rstrip('/')}/submissions/{submission.pk}/"
