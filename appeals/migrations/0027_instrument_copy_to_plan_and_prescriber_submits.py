"""Who a request is copied to, who submits a state exception, and the federal
external review deadline that moves off a weekend — brought to existing databases.

- Original Medicare's requests go to Medicare contractors, with no plan to copy;
  its first request (before any claim decision) is not sent to a plan either.
- Texas (§1369.0546(b)) and Missouri (§376.2034.1) have the prescriber submit the
  step-therapy exception request.
- The Department of Labor's federal external review (29 CFR 2590.715-2719(d)(2)(i))
  extends a last day on a weekend or federal holiday, and a four-month count with
  no matching day, for self-funded employer plans.

- A Part D letter from the prescriber carries the supporting statement itself: the
  enclosure line asks for a separate statement only when the member files.
- Original Medicare's next level is described without a "you" that a letter to the
  contractor would misread.
- An individual-market exception request tells the person of the external exception
  review that follows a refusal (45 CFR 156.122(c)).

A shipped row staff changed in the admin (it has a "changed" history entry) is
left as it is; the values come from the data modules the demo loader uses.
"""

from django.db import migrations, models

ORIGINAL_MEDICARE = "original-medicare-part-b"
SELF_FUNDED = "employer-self-funded"
DOL_FILING_RULE = "29 CFR 2590.715-2719(d)(2)(i)"
STATE_LAW_KEY = ("state", "citation", "effective_date")
INDIVIDUAL = "aca-individual"
EARLIER_ORIGINAL_MEDICARE_NEXT_LEVEL = (
    "Reconsideration by a Qualified Independent Contractor, which you must ask for yourself, then an ALJ, the Medicare "
    "Appeals Council and federal court"
)
PART_D_TYPES = ("medicare-part-d", "medicare-advantage-part-d")
EARLIER_STATEMENT_ENCLOSURE = (
    "The prescriber's supporting statement (or the plan's coverage-determination form), required for an exception"
)
EARLIER_INDIVIDUAL_EXCEPTION_NOTE = (
    "There is no written denial yet, so the first step is a coverage request. For a drug not on the plan's list, the "
    "plan must have an exception process: 72 hours for a decision, 24 hours when waiting could seriously harm the "
    "patient."
)


def _edited(History, pk) -> bool:
    return History.objects.filter(id=pk, history_type="~").exists()


def bring_rows_up_to_date(apps, schema_editor):
    from appeals.demo.plan_types import PLAN_TYPES
    from appeals.demo.state_laws import STATE_LAWS

    AppealInstrument = apps.get_model("appeals", "AppealInstrument")
    InstrumentHistory = apps.get_model("appeals", "HistoricalAppealInstrument")
    AppealDeadlineRule = apps.get_model("appeals", "AppealDeadlineRule")
    RuleHistory = apps.get_model("appeals", "HistoricalAppealDeadlineRule")
    StateStepTherapyLaw = apps.get_model("appeals", "StateStepTherapyLaw")
    LawHistory = apps.get_model("appeals", "HistoricalStateStepTherapyLaw")

    shipped = {entry["slug"]: entry["stages"] for entry in PLAN_TYPES}
    for stage, content in shipped[ORIGINAL_MEDICARE].items():
        wanted = content["instrument"]
        for instrument in AppealInstrument.objects.filter(plan_type__slug=ORIGINAL_MEDICARE, stage=stage):
            if _edited(InstrumentHistory, instrument.pk):
                continue
            instrument.copy_to_plan = wanted["copy_to_plan"]
            instrument.addressed_to_plan = wanted["addressed_to_plan"]
            instrument.save(update_fields=["copy_to_plan", "addressed_to_plan"])

    PlanType = apps.get_model("appeals", "PlanType")
    enclosures = {entry["slug"]: entry["enclosures"] for entry in PLAN_TYPES}
    for plan_type in PlanType.objects.filter(slug__in=PART_D_TYPES):
        lines = plan_type.enclosures.splitlines()
        if EARLIER_STATEMENT_ENCLOSURE in lines:
            wanted = enclosures[plan_type.slug].splitlines()[0]
            plan_type.enclosures = "\n".join(wanted if line == EARLIER_STATEMENT_ENCLOSURE else line for line in lines)
            plan_type.save(update_fields=["enclosures"])

    next_level = next(entry["next_level"] for entry in PLAN_TYPES if entry["slug"] == ORIGINAL_MEDICARE)
    PlanType.objects.filter(slug=ORIGINAL_MEDICARE, next_level=EARLIER_ORIGINAL_MEDICARE_NEXT_LEVEL).update(
        next_level=next_level
    )

    note = shipped[INDIVIDUAL]["pharmacy_rejection"]["instrument"]["person_note"]
    AppealInstrument.objects.filter(
        plan_type__slug=INDIVIDUAL, stage="pharmacy_rejection", person_note=EARLIER_INDIVIDUAL_EXCEPTION_NOTE
    ).update(person_note=note)

    for stage, content in shipped[SELF_FUNDED].items():
        for wanted in content["rules"]:
            if not wanted.get("rolls_forward"):
                continue
            rules = AppealDeadlineRule.objects.filter(
                plan_type__slug=SELF_FUNDED, stage=stage, step=wanted["step"], citation=DOL_FILING_RULE
            )
            for rule in rules:
                if not _edited(RuleHistory, rule.pk):
                    AppealDeadlineRule.objects.filter(pk=rule.pk).update(rolls_forward=True)

    for entry in STATE_LAWS:
        if not entry.get("prescriber_submits"):
            continue
        for law in StateStepTherapyLaw.objects.filter(**{name: entry[name] for name in STATE_LAW_KEY}):
            if not _edited(LawHistory, law.pk):
                StateStepTherapyLaw.objects.filter(pk=law.pk).update(prescriber_submits=True)


class Migration(migrations.Migration):

    dependencies = [
        ('appeals', '0026_state_law_rereading'),
    ]

    operations = [
        migrations.AddField(
            model_name='appealinstrument',
            name='copy_to_plan',
            field=models.BooleanField(default=True, help_text='When the request goes to an outside reviewer: send the plan a copy (untick where there is no plan, as in Original Medicare, whose claims a Medicare contractor decides).'),
        ),
        migrations.AddField(
            model_name='historicalappealinstrument',
            name='copy_to_plan',
            field=models.BooleanField(default=True, help_text='When the request goes to an outside reviewer: send the plan a copy (untick where there is no plan, as in Original Medicare, whose claims a Medicare contractor decides).'),
        ),
        migrations.AddField(
            model_name='historicalstatesteptherapylaw',
            name='prescriber_submits',
            field=models.BooleanField(default=False, help_text="The statute's text has the prescriber submit the exception request (Texas (b): 'the prescribing provider submits'). A patient's letter then points to the prescriber's request instead of making it."),
        ),
        migrations.AddField(
            model_name='statesteptherapylaw',
            name='prescriber_submits',
            field=models.BooleanField(default=False, help_text="The statute's text has the prescriber submit the exception request (Texas (b): 'the prescribing provider submits'). A patient's letter then points to the prescriber's request instead of making it."),
        ),
        migrations.RunPython(bring_rows_up_to_date, migrations.RunPython.noop),
    ]
