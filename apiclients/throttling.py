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


class ClientRateThrottle(BaseThrottle):
    def allow_request(self, request, view):
        client = request.auth
        if client is None or not hasattr(client, "kind"):
            return True  # unauthenticated requests are refused before they cost anything
        rate = settings.API_RATE_LIMITS.get(client.kind)
        if not rate:
            return True
        self.limit, self.period = parse_rate(rate)
        window = int(time.time() // self.period)
        key = f"throttle:{client.pk}:{window}"
        try:
            count = cache.incr(key)  # one round trip in the common case
        except ValueError:  # the window's first request (or the key was evicted)
            count = 1 if cache.add(key, 1, timeout=self.period + 1) else cache.incr(key)
        self.reset_at = (window + 1) * self.period
        return count <= self.limit

    def wait(self):
        return max(1, int(self.reset_at - time.time()) + 1)
