"""Admin for sources (with "run import now") and the record of every import run."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django_celery_beat.admin import PeriodicTaskAdmin
from django_celery_beat.models import PeriodicTask
from simple_history.admin import SimpleHistoryAdmin

from entities.audit import Actor
from entities.models import Source
from importers.base import ImportFailed
from importers.choices import ImportRunStatus, ImportTrigger
from importers.models import ImportRun
from importers.services import import_source, source_update
from importers.tasks import import_source_task
from registry.admin import RecordAdmin


class SourceForm(forms.ModelForm):
    url = Source._meta.get_field("url").formfield(assume_scheme="https")  # Django 6's default, without the warning
    change_reason = forms.CharField(max_length=500, help_text="Why you change the source's settings; kept in its "
                                                              "history.")

    programs = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"size": 60}),
        help_text="The programs or regimes to import, separated by commas (e.g. SDGT, FTO); empty: all of them.",
    )

    class Meta:
        model = Source
        fields = ["name", "url", "enabled", "policy", "programs", "max_delist_share"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["programs"] = ", ".join(self.instance.programs or [])

    def clean_programs(self):
        return [program.strip() for program in self.cleaned_data["programs"].split(",") if program.strip()]


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    form = SourceForm
    list_display = ["name", "slug", "enabled", "policy", "programs", "url", "max_delist_share", "last_imported_at",
                    "last_run"]
    fields = ["name", "slug", "url", "enabled", "policy", "programs", "max_delist_share", "change_reason",
              "last_imported_at", "etag", "last_modified", "last_good_file", "last_good_sha256"]
    readonly_fields = ["slug", "last_imported_at", "etag", "last_modified", "last_good_file", "last_good_sha256"]
    actions = ["run_import_now"]

    def save_model(self, request, obj, form, change):
        changes = {field: form.cleaned_data[field] for field in form.changed_data if field in SourceForm.Meta.fields}
        source_update(source=Source.objects.get(pk=obj.pk), actor=Actor.of_user(request.user),
                      reason=form.cleaned_data["change_reason"], **changes)

    def has_add_permission(self, request):
        return False  # sources exist because an importer module exists for them

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="last run")
    def last_run(self, source):
        run = source.import_runs.order_by("-started_at").first()
        if run is None:
            return "—"
        url = reverse("admin:importers_importrun_change", args=[run.pk])
        return format_html('<a href="{}">{} ({})</a>', url, run.get_status_display(), run.started_at.date())

    @admin.action(description="Run import now", permissions=["change"])
    def run_import_now(self, request, queryset):
        for source in queryset:
            if not settings.CELERY_TASK_ALWAYS_EAGER:
                result = import_source_task.delay(source.slug, trigger=ImportTrigger.ADMIN, user_id=request.user.pk)
                self.message_user(request, f"{source}: import queued (task {result.id}).", messages.INFO)
                continue
            # No broker (the embedded default): run it here and now, without the task's retry schedule.
            try:
                run = import_source(slug=source.slug, trigger=ImportTrigger.ADMIN, user=request.user)
            except ImportFailed as error:
                self.message_user(request, f"{source}: import failed: {error}", messages.ERROR)
                continue
            counts = ", ".join(f"{value} {key}" for key, value in run.counts.items())
            self.message_user(request, f"{source}: {run.get_status_display().lower()} — {counts}.", messages.SUCCESS)


@admin.register(ImportRun)
class ImportRunAdmin(RecordAdmin):
    list_display = ["id", "source", "status", "trigger", "triggered_by", "started_at", "duration", "record_count",
                    "created", "updated", "unchanged", "delisted", "relisted", "short_error"]
    list_filter = ["source", "status", "trigger", "forced"]
    list_select_related = ["source", "triggered_by"]
    date_hierarchy = "started_at"
    search_fields = ["error", "file_sha256", "date_generated"]

    @admin.display(description="error")
    def short_error(self, run):
        if run.status != ImportRunStatus.FAILED:
            return ""
        return run.error if len(run.error) <= 120 else run.error[:117] + "…"


admin.site.unregister(PeriodicTask)


@admin.register(PeriodicTask)
class ScheduleAdmin(PeriodicTaskAdmin):
    """
    django-celery-beat's schedules (the imports' among them), with each action needing the change permission:
    its own declare none, so a user allowed only to view the schedules could run or disable them.
    """

    @admin.action(description="Enable selected tasks", permissions=["change"])
    def enable_tasks(self, request, queryset):
        return super().enable_tasks(request, queryset)

    @admin.action(description="Disable selected tasks", permissions=["change"])
    def disable_tasks(self, request, queryset):
        return super().disable_tasks(request, queryset)

    @admin.action(description="Toggle activity of selected tasks", permissions=["change"])
    def toggle_tasks(self, request, queryset):
        return super().toggle_tasks(request, queryset)

    @admin.action(description="Run selected tasks", permissions=["change"])
    def run_tasks(self, request, queryset):
        return super().run_tasks(request, queryset)
