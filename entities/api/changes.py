"""The change feed: every change to every entity the caller may see, in commit order, with a cursor."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apiclients.choices import Scope
from entities.api.audience import audience_of
from entities.api.pagination import whole_number
from entities.api.views import StrictQueryParamsMixin
from entities.timeline import EVENT_FIELDS, decode_cursor, encode_cursor, present, visible_events

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


class ChangeFeedView(StrictQueryParamsMixin, APIView):
    """
    Changes after a cursor, oldest first. Start without `after` to read from the beginning; keep the
    `cursor` of the last change applied, and poll `next`. Cursors never expire. External clients read the
    changes to what they may see, each with a fixed reason per kind of change; clients with the `internal`
    scope read every change with its reason as written.
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
        raw_after = request.query_params.get("after")
        after = decode_cursor(raw_after, parameter="after") if raw_after is not None else 0
        limit = whole_number(request.query_params.get("limit", str(DEFAULT_LIMIT)), parameter="limit", low=1,
                             high=MAX_LIMIT)
        audience = audience_of(request)
        rows = list(visible_events(audience).filter(id__gt=after).order_by("id").values(*EVENT_FIELDS)[: limit + 1])
        has_more = len(rows) > limit
        rows = rows[:limit]
        entity_base = request.build_absolute_uri(reverse("api:entity-list"))
        results = [
            {
                "cursor": encode_cursor(row["id"]),
                "entity": str(row["entity_id"]),
                "entity_url": f"{entity_base}{row['entity_id']}/",
                **present(row, audience=audience),
            }
            for row in rows
        ]
        last = encode_cursor(rows[-1]["id"]) if rows else request.query_params.get("after")
        next_url = request.build_absolute_uri(reverse("api:changes"))
        next_url += f"?after={last}&limit={limit}" if last else f"?limit={limit}"
        return Response({"results": results, "next": next_url, "has_more": has_more})
