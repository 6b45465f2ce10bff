"""How often a partner may submit or answer: one count per organisation, shared by its portal and its API."""

from django.conf import settings

from apiclients.throttling import hit, retry_after


def submit_allowed(partner) -> tuple[bool, int]:
    """Count one submission (a batch, a file, a form, an answer) of ``partner``: (allowed, seconds to wait if not)."""
    rate = settings.PARTNER_SUBMIT_RATE
    if not rate:
        return True, 0
    allowed, reset_at = hit(f"partner-submit:{partner.pk}", rate)
    return allowed, 0 if allowed else retry_after(reset_at)
