from django.apps import AppConfig


class PartnersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "partners"
    verbose_name = "Expert partners"

    def ready(self):
        from entities.signals import proposal_decided
        from partners import services

        proposal_decided.connect(services.on_proposal_decided, dispatch_uid="partners.on_proposal_decided")
