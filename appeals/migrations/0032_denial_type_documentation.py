"""Each denial type's "Documentation to gather" list, shown on every landing page
of it.  Rows of the shipped denial types get the shipped list; a denial type
staff added keeps an empty list until they write one."""

from django.db import migrations, models

from appeals.demo.data import DENIAL_TYPES

HELP = (
    'What to gather before appealing this kind of denial, one item per line: the "Documentation to gather" list of '
    "every landing page of this denial type."
)


def fill_documentation(apps, schema_editor):
    DenialType = apps.get_model("appeals", "DenialType")
    shipped = {entry["slug"]: entry["documentation"] for entry in DENIAL_TYPES}
    for denial_type in DenialType.objects.filter(slug__in=shipped, documentation=""):
        denial_type.documentation = shipped[denial_type.slug]
        denial_type.save(update_fields=["documentation"])


class Migration(migrations.Migration):
    dependencies = [("appeals", "0031_letter_versions")]

    operations = [
        migrations.AddField(model_name="denialtype", name="documentation", field=models.TextField(blank=True, help_text=HELP)),
        migrations.AddField(
            model_name="historicaldenialtype", name="documentation", field=models.TextField(blank=True, help_text=HELP)
        ),
        migrations.RunPython(fill_documentation, migrations.RunPython.noop),
    ]
