"""
The analysts' admin for entities.

Source-derived fields and facts are shown read-only; only the policy fields and analyst-entered names
can be edited, and every edit goes through ``entities.services`` with a reason kept in the history.
"""

from django import forms
from django.contrib import admin
from django.db.models import Prefetch
from django.utils.html import format_html_join
from simple_history.admin import SimpleHistoryAdmin

from entities import services
from entities.choices import ListingStatus
from entities.models import (
    Address,
    BirthDate,
    BirthPlace,
    Entity,
    IdentityDocument,
    Listing,
    Name,
    Nationality,
    SourceRecord,
)


class ReadOnlyInline(admin.TabularInline):
    """Facts that came from a source: shown, never edited here."""

    extra = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields if field.name not in ("id", "entity")]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SourceNameInline(ReadOnlyInline):
    model = Name
    verbose_name_plural = "names from sources"
    fields = ["name_type", "full_name", "quality", "note", "date_of_birth", "city_of_birth", "country_of_birth",
              "source_record"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(source_record__isnull=False)


class AnalystNameInline(admin.TabularInline):
    """Names analysts add (e.g. an account handle seen on the platform); they survive every import."""

    model = Name
    extra = 0
    verbose_name_plural = "names added by analysts"
    fields = ["name_type", "full_name", "note"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(source_record__isnull=True)


class ListingInline(ReadOnlyInline):
    model = Listing
    fields = ["source", "regime", "reference_number", "list_type", "listed_on", "last_updated", "external_id",
              "version", "status", "delisted_at"]


class BirthDateInline(ReadOnlyInline):
    model = BirthDate
    fields = ["date_type", "date", "year", "from_year", "to_year", "note"]


class BirthPlaceInline(ReadOnlyInline):
    model = BirthPlace
    fields = ["street", "city", "state_province", "country", "country_code", "note"]


class NationalityInline(ReadOnlyInline):
    model = Nationality
    fields = ["country", "country_code"]


class AddressInline(ReadOnlyInline):
    model = Address
    fields = ["street", "city", "state_province", "zip_code", "country", "country_code", "note"]


class DocumentInline(ReadOnlyInline):
    model = IdentityDocument
    fields = ["document_type", "document_type_detail", "number", "issuing_country", "country_of_issue",
              "city_of_issue", "date_of_issue", "note"]


class SourceRecordInline(ReadOnlyInline):
    model = SourceRecord
    fields = ["source", "source_key", "external_id", "first_seen", "last_seen", "removed_at", "content_hash"]
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
        max_length=500,
        required=False,
        help_text="Why you change the category, status or first-listed date; kept in the history.",
    )

    class Meta:
        model = Entity
        fields = ["category", "status", "first_listed", "analyst_notes"]

    def clean(self):
        cleaned = super().clean()
        policy_changed = set(self.changed_data) & {"category", "status", "first_listed"}
        if policy_changed and not cleaned.get("change_reason", "").strip():
            self.add_error("change_reason", "Say why you change " + ", ".join(sorted(policy_changed)) + ".")
        return cleaned


@admin.register(Entity)
class EntityAdmin(SimpleHistoryAdmin):
    form = EntityPolicyForm
    list_display = ["caption", "kind", "status", "category", "reference_numbers", "first_listed", "updated_at"]
    list_filter = ["kind", "status", "category", RegimeFilter, NationalityFilter, "listings__source"]
    search_fields = ["caption", "names__full_name", "listings__reference_number"]
    search_help_text = "Any name, alias or reference number (e.g. QDi.001)."
    list_per_page = 50
    readonly_fields = ["id", "kind", "caption", "first_name", "second_name", "third_name", "fourth_name", "gender",
                       "titles", "positions", "narrative", "delisted_at", "created_at", "updated_at"]
    fieldsets = [
        ("Identity (from sources)", {"fields": ["id", "kind", "caption", ("first_name", "second_name"),
                                                ("third_name", "fourth_name"), "gender", "titles", "positions",
                                                "narrative"]}),
        ("Policy (analysts)", {"fields": ["category", "status", "first_listed", "delisted_at", "analyst_notes",
                                          "change_reason"]}),
        ("Record", {"fields": ["created_at", "updated_at"]}),
    ]
    inlines = [ListingInline, SourceNameInline, AnalystNameInline, BirthDateInline, BirthPlaceInline,
               NationalityInline, AddressInline, DocumentInline, SourceRecordInline]
    history_list_display = ["status", "category"]

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

    def has_add_permission(self, request):
        # Entities come from sources for now; analyst-proposed entities arrive with the curation workflow.
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # nothing is ever deleted: delist instead

    def save_model(self, request, obj, form, change):
        changes = {field: form.cleaned_data[field] for field in form.changed_data if field in services.POLICY_FIELDS}
        if changes:
            reason = form.cleaned_data.get("change_reason") or "Analyst notes edited"
            services.entity_update_policy(entity=obj, actor=request.user, reason=reason, **changes)

    def save_formset(self, request, form, formset, change):
        changed = formset.save(commit=False)  # read-only inlines never change anything
        if formset.model is not Name:
            return
        for name in changed:
            name.entity = form.instance
            services.name_save(name=name, actor=request.user)
        for name in formset.deleted_objects:
            services.name_delete(name=name, actor=request.user)


@admin.register(SourceRecord)
class SourceRecordAdmin(SimpleHistoryAdmin):
    """What each source said about an entity, verbatim as parsed: the evidence behind the facts."""

    list_display = ["source_key", "source", "entity", "external_id", "first_seen", "last_seen", "removed_at"]
    list_filter = ["source", ("removed_at", admin.EmptyFieldListFilter)]
    search_fields = ["source_key", "external_id", "entity__caption"]
    list_select_related = ["source", "entity"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
