"""
On PostgreSQL: the trigram index on the index keys covers words only, not metaphones (~) nor pair keys (+),
which only the unknown-word lookup's filter left out before; pair keys outnumber words on a large registry.
"""

from django.db import migrations

WORDS_ONLY = (
    "CREATE INDEX screening_keyfrequency_key_trgm ON screening_keyfrequency USING gin (key gin_trgm_ops) "
    "WHERE key NOT LIKE '~%' AND key NOT LIKE '%+%'"
)
EVERY_KEY = "CREATE INDEX screening_keyfrequency_key_trgm ON screening_keyfrequency USING gin (key gin_trgm_ops)"


def replace_with(definition: str):
    def replace(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("DROP INDEX IF EXISTS screening_keyfrequency_key_trgm")
        schema_editor.execute(definition.replace("%", "%%"))

    return replace


class Migration(migrations.Migration):
    dependencies = [("screening", "0005_keyfrequency_trigram_index")]

    operations = [migrations.RunPython(replace_with(WORDS_ONLY), replace_with(EVERY_KEY))]
