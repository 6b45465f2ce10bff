"""
Drop every stored entity document: those rendered before these fixes can say what external clients must not
read (the status `proposed` of an entity delisted and proposed again) or miss what they may (a relationship
made public by the other end's designation). Documents are derived data: each is rendered again on its next
read, or ahead of time by `manage.py render_entity_documents`.
"""

from django.db import migrations


def drop_documents(apps, schema_editor):
    apps.get_model("entities", "EntityDocument").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("entities", "0011_audit_actors_protected")]

    operations = [migrations.RunPython(drop_documents, migrations.RunPython.noop, elidable=True)]
