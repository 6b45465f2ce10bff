"""
Settings for the dangerous entities registry.

Every value a deployment changes comes from the environment. The defaults are for a first run on a
laptop only: an SQLite file under ``var/`` and Celery tasks run in-process. Production (DEBUG off)
refuses to start without ``SECRET_KEY``.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("REGISTRY_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Core -----------------------------------------------------------------------------------------

DEBUG = env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (or set DEBUG=1 for a local development run)."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "registry.apps.RegistryAdminConfig",  # django.contrib.admin, with the analyst's desk as its home
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_celery_beat",
    "entities",
    "importers",
    "apiclients",
    "screening",
    "partners",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "registry.urls"
WSGI_APPLICATION = "registry.wsgi.application"
ASGI_APPLICATION = "registry.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "registry" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
# DATABASE_URL, e.g. postgres://user:password@host:5432/registry. Unset: an SQLite file for a first run.

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'registry.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------------
# REDIS_CACHE_URL, e.g. redis://127.0.0.1:6379/1. Unset: an in-process cache.

if os.environ.get("REDIS_CACHE_URL"):
    # django-redis rather than Django's own backend: it keeps one client per server, where Django's builds a
    # new redis.Redis for every cache call, which cost a tenth of an API request's CPU.
    CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": os.environ["REDIS_CACHE_URL"]}}
else:
    # Per process, so rate limits count per worker: production sets REDIS_CACHE_URL.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                          "OPTIONS": {"MAX_ENTRIES": 20000}}}

# --- Auth, i18n, static ---------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# --- Security (production) ------------------------------------------------------------------------

SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY") else None
X_FRAME_OPTIONS = "DENY"

# --- History ----------------------------------------------------------------------------------------
# Reasons are analysts' sentences, not labels: the history keeps them whole (the audit log does too).
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# --- Celery ---------------------------------------------------------------------------------------
# CELERY_BROKER_URL, e.g. amqp://guest:guest@127.0.0.1:5672// or redis://127.0.0.1:6379/0.
# Unset: tasks run eagerly in the calling process, so a first run needs no broker and no worker.

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- Importers ------------------------------------------------------------------------------------

# Where downloads and the last good file of each source are kept.
IMPORT_DATA_DIR = Path(os.environ.get("IMPORT_DATA_DIR", VAR_DIR / "sources"))
# A source file larger than this is refused before it is parsed (bytes).
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(200 * 1024 * 1024)))
IMPORT_HTTP_TIMEOUT = float(os.environ.get("IMPORT_HTTP_TIMEOUT", "60"))
IMPORT_HTTP_RETRIES = int(os.environ.get("IMPORT_HTTP_RETRIES", "3"))
IMPORT_HTTP_BACKOFF = float(os.environ.get("IMPORT_HTTP_BACKOFF", "2"))

# --- REST framework -------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["apiclients.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated", "apiclients.permissions.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["apiclients.throttling.ClientRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
    # `format` is the export endpoint's own parameter, not a renderer switch.
    "URL_FORMAT_OVERRIDE": None,
}
# Requests per client, by client kind ("N/s", "N/min", "N/hour", "N/day"); empty means no limit.
API_RATE_LIMITS = {
    "service": os.environ.get("API_RATE_SERVICE", "60000/min"),
    "researcher": os.environ.get("API_RATE_RESEARCHER", "600/min"),
    "partner": os.environ.get("API_RATE_PARTNER", "600/min"),
}
# --- Expert partners ------------------------------------------------------------------------------

# At most this many submissions in one API batch or CSV file, and this many bytes in one upload.
PARTNER_BATCH_MAX = int(os.environ.get("PARTNER_BATCH_MAX", "100"))
PARTNER_UPLOAD_MAX_BYTES = int(os.environ.get("PARTNER_UPLOAD_MAX_BYTES", str(512 * 1024)))
# A request body (a JSON batch, or the upload with its envelope) larger than this is refused unread.
PARTNER_REQUEST_MAX_BYTES = int(os.environ.get("PARTNER_REQUEST_MAX_BYTES", str(2 * 1024 * 1024)))
# Submitting and answering, per partner organisation (all its users and clients together), API and portal.
PARTNER_SUBMIT_RATE = os.environ.get("PARTNER_SUBMIT_RATE", "30/hour")
# Where the portal is, for the links in partners' notification mails.
PARTNER_PORTAL_URL = os.environ.get("PARTNER_PORTAL_URL", "http://127.0.0.1:8000/partners/")

# --- Mail -----------------------------------------------------------------------------------------

# Partners' notifications. The console backend prints them; set EMAIL_BACKEND to
# django.core.mail.backends.smtp.EmailBackend and EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER,
# EMAIL_HOST_PASSWORD, EMAIL_USE_TLS to send them.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "registry@localhost")

SPECTACULAR_SETTINGS = {
    "TITLE": "Dangerous entities registry API",
    "DESCRIPTION": "Designated violent extremist organisations and individuals: lookup, change feed, exports.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several choice sets share a field name ("kind", "status"): name each enum after its choices.
    "ENUM_NAME_OVERRIDES": {
        "EntityKindEnum": "entities.choices.EntityKind",
        "ListingStatusEnum": "entities.choices.ListingStatus",
        "EntityStatusEnum": "entities.choices.API_STATUSES",
        "DesignationStateEnum": "entities.choices.DesignationState",
        "ImportRunStatusEnum": "importers.choices.ImportRunStatus",
        "SubmissionStatusEnum": "partners.choices.SubmissionStatus",
    },
}

# --- Logging --------------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
