"""The versioned API: every /api/v1/ route, in one router."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from entities.api.changes import ChangeFeedView
from entities.api.curation import EntityCurationViewSet, ProposalViewSet
from entities.api.export import ExportView
from importers.api.views import ImportRunViewSet, SourceViewSet
from partners.api import SubmissionViewSet
from screening.api import MatchView, SearchView

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
# The entity endpoints with the curation verbs (POST to the list, propose, propose-delisting).
router.register("entities", EntityCurationViewSet, basename="entity")
router.register("proposals", ProposalViewSet, basename="proposal")
router.register("sources", SourceViewSet, basename="source")
router.register("import-runs", ImportRunViewSet, basename="importrun")
router.register("submissions", SubmissionViewSet, basename="submission")

urlpatterns = [
    path("changes/", ChangeFeedView.as_view(), name="changes"),
    path("export/", ExportView.as_view(), name="export"),
    path("match/", MatchView.as_view(), name="match"),
    path("search/", SearchView.as_view(), name="search"),
    *router.urls,
]
