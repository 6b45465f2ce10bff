"""
Per-client rate limits, by client kind (researchers get less than services).

DRF's own SimpleRateThrottle keeps a list of every request time in the cache, which grows with the rate and
is rewritten on each request; at the rates services need (hundreds a second) that is the bottleneck. This
is a fixed-window counter instead: one atomic ``incr`` per request in the configured cache (Redis in
production, in-process by default).
"""

import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

PERIODS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600,
           "d": 86400, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """'600/min' -> (600, 60)."""
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period]


def hit(key: str, rate: str) -> tuple[bool, float]:
    """
    Count one request against ``key``'s fixed window of ``rate``: (whether it is within the rate, when the
    window ends, in epoch seconds).
    """
    limit, period = parse_rate(rate)
    window = int(time.time() // period)
    key = f"throttle:{key}:{window}"
    try:
        count = cache.incr(key)  # one round trip in the common case
    except ValueError:  # the window's first request (or the key was evicted)
        count = 1 if cache.add(key, 1, timeout=period + 1) else cache.incr(key)
    return count <= limit, (window + 1) * period


def retry_after(reset_at: float) -> int:
    """Seconds to wait until a window that ends at ``reset_at`` is over."""
    return max(1, int(reset_at - time.time()) + 1)


class ClientRateThrottle(BaseThrottle):
    """Each client's requests, by the rate of its kind; a partner's clients share one count, their partner's."""

    def allow_request(self, request, view):
        client = request.auth
        if client is None or not hasattr(client, "kind"):
            return True  # unauthenticated requests are refused before they cost anything
        rate = settings.API_RATE_LIMITS.get(client.kind)
        if not rate:
            return True
        key = f"partner:{client.partner_id}" if client.partner_id else client.pk
        allowed, self.reset_at = hit(str(key), rate)
        return allowed

    def wait(self):
        return retry_after(self.reset_at)
