"""The change log becomes the audit log (AuditEvent); entity documents are rebuilt per audience."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("entities", "0005_search_indexes"),
        ("apiclients", "0001_initial"),
    ]

    operations = [
        migrations.RenameModel("EntityChange", "AuditEvent"),
        migrations.RenameField("AuditEvent", "actor", "actor_user"),
        # Derived data: rendered again on first read, now once per audience.
        migrations.DeleteModel("EntityDocument"),
    ]
