"""The letter templates DenialHelp ships: one body per voice, copied for each
denial type so staff can tailor each on its own."""

from __future__ import annotations

from pathlib import Path

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
