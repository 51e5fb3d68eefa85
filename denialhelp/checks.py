"""Start-up refusal of an unsafe production configuration.

Django's own ``check --deploy`` only warns, and only when someone runs it.  A
server holding patient data should not start at all with a public secret, a
SQLite file, the embedded broker, no Stripe keys or Stripe's test-mode keys, so settings.py calls
``assert_production_ready`` whenever DEBUG is off and every problem is
reported at once, each naming its environment variable.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from denialhelp.broker import is_embedded

MIN_SECRET_KEY_LENGTH = 50
MIN_PATIENT_DATA_KEY_LENGTH = 32


def _weak_secret(value: str, minimum: int) -> bool:
    return len(value) < minimum or len(set(value)) < 5 or value.startswith("django-insecure")


def production_problems(settings: dict[str, Any], environ: os._Environ | dict[str, str]) -> list[str]:
    problems: list[str] = []

    secret_key = settings["SECRET_KEY"]
    if "SECRET_KEY" not in environ or secret_key == settings["DEV_SECRET_KEY"]:
        problems.append(
            "SECRET_KEY is not set: generate one with `python -c 'import secrets; print(secrets.token_urlsafe(64))'`."
        )
    elif _weak_secret(secret_key, MIN_SECRET_KEY_LENGTH):
        problems.append(f"SECRET_KEY is too weak: use at least {MIN_SECRET_KEY_LENGTH} random characters.")

    keys = settings["PATIENT_DATA_KEYS"]
    if "PATIENT_DATA_KEYS" not in environ or settings["DEV_PATIENT_DATA_KEY"] in keys or not keys:
        problems.append("PATIENT_DATA_KEYS is not set: patient data cannot be encrypted with the public development key.")
    elif any(_weak_secret(key, MIN_PATIENT_DATA_KEY_LENGTH) for key in keys):
        problems.append(
            f"PATIENT_DATA_KEYS holds a weak key: each key needs at least {MIN_PATIENT_DATA_KEY_LENGTH} random characters."
        )

    hosts = settings["ALLOWED_HOSTS"]
    if "ALLOWED_HOSTS" not in environ or not hosts:
        problems.append("ALLOWED_HOSTS is not set: list the host names the site answers to, comma-separated.")
    elif "*" in hosts:
        problems.append("ALLOWED_HOSTS contains '*': list the real host names.")

    if "DATABASE_URL" not in environ or settings["DATABASES"]["default"]["ENGINE"].endswith("sqlite3"):
        problems.append("DATABASE_URL is not set to PostgreSQL: SQLite is for a single developer machine only.")

    broker = settings["CELERY_BROKER_URL"]
    if "CELERY_BROKER_URL" not in environ or is_embedded(broker):
        problems.append("CELERY_BROKER_URL is not set to Redis: the embedded SQLite broker is for a developer machine only.")

    if not settings["CACHE_URL"].startswith(("redis://", "rediss://")):
        problems.append(
            "CACHE_URL is not set to Redis: each web process would keep its own page cache and go on serving pages "
            "staff have changed."
        )

    if not settings["STRIPE_SECRET_KEY"].startswith(("sk_", "rk_")):
        problems.append(
            "STRIPE_SECRET_KEY is not set (or is not a Stripe secret key): the local payment page is refused in production."
        )
    elif settings["STRIPE_SECRET_KEY"].startswith(("sk_test_", "rk_test_")):
        problems.append(
            "STRIPE_SECRET_KEY is a test-mode key (sk_test_/rk_test_): production takes real payments with a live key."
        )
    if not settings["STRIPE_WEBHOOK_SECRET"].startswith("whsec_"):
        problems.append("STRIPE_WEBHOOK_SECRET is not set (or does not start with whsec_): webhooks could not be verified.")
    api_base = settings["STRIPE_API_BASE"]
    if api_base and not api_base.startswith("https://"):
        problems.append("STRIPE_API_BASE must be an https:// address in production (or unset to use Stripe itself).")

    if not settings["EMAIL_HOST"]:
        problems.append("EMAIL_HOST is not set: letters' links and reminders would only be printed to the console.")

    return problems


def assert_production_ready(settings: dict[str, Any]) -> None:
    problems = production_problems(settings, os.environ)
    if problems:
        listing = "\n".join(f"  - {problem}" for problem in problems)
        raise ImproperlyConfigured(f"Refusing to start with DEBUG off:\n{listing}")
