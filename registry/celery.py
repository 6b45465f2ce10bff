"""The Celery application. Tasks live in each app's ``tasks.py`` and are found by autodiscovery."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")

app = Celery("registry")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Eager tasks need no broker, yet kombu parses one: an in-memory one, named, so it has nothing to warn about.
app.conf.broker_url = app.conf.broker_url or "memory://localhost/"
app.autodiscover_tasks()
