from django import forms
from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from apiclients.choices import ClientKind, Scope
from apiclients.models import ApiClient
from apiclients.services import api_client_create, api_client_revoke, api_client_update_contact
from entities.audit import Actor


class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(choices=Scope.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ApiClient
        fields = ["name", "kind", "scopes", "user", "partner", "expires_at", "contact"]

    def clean(self):
        cleaned = super().clean()
        if Scope.CURATE in cleaned.get("scopes", []) and not cleaned.get("user"):
            self.add_error("user", "A client with the curate scope acts for a person: choose the user.")
        partner_kind = cleaned.get("kind") == ClientKind.PARTNER
        if partner_kind != bool(cleaned.get("partner")):
            self.add_error("partner", "A client of kind partner belongs to one partner, and only such a client does.")
        if Scope.SUBMIT in cleaned.get("scopes", []) and not partner_kind:
            self.add_error("scopes", "Only a client of kind partner may have the submit scope.")
        return cleaned


@admin.register(ApiClient)
class ApiClientAdmin(SimpleHistoryAdmin):
    form = ApiClientForm
    list_display = ["name", "kind", "partner", "scopes", "token_prefix", "created_at", "expires_at", "revoked_at",
                    "last_used_at"]
    list_filter = ["kind", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "contact", "token_prefix"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["name", "kind", "scopes", "user", "partner", "token_prefix", "created_at", "created_by", "expires_at",
                "revoked_at", "last_used_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "kind", "scopes", "user", "partner", "expires_at", "contact"]
        return [*self.get_readonly_fields(request, obj), "contact"]

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the client stays on record

    def save_model(self, request, obj, form, change):
        actor = Actor.of_user(request.user)
        if change:
            api_client_update_contact(client=obj, actor=actor, contact=form.cleaned_data["contact"])
            return
        data = form.cleaned_data
        client, token = api_client_create(
            name=data["name"], kind=data["kind"], scopes=data["scopes"], expires_at=data["expires_at"],
            contact=data["contact"], user=data["user"], partner=data["partner"], actor=actor,
        )
        obj.pk = client.pk
        messages.warning(request, f"Token for {client.name}, shown only this once — store it now: {token}")

    @admin.action(description="Revoke the selected clients' tokens", permissions=["change"])
    def revoke(self, request, queryset):
        for client in queryset:
            api_client_revoke(client=client, actor=Actor.of_user(request.user),
                              reason=f"Revoked in the admin by {request.user}")
        self.message_user(request, f"Revoked {queryset.count()} client(s).", messages.SUCCESS)
