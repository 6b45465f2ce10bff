"""
The submissions review queue (what partners sent that waits for an analyst, oldest first) and each submission's
page: everything the partner sent, the likely matches, the conversation, the timeline, and the four things an
analyst does about it (ask, accept, attach, reject), each posting to its own URL that calls the service.
"""

import csv

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from entities.audit import Actor
from entities.choices import EntityCategory, Tier
from entities.countries import country_name
from entities.models import Entity
from entities.services import CurationError
from partners import services
from partners.choices import FINAL, REVIEWABLE, SubmissionRequest, SubmissionStatus
from partners.models import Submission
from registry.csv_safe import safe_row

CSV_COLUMNS = ["id", "partner", "status", "kind", "request", "primary_name", "other_names", "rationale", "created_at"]


class QueueStatusFilter(admin.SimpleListFilter):
    """By default the queue: submissions in review. "All" and each status show the others."""

    title = "status"
    parameter_name = "status"
    ALL = "all"

    def lookups(self, request, model_admin):
        return [(self.ALL, "All"), *SubmissionStatus.choices]

    def choices(self, changelist):
        yield {"selected": self.value() is None, "display": "In review (the queue)",
               "query_string": changelist.get_query_string(remove=[self.parameter_name])}
        for value, label in self.lookup_choices:
            yield {"selected": self.value() == value, "display": label,
                   "query_string": changelist.get_query_string({self.parameter_name: value})}

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset.filter(status__in=REVIEWABLE)
        if self.value() == self.ALL:
            return queryset
        return queryset.filter(status=self.value())


class AskForm(forms.Form):
    question = forms.CharField(required=False)


class AcceptForm(forms.Form):
    category = forms.ChoiceField(choices=[("", "—"), *EntityCategory.choices], required=False)
    tier = forms.TypedChoiceField(choices=[("", "—"), *Tier.choices], coerce=int, empty_value=None, required=False)
    reason = forms.CharField(required=False)


class AttachForm(forms.Form):
    entity = forms.CharField(required=False)
    other_entity = forms.CharField(required=False)
    reason = forms.CharField(required=False)

    def clean(self):
        cleaned = super().clean()
        wanted = (cleaned.get("other_entity") or cleaned.get("entity") or "").strip()
        if not wanted:
            raise forms.ValidationError("Choose the entity to add the submission to, or give its id.")
        try:
            cleaned["entity"] = Entity.objects.get(pk=wanted)
        except (Entity.DoesNotExist, ValueError, forms.ValidationError):
            raise forms.ValidationError(f"No registry entity has the id {wanted!r}.") from None
        return cleaned


class RejectForm(forms.Form):
    public_reason = forms.CharField(required=False)
    internal_reason = forms.CharField(required=False)


def _ask(submission, actor, data):
    services.ask(submission=submission, actor=actor, question=data["question"])
    return f"Question sent to {submission.partner}: the submission waits for their answer."


def _accept(submission, actor, data):
    proposal = services.accept(submission=submission, actor=actor, reason=data["reason"],
                               category=data["category"], tier=data["tier"])
    return f"Accepted: {proposal} waits in the review queue for an approver other than you."


def _attach(submission, actor, data):
    entity = services.attach(submission=submission, entity=data["entity"], actor=actor, reason=data["reason"])
    return f"Added to {entity}: its names and evidence are on the entity, with {submission.partner} as origin."


def _reject(submission, actor, data):
    services.reject(submission=submission, actor=actor, public_reason=data["public_reason"],
                    internal_reason=data["internal_reason"])
    return f"Rejected: {submission.partner} reads your public reason."


# The analysts' actions on a submission: URL name -> (form, what calls the service and says what happened).
ACTIONS = {"ask": (AskForm, _ask), "accept": (AcceptForm, _accept), "attach": (AttachForm, _attach),
           "reject": (RejectForm, _reject)}


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """Its list is the submissions review queue; a submission is read-only, and handled with its page's forms."""

    list_display = ["primary_name", "partner", "kind", "request", "status", "likely_matches", "created_at"]
    list_display_links = ["primary_name"]
    list_filter = [QueueStatusFilter, "partner", "request", "kind"]
    list_select_related = ["partner"]
    search_fields = ["names", "partner__name", "rationale"]
    search_help_text = "Any name the partner gave, the partner's name, or words of the rationale."
    ordering = ["created_at", "row"]
    actions = ["export_csv"]

    @admin.display(description="primary name")
    def primary_name(self, submission):
        return submission.primary_name

    @admin.display(description="likely matches")
    def likely_matches(self, submission):
        return len(submission.matches)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            *(path(f"<uuid:object_id>/{name}/", self.admin_site.admin_view(self.act_view), {"action": name},
                   name=f"partners_submission_{name}") for name in ACTIONS),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The submission's page: what was sent, what the registry found and did, and the analyst's forms."""
        submission = self.get_object(request, object_id)
        if submission is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, submission):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request), "title": str(submission), "opts": self.opts,
            "original": submission, **submission_page(request.user, submission),
        }
        return TemplateResponse(request, "admin/partners/submission/change_form.html", context)

    def act_view(self, request, object_id, action):
        """Ask, accept, attach or reject: one service call, and back to the submission's page with what happened."""
        if not request.user.has_perm("partners.change_submission"):
            raise PermissionDenied
        submission = get_object_or_404(Submission.objects.select_related("partner"), pk=object_id)
        page = reverse("admin:partners_submission_change", args=[submission.pk])
        if request.method != "POST":
            return HttpResponseRedirect(page)
        form_class, act = ACTIONS[action]
        form = form_class(request.POST)
        if not form.is_valid():
            self.message_user(request, " ".join(error for errors in form.errors.values() for error in errors),
                              messages.ERROR)
            return HttpResponseRedirect(page)
        try:
            done = act(submission, Actor.of_user(request.user), form.cleaned_data)
        except CurationError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(page)

    @admin.action(description="Export selected submissions as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="submissions-{timezone.now():%Y%m%dT%H%M%SZ}.csv"'
        writer = csv.writer(response)
        writer.writerow(CSV_COLUMNS)
        for submission in queryset.select_related("partner").order_by("created_at", "row"):
            writer.writerow(safe_row([
                submission.pk, submission.partner.name, submission.status, submission.kind, submission.request,
                submission.primary_name,
                "; ".join(name["name"] for name in submission.names if name["type"] != "primary"),
                submission.rationale, submission.created_at.isoformat(),
            ]))
        return response


def submission_page(user, submission: Submission) -> dict:
    """Everything a submission's page shows ``user``, and the forms they may use on it."""
    reviewable = submission.status not in FINAL and submission.status != SubmissionStatus.ACCEPTED
    may_review = user.has_perm("partners.change_submission")
    request = submission.request
    choices = [(match["entity"], f"{match['caption']} ({match['state']}, score {match['score']:.2f})")
               for match in submission.matches]
    if submission.entity_id and str(submission.entity_id) not in {value for value, _ in choices}:
        choices.insert(0, (str(submission.entity_id), f"{submission.entity} (named by the partner)"))
    forms_shown = {}
    if may_review and reviewable:
        forms_shown = {"ask": True, "reject": True, "accept": request != SubmissionRequest.INFORMATION,
                       "attach": request != SubmissionRequest.DELISTING}
    return {
        "submission": submission,
        "names": submission.names,
        "nationalities": [(code, country_name(code)) for code in submission.nationalities],
        "matches": [{**match, "url": reverse("admin:entities_entity_change", args=[match["entity"]])}
                    for match in submission.matches],
        "conversation": list(submission.messages.select_related("author_user", "author_client")),
        "events": list(submission.events.select_related("actor_user", "actor_client")),
        "proposal_url": (reverse("admin:entities_proposal_changelist") + f"?proposal={submission.proposal_id}"
                         if submission.proposal_id else ""),
        "entity_link": (format_html('<a href="{}">{}</a>', reverse("admin:entities_entity_change",
                                                                   args=[submission.entity_id]), submission.entity)
                        if submission.entity_id else ""),
        "reviewable": reviewable, "may_review": may_review, "forms": forms_shown, "attach_choices": choices,
        "delisting": request == SubmissionRequest.DELISTING,
        "categories": EntityCategory.choices, "tiers": Tier.choices,
        "action_urls": {name: reverse(f"admin:partners_submission_{name}", args=[submission.pk]) for name in ACTIONS},
    }
