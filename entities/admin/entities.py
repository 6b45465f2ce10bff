"""
The entity pages: identity and facts from sources (read-only), the designation state with what the user may do
about it, the policy fields, analysts' names and evidence, relationships from both ends, and the timeline.
"""

from datetime import date

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from simple_history.admin import SimpleHistoryAdmin

from entities import services
from entities.admin.timeline import timeline
from entities.audit import Actor
from entities.choices import DesignationState, EntityCategory, EntityKind, ListingStatus, ProposalKind, Tier
from entities.models import (
    Address,
    BirthDate,
    BirthPlace,
    Entity,
    Evidence,
    IdentityDocument,
    Listing,
    Name,
    Nationality,
    Relationship,
    SourceRecord,
)
from registry.admin import RecordAdmin


class ReadOnlyInline(admin.TabularInline):
    """Facts that came from a source: shown, never edited here."""

    extra = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields  # everything shown is read-only

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OriginMixin:
    """An inline of facts that says where each came from: a source record, an expert partner, or an analyst."""

    @admin.display(description="from")
    def origin(self, fact):
        if fact.submission_id:
            url = reverse("admin:partners_submission_change", args=[fact.submission_id])
            return format_html('partner: <a href="{}">{}</a>', url, fact.submission.partner)
        if fact.pk is None:
            return "—"
        return fact.source_record or "an analyst"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source_record__source", "submission__partner")


class SourceNameInline(ReadOnlyInline):
    model = Name
    verbose_name_plural = "names from sources"
    fields = ["name_type", "full_name", "quality", "note", "date_of_birth", "city_of_birth", "country_of_birth",
              "source_record"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(source_record__isnull=False)


class AnalystNameInline(OriginMixin, admin.TabularInline):
    """Names analysts add (e.g. an account handle seen on the platform, or from a partner): internal unless public."""

    model = Name
    extra = 0
    verbose_name_plural = "names added by analysts (internal unless marked public; notes always internal)"
    fields = ["name_type", "full_name", "note", "public", "origin"]
    readonly_fields = ["origin"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 50})}}

    def get_queryset(self, request):
        return super().get_queryset(request).filter(source_record__isnull=True)


class EvidenceInline(admin.StackedInline):
    """Why the entity is (or should be) designated. Internal unless marked public; who added it is kept."""

    model = Evidence
    extra = 0
    fields = [("title", "captured_at"), "url", "summary", ("on_platform", "public"), "added"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # Django 6's default, without the warning
    readonly_fields = ["added"]
    verbose_name_plural = "evidence (internal unless marked public)"

    @admin.display(description="added")
    def added(self, evidence):
        if evidence.pk is None:
            return "—"
        added = f"{localtime(evidence.added_at):%Y-%m-%d %H:%M} by {evidence.added_by or 'an import'}"
        if evidence.submission_id:
            url = reverse("admin:partners_submission_change", args=[evidence.submission_id])
            return format_html('{}; from partner: <a href="{}">{}</a>', added, url, evidence.submission.partner)
        return added

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("added_by", "submission__partner")


class RelationshipInline(ReadOnlyInline):
    model = Relationship
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("subject", "object", "source_record")


class OutgoingRelationshipInline(RelationshipInline):
    fk_name = "subject"
    verbose_name_plural = "relationships: this entity is the subject"
    fields = ["kind", "object", "state", "start_date", "end_date", "source_record", "basis"]


class IncomingRelationshipInline(RelationshipInline):
    fk_name = "object"
    verbose_name_plural = "relationships: this entity is the object"
    fields = ["subject", "kind", "state", "start_date", "end_date", "source_record", "basis"]


class ListingInline(ReadOnlyInline):
    model = Listing
    fields = ["source", "regime", "reference_number", "list_type", "listed_on", "last_updated_shown",
              "external_id", "version", "status", "delisted_at"]

    @admin.display(description="last updated")
    def last_updated_shown(self, listing):
        return ", ".join(date_format(date.fromisoformat(day)) for day in listing.last_updated) or "—"


class BirthDateInline(OriginMixin, ReadOnlyInline):
    model = BirthDate
    fields = ["date_type", "date", "year", "from_year", "to_year", "note", "origin"]


class BirthPlaceInline(ReadOnlyInline):
    model = BirthPlace
    fields = ["street", "city", "state_province", "country", "country_code", "note"]


class NationalityInline(OriginMixin, ReadOnlyInline):
    model = Nationality
    fields = ["country", "country_code", "origin"]


class AddressInline(ReadOnlyInline):
    model = Address
    fields = ["street", "city", "state_province", "zip_code", "country", "country_code", "note"]


class DocumentInline(ReadOnlyInline):
    model = IdentityDocument
    fields = ["document_type", "document_type_detail", "number", "issuing_country", "country_of_issue",
              "city_of_issue", "date_of_issue", "note"]


class SourceRecordInline(ReadOnlyInline):
    model = SourceRecord
    fields = ["source", "source_key", "external_id", "first_seen", "last_seen", "removed_at"]
    show_change_link = True


class RegimeFilter(admin.SimpleListFilter):
    title = "regime"
    parameter_name = "regime"

    def lookups(self, request, model_admin):
        regimes = Listing.objects.order_by("regime").values_list("regime", flat=True).distinct()
        return [(regime, regime) for regime in regimes]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(listings__regime=self.value()).distinct()
        return queryset


class NationalityFilter(admin.SimpleListFilter):
    title = "nationality"
    parameter_name = "nationality"

    def lookups(self, request, model_admin):
        codes = (
            Nationality.objects.exclude(country_code="").order_by("country_code")
            .values_list("country_code", flat=True).distinct()
        )
        return [(code, code) for code in codes]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(nationalities__country_code=self.value()).distinct()
        return queryset


class EntityPolicyForm(forms.ModelForm):
    change_reason = forms.CharField(
        max_length=500, required=False, widget=forms.TextInput(attrs={"size": 80}),
        help_text="Why you change the category, tier or first-listed date (required then); kept in the timeline.",
    )

    class Meta:
        model = Entity
        fields = ["category", "tier", "first_listed", "analyst_notes"]

    def clean(self):
        cleaned = super().clean()
        policy_changed = set(self.changed_data) & set(services.policy.REASON_REQUIRED)
        if policy_changed and not cleaned.get("change_reason", "").strip():
            self.add_error("change_reason", "Say why you change " + ", ".join(sorted(policy_changed)) + ".")
        return cleaned


class NewEntityForm(forms.Form):
    """An entity no source lists, proposed by an analyst: it goes to the review queue."""

    caption = forms.CharField(label="name", max_length=1000, help_text="The full primary name.")
    kind = forms.ChoiceField(choices=EntityKind.choices)
    category = forms.ChoiceField(choices=EntityCategory.choices)
    tier = forms.TypedChoiceField(choices=[("", "—"), *Tier.choices], coerce=int, empty_value=None, required=False)
    analyst_notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                    help_text="Internal: never shown outside the platform.")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Why it should be designated; the approver reads it in the review queue.")


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=2000)


@admin.register(Entity)
class EntityAdmin(SimpleHistoryAdmin):
    form = EntityPolicyForm
    change_form_template = "admin/entities/entity/change_form.html"
    list_display = ["caption", "kind", "state", "category", "tier", "reference_numbers", "first_listed",
                    "updated_at"]
    list_filter = ["state", "kind", "category", "tier", RegimeFilter, NationalityFilter, "listings__source"]
    search_fields = ["caption", "names__full_name", "listings__reference_number"]
    search_help_text = "Any name, alias or reference number (e.g. QDi.001)."
    list_per_page = 50
    readonly_fields = ["id", "kind", "caption", "first_name", "second_name", "third_name", "fourth_name", "gender",
                       "titles_shown", "positions_shown", "narrative", "state", "first_designated_at", "delisted_at",
                       "created_at", "updated_at"]
    fieldsets = [
        ("Identity (from sources)", {"fields": ["id", "kind", "caption", ("first_name", "second_name"),
                                                ("third_name", "fourth_name"), "gender", "titles_shown",
                                                "positions_shown", "narrative"]}),
        ("Designation", {"fields": ["state", "first_designated_at", "delisted_at"]}),
        ("Policy (analysts)", {"fields": ["category", "tier", "first_listed", "analyst_notes", "change_reason"]}),
        ("Record", {"fields": ["created_at", "updated_at"]}),
    ]
    inlines = [ListingInline, EvidenceInline, OutgoingRelationshipInline, IncomingRelationshipInline,
               SourceNameInline, AnalystNameInline, BirthDateInline, BirthPlaceInline, NationalityInline,
               AddressInline, DocumentInline, SourceRecordInline]

    def get_queryset(self, request):
        listings = Listing.objects.only("entity_id", "reference_number", "status")
        return super().get_queryset(request).prefetch_related(Prefetch("listings", queryset=listings))

    @admin.display(description="reference numbers")
    def reference_numbers(self, entity):
        return format_html_join(
            ", ", "<span style='{}'>{}</span>",
            (("text-decoration: line-through" if listing.status == ListingStatus.DELISTED else "",
              listing.reference_number) for listing in entity.listings.all()),
        )

    @admin.display(description="titles")
    def titles_shown(self, entity):
        return "; ".join(entity.titles) or "—"

    @admin.display(description="positions")
    def positions_shown(self, entity):
        return "; ".join(entity.positions) or "—"

    def has_add_permission(self, request):
        return request.user.has_perm("entities.propose_entity")

    def has_delete_permission(self, request, obj=None):
        return False  # nothing is ever deleted: delist instead

    # --- Proposing an entity no source lists -----------------------------------------------------------------

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = NewEntityForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                proposal = services.entity_create(actor=Actor.of_user(request.user), **form.cleaned_data)
            except services.CurationError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(request, f"{proposal.entity} is proposed; it waits in the review queue for an "
                                           "approver. Add the evidence below.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:entities_entity_change", args=[proposal.entity_id]))
        context = {**self.admin_site.each_context(request), "title": "Propose an entity", "form": form,
                   "opts": self.opts}
        return TemplateResponse(request, "admin/entities/entity/propose.html", context)

    # --- The entity page -------------------------------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        entity = self.get_object(request, object_id)
        extra_context = {"show_save_and_add_another": False, **(extra_context or {})}  # "add" is proposing
        if entity is not None:
            extra_context.update(designation_panel(request.user, entity), timeline=timeline(entity.pk))
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path("<uuid:object_id>/propose/", self.admin_site.admin_view(self.propose_view),
                 name="entities_entity_propose"),
            *super().get_urls(),
        ]

    def propose_view(self, request, object_id):
        """Propose designating this entity (again) or delisting it: the entity page's designation panel posts here."""
        if not request.user.has_perm("entities.propose_entity"):
            raise PermissionDenied
        entity = get_object_or_404(Entity, pk=object_id)
        page = reverse("admin:entities_entity_change", args=[entity.pk])
        if request.method != "POST":
            return HttpResponseRedirect(page)
        form = ReasonForm(request.POST)
        if not form.is_valid():
            self.message_user(request, "Give a reason for the proposal.", messages.ERROR)
            return HttpResponseRedirect(page)
        propose = (services.entity_propose_delisting if request.POST.get("kind") == ProposalKind.DELIST
                   else services.entity_propose)
        try:
            propose(entity=entity, actor=Actor.of_user(request.user), reason=form.cleaned_data["reason"])
        except services.CurationError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, "Proposed: the proposal waits in the review queue for another approver.",
                              messages.SUCCESS)
        return HttpResponseRedirect(page)

    def save_model(self, request, obj, form, change):
        changes = {field: form.cleaned_data[field] for field in form.changed_data if field in services.POLICY_FIELDS}
        if changes:
            stored = Entity.objects.get(pk=obj.pk)
            services.entity_update_policy(entity=stored, actor=Actor.of_user(request.user),
                                          reason=form.cleaned_data.get("change_reason", ""), **changes)

    def save_formset(self, request, form, formset, change):
        changed = formset.save(commit=False)  # read-only inlines never change anything
        actor, reason = Actor.of_user(request.user), form.cleaned_data.get("change_reason", "")
        if formset.model is Name:
            for name in changed:
                name.entity = form.instance
                services.name_save(name=name, actor=actor, reason=reason)
            for name in formset.deleted_objects:
                services.name_delete(name=name, actor=actor, reason=reason)
        elif formset.model is Evidence:
            for evidence in changed:
                evidence.entity = form.instance
                services.evidence_save(evidence=evidence, actor=actor, reason=reason)
            for evidence in formset.deleted_objects:
                services.evidence_delete(evidence=evidence, actor=actor,
                                         reason=reason or "Evidence removed in the admin")


def designation_panel(user, entity: Entity) -> dict:
    """What the entity page offers about the designation: the open proposals and what this user may do."""
    may_propose = user.has_perm("entities.propose_entity")
    proposals = []
    for proposal in entity.proposals.open().select_related("proposed_by", "reviewer"):
        allowed, why = services.can_decide(proposal, user)
        proposals.append({"proposal": proposal, "can_decide": allowed, "why_not": why})
    offer = None
    if entity.state in (DesignationState.DELISTED, DesignationState.REJECTED):
        offer = {"kind": ProposalKind.DESIGNATE, "label": "Propose designating it again"}
    elif entity.state == DesignationState.DESIGNATED and not any(
            item["proposal"].kind == ProposalKind.DELIST for item in proposals):
        offer = {"kind": ProposalKind.DELIST, "label": "Propose delisting it"}
    return {
        "designation": {
            "state": entity.get_state_display(), "state_value": entity.state, "proposals": proposals,
            "offer": offer, "may_propose": may_propose,
            "why_not_propose": "" if may_propose else "Proposing needs the analyst role.",
            "queue_url": reverse("admin:entities_proposal_changelist"),
            "propose_url": reverse("admin:entities_entity_propose", args=[entity.pk]),
        },
    }


@admin.register(SourceRecord)
class SourceRecordAdmin(RecordAdmin):
    """What each source said about an entity, verbatim as parsed: the evidence behind the facts."""

    list_display = ["source_key", "source", "entity", "external_id", "first_seen", "last_seen", "removed_at"]
    list_filter = ["source", ("removed_at", admin.EmptyFieldListFilter)]
    search_fields = ["source_key", "external_id", "entity__caption"]
    list_select_related = ["source", "entity"]


def entity_link(entity) -> str:
    return format_html('<a href="{}">{}</a>', reverse("admin:entities_entity_change", args=[entity.pk]), entity)
