"""WSGI entry point (gunicorn registry.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
application = get_wsgi_application()

# Everything loaded so far (Django, the apps, rigour's tables) lives as long as the process: keep it out of
# the garbage collector's full collections, which otherwise walk it all and stall a request now and then.
gc.freeze()
