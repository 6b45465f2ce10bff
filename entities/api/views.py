"""Read endpoints of the entity API. Views declare; selection and serialisation live elsewhere."""

from django.core.cache import cache
from django.shortcuts import get_object_or_404
from django.utils.http import quote_etag
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from apiclients.choices import Scope
from entities.api.filtersets import EntityFilterSet
from entities.api.pagination import EntityCursorPagination, StrictOrderingFilter
from entities.api.serializers import EntityDetailSerializer, EntitySummarySerializer
from entities.models import Entity
from entities.selectors import ENTITY_FIELDS, documents_for

DETAIL_CACHE_SECONDS = 600


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
    queryset = Entity.objects.prefetch_related("listings", "nationalities")
    serializer_class = EntitySummarySerializer
    lookup_value_regex = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"

    def allowed_query_params(self):
        if self.action == "list":
            return {*EntityFilterSet.base_filters, "ordering", "cursor", "page_size", "format"}
        return super().allowed_query_params()

    @extend_schema(responses=EntityDetailSerializer)
    def retrieve(self, request, pk=None):
        """
        The whole entity. Sends an ETag; a request with a matching If-None-Match gets 304 and no body.
        The body is cached under the ETag, which changes whenever anything about the entity does.
        """
        updated_at = get_object_or_404(Entity.objects.values_list("updated_at", flat=True), pk=pk)
        etag = quote_etag(f"{pk}:{updated_at.timestamp()}")
        headers = {"ETag": etag}
        if etag in request.headers.get("If-None-Match", ""):
            return Response(status=304, headers=headers)
        key = f"entity-detail:{etag}"
        data = cache.get(key)
        if data is None:
            data = documents_for(list(Entity.objects.filter(pk=pk).values(*ENTITY_FIELDS)))[0]
            cache.set(key, data, DETAIL_CACHE_SECONDS)
        return Response(data, headers=headers)
