"""The wizard's steps.  Each knows whether a case needs it (from the denial
type's intake sections) and whether the case has answered it; the dispatch
view sends a person to the first step that is needed and not yet answered.

A step builds its form for a case (its initial values from the case's typed
answers), turns a valid form into its dataclass (``appeals.intake.answers``,
which ``Case.save_step`` stores), and summarises the answers for the review
page.  No step reads or writes the stored answers by key.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django import forms
from django.forms.formsets import DELETION_FIELD_NAME
from django.utils import timezone

from appeals.catalog.deadlines import FILE_APPEAL, PLAN_DECISION_STEPS, CaseDates, Deadline, compute_deadlines
from appeals.catalog.models import Criterion, ExceptionGround, IntakeSection
from appeals.catalog.plan_rules import instrument_for, rules_by_plan_type_for_payer, rules_for
from appeals.intake.answers import CaseAnswers
from appeals.intake.forms import (
    AuthorizationHistoryForm,
    CompendiaForm,
    CriteriaForm,
    DiagnosisForm,
    FormularyAlternativeForm,
    OfficeForm,
    PatientForm,
    PlanForm,
    PrescriberForm,
    PriorTreatmentForm,
    RequestedDrugForm,
)
from appeals.intake.models import Case

MAX_ITEMS = 20
# The two parts of a case.  The person answers the patient part (about five minutes); the
# clinical part is what the chart holds, answered by the prescriber's office through its
# own link or by the person.
PATIENT_PART = "patient"
CLINICAL_PART = "clinical"


class ItemsFormSet(forms.BaseFormSet):
    """A list of like answers (prior treatments, formulary alternatives)."""

    def kept_rows(self) -> list[dict]:
        """The cleaned data of each row filled in and not deleted (without the formset's DELETE box)."""
        return [
            {name: value for name, value in form.cleaned_data.items() if name != DELETION_FIELD_NAME}
            for form in self.forms
            if form.has_changed() and not self._should_delete_form(form)
        ]

    def clean(self) -> None:
        super().clean()
        if self.min_num and not any(f.has_changed() and not self._should_delete_form(f) for f in self.forms):
            raise forms.ValidationError(f"List at least {self.min_num}.")


@dataclass(frozen=True)
class Summary:
    """What the review page shows of one step: label/value rows, or a table."""

    rows: list[tuple[str, object]] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    table: list[list[object]] = field(default_factory=list)
    empty: str = ""

    @property
    def labelled_table(self) -> list[list[tuple[str, object]]]:
        """Each cell with its column's header: a phone shows a row as "header: value" lines."""
        return [list(zip(self.headers, row, strict=False)) for row in self.table]


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    form_class: type[forms.Form]
    section: str | None = None  # the IntakeSection that asks for it; None: every case
    part: str = CLINICAL_PART
    template_name: str = "appeals/wizard/step.html"
    intro: str = ""

    def is_applicable(self, case: Case) -> bool:
        return self.section is None or self.section in case.denial_type.intake_sections

    @property
    def schema(self) -> type:
        """The dataclass of this step's answers (of one item, for a list step)."""
        return CaseAnswers.STEPS[self.slug]

    def is_completed(self, case: Case) -> bool:
        return case.has_answered(self.slug)

    def typed(self, case: Case):
        """The case's answers to this step, through the schema (empty when not answered)."""
        return case.typed_answers.step(self.slug)

    def form_kwargs(self, case: Case) -> dict:
        return {}

    def initial(self, case: Case) -> dict:
        # As stored (dates as ISO text, what a date input shows); nothing for a
        # step not answered yet, so the form's own initial values show.
        return self.typed(case).to_stored() if case.has_answered(self.slug) else {}

    def build_form(self, case: Case, data=None):
        if data is not None:
            return self.form_class(data, **self.form_kwargs(case))
        return self.form_class(initial=self.initial(case), **self.form_kwargs(case))

    def answers_from(self, form):
        """A valid form's answers as the step's dataclass (what ``Case.save_step`` stores)."""
        if hasattr(form, "to_answers"):
            return form.to_answers()
        return self.schema(**form.cleaned_data)

    def summary(self, case: Case) -> Summary:
        form = self.build_form(case)
        answers = self.typed(case)
        return Summary(rows=[(f.label, _display(f, getattr(answers, name))) for name, f in form.fields.items()])


def _display(form_field: forms.Field, value) -> object:
    if value in (None, "", []):
        return "—"
    if isinstance(value, datetime.date):
        return f"{value:%B} {value.day}, {value.year}"  # as people write dates, not 2026-11-27
    if isinstance(form_field, forms.ModelChoiceField):
        found = form_field.queryset.filter(**{form_field.to_field_name or "pk": value}).first()
        return str(found) if found else value
    choices = dict(getattr(form_field, "choices", []) or [])
    if isinstance(value, list):
        return ", ".join(str(choices.get(item, item)) for item in value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if choices:
        return choices.get(value, value)
    return value


class PlanStep(Step):
    def form_kwargs(self, case: Case) -> dict:
        return {"payer": case.payer}


class OfficeStep(Step):
    def is_completed(self, case: Case) -> bool:
        # A case begun before the office step existed named its prescriber on the prescriber step.
        return case.has_answered(self.slug) or case.has_answered("prescriber")

    def initial(self, case: Case) -> dict:
        if case.has_answered(self.slug) or not case.has_answered("prescriber"):
            return super().initial(case)
        prescriber = case.typed_answers.prescriber
        return {"prescriber_name": prescriber.prescriber_name, "practice_name": prescriber.practice_name}


class PrescriberStep(Step):
    def initial(self, case: Case) -> dict:
        """Started from what the patient said of the office, for the office to complete."""
        if case.has_answered(self.slug):
            return super().initial(case)
        return case.typed_answers.office.to_stored()


class DiagnosisStep(Step):
    def form_kwargs(self, case: Case) -> dict:
        asks = IntakeSection.DISEASE_ACTIVITY in case.denial_type.intake_sections or any(
            c.kind == Criterion.Kind.SEVERITY for c in current_criteria(case)
        )
        return {"asks_activity": asks, "specialty": case.drug.specialty}

    def summary(self, case: Case) -> Summary:
        base = super().summary(case)
        diagnosis = case.typed_answers.diagnosis
        rows = list(base.rows)
        rows[0] = (rows[0][0], f"{diagnosis.icd10_code} {diagnosis.icd10_description}".strip())
        return Summary(rows=rows)


class RequestedDrugStep(Step):
    def form_kwargs(self, case: Case) -> dict:
        return {"drug": case.drug, "sections": case.denial_type.intake_sections}


class ItemsStep(Step):
    """A step whose answer is a list, entered as a formset with room for one more."""

    min_items: int = 0

    def formset_class(self):
        return forms.formset_factory(
            self.form_class,
            formset=ItemsFormSet,
            min_num=self.min_items,
            extra=0 if self.min_items else 1,
            can_delete=True,
            max_num=MAX_ITEMS,
            validate_max=True,
            absolute_max=MAX_ITEMS + 1,
        )

    def build_form(self, case: Case, data=None):
        formset_class = self.formset_class()
        kwargs = {"prefix": self.slug, "form_kwargs": self.form_kwargs(case)}
        if data is not None:
            return formset_class(data, **kwargs)
        return formset_class(initial=[item.to_stored() for item in self.typed(case)], **kwargs)

    def answers_from(self, form) -> list:
        return [self.schema(**row) for row in form.kept_rows()]

    def summary(self, case: Case) -> Summary:
        form = self.form_class(**self.form_kwargs(case))
        names = list(form.fields)
        return Summary(
            headers=[form.fields[name].label for name in names],
            table=[[_display(form.fields[name], getattr(item, name)) for name in names] for item in self.typed(case)],
            empty="None listed.",
        )


class TreatmentsStep(ItemsStep):
    pass


class AlternativesStep(ItemsStep):
    min_items = 1

    def form_kwargs(self, case: Case) -> dict:
        return {"grounds": case.denial_type.exception_grounds or list(ExceptionGround.values)}


class CriteriaStep(Step):
    def form_kwargs(self, case: Case) -> dict:
        return {
            "criteria": current_criteria(case),
            "grounds": case.denial_type.exception_grounds or list(ExceptionGround.values),
            "denial_type": case.denial_type.slug,
        }

    def initial(self, case: Case) -> dict:
        return CriteriaForm.initial_from(case.typed_answers.criteria)

    def is_completed(self, case: Case) -> bool:
        """Answered when every criterion now in force has an answer (the feed may add one later)."""
        if not case.has_answered(self.slug):
            return False
        answers = case.typed_answers.criteria
        return all(answers.answered(criterion.key) is not None for criterion in current_criteria(case))

    def summary(self, case: Case) -> Summary:
        answers = case.typed_answers.criteria
        table = []
        for criterion in current_criteria(case):
            item = answers.answered(criterion.key)
            if item is None:
                answer = "Not answered"
            elif item.met:
                answer = f"Met: {item.evidence} ({item.evidence_date})"
            elif item.ground:
                answer = f"Exception, {ExceptionGround(item.ground).label.lower()}: {item.explanation}"
            else:
                answer = f"Not met; why it should not apply: {item.explanation}"
            table.append([criterion.requirement, _criterion_source(case, criterion), answer])
        if answers.other_reasons:
            table.append(["Other reasons in the notice", "The denial notice", answers.other_reasons])
        return Summary(headers=["Criterion", "Source", "Answer"], table=table, empty="No criteria.")


def _criterion_source(case: Case, criterion: Criterion) -> str:
    """Whose criterion this is: the payer's only when staff checked it in the published policy."""
    if criterion.is_payer_policy:
        return f"{case.payer_name}'s policy: {criterion.source_title}, read {criterion.retrieved_on:%m/%d/%Y}"
    return f"Typical criterion for {case.drug_name}, not {case.payer_name}'s published policy"


def current_criteria(case: Case) -> list[Criterion]:
    """This combination's criteria in force today, in the payer's order (memoised per case object)."""
    cache = case.__dict__.setdefault("_criteria_cache", {})
    today = timezone.localdate()
    if today not in cache:
        cache[today] = list(
            Criterion.objects.for_combo(case.drug, case.payer, case.denial_type).in_force_on(today).order_by("position", "key")
        )
    return cache[today]


STEPS: list[Step] = [
    PlanStep("plan", "Plan and denial", PlanForm, part=PATIENT_PART),
    Step("patient", "Patient", PatientForm, part=PATIENT_PART),
    OfficeStep(
        "office",
        "The prescriber",
        OfficeForm,
        part=PATIENT_PART,
        intro="Who prescribed the drug. Their office completes the clinical part, or you can.",
    ),
    DiagnosisStep("diagnosis", "Diagnosis", DiagnosisForm),
    Step(
        "evidence",
        "Supporting evidence",
        CompendiaForm,
        section=IntakeSection.COMPENDIA_SUPPORT,
        intro="The plan says this use is not approved or is experimental; published support for it is what reverses that.",
    ),
    RequestedDrugStep("drug", "Requested drug", RequestedDrugForm),
    TreatmentsStep(
        "treatments",
        "Prior treatments",
        PriorTreatmentForm,
        # Asked whatever the denial: the letter's medical case tells what each earlier drug did.
        template_name="appeals/wizard/step_items.html",
        intro="Every drug tried for this condition, with dates and what happened. Add as many as needed.",
    ),
    AlternativesStep(
        "alternatives",
        "Formulary alternatives",
        FormularyAlternativeForm,
        section=IntakeSection.FORMULARY_ALTERNATIVES,
        template_name="appeals/wizard/step_items.html",
        intro="The drugs the plan covers instead (the notice usually names them), and why each will not do.",
    ),
    Step("authorization", "Authorization history", AuthorizationHistoryForm, section=IntakeSection.AUTHORIZATION_HISTORY),
    CriteriaStep(
        "criteria",
        "The criteria",
        CriteriaForm,
        template_name="appeals/wizard/step_criteria.html",
        intro="For each requirement: either the chart shows it is met (say which document), or ask for an exception.",
    ),
    PrescriberStep(
        "prescriber",
        "Prescriber's details",
        PrescriberForm,
        intro="For the letterhead and the signature: as the office writes them.",
    ),
]


def applicable_steps(case: Case) -> list[Step]:
    return [step for step in STEPS if step.is_applicable(case)]


def step_by_slug(slug: str) -> Step | None:
    return next((step for step in STEPS if step.slug == slug), None)


def part_steps(case: Case, part: str) -> list[Step]:
    return [step for step in applicable_steps(case) if step.part == part]


def first_incomplete(case: Case, part: str | None = None) -> Step | None:
    steps = applicable_steps(case) if part is None else part_steps(case, part)
    return next((step for step in steps if not step.is_completed(case)), None)


def part_done(case: Case, part: str) -> bool:
    return first_incomplete(case, part) is None


def reachable(case: Case, step: Step) -> bool:
    """A step opens only when every needed step before it is answered."""
    for earlier in applicable_steps(case):
        if earlier.slug == step.slug:
            return True
        if not earlier.is_completed(case):
            return False
    return False


def case_deadlines(case: Case, today: datetime.date) -> tuple[list[Deadline], str]:
    """Deadlines from the plan step's answers at the stage the person is at,
    and the plan type they are for.  With "Not sure", the plan type (among
    those the payer sells whose law the letter can cite) whose window to file
    closes first: the earliest safe date, shown to the person only; the letter
    cites no program's clock for a plan type it does not know."""
    if not case.has_answered("plan"):
        return [], ""
    plan = case.typed_answers.plan
    if plan.is_unsure:
        rules_by_plan = {p.name: rules for p, rules in rules_by_plan_type_for_payer(case.payer, plan.appeal_stage).items()}
    else:
        plan_type = case.plan_type()
        rules = rules_for(plan_type, plan.appeal_stage)
        rules_by_plan = {plan_type.name: rules} if plan_type is not None and rules else {}
    dates = CaseDates(
        notice_date=plan.notice_date or None,
        today=today,
        expedited=bool(plan.expedited),
        notice_received_on=plan.notice_received_on or None,
        appeal_filed_on=case.appeal_received_on,
        appeal_decided_on=case.appeal_decided_on,
    )
    results = {name: compute_deadlines(plan_rules, dates) for name, plan_rules in rules_by_plan.items()}
    if not results:
        return [], ""

    def filing_due(deadlines: list[Deadline]) -> datetime.date:
        return next((d.due for d in deadlines if d.step == "file_appeal" and d.due), datetime.date.max)

    name = min(results, key=lambda plan_name: filing_due(results[plan_name]))
    if plan.already_given:
        # A payment request for a drug already given runs on post-service decision clocks (ERISA 60
        # days, Medicare's payment clocks), which the catalog does not hold: state no decision clock
        # rather than the pre-service one.  Filing windows are the same for both.
        results = {key: [d for d in found if d.step not in PLAN_DECISION_STEPS] for key, found in results.items()}
    if plan.is_unsure:
        # Only the earliest window to file is safe to plan by: what follows it (who decides,
        # how fast, whether the case goes on by itself) is that other program's, not theirs.
        return [d for d in results[name] if d.step == FILE_APPEAL], name
    return results[name], name


@dataclass(frozen=True)
class StageGuidance:
    """What the wizard and the status page tell the person about where they are."""

    request: str = ""  # the request's name, e.g. "Request for redetermination"
    note: str = ""  # what this stage means for them, from the catalog
    send_to: str = ""  # where it goes when not to the plan
    outside_scope: str = ""  # coverage whose law the letter cannot cite: what applies instead
    unsure: bool = False  # "Not sure": how to find the plan type


def case_guidance(case: Case) -> StageGuidance:
    if not case.has_answered("plan"):
        return StageGuidance()
    plan = case.typed_answers.plan
    if plan.is_unsure:
        return StageGuidance(unsure=True)
    plan_type = case.plan_type()
    if plan_type is None:
        return StageGuidance()
    if not plan_type.letter_cites_law:
        return StageGuidance(outside_scope=plan_type.outside_scope_note or plan_type.description)
    instrument = instrument_for(plan_type, plan.appeal_stage)
    if instrument is None:
        return StageGuidance()
    return StageGuidance(
        request=instrument.title,
        note=instrument.person_note,
        send_to="" if instrument.addressed_to_plan else instrument.send_to,
    )
