"""
The curation roles, as Django groups with their permissions: viewer, analyst, approver.

viewer reads everything in the registry and changes nothing; analyst also proposes designations and
delistings and edits names, evidence, notes and relationships; approver also decides (designates, delists,
rejects: ``entities.decide_entity``; the services refuse a decision on one's own proposal). Superusers hold
every permission. Technical models (API clients, periodic tasks, groups, users) are for superusers only.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

READ = [
    ("entities", "entity"), ("entities", "name"), ("entities", "birthdate"), ("entities", "birthplace"),
    ("entities", "nationality"), ("entities", "address"), ("entities", "identitydocument"), ("entities", "listing"),
    ("entities", "sourcerecord"), ("entities", "source"), ("entities", "evidence"), ("entities", "relationship"),
    ("entities", "proposal"), ("entities", "auditevent"), ("importers", "importrun"),
]
ANALYST = [
    ("entities", "change_entity"), ("entities", "add_entity"), ("entities", "propose_entity"),
    ("entities", "add_name"), ("entities", "change_name"), ("entities", "delete_name"),
    ("entities", "add_evidence"), ("entities", "change_evidence"), ("entities", "delete_evidence"),
    ("entities", "add_relationship"), ("entities", "change_relationship"),
]
APPROVER = [("entities", "decide_entity")]


def create_roles(apps, schema_editor):
    # Permissions are made after migrations run; these need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permissions(pairs):
        found = []
        for app_label, codename in pairs:
            found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        return found

    viewer = permissions((app, f"view_{model}") for app, model in READ)
    analyst = viewer + permissions(ANALYST)
    approver = analyst + permissions(APPROVER)
    for name, granted in (("viewer", viewer), ("analyst", analyst), ("approver", approver)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(granted)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["viewer", "analyst", "approver"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("entities", "0007_curation"),
        ("importers", "0002_default_sources_and_schedule"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
