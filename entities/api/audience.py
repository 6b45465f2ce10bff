"""Who is calling: the platform's own services (the `internal` scope) or an external client."""

from apiclients.choices import Scope
from entities.choices import Audience


def is_internal(request) -> bool:
    """Whether the calling client is one of the platform's own services (the ``internal`` scope)."""
    return Scope.INTERNAL in getattr(getattr(request, "auth", None), "scopes", ())


def audience_of(request) -> str:
    return Audience.INTERNAL if is_internal(request) else Audience.PUBLIC
