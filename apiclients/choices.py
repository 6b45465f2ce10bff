from django.db import models


class ClientKind(models.TextChoices):
    SERVICE = "service", "Service"
    RESEARCHER = "researcher", "Researcher"
    PARTNER = "partner", "Expert partner"


class Scope(models.TextChoices):
    READ = "read", "read: entities, changes, export, sources"
    MATCH = "match", "match: name screening"
    SUBMIT = "submit", "submit: partner submissions"
    INTERNAL = "internal", "internal: also proposals, analysts' names, notes and evidence (the platform's services)"
    CURATE = "curate", "curate: propose and decide, as the person the client acts for"
