"""
The admin site: its home page is the analyst's desk (what waits for me, my proposals, the last changes, the
last import of each source), with the registry's apps before the technical ones.
"""

from django.contrib import admin
from django.db.models import OuterRef, Subquery

from entities.choices import RelationshipState
from entities.models import AuditEvent, Proposal, Relationship, Source
from importers.models import ImportRun
from partners.selectors import submission_review_counts

# The curation apps first; the technical ones (API clients, schedules, users and groups) after them.
APP_ORDER = ["entities", "partners", "importers", "screening", "apiclients", "django_celery_beat", "auth"]
LAST_CHANGES = 15
WAITING = 10


class RecordAdmin(admin.ModelAdmin):
    """A record (what a source said, an import run, a proposal): viewed in the admin, never added, changed or
    deleted there. What changes it is a service."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RegistryAdminSite(admin.AdminSite):
    site_header = "Dangerous entities registry"
    site_title = "Registry admin"
    index_title = "Analyst's desk"
    index_template = "admin/desk.html"

    def index(self, request, extra_context=None):
        return super().index(request, {**desk(request.user), **(extra_context or {})})

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        order = {label: position for position, label in enumerate(APP_ORDER)}
        return sorted(apps, key=lambda app: order.get(app["app_label"], len(order)))


def desk(user) -> dict:
    """What the desk shows ``user``: only what their roles let them see."""
    context = {}
    if user.has_perm("entities.view_proposal"):
        open_proposals = Proposal.objects.open().select_related("entity", "proposed_by", "reviewer").order_by(
            "created_at", "id")
        context["open_count"] = open_proposals.count()
        if user.has_perm("entities.decide_entity"):
            waiting = open_proposals.exclude(proposed_by=user)  # four-eyes: never one's own
            context["waiting"] = list(waiting[:WAITING])
            context["waiting_count"] = waiting.count()
        if user.has_perm("entities.propose_entity"):
            context["mine"] = list(open_proposals.filter(proposed_by=user)[:WAITING])
    if user.has_perm("partners.view_submission"):
        context["submissions"] = submission_review_counts()
    if user.has_perm("entities.view_relationship"):
        context["candidates"] = Relationship.objects.filter(state=RelationshipState.CANDIDATE).count()
    if user.has_perm("entities.view_auditevent") or user.has_perm("entities.view_entity"):
        context["changes"] = list(AuditEvent.objects.select_related("entity", "actor_user").order_by("-id")
                                  [:LAST_CHANGES])
    if user.has_perm("importers.view_importrun"):
        last = ImportRun.objects.filter(source=OuterRef("pk")).order_by("-started_at", "-id")
        sources = Source.objects.annotate(last_run=Subquery(last.values("pk")[:1])).order_by("name")
        runs = ImportRun.objects.in_bulk([source.last_run for source in sources if source.last_run])
        context["imports"] = [(source, runs.get(source.last_run)) for source in sources]
    context["has_desk"] = bool(context)
    return context
