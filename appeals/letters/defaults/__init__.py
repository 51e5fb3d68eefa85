"""The letter templates DenialHelp ships: one body per voice, copied for each
denial type so staff can tailor each on its own."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.utils import timezone

from appeals.catalog.models import DenialType
from appeals.letters.models import LetterTemplate

HERE = Path(__file__).parent
NAME_BY_VOICE = {"prescriber": "prescriber's letter", "patient": "patient's letter"}


def default_body(voice: str) -> str:
    return (HERE / f"{voice}.html").read_text(encoding="utf-8")


def ensure_default_letter_templates() -> int:
    """A general template in each voice for every denial type that has none; returns how many were added."""
    added = 0
    for denial_type in DenialType.objects.all():
        for voice in LetterTemplate.Voice.values:
            exists = LetterTemplate.objects.filter(denial_type=denial_type, voice=voice, payer=None, plan_type=None).exists()
            if not exists:
                LetterTemplate.objects.create(
                    name=f"{denial_type.name}: {NAME_BY_VOICE[voice]}",
                    denial_type=denial_type,
                    voice=voice,
                    body=default_body(voice),
                )
                added += 1
    return added


def body_digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def replace_unedited_bodies(apps, shipped_before: dict[str, set[str]], reason: str) -> None:
    """For a data migration: a template whose body is still exactly one DenialHelp shipped
    (its SHA-256 is in ``shipped_before`` for its voice; staff never edited it) takes the
    body shipped now, with a history entry giving ``reason``.  An edited template is left
    alone: staff compare it with the shipped body in the template's preview."""
    template_model = apps.get_model("appeals", "LetterTemplate")
    history_model = apps.get_model("appeals", "HistoricalLetterTemplate")
    now = timezone.now()
    for template in template_model.objects.all():
        if body_digest(template.body) not in shipped_before.get(template.voice, set()):
            continue
        template.body = default_body(template.voice)
        template.updated_at = now
        template.save(update_fields=["body", "updated_at"])
        # Historical models in migrations do not record saves themselves.
        history_model.objects.create(
            id=template.id,
            name=template.name,
            voice=template.voice,
            body=template.body,
            active=template.active,
            updated_at=now,
            denial_type_id=template.denial_type_id,
            payer_id=template.payer_id,
            plan_type_id=template.plan_type_id,
            history_date=now,
            history_type="~",
            history_change_reason=reason,
        )
