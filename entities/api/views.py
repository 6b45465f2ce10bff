"""Read endpoints of the entity API. Views declare; selection and serialisation live elsewhere."""

import uuid

from django.http import Http404, HttpResponse
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from apiclients.choices import Scope
from entities.api.filtersets import EntityFilterSet
from entities.api.pagination import EntityCursorPagination, StrictOrderingFilter
from entities.api.serializers import EntityDetailSerializer, EntitySummarySerializer
from entities.documents import entity_document
from entities.models import Entity
from entities.selectors import SUMMARY_FIELDS, entity_summaries


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
    """Designated entities: a filtered, cursor-paginated list, and each whole entity with its provenance."""

    required_scope = Scope.READ
    filter_backends = [DjangoFilterBackend, StrictOrderingFilter]
    filterset_class = EntityFilterSet
    # Only fields that are never null: a cursor cannot page past a null.
    ordering_fields = ["caption", "updated_at", "created_at"]
    ordering = ["caption"]
    pagination_class = EntityCursorPagination
    queryset = Entity.objects.values(*SUMMARY_FIELDS, "created_at")  # created_at: an ordering field
    serializer_class = EntitySummarySerializer
    lookup_value_regex = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"

    def allowed_query_params(self):
        if self.action == "list":
            return {*EntityFilterSet.base_filters, "ordering", "cursor", "page_size", "format"}
        return super().allowed_query_params()

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        detail_base = request.build_absolute_uri(reverse("api:entity-list"))
        return self.get_paginated_response(entity_summaries(page, detail_base=detail_base))

    @extend_schema(responses=EntityDetailSerializer)
    def retrieve(self, request, pk=None):
        """
        The whole entity. Sends an ETag, which changes whenever anything about the entity does; a request
        with a matching If-None-Match gets 304 and no body. The body is the stored rendering of the entity's
        current version (``entities.documents``), sent as it is.
        """
        found = entity_document(uuid.UUID(pk))
        if found is None:
            raise Http404("No entity has this id.")
        etag, body = found
        if etag in request.headers.get("If-None-Match", ""):
            return Response(status=304, headers={"ETag": etag})
        return HttpResponse(body, content_type="application/json", headers={"ETag": etag})
