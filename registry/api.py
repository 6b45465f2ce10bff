"""The versioned API: every /api/v1/ route, in one router."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from entities.api.changes import ChangeFeedView
from entities.api.export import ExportView
from entities.api.views import EntityViewSet
from importers.api.views import ImportRunViewSet, SourceViewSet
from screening.api import MatchView, SearchView

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("entities", EntityViewSet, basename="entity")
router.register("sources", SourceViewSet, basename="source")
router.register("import-runs", ImportRunViewSet, basename="importrun")

urlpatterns = [
    path("changes/", ChangeFeedView.as_view(), name="changes"),
    path("export/", ExportView.as_view(), name="export"),
    path("match/", MatchView.as_view(), name="match"),
    path("search/", SearchView.as_view(), name="search"),
    *router.urls,
]
