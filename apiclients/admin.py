from django import forms
from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from apiclients.choices import Scope
from apiclients.models import ApiClient
from apiclients.services import api_client_create, api_client_revoke


class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(choices=Scope.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ApiClient
        fields = ["name", "kind", "scopes", "expires_at", "contact"]


@admin.register(ApiClient)
class ApiClientAdmin(SimpleHistoryAdmin):
    form = ApiClientForm
    list_display = ["name", "kind", "scopes", "token_prefix", "created_at", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["kind", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "contact", "token_prefix"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["name", "kind", "scopes", "token_prefix", "created_at", "created_by", "expires_at", "revoked_at",
                "last_used_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "kind", "scopes", "expires_at", "contact"]
        return [*self.get_readonly_fields(request, obj), "contact"]

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the client stays on record

    def save_model(self, request, obj, form, change):
        if change:
            obj._history_user = request.user
            obj.save(update_fields=["contact"])
            return
        client, token = api_client_create(
            name=form.cleaned_data["name"], kind=form.cleaned_data["kind"], scopes=form.cleaned_data["scopes"],
            expires_at=form.cleaned_data["expires_at"], contact=form.cleaned_data["contact"], actor=request.user,
        )
        obj.pk = client.pk
        messages.warning(request, f"Token for {client.name}, shown only this once — store it now: {token}")

    @admin.action(description="Revoke the selected clients' tokens")
    def revoke(self, request, queryset):
        for client in queryset:
            api_client_revoke(client=client, actor=request.user, reason=f"Revoked in the admin by {request.user}")
        self.message_user(request, f"Revoked {queryset.count()} client(s).", messages.SUCCESS)
