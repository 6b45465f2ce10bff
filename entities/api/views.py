"""Read endpoints of the entity API. Views declare; selection and serialisation live elsewhere."""

import uuid

from django.http import Http404, HttpResponse
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from apiclients.choices import Scope
from entities.api.audience import audience_of
from entities.api.filtersets import EntityFilterSet
from entities.api.pagination import EntityCursorPagination, StrictOrderingFilter, whole_number
from entities.api.serializers import EntityDetailSerializer, EntitySummarySerializer, HistoryPageSerializer
from entities.documents import entity_document
from entities.selectors import SUMMARY_FIELDS, entity_summaries, visible_entities
from entities.timeline import HISTORY_MAX, timeline_page


class StrictQueryParamsMixin:
    """Refuse query parameters the endpoint does not know, so a typo is a 400 rather than a silent no-op."""

    def allowed_query_params(self) -> set[str]:
        return {"format"}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        allowed = self.allowed_query_params()
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            message = f"Unknown parameter. Known: {', '.join(sorted(allowed))}."
            raise ValidationError({name: [message] for name in unknown})


class EntityViewSet(StrictQueryParamsMixin, viewsets.ReadOnlyModelViewSet):
    """
    Designated entities: a filtered, cursor-paginated list, each whole entity with its provenance, and its
    audit timeline. External clients see entities once designated, and what sources published or analysts
    marked public; clients with the ``internal`` scope see everything.
    """

    required_scope = Scope.READ
    filter_backends = [DjangoFilterBackend, StrictOrderingFilter]
    filterset_class = EntityFilterSet
    # Only fields that are never null: a cursor cannot page past a null.
    ordering_fields = ["caption", "updated_at", "created_at"]
    ordering = ["caption"]
    pagination_class = EntityCursorPagination
    serializer_class = EntitySummarySerializer
    lookup_value_regex = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"

    def get_queryset(self):
        # created_at: an ordering field
        return visible_entities(audience_of(self.request)).values(*SUMMARY_FIELDS, "created_at")

    def allowed_query_params(self):
        if self.action == "list":
            return {*EntityFilterSet.base_filters, "ordering", "cursor", "page_size", "format"}
        if self.action == "history":
            return {"before", "limit", "format"}
        return super().allowed_query_params()

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        detail_base = request.build_absolute_uri(reverse("api:entity-list"))
        return self.get_paginated_response(entity_summaries(page, detail_base=detail_base,
                                                            audience=audience_of(request)))

    @extend_schema(responses=EntityDetailSerializer)
    def retrieve(self, request, pk=None):
        """
        The whole entity. Sends an ETag, which changes whenever anything about the entity does; a request
        with a matching If-None-Match gets 304 and no body. The body is the stored rendering of the entity's
        current version for the caller's audience (``entities.documents``), sent as it is.
        """
        found = entity_document(uuid.UUID(pk), audience=audience_of(request))
        if found is None:
            raise Http404("No entity has this id.")
        etag, body = found
        if etag in request.headers.get("If-None-Match", ""):
            return Response(status=304, headers={"ETag": etag})
        return HttpResponse(body, content_type="application/json", headers={"ETag": etag})

    @extend_schema(
        parameters=[
            OpenApiParameter("before", OpenApiTypes.STR, description="The `next` cursor of the previous page."),
            OpenApiParameter("limit", OpenApiTypes.INT, description=f"Events per page, 1 to {HISTORY_MAX}."),
        ],
        responses=HistoryPageSerializer,
    )
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        """
        The entity's audit timeline, newest first: each change with the kind of actor (analyst, approver,
        importer:un-sc, partner, …), never who; the reason as written only for the platform's own services,
        a fixed one per kind of event for others; and each field and item before and after, as the caller may
        see them.
        """
        audience = audience_of(request)
        if not visible_entities(audience).filter(pk=pk).exists():
            raise Http404("No entity has this id.")
        limit = whole_number(request.query_params.get("limit", "100"), parameter="limit", low=1, high=HISTORY_MAX)
        before = request.query_params.get("before")
        events, next_cursor = timeline_page(uuid.UUID(pk), audience=audience, before=before, limit=limit)
        next_url = None
        if next_cursor:
            next_url = request.build_absolute_uri(request.path) + f"?before={next_cursor}&limit={limit}"
        return Response({"results": events, "next": next_url})
