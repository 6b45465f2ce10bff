"""
The partner group (portal users: no permission on anything in the admin), and what the curation roles may
do with partners and their submissions: viewers read them; analysts and approvers also manage partners and
their portal users and review submissions (ask, accept, attach, reject: ``partners.change_submission``).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

READ = ["partner", "partnermember", "submission", "submissionmessage", "submissionevent"]
REVIEW = ["add_partner", "change_partner", "add_partnermember", "change_partnermember", "delete_partnermember",
          "change_submission"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    partners = Permission.objects.filter(content_type__app_label="partners")
    read = list(partners.filter(codename__in=[f"view_{model}" for model in READ]))
    review = read + list(partners.filter(codename__in=REVIEW))
    Group.objects.get_or_create(name="partner")
    for name, granted in (("viewer", read), ("analyst", review), ("approver", review)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*granted)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name="partner").delete()
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=["viewer", "analyst", "approver"]):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="partners"))


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0001_initial"),
        ("entities", "0008_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
