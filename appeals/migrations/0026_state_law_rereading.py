"""Ship the state step-therapy statutes read on 2026-12-01 to existing databases.

Adds the statute versions the data module now records (Missouri; Louisiana's
Medicaid section, unverified) and brings the shipped rows staff never edited up
to date (what was read since, in their excerpts and notes).  A row staff changed
in the admin (it has history) is left as it is, and no row is ever deleted.
"""

from django.db import migrations

KEY = ("state", "citation", "effective_date")


def add_and_refresh_statutes(apps, schema_editor):
    from appeals.demo.state_laws import STATE_LAWS

    StateStepTherapyLaw = apps.get_model("appeals", "StateStepTherapyLaw")
    History = apps.get_model("appeals", "HistoricalStateStepTherapyLaw")
    # The data module grows fields later migrations add; this one writes only the fields it knows.
    known = {field.name for field in StateStepTherapyLaw._meta.get_fields()}
    for entry in STATE_LAWS:
        lookup = {name: entry[name] for name in KEY}
        fields = {name: value for name, value in entry.items() if name not in KEY and name in known}
        law = StateStepTherapyLaw.objects.filter(**lookup).first()
        if law is None:
            StateStepTherapyLaw.objects.create(**lookup, **fields)
        elif not History.objects.filter(id=law.pk).exists():
            # Rows written by migrations have no history; an admin edit leaves one.
            StateStepTherapyLaw.objects.filter(pk=law.pk).update(**fields)


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0025_shipped_letter_templates_updated"),
    ]

    operations = [
        migrations.RunPython(add_and_refresh_statutes, migrations.RunPython.noop),
    ]
