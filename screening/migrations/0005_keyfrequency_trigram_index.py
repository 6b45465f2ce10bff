"""
On PostgreSQL: a trigram index on the index keys (the registry's vocabulary). A misspelt query word is looked
up among the words names have, not among whole names, so the search stays fast on millions of names.
"""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS screening_keyfrequency_key_trgm "
        "ON screening_keyfrequency USING gin (key gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS screening_keyfrequency_key_trgm")


class Migration(migrations.Migration):
    dependencies = [("screening", "0004_index_rows_outlive_names")]

    operations = [migrations.RunPython(create, drop)]
