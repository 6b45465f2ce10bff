import django_filters
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import viewsets

from apiclients.choices import Scope
from entities.api.pagination import EntityCursorPagination
from entities.api.views import StrictQueryParamsMixin
from entities.models import Source
from importers.api.serializers import ImportRunSerializer, SourceSerializer
from importers.choices import ImportRunStatus
from importers.models import ImportRun


class SourceViewSet(StrictQueryParamsMixin, viewsets.ReadOnlyModelViewSet):
    """The lists that feed the registry."""

    required_scope = Scope.READ
    queryset = Source.objects.all()
    serializer_class = SourceSerializer
    lookup_field = "slug"
    pagination_class = None


class ImportRunFilterSet(django_filters.FilterSet):
    source = django_filters.CharFilter(field_name="source__slug")
    status = django_filters.ChoiceFilter(choices=ImportRunStatus.choices)

    class Meta:
        model = ImportRun
        fields = []


class ImportRunPagination(EntityCursorPagination):
    ordering = "-started_at"


class ImportRunViewSet(StrictQueryParamsMixin, viewsets.ReadOnlyModelViewSet):
    """Every import: when, what file, what it changed, and why it failed if it did."""

    required_scope = Scope.READ
    queryset = ImportRun.objects.select_related("source")
    serializer_class = ImportRunSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ImportRunFilterSet
    pagination_class = ImportRunPagination

    def allowed_query_params(self):
        return {*ImportRunFilterSet.base_filters, "cursor", "page_size", "format"}
