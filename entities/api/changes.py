"""The change feed: every creation, update, delisting and re-listing, in commit order, with a cursor."""

import base64
import binascii

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from apiclients.choices import Scope
from entities.api.pagination import whole_number
from entities.api.views import StrictQueryParamsMixin
from entities.models import EntityChange

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


def encode_cursor(change_id: int) -> str:
    return base64.urlsafe_b64encode(f"c1:{change_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _, number = text.partition(":")
        if prefix == "c1" and number.isdigit():
            return int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise ValidationError({"after": ["The cursor is not valid: pass a `cursor` or `next` value exactly as given."]})


class ChangeFeedView(StrictQueryParamsMixin, APIView):
    """
    Changes after a cursor, oldest first. Start without `after` to read from the beginning; keep the
    `cursor` of the last change applied, and poll `next`. Cursors never expire.
    """

    required_scope = Scope.READ

    def allowed_query_params(self):
        return {"after", "limit", "format"}

    @extend_schema(
        parameters=[
            OpenApiParameter("after", OpenApiTypes.STR, description="Cursor of the last change already applied."),
            OpenApiParameter("limit", OpenApiTypes.INT, description=f"Changes per page, 1 to {MAX_LIMIT}."),
        ],
        responses=inline_serializer("ChangePage", {
            "results": serializers.ListField(child=serializers.DictField()),
            "next": serializers.URLField(),
            "has_more": serializers.BooleanField(),
        }),
    )
    def get(self, request):
        after = decode_cursor(request.query_params["after"]) if "after" in request.query_params else 0
        limit = self.limit(request)
        rows = list(
            EntityChange.objects.filter(id__gt=after).order_by("id")
            .values_list("id", "entity_id", "action", "occurred_at", "reason", "details")[: limit + 1]
        )
        has_more = len(rows) > limit
        rows = rows[:limit]
        entity_base = request.build_absolute_uri(reverse("api:entity-list"))
        results = [
            {
                "cursor": encode_cursor(change_id),
                "entity": str(entity_id),
                "entity_url": f"{entity_base}{entity_id}/",
                "action": action,
                "occurred_at": occurred_at,
                "reason": reason,
                "details": details,
            }
            for change_id, entity_id, action, occurred_at, reason, details in rows
        ]
        last = encode_cursor(rows[-1][0]) if rows else request.query_params.get("after")
        next_url = request.build_absolute_uri(reverse("api:changes"))
        next_url += f"?after={last}&limit={limit}" if last else f"?limit={limit}"
        return Response({"results": results, "next": next_url, "has_more": has_more})

    def limit(self, request) -> int:
        raw = request.query_params.get("limit", str(DEFAULT_LIMIT))
        return whole_number(raw, parameter="limit", low=1, high=MAX_LIMIT)
