from django.apps import AppConfig


class ApiClientsConfig(AppConfig):
    name = "apiclients"
    verbose_name = "API clients"

    def ready(self):
        from apiclients import schema  # noqa: F401  (registers the schema extension)
