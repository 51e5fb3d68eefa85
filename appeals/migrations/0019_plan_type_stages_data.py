"""Brings an existing database's plan types up to the stage-aware rules
(appeals/demo/plan_types.py as of this migration, frozen in
data/0019_plan_types.json).

- New plan types, stage requests and stage rules are added where missing.
- A plan type field or a rule that still holds the value shipped before is
  updated to the corrected one; a value staff changed is left alone.
- A first-denial rule the corrected data no longer has (the federal external
  review clocks cited for a state process) is removed only while it still
  holds its shipped value: a row staff edited or added is never deleted.
- Payers selling a plan type get the new plan types its members may have.
"""

import json
from pathlib import Path

from django.db import migrations

DATA = json.loads((Path(__file__).parent / "data" / "0019_plan_types.json").read_text(encoding="utf-8"))
RULE_FIELDS = ("amount", "unit", "counted_from", "receipt_presumption_days", "automatic", "citation", "verification", "explanation")
FIRST_DENIAL = "first_denial"


def _rule_values(rule) -> dict:
    return {name: getattr(rule, name) for name in RULE_FIELDS}


def forwards(apps, schema_editor):
    PlanType = apps.get_model("appeals", "PlanType")
    AppealDeadlineRule = apps.get_model("appeals", "AppealDeadlineRule")
    AppealInstrument = apps.get_model("appeals", "AppealInstrument")
    Payer = apps.get_model("appeals", "Payer")
    shipped_fields = DATA["shipped_before"]["plan_types"]
    shipped_rules = DATA["shipped_before"]["rules"]
    if not PlanType.objects.exists():
        return  # a new database: the demo loader (or staff) fills the catalog

    by_slug = {}
    for entry in DATA["plan_types"]:
        slug, fields = entry["slug"], entry["fields"]
        plan_type = PlanType.objects.filter(slug=slug).first()
        if plan_type is None:
            if PlanType.objects.filter(name=fields["name"]).exists():
                continue  # staff made a plan type of that name themselves; leave it to them
            plan_type = PlanType.objects.create(slug=slug, **fields)
        else:
            before = shipped_fields.get(slug, {})
            changed = [
                name
                for name, value in fields.items()
                if name in before and getattr(plan_type, name) == before[name] and before[name] != value
            ]
            for name in changed:
                setattr(plan_type, name, fields[name])
            if changed:
                plan_type.save(update_fields=changed)
        by_slug[slug] = plan_type

        for stage, content in entry["stages"].items():
            if not AppealInstrument.objects.filter(plan_type=plan_type, stage=stage).exists():
                AppealInstrument.objects.create(plan_type=plan_type, stage=stage, **content["instrument"])
            for step, values in content["rules"].items():
                rule = AppealDeadlineRule.objects.filter(plan_type=plan_type, stage=stage, step=step).first()
                if rule is None:
                    AppealDeadlineRule.objects.create(plan_type=plan_type, stage=stage, step=step, **values)
                    continue
                before = shipped_rules.get(slug, {}).get(step) if stage == FIRST_DENIAL else None
                if before is not None and _rule_values(rule) == before and before != values:
                    for name, value in values.items():
                        setattr(rule, name, value)
                    rule.save()

        for step, before in shipped_rules.get(slug, {}).items():
            if step in entry["stages"][FIRST_DENIAL]["rules"]:
                continue
            rule = AppealDeadlineRule.objects.filter(plan_type=plan_type, stage=FIRST_DENIAL, step=step).first()
            if rule is not None and _rule_values(rule) == before:
                rule.delete()

    for slug, beside in DATA["offered_with"].items():
        plan_type = by_slug.get(slug)
        if plan_type is None:
            continue
        for payer in Payer.objects.filter(plan_types__slug__in=beside).distinct():
            payer.plan_types.add(plan_type)


class Migration(migrations.Migration):
    dependencies = [("appeals", "0018_plan_stages")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
