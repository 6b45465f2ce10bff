"""Create the UN SC source and its default daily import schedule, editable in the admin afterwards."""

import json

from django.db import migrations

UN_SC = {
    "slug": "un-sc",
    "name": "UN Security Council Consolidated List",
    "url": "https://scsanctions.un.org/resources/xml/en/consolidated.xml",
}


def create_defaults(apps, schema_editor):
    Source = apps.get_model("entities", "Source")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    Source.objects.get_or_create(slug=UN_SC["slug"], defaults=UN_SC)
    daily, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    PeriodicTask.objects.get_or_create(
        name="Import UN SC Consolidated List",
        defaults={
            "task": "importers.tasks.import_source_task",
            "crontab": daily,
            "args": json.dumps(["un-sc"]),
            "description": "Daily download and import of the UN Security Council Consolidated List.",
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("importers", "0001_initial"),
        ("entities", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
