from django.apps import AppConfig


class ImportersConfig(AppConfig):
    name = "importers"
    verbose_name = "Sources and imports"

    def ready(self):
        # Source modules register themselves with the importer registry when imported.
        from importers import sources  # noqa: F401
