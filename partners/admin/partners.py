"""The partners and their portal users; a portal user is added with a random password, shown once."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from simple_history.admin import SimpleHistoryAdmin

from entities.audit import Actor
from entities.services import CurationError
from partners.accounts import portal_user_create
from partners.models import Partner, PartnerMember


class PortalUserForm(forms.Form):
    username = forms.CharField(max_length=150)
    email = forms.EmailField(help_text="The person's own address: the portal's mails about their submissions go "
                                       "there and to the partner's contact.")


class PartnerMemberInline(admin.TabularInline):
    """The partner's portal users. New ones come from "Add a portal user" (never an existing login, never staff)."""

    model = PartnerMember
    extra = 0
    fields = ["user", "email", "active", "last_login"]
    readonly_fields = fields

    @admin.display(description="email")
    def email(self, member):
        return member.user.email

    @admin.display(description="active", boolean=True)
    def active(self, member):
        return member.user.is_active

    @admin.display(description="last login")
    def last_login(self, member):
        return member.user.last_login or "never"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Partner)
class PartnerAdmin(SimpleHistoryAdmin):
    """Expert partners: analysts add and change them; their portal users are listed with them."""

    change_form_template = "admin/partners/partner/change_form.html"
    list_display = ["name", "country", "contact_email", "active", "portal_users", "submissions"]
    list_filter = ["active", "country"]
    search_fields = ["name", "contact_name", "contact_email"]
    fields = ["name", "country", "contact_name", "contact_email", "active", "notes", "created_at"]
    readonly_fields = ["created_at"]
    inlines = [PartnerMemberInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            member_count=Count("members", distinct=True), submission_count=Count("submissions", distinct=True))

    @admin.display(description="portal users", ordering="member_count")
    def portal_users(self, partner):
        return partner.member_count

    @admin.display(description="submissions", ordering="submission_count")
    def submissions(self, partner):
        return partner.submission_count

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: its submissions stay on record

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}),
                         "may_add_portal_user": request.user.has_perm("partners.add_partnermember")}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path("<int:object_id>/portal-user/", self.admin_site.admin_view(self.portal_user_view),
                 name="partners_partner_portal_user"),
            *super().get_urls(),
        ]

    def portal_user_view(self, request, object_id):
        """Add a portal user to the partner: the password is shown in a message, once."""
        if not request.user.has_perm("partners.add_partnermember"):
            raise PermissionDenied
        partner = get_object_or_404(Partner, pk=object_id)
        form = PortalUserForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                user, password = portal_user_create(partner=partner, actor=Actor.of_user(request.user),
                                                    **form.cleaned_data)
            except CurationError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(request, f"Portal user {user.username} added to {partner}. Password, shown only "
                                           f"this once — pass it on safely now: {password}", messages.WARNING)
                return HttpResponseRedirect(reverse("admin:partners_partner_change", args=[partner.pk]))
        context = {**self.admin_site.each_context(request), "title": f"Add a portal user to {partner}",
                   "form": form, "partner": partner, "opts": self.opts}
        return TemplateResponse(request, "admin/partners/partner/portal_user.html", context)
