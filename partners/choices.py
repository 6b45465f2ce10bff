from django.db import models


class SubmissionRequest(models.TextChoices):
    """What a partner asks for: a new designation, more information on an entity, or its delisting."""

    DESIGNATION = "designation", "Designate a new entity"
    INFORMATION = "information", "Add information to an entity"
    DELISTING = "delisting", "Delist an entity"


class SubmissionStatus(models.TextChoices):
    """Where a submission stands; partners see the status and its public outcome, never who moved it."""

    RECEIVED = "received", "Received"  # stored; screening against the registry still to run
    PENDING = "pending", "Pending review"
    INFORMATION_REQUESTED = "information_requested", "More information requested"
    ACCEPTED = "accepted", "Accepted: awaiting a decision"
    ATTACHED = "attached", "Added to an existing entity"
    REJECTED = "rejected", "Rejected"
    DESIGNATED = "designated", "Designated"
    NOT_DESIGNATED = "not_designated", "Not designated"
    DELISTED = "delisted", "Delisted"
    NOT_DELISTED = "not_delisted", "Not delisted"


# Statuses an analyst still has to act on: the submissions review queue.
TO_REVIEW = (SubmissionStatus.RECEIVED, SubmissionStatus.PENDING)
# Statuses in which analysts can still act on a submission: to review, or waiting for the partner's answer.
REVIEWABLE = (*TO_REVIEW, SubmissionStatus.INFORMATION_REQUESTED)
# Statuses after which nothing more happens to a submission.
FINAL = (SubmissionStatus.ATTACHED, SubmissionStatus.REJECTED, SubmissionStatus.DESIGNATED,
         SubmissionStatus.NOT_DESIGNATED, SubmissionStatus.DELISTED, SubmissionStatus.NOT_DELISTED)


class SubmissionAction(models.TextChoices):
    """What a submission's audit event records."""

    SUBMITTED = "submitted", "Submitted"
    SCREENED = "screened", "Screened against the registry"
    QUESTION_ASKED = "question_asked", "Question asked"
    ANSWERED = "answered", "Question answered"
    ACCEPTED = "accepted", "Accepted as a proposal"
    ATTACHED = "attached", "Added to an existing entity"
    REJECTED = "rejected", "Rejected"
    DECIDED = "decided", "Proposal decided"


class MessageAuthor(models.TextChoices):
    PARTNER = "partner", "Partner"
    REGISTRY = "registry", "Registry analysts"
