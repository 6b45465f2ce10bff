"""Screening for analysts: a page in the admin where a name returns ranked, explained candidates."""

from django import forms
from django.contrib import admin
from django.template.response import TemplateResponse

from entities.choices import EntityKind
from screening.models import NameKey
from screening.scoring import Query
from screening.service import DEFAULT_THRESHOLD, screen


class ScreeningSearch(NameKey):
    """No table of its own: gives the screening page its place in the admin's index."""

    class Meta:
        proxy = True
        verbose_name = verbose_name_plural = "screen a name"


class ScreeningForm(forms.Form):
    name = forms.CharField(max_length=300)
    kind = forms.ChoiceField(choices=[("", "any"), *EntityKind.choices], required=False)
    birth_date = forms.RegexField(r"^\d{4}(-\d{2}-\d{2})?$", required=False, help_text="YYYY or YYYY-MM-DD")
    nationality = forms.CharField(max_length=100, required=False, help_text="ISO code or country name")
    threshold = forms.FloatField(min_value=0, max_value=1, initial=DEFAULT_THRESHOLD)

    def __init__(self, data=None, **kwargs):
        # A link such as ?name=X (from a bookmark or another tool) screens at the default threshold, and the
        # form then shows the threshold it used.
        if data is not None and not (data.get("threshold") or "").strip():
            data = data.copy()
            data["threshold"] = str(DEFAULT_THRESHOLD)
        super().__init__(data, **kwargs)

    def clean_birth_date(self):
        value = self.cleaned_data["birth_date"]
        if len(value) == 10:
            forms.DateField().clean(value)  # a real calendar date, or the form's own error
        return value


@admin.register(ScreeningSearch)
class ScreeningAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        # The app holds no permission a role grants: without this, only superusers would find the page.
        return self.has_view_permission(request)

    def changelist_view(self, request, extra_context=None):
        form = ScreeningForm(request.GET or None)
        candidates = None
        if form.is_valid():
            data = form.cleaned_data
            query = Query(name=data["name"], kind=data["kind"] or None, birth_date=data["birth_date"] or None,
                          nationality=data["nationality"] or None)
            [result] = screen([query], threshold=data["threshold"], limit=20)
            candidates = result.candidates
        context = {
            **self.admin_site.each_context(request),
            "title": "Screen a name",
            "opts": self.model._meta,
            "form": form,
            "candidates": candidates,
        }
        return TemplateResponse(request, "admin/screening/search.html", context)
