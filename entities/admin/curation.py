"""
The review queue (open proposals, oldest first, with what an approver needs to decide them) and the
relationships analysts confirm or dismiss. Decisions go through ``entities.services``: four-eyes holds here
because it holds there.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from entities import services
from entities.admin.entities import entity_link
from entities.audit import Actor
from entities.choices import ProposalKind, RelationshipState
from entities.models import Proposal, Relationship, SourceRecord
from partners.selectors import submission_review_counts
from registry.admin import RecordAdmin
from screening.scoring import Query
from screening.service import WITH_PROPOSED, screen

DECISIONS = {
    "start_review": services.proposal_start_review,
    "approve": services.proposal_approve,
    "reject": services.proposal_reject,
}
SIMILAR = 5  # existing entities shown beside a proposal, from screening its name
PER_PAGE = 20  # each proposal screens its name: a proposing source's first import must not make one huge page


@admin.register(Proposal)
class ProposalAdmin(RecordAdmin):
    """Its list is the review queue; a proposal itself is read-only, and decided with the queue's buttons."""

    list_display = ["entity", "kind", "state", "proposer_kind", "proposed_by", "created_at", "decided_by"]
    list_filter = ["state", "kind"]

    def get_urls(self):
        return [
            path("<int:proposal_id>/decide/", self.admin_site.admin_view(self.decide_view),
                 name="entities_proposal_decide"),
            path("history/", self.admin_site.admin_view(super().changelist_view), name="entities_proposal_all"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        """The review queue: open proposals, oldest first, each with its evidence, sources and look-alikes."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        proposals = Proposal.objects.open().select_related(
            "entity", "proposed_by", "reviewer", "submission__partner").prefetch_related(
            "entity__evidence__added_by",
            Prefetch("entity__source_records", queryset=SourceRecord.objects.select_related("source")),
        ).order_by("created_at", "id")
        one = request.GET.get("proposal", "")
        if one.isdigit():  # a link from the desk or an entity page to one proposal, wherever it is in the queue
            proposals = proposals.filter(pk=one)
        page = Paginator(proposals, PER_PAGE).get_page(request.GET.get("p"))
        context = {
            **self.admin_site.each_context(request), "title": "Review queue", "opts": self.opts,
            "items": [review_item(request.user, proposal) for proposal in page], "page": page,
            "one": one.isdigit(), "is_approver": request.user.has_perm("entities.decide_entity"),
            "all_url": reverse("admin:entities_proposal_all"),
            "submissions": (submission_review_counts() if request.user.has_perm("partners.view_submission")
                            else None),
        }
        return TemplateResponse(request, "admin/entities/proposal/review_queue.html", context)

    def decide_view(self, request, proposal_id):
        proposal = get_object_or_404(Proposal, pk=proposal_id)
        back = request.POST.get("next") or reverse("admin:entities_proposal_changelist")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = reverse("admin:entities_proposal_changelist")
        decision = DECISIONS.get(request.POST.get("decision", ""))
        if request.method != "POST" or decision is None:
            return HttpResponseRedirect(back)
        try:
            decision(proposal=proposal, actor=Actor.of_user(request.user), reason=request.POST.get("reason", ""))
        except services.CurationError as error:
            self.message_user(request, f"{proposal.entity}: {error}", messages.ERROR)
        else:
            proposal.refresh_from_db()
            proposal.entity.refresh_from_db()
            self.message_user(request, f"{proposal.entity}: {proposal.get_state_display().lower()} — the entity is "
                                       f"now {proposal.entity.get_state_display().lower()}.", messages.SUCCESS)
        return HttpResponseRedirect(back)


def review_item(user, proposal: Proposal) -> dict:
    """Everything the queue shows of one proposal, and what ``user`` may do with it."""
    entity = proposal.entity
    allowed, why = services.can_decide(proposal, user)
    similar = []
    if proposal.kind == ProposalKind.DESIGNATE:
        [result] = screen([Query(name=entity.caption, kind=entity.kind)], threshold=0.7, limit=SIMILAR + 1,
                          states=WITH_PROPOSED, internal_names=True)
        similar = [candidate for candidate in result.candidates if candidate.entity_id != entity.pk][:SIMILAR]
    approve = "Designate" if proposal.kind == ProposalKind.DESIGNATE else "Delist"
    submission = getattr(proposal, "submission", None)  # made from an expert partner's submission, if one
    return {
        "proposal": proposal, "entity_link": entity_link(entity), "approve_label": approve,
        "can_decide": allowed, "why_not": why,
        "evidence": list(entity.evidence.all()),
        "source_records": list(entity.source_records.all()),
        "similar": similar,
        "submission": submission,
        "submission_url": (reverse("admin:partners_submission_change", args=[submission.pk]) if submission
                           else ""),
    }


class ReasonActionForm(ActionForm):
    reason = forms.CharField(required=False, label="Reason", widget=forms.TextInput(attrs={"size": 40}))


@admin.register(Relationship)
class RelationshipAdmin(admin.ModelAdmin):
    """Relationships between entities: candidates from sources' narratives to confirm or dismiss, and analysts'."""

    list_display = ["subject", "kind", "object", "state", "start_date", "end_date", "origin", "created_at"]
    list_filter = ["state", "kind", ("source_record", admin.EmptyFieldListFilter)]
    search_fields = ["subject__caption", "object__caption", "basis"]
    list_select_related = ["subject", "object", "source_record"]
    autocomplete_fields = ["subject", "object"]
    action_form = ReasonActionForm
    actions = ["confirm", "dismiss"]
    fields = ["subject", "kind", "object", "start_date", "end_date", "basis"]

    @admin.display(description="from")
    def origin(self, relationship):
        return relationship.source_record or "an analyst"

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["subject", "kind", "object", "state", "start_date", "end_date", "source_record", "basis"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.fields
        return ["subject", "kind", "object", "state", "start_date", "end_date", "source_record", "basis"]

    def has_delete_permission(self, request, obj=None):
        return False  # dismiss instead: a dismissed pair is never suggested again

    def save_model(self, request, obj, form, change):
        if change:
            return
        relationship = services.relationship_add(
            subject=obj.subject, kind=obj.kind, object=obj.object, actor=Actor.of_user(request.user),
            reason=form.cleaned_data["basis"], start_date=obj.start_date, end_date=obj.end_date,
        )
        obj.pk = relationship.pk

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None and "basis" in form.base_fields:
            form.base_fields["basis"].required = True
            form.base_fields["basis"].label = "Reason"
            form.base_fields["basis"].help_text = "What shows this relationship; kept in both entities' timelines."
        return form

    @admin.action(description="Confirm the selected relationships", permissions=["change"])
    def confirm(self, request, queryset):
        self._decide(request, queryset, services.relationship_confirm, RelationshipState.CONFIRMED)

    @admin.action(description="Dismiss the selected relationships", permissions=["change"])
    def dismiss(self, request, queryset):
        self._decide(request, queryset, services.relationship_dismiss, RelationshipState.DISMISSED)

    def _decide(self, request, queryset, decide, state):
        reason = request.POST.get("reason", "").strip()
        if not reason:
            self.message_user(request, "Give a reason (the field beside the action).", messages.ERROR)
            return
        for relationship in queryset:
            decide(relationship=relationship, actor=Actor.of_user(request.user), reason=reason)
        self.message_user(request, f"{queryset.count()} relationship(s) {RelationshipState(state).label.lower()}.",
                          messages.SUCCESS)
