from rest_framework.permissions import BasePermission


class HasScope(BasePermission):
    """The calling client holds the scope the view declares as ``required_scope``."""

    def has_permission(self, request, view):
        client = request.auth
        if client is None or not hasattr(client, "scopes"):
            return False
        scope = getattr(view, "required_scope", None)
        if scope is None or scope in client.scopes:
            return True
        self.message = f"This API client lacks the '{scope}' scope this endpoint needs."
        return False
