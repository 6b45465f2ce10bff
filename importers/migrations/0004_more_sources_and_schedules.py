"""
The sources after the UN list, with the official URLs of their publications, the programs each imports by
default, and a daily import schedule each, editable in the admin afterwards. New sources propose: their
listings wait in the review queue. The UK's ConList was retired by OFSI in 2026 (for the UK Sanctions List):
its schedule is disabled until an operator points it at a file that still updates.
"""

import json

from django.db import migrations

SOURCES = [
    {"slug": "ofac-sdn", "name": "US Treasury OFAC Specially Designated Nationals List",
     "url": "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN.XML",
     "programs": ["SDGT", "SDT", "FTO", "NS-PLC", "HIFPAA"], "schedule": ("45", "3"), "enabled": True},
    {"slug": "uk-ofsi", "name": "UK HM Treasury (OFSI) Consolidated List",
     "url": "https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.csv",
     "programs": ["The ISIL (Da'esh) and Al-Qaida organisations", "ISIL (Da'esh) and Al-Qaida",
                  "Terrorism and Terrorist Financing", "Counter-Terrorism (International)",
                  "Counter-Terrorism (Domestic)", "Afghanistan"], "schedule": ("0", "4"), "enabled": False},
    {"slug": "au-dfat", "name": "Australia DFAT Consolidated List",
     "url": "https://www.dfat.gov.au/sites/default/files/regulation8_consolidated.xlsx",
     "programs": [], "schedule": ("15", "4"), "enabled": True},
    {"slug": "ca-sema", "name": "Canada Consolidated Autonomous Sanctions List (SEMA)",
     "url": "https://www.international.gc.ca/world-monde/assets/office_docs/international_relations-"
            "relations_internationales/sanctions/sema-lmes.xml",
     "programs": [], "schedule": ("30", "4"), "enabled": True},
]


def create_sources(apps, schema_editor):
    Source = apps.get_model("entities", "Source")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for source in SOURCES:
        Source.objects.get_or_create(slug=source["slug"], defaults={
            "name": source["name"], "url": source["url"], "programs": source["programs"], "policy": "propose"})
        minute, hour = source["schedule"]
        daily, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC")
        PeriodicTask.objects.get_or_create(name=f"Import {source['name']}", defaults={
            "task": "importers.tasks.import_source_task", "crontab": daily, "args": json.dumps([source["slug"]]),
            "enabled": source["enabled"], "description": f"Daily download and import of the {source['name']}."})


def remove_sources(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[f"Import {source['name']}" for source in SOURCES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("importers", "0003_run_scope"),
        ("entities", "0014_source_programs_and_listing_references"),
    ]

    operations = [migrations.RunPython(create_sources, remove_sources)]
