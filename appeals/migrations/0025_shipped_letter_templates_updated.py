"""Bring the letter templates DenialHelp shipped up to today's wording.

A template whose body is still exactly one DenialHelp shipped earlier (staff
never edited it) is replaced by the body shipped now
(appeals/letters/defaults/), with a history entry saying why.  A template
staff edited is left alone: admin shows its history, and staff can compare it
with the shipped body in the template's preview.

Earlier shipped bodies are recognised by their SHA-256.  A later change to
the shipped bodies adds this migration's hashes plus the replaced body's
to a migration of its own.
"""

import hashlib

from django.db import migrations
from django.utils import timezone

from appeals.letters.defaults import default_body

# SHA-256 of every body shipped before this migration, by voice.
EARLIER_BODIES = {
    "prescriber": {
        "beaa9df699b023c757b621103d4e2b03674f6cf4b7d878fc6041f06a59eda010",
        "9ae2823a9ebbae7571e6c8aa67dc1b5603675b9366c14bdb1ca38c802b3130df",
        "12e18cc9e119acf65159dc7e06ea0809f3df0a5501eb8e4c9e5018137cc5b430",
    },
    "patient": {
        "52d075b8ace1b1bbd101eb79efefeba029887a9937ced90991e0fc041b8529a6",
        "135943f3b56c55603612a5e3c0bdff6bb481e002b7c35fd6a7fca4f09ffbd4c2",
    },
}
REASON = "Shipped wording updated (rules by plan type, stage and state)"


def _digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def update_unedited_templates(apps, schema_editor):
    LetterTemplate = apps.get_model("appeals", "LetterTemplate")
    HistoricalLetterTemplate = apps.get_model("appeals", "HistoricalLetterTemplate")
    now = timezone.now()
    for template in LetterTemplate.objects.all():
        if _digest(template.body) not in EARLIER_BODIES.get(template.voice, set()):
            continue
        template.body = default_body(template.voice)
        template.updated_at = now
        template.save(update_fields=["body", "updated_at"])
        HistoricalLetterTemplate.objects.create(
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
            history_change_reason=REASON,
        )


class Migration(migrations.Migration):
    dependencies = [("appeals", "0024_deadline_rolls_forward_and_appeal_decision")]

    operations = [migrations.RunPython(update_unedited_templates, migrations.RunPython.noop)]
