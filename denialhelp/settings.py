"""Settings for DenialHelp, read from the environment.

Every value has a default that is safe on a developer's machine (SQLite, an
embedded Celery broker, console email, the local payment page).  With DEBUG off
the defaults that are only safe locally are refused at start-up by
``denialhelp.checks.assert_production_ready``, which names each missing or
unsafe setting, so a half-configured server never starts serving patients.
"""

from __future__ import annotations

import datetime
from email.utils import parseaddr
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from denialhelp.broker import embedded_broker_url, is_embedded, transport_for
from denialhelp.env import env_bool, env_int, env_list, env_str
from denialhelp.sqlite import tuned_for_concurrency

BASE_DIR = Path(__file__).resolve().parent.parent
# Local state (SQLite database, embedded broker, uploaded and rendered files)
# lives under var/ so a clean clone has exactly one thing to delete.
VAR_DIR = Path(env_str("DENIALHELP_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# Development-only placeholders.  They are public (they are in this file), so
# the production check refuses them by value.
DEV_SECRET_KEY = "dev-only-insecure-secret-key-0123456789-do-not-use-in-production"  # noqa: S105
DEV_PATIENT_DATA_KEY = "dev-only-insecure-patient-data-key-do-not-use-in-production"

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Absolute links (emails, canonical URLs, sitemaps); on a developer machine, the port `make run` serves.
SITE_URL = env_str("SITE_URL", f"http://127.0.0.1:{env_str('PORT', '8000')}").rstrip("/")

# Patient fields are encrypted with keys derived from SECRET_KEY and these
# values (django-fernet-encrypted-fields calls them SALT_KEY).  The first key
# encrypts; every key listed decrypts, which is how a key is rotated: prepend
# the new one, re-save the rows, then drop the old one.
PATIENT_DATA_KEYS = env_list("PATIENT_DATA_KEYS", [DEV_PATIENT_DATA_KEY])
SALT_KEY = PATIENT_DATA_KEYS

# The key of the email digests that first-letter promo codes compare
# (appeals.orders.email_identity).  It defaults to SECRET_KEY; before rotating
# SECRET_KEY, set this to the current value, or every earlier address is
# forgotten and each gets a "first" letter again.
EMAIL_DIGEST_KEY = env_str("EMAIL_DIGEST_KEY", SECRET_KEY)

INSTALLED_APPS = [
    # django.contrib.admin, whose site asks staff for a second factor (denialhelp/admin_site.py).
    "denialhelp.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "appeals",
]

MIDDLEWARE = [
    "log_request_id.middleware.RequestIDMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks request.user verified once they entered a code from their authenticator app.
    "django_otp.middleware.OTPMiddleware",
    # Before anything reads a body (the CSRF check does); after the login, for staff's larger upload limit.
    "appeals.core.request_limits.RequestBodyLimitMiddleware",
    # A practice member's membership, and the audit log of the practice's cases opened in the wizard.
    "appeals.web.practice_auth.PracticeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "denialhelp.urls"
WSGI_APPLICATION = "denialhelp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "appeals.web.context.site",
            ],
        },
    },
]

DATABASES = {
    # On SQLite: write-ahead logging and a busy timeout (denialhelp/sqlite.py).
    "default": tuned_for_concurrency(
        dj_database_url.parse(
            env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'denialhelp.sqlite3'}"),
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The page cache (appeals/caching.py).  Every web process must share it, or a
# staff edit would only clear the cache of the process that saved it: Redis
# in production (CACHE_URL=redis://host:6379/2), process memory on a
# developer machine.
CACHE_URL = env_str("CACHE_URL", "locmem://")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 5000}}}

# Celery.  Without CELERY_BROKER_URL the worker and the web process meet in a
# SQLite file through kombu's SQLAlchemy transport (denialhelp/broker.py), so
# `make run` needs no Redis.  Results are only used by health and pipeline checks; the app keeps
# task outcomes on its own rows.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", embedded_broker_url(VAR_DIR / "celery-broker.sqlite3"))
CELERY_BROKER_TRANSPORT = transport_for(CELERY_BROKER_URL)
if is_embedded(CELERY_BROKER_URL):
    _default_result_backend = f"db+sqlite:///{VAR_DIR / 'celery-results.sqlite3'}"
else:
    _default_result_backend = CELERY_BROKER_URL
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", _default_result_backend)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The worker logs through LOGGING below, not handlers of Celery's own (see denialhelp/celery.py).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
# Redis redelivers a task whose worker died (acks_late) after this many
# seconds; it must exceed the longest task (a packet renders in about a second).
# The embedded broker passes its options to SQLAlchemy, which knows no such option.
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {} if is_embedded(CELERY_BROKER_URL) else {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 600)}
)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The sweep that re-queues letters whose render message was lost (a broker
# that was down, an embedded broker whose worker was killed; see
# Letter.objects.stalled): how often it runs, and how long a render may take
# before its letter counts as stalled.
LETTER_SWEEP_SECONDS = env_int("LETTER_SWEEP_SECONDS", 60)
LETTER_RENDER_LEASE_SECONDS = env_int("LETTER_RENDER_LEASE_SECONDS", 300)
# Patient data (answers, letter files, share links, the order's email) is
# deleted this many days after the letter is delivered (appeals.delivery.retention),
# checked every RETENTION_SWEEP_SECONDS.
RETENTION_DAYS = env_int("RETENTION_DAYS", 90)
RETENTION_SWEEP_SECONDS = env_int("RETENTION_SWEEP_SECONDS", 3600)
# A worker records a heartbeat every WORKER_HEARTBEAT_SECONDS (a task beat
# queues); /healthz reports the worker down when the last is older than
# WORKER_HEARTBEAT_MAX_AGE_SECONDS (a few missed beats, or one long render).
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 30)
WORKER_HEARTBEAT_MAX_AGE_SECONDS = env_int("WORKER_HEARTBEAT_MAX_AGE_SECONDS", 4 * WORKER_HEARTBEAT_SECONDS)
# Reminder emails (appeals.tracking.reminders) are looked for every REMINDER_SWEEP_SECONDS.
REMINDER_SWEEP_SECONDS = env_int("REMINDER_SWEEP_SECONDS", 3600)
CELERY_BEAT_SCHEDULE = {
    "send-reminders": {"task": "appeals.send_reminders", "schedule": float(REMINDER_SWEEP_SECONDS)},
    "requeue-stalled-letters": {"task": "appeals.requeue_stalled_letters", "schedule": float(LETTER_SWEEP_SECONDS)},
    "purge-patient-data": {"task": "appeals.purge_patient_data", "schedule": float(RETENTION_SWEEP_SECONDS)},
    # A heartbeat that waited longer than its period is dropped: the next one says the same.
    "worker-heartbeat": {
        "task": "appeals.worker_heartbeat",
        "schedule": float(WORKER_HEARTBEAT_SECONDS),
        "options": {"expires": float(WORKER_HEARTBEAT_SECONDS)},
    },
}

# Stripe.  STRIPE_API_BASE points the stripe library at another server (the
# fake API in the tests); leave it unset in production.
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET", "")
STRIPE_API_BASE = env_str("STRIPE_API_BASE", "")

# Email: console on a developer machine, SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "DenialHelp <help@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where people write (the privacy page, the footer); the sender's address unless set.
CONTACT_EMAIL = env_str("CONTACT_EMAIL", parseaddr(DEFAULT_FROM_EMAIL)[1])
# Who runs the site, as the privacy page names it (the operator's legal name and postal
# address, one line); the page says it is not set rather than guess.
SITE_OPERATOR = env_str("SITE_OPERATOR", "")
ADMINS = [("Staff", addr) for addr in env_list("ADMIN_EMAILS", [])]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # Counts failed staff logins and refuses a locked-out username from that address.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Staff log in to the admin with a code from an authenticator app (TOTP) as
# well as their password: always in production, not on a developer machine.
# Enroll a device with `manage.py enroll_totp USERNAME`.
STAFF_REQUIRE_OTP = env_bool("STAFF_REQUIRE_OTP", not DEBUG)
OTP_TOTP_ISSUER = "DenialHelp"
# The device's secret is shown once, when it is enrolled, never in the admin.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
# Lock the username from that address, so a stranger cannot lock staff out from elsewhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "appeals.core.ratelimits.client_ip"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/New_York"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed names only where collectstatic ran; runserver and the tests
        # serve the plain files.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# No form here takes more than a few kilobytes (uploaded files are counted
# separately): a larger body is refused with 400 before any view reads it.
DATA_UPLOAD_MAX_MEMORY_SIZE = 512 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

# The criteria feed refuses uploads larger than this, in bytes.
CRITERIA_FEED_MAX_BYTES = env_int("CRITERIA_FEED_MAX_BYTES", 5 * 1024 * 1024)
# Any request body larger than this is refused with 413 before it is read
# (appeals/request_limits.py); staff uploading a criteria feed get that
# file's limit instead.  The proxy's client_max_body_size should match the
# larger of the two (docs/deploy.md).
REQUEST_BODY_MAX_BYTES = env_int("REQUEST_BODY_MAX_BYTES", 1024 * 1024)
# Every upload that is accepted at all is held in memory, never spooled to disk.
FILE_UPLOAD_MAX_MEMORY_SIZE = max(REQUEST_BODY_MAX_BYTES, CRITERIA_FEED_MAX_BYTES + 64 * 1024)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security.  Cookies are always HttpOnly where possible; the HTTPS-only ones
# follow DEBUG so local http://127.0.0.1 keeps working.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies in front of the app each add the address they received the
# request from to X-Forwarded-For (nginx as in docs/deploy.md is one; a CDN in
# front of it makes two).  The client is the entry that many from the right;
# anything further left is whatever the client sent.  0 (the default without
# the proxy) ignores the header and counts REMOTE_ADDR.
TRUSTED_PROXY_HOPS = env_int("TRUSTED_PROXY_HOPS", 1 if BEHIND_TLS_PROXY else 0)
if TRUSTED_PROXY_HOPS < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_HOPS must be 0 or more, not {TRUSTED_PROXY_HOPS}.")
# Content-Security-Policy: scripts and styles only from this site, never
# inline; forms may post only here and to Stripe's checkout (the browser also
# applies form-action to the redirect after the payment form).
_STRIPE_CHECKOUT_ORIGINS = ["https://checkout.stripe.com"]
if STRIPE_API_BASE:  # the tests' fake Stripe serves its checkout page itself
    _STRIPE_CHECKOUT_ORIGINS.append(STRIPE_API_BASE.rstrip("/"))
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF, *_STRIPE_CHECKOUT_ORIGINS],
    }
}
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope",
        "magnetometer", "microphone", "midi", "payment", "usb",
    )
}  # fmt: skip

X_FRAME_OPTIONS = "DENY"

# Rate limits (django-ratelimit, counted in the shared cache): starting cases
# and checkouts per client address, generous enough for a busy clinic.
RATELIMIT_START = env_str("RATELIMIT_START", "30/h")
RATELIMIT_CHECKOUT = env_str("RATELIMIT_CHECKOUT", "20/h")
RATELIMIT_IP_META_KEY = "appeals.core.ratelimits.client_ip"
if DEBUG:
    # The local-memory cache is per process: fine on a developer machine,
    # refused in production by the readiness check (CACHE_URL must be Redis).
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# /healthz is probed over plain HTTP by load balancers.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Logs: one JSON object a line in production (plain text on a developer
# machine), each with the request id (in a worker, the task id), and every
# handler behind the filter that redacts patient data and link tokens
# (appeals/phi.py).  The web, the worker and beat all use this configuration.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
LOG_REQUEST_ID_HEADER = env_str("LOG_REQUEST_ID_HEADER", "") or None  # e.g. HTTP_X_REQUEST_ID from the proxy
GENERATE_REQUEST_ID_IF_NOT_IN_HEADER = True
REQUEST_ID_RESPONSE_HEADER = "X-Request-ID"
DEFAULT_EXCEPTION_REPORTER_FILTER = "appeals.core.phi.PatientSafeReporterFilter"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "patient_data": {"()": "appeals.core.phi.PatientDataFilter"},
        # The request's id in the web, the task's in a worker (denialhelp/celery.py uses this LOGGING too).
        "request_id": {"()": "appeals.core.log_context.RequestOrTaskIDFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "appeals.core.phi.PatientSafeJsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "patient_data"],
        },
        "mail_admins": {
            "class": "appeals.core.phi.PatientSafeAdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "patient_data"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own loggers, with the same guard as everything else.
        "django": {"handlers": ["console", "mail_admins"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # A request for a host name not in ALLOWED_HOSTS is a scanner or a
        # misrouted proxy, not a fault: one log line each, never an email each.
        "django.security.DisallowedHost": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # WeasyPrint logs every rendering step and fontTools every font subset at INFO.
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes.apps": {"level": "WARNING"},
        # At DEBUG the stripe library logs request bodies: the receipt address and the status link.
        "stripe": {"level": "INFO"},
    },
}

if not DEBUG:
    from denialhelp.checks import assert_production_ready

    assert_production_ready(globals())
