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

from django.db import migrations

from appeals.letters.defaults import replace_unedited_bodies

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


def update_unedited_templates(apps, schema_editor):
    replace_unedited_bodies(apps, EARLIER_BODIES, REASON)


class Migration(migrations.Migration):
    dependencies = [("appeals", "0024_deadline_rolls_forward_and_appeal_decision")]

    operations = [migrations.RunPython(update_unedited_templates, migrations.RunPython.noop)]
