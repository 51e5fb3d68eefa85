"""Keeping patient data out of logs and error reports.

The app never logs patient data on purpose; this is the guard for what slips
through anyway (an exception message quoting a value, a URL with a link
token, a third-party library's message).  Whenever a case's answers are read,
the strings in them are remembered for the current request or task, and
``PatientDataFilter`` (on every log handler) replaces each of them, and every
link token in a URL, before a record is written anywhere.

This module is imported by the logging configuration, before Django's apps
are ready: it must not import models.
"""

from __future__ import annotations

import contextvars
import logging
import re
from collections.abc import Iterable

from django.utils.log import AdminEmailHandler
from django.views.debug import SafeExceptionReporterFilter
from pythonjsonlogger.json import JsonFormatter

REDACTED = "[redacted]"
# Link tokens are credentials: /case/<token>/, /letters/<token>/, /shared/<token>/, a practice's
# invitation, claim and prescriber links, the reminders' stop link … also URL-encoded (in ?next=).
TOKEN_IN_PATH = re.compile(
    r"((?:/|%2F)(?:case|letters|shared|share|join|claim|use-prescriber|stop)(?:/|%2F))[A-Za-z0-9_\-:.]{16,}", re.IGNORECASE
)
# Strings shorter than this ("TX", "MD", "yes") are not identifying, and replacing them would garble every message.
MIN_LENGTH = 4
MAX_REMEMBERED = 2000

_patient_strings: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar("patient_strings", default=frozenset())


def _strings_in(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings_in(item)


def _variants(text: str) -> Iterable[str]:
    yield text
    # A date of birth typed as 1981-04-17 also appears as 04/17/1981 in a letter.
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        year, month, day = text.split("-")
        yield f"{month}/{day}/{year}"


def remember(answers: object) -> None:
    """Remember every string in a case's answers for the current request or task."""
    found = {variant for text in _strings_in(answers) for variant in _variants(text.strip()) if len(variant) >= MIN_LENGTH}
    if found:
        merged = _patient_strings.get() | found
        _patient_strings.set(frozenset(sorted(merged, key=len, reverse=True)[:MAX_REMEMBERED]))


def forget() -> None:
    """Start a new request or task with nothing remembered."""
    _patient_strings.set(frozenset())


def redact(text: str) -> str:
    text = TOKEN_IN_PATH.sub(rf"\1{REDACTED}", text)
    # Longest first, so a name is replaced whole before any part of it.
    for secret in sorted(_patient_strings.get(), key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


# Attributes every LogRecord has; anything else came in through ``extra``.
_STANDARD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class PatientDataFilter(logging.Filter):
    """Rewrites a record's message, exception text and extra string fields with patient data and link tokens redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg, record.args = redact(message), ()
        if record.exc_info:
            # Text formatters use this cached text instead of formatting exc_info
            # again; the JSON one formats it through PatientSafeJsonFormatter.
            # exc_info itself stays, so the error email still gets its traceback.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        for key, value in list(vars(record).items()):
            if key not in _STANDARD_ATTRIBUTES:
                setattr(record, key, _redacted(value))
        return True


def _redacted(value: object) -> object:
    """A copy of an ``extra`` value with its strings redacted, however nested:
    Celery logs a task's outcome with ``extra={"data": {...}}`` holding the
    exception's text and traceback, which the JSON formatter writes out."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _redacted(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redacted(item) for item in value]
    return value


class PatientSafeReporterFilter(SafeExceptionReporterFilter):
    """Error reports (the emails ADMIN_EMAILS receive) show no submitted
    values and no local variables: on these pages both are patient data."""

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return dict.fromkeys(request.POST, self.cleansed_substitute)

    def get_traceback_frame_variables(self, request, tb_frame):
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]


class PatientSafeJsonFormatter(JsonFormatter):
    """JSON log lines; the JSON formatter formats a record's exception itself, so it is redacted here."""

    def formatException(self, ei) -> str:
        return redact(super().formatException(ei))


class PatientSafeAdminEmailHandler(AdminEmailHandler):
    """Django's error email (the traceback, and the request: its URL, headers
    and GET parameters) as plain text, with link tokens and the patient values
    this request or task read replaced.  No HTML version: it would repeat all
    of it with each frame's source."""

    def __init__(self, **kwargs) -> None:
        super().__init__(include_html=False, **kwargs)

    def send_mail(self, subject, message, *args, **kwargs) -> None:
        kwargs.pop("html_message", None)
        super().send_mail(redact(subject), redact(message), *args, **kwargs)
