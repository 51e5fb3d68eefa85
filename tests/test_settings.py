"""Settings come from the environment, and production refuses unsafe values."""

from __future__ import annotations

import secrets
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from denialhelp import settings as project_settings
from denialhelp.checks import production_problems
from denialhelp.env import env_bool, env_int, env_list
from tests.conftest import ROOT

GOOD_PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "PATIENT_DATA_KEYS": secrets.token_urlsafe(48),
    "ALLOWED_HOSTS": "denialhelp.example",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "CACHE_URL": "redis://127.0.0.1:6379/2",
    "STRIPE_SECRET_KEY": "sk_live_" + "a" * 24,
    "STRIPE_WEBHOOK_SECRET": "whsec_" + "b" * 32,
    "EMAIL_HOST": "smtp.example",
}


def run_django(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """Start Django in a fresh process with exactly this environment."""
    base = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "DJANGO_SETTINGS_MODULE": "denialhelp.settings"}
    command = [sys.executable, "manage.py", *args] if args else [sys.executable, "-c", "import django; django.setup()"]
    return subprocess.run(command, cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120)


def settings_dict(**changes) -> dict:
    values = {name: getattr(project_settings, name) for name in dir(project_settings) if name.isupper()}
    values.update(changes)
    return values


def test_debug_off_with_nothing_set_refuses_to_start_naming_each_setting():
    result = run_django({"DEBUG": "0"})
    assert result.returncode != 0
    for name in (
        "SECRET_KEY",
        "PATIENT_DATA_KEYS",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "CELERY_BROKER_URL",
        "STRIPE_SECRET_KEY",
        "STRIPE_WEBHOOK_SECRET",
        "EMAIL_HOST",
    ):
        assert name in result.stderr, name
    assert "Refusing to start with DEBUG off" in result.stderr


def test_debug_off_with_one_setting_missing_names_only_that_one():
    env = {key: value for key, value in GOOD_PRODUCTION_ENV.items() if key != "STRIPE_WEBHOOK_SECRET"}
    result = run_django(env)
    assert result.returncode != 0
    assert "STRIPE_WEBHOOK_SECRET" in result.stderr
    assert "SECRET_KEY is" not in result.stderr and "DATABASE_URL" not in result.stderr


def test_a_complete_production_environment_passes_check_deploy():
    result = run_django(GOOD_PRODUCTION_ENV, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_local_defaults_need_no_environment():
    result = run_django({}, "check")
    assert result.returncode == 0, result.stderr


def test_malformed_values_name_their_variable():
    result = run_django({"DEBUG": "maybe"})
    assert result.returncode != 0 and "DEBUG must be true or false" in result.stderr


@pytest.mark.parametrize(
    ("changes", "environ_changes", "expected"),
    [
        ({"SECRET_KEY": "short"}, {}, "SECRET_KEY is too weak"),
        ({"SECRET_KEY": "django-insecure-" + "x1y2z3" * 10}, {}, "SECRET_KEY is too weak"),
        ({"SECRET_KEY": project_settings.DEV_SECRET_KEY}, {}, "SECRET_KEY is not set"),
        ({"PATIENT_DATA_KEYS": ["too-short"]}, {}, "PATIENT_DATA_KEYS holds a weak key"),
        ({"PATIENT_DATA_KEYS": [project_settings.DEV_PATIENT_DATA_KEY]}, {}, "PATIENT_DATA_KEYS is not set"),
        ({"ALLOWED_HOSTS": ["*"]}, {}, "ALLOWED_HOSTS contains '*'"),
        ({"DATABASES": {"default": {"ENGINE": "django.db.backends.sqlite3"}}}, {}, "DATABASE_URL is not set to PostgreSQL"),
        ({"CELERY_BROKER_URL": "sqla+sqlite:///x.sqlite3"}, {}, "CELERY_BROKER_URL is not set to Redis"),
        ({"CELERY_BROKER_URL": "sqlite:///x.sqlite3"}, {}, "CELERY_BROKER_URL is not set to Redis"),
        ({"CACHE_URL": "locmem://"}, {}, "CACHE_URL is not set to Redis"),
        ({"STRIPE_SECRET_KEY": "pk_live_publishable"}, {}, "STRIPE_SECRET_KEY is not set"),
        ({"STRIPE_SECRET_KEY": "sk_test_" + "a" * 24}, {}, "STRIPE_SECRET_KEY is a test-mode key"),
        ({"STRIPE_SECRET_KEY": "rk_test_" + "a" * 24}, {}, "STRIPE_SECRET_KEY is a test-mode key"),
        ({"STRIPE_WEBHOOK_SECRET": "secret"}, {}, "STRIPE_WEBHOOK_SECRET is not set"),
        ({"STRIPE_API_BASE": "http://127.0.0.1:12111"}, {}, "STRIPE_API_BASE must be an https://"),
        ({"EMAIL_HOST": ""}, {}, "EMAIL_HOST is not set"),
        ({}, {"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS is not set"),
    ],
)
def test_each_unsafe_value_is_refused(changes, environ_changes, expected):
    good = settings_dict(
        SECRET_KEY=GOOD_PRODUCTION_ENV["SECRET_KEY"],
        PATIENT_DATA_KEYS=[GOOD_PRODUCTION_ENV["PATIENT_DATA_KEYS"]],
        ALLOWED_HOSTS=["denialhelp.example"],
        DATABASES={"default": {"ENGINE": "django.db.backends.postgresql"}},
        CELERY_BROKER_URL=GOOD_PRODUCTION_ENV["CELERY_BROKER_URL"],
        CACHE_URL=GOOD_PRODUCTION_ENV["CACHE_URL"],
        STRIPE_SECRET_KEY=GOOD_PRODUCTION_ENV["STRIPE_SECRET_KEY"],
        STRIPE_WEBHOOK_SECRET=GOOD_PRODUCTION_ENV["STRIPE_WEBHOOK_SECRET"],
        STRIPE_API_BASE="",
        EMAIL_HOST="smtp.example",
    )
    environ = {key: value for key, value in GOOD_PRODUCTION_ENV.items()}
    assert production_problems(good, environ) == []
    for key, value in environ_changes.items():
        if value is None:
            environ.pop(key)
    problems = production_problems({**good, **changes}, environ)
    assert len(problems) == 1 and expected in problems[0], problems


def test_env_readers(monkeypatch):
    monkeypatch.setenv("FLAG", "Yes")
    monkeypatch.setenv("COUNT", "12")
    monkeypatch.setenv("NAMES", " a.example, ,b.example ")
    assert env_bool("FLAG", False) is True
    assert env_int("COUNT", 0) == 12
    assert env_list("NAMES", []) == ["a.example", "b.example"]
    assert env_bool("UNSET_FLAG", True) is True
    monkeypatch.setenv("COUNT", "twelve")
    with pytest.raises(ImproperlyConfigured, match="COUNT must be a whole number"):
        env_int("COUNT", 0)


def test_absolute_links_follow_the_port_make_run_serves_unless_site_url_is_set():
    show = ("shell", "--no-imports", "-c", "from django.conf import settings; print(settings.SITE_URL)")
    assert run_django({"PORT": "8123"}, *show).stdout.strip() == "http://127.0.0.1:8123"
    assert run_django({}, *show).stdout.strip() == "http://127.0.0.1:8000"
    assert run_django({"PORT": "8123", "SITE_URL": "https://denialhelp.example/"}, *show).stdout.strip() == (
        "https://denialhelp.example"
    )
