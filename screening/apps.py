from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "screening"
    verbose_name = "Name screening"

    def ready(self):
        from entities.signals import names_changed
        from screening.index import reindex_on_names_changed

        names_changed.connect(reindex_on_names_changed, dispatch_uid="screening-reindex")
