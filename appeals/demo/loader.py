"""Loads the demo catalog that `make run` and the tests use.

Safe to run on every start: it only adds what is missing and never
overwrites a row staff may have edited.  The demo criteria go in through the
criteria feed itself, and only into a catalog that has no criteria yet, so a
newer feed imported by staff is never rolled back.

Everything here is demo content: the guides are marked ``is_demo`` (their pages
say so and are noindex) and name no reviewer, and every criterion is a typical
criterion for its drug, never a payer's policy (the sources of their wording are
listed in ``appeals/demo/data.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from appeals.catalog.criteria_import import import_criteria
from appeals.demo import data, plan_types, state_laws
from appeals.letters.defaults import ensure_default_letter_templates
from appeals.models import (
    AppealDeadlineRule,
    AppealInstrument,
    Criterion,
    DenialType,
    Drug,
    Guide,
    Payer,
    PlanType,
    StateStepTherapyLaw,
)

CRITERIA_FILE = Path(__file__).with_name("criteria.csv")


@dataclass
class LoadReport:
    created: dict[str, int]
    criteria: str

    def __str__(self) -> str:
        parts = ", ".join(f"{count} {name}" for name, count in self.created.items() if count)
        return f"Demo catalog: added {parts or 'nothing (already loaded)'}. Criteria: {self.criteria}"


# Fields added after databases were first loaded: an existing row gets the demo
# value while the field is still empty, and keeps whatever staff wrote there.
FILLED_WHEN_EMPTY = ("appeal_rights", "enclosures", "documentation")


def _get_or_create(model, lookup: dict, defaults: dict) -> tuple[object, bool]:
    existing = model.objects.filter(**lookup).first()
    if existing is not None:
        empty = [name for name in FILLED_WHEN_EMPTY if name in defaults and not getattr(existing, name)]
        if empty:
            for name in empty:
                setattr(existing, name, defaults[name])
            existing.full_clean()
            existing.save(update_fields=empty)
        return existing, False
    # Validated like an admin save, so the demo data obeys the models' rules.
    obj = model(**lookup, **defaults)
    obj.full_clean()
    obj.save()
    return obj, True


@transaction.atomic
def load_plan_types(created: dict[str, int] | None = None) -> dict[str, PlanType]:
    """The plan types, and for each stage its request and deadline rules (add-if-missing)."""
    created = created if created is not None else {"plan types": 0, "deadline rules": 0, "requests": 0}
    created.setdefault("requests", 0)
    plan_type_by_slug = {}
    for entry in plan_types.PLAN_TYPES:
        fields = {key: value for key, value in entry.items() if key not in ("slug", "rules", "stages")}
        plan_type, was_created = _get_or_create(PlanType, {"slug": entry["slug"]}, fields)
        plan_type_by_slug[entry["slug"]] = plan_type
        created["plan types"] += was_created
        for stage, content in entry["stages"].items():
            lookup = {"plan_type": plan_type, "stage": stage}
            _, instrument_created = _get_or_create(AppealInstrument, lookup, content["instrument"])
            created["requests"] += instrument_created
            for rule in content["rules"]:
                rule_fields = {key: value for key, value in rule.items() if key != "step"}
                _, rule_created = _get_or_create(AppealDeadlineRule, {**lookup, "step": rule["step"]}, rule_fields)
                created["deadline rules"] += rule_created
    return plan_type_by_slug


def offered_plan_types(slugs: list[str]) -> list[str]:
    """A payer's plan types with those its members may also have (plan_types.OFFERED_WITH)."""
    extra = [slug for slug, beside in plan_types.OFFERED_WITH.items() if any(other in slugs for other in beside)]
    return list(dict.fromkeys([*slugs, *extra]))


@transaction.atomic
def load_demo_catalog() -> LoadReport:
    created = dict.fromkeys(
        ["plan types", "deadline rules", "requests", "denial types", "drugs", "payers", "guides", "state laws"], 0
    )

    plan_type_by_slug = load_plan_types(created)

    denial_by_slug = {}
    for entry in data.DENIAL_TYPES:
        fields = {key: value for key, value in entry.items() if key != "slug"}
        denial_by_slug[entry["slug"]], was_created = _get_or_create(DenialType, {"slug": entry["slug"]}, fields)
        created["denial types"] += was_created

    drug_by_slug = {}
    for entry in data.DRUGS:  # classes come before their members
        fields = {key: value for key, value in entry.items() if key != "slug"}
        fields["drug_class"] = drug_by_slug[fields["drug_class"]] if fields.get("drug_class") else None
        drug_by_slug[entry["slug"]], was_created = _get_or_create(Drug, {"slug": entry["slug"]}, fields)
        created["drugs"] += was_created

    payer_by_slug = {}
    for entry in data.PAYERS:
        fields = {key: value for key, value in entry.items() if key not in ("slug", "plan_types")}
        payer, was_created = _get_or_create(Payer, {"slug": entry["slug"]}, fields)
        if was_created:
            payer.plan_types.set([plan_type_by_slug[slug] for slug in offered_plan_types(entry["plan_types"])])
        payer_by_slug[entry["slug"]] = payer
        created["payers"] += was_created

    for entry in data.GUIDES:
        lookup = {
            "drug": drug_by_slug[entry["drug"]],
            "payer": payer_by_slug[entry["payer"]],
            "denial_type": denial_by_slug[entry["denial_type"]],
        }
        fields = {key: value for key, value in entry.items() if key not in ("drug", "payer", "denial_type")}
        _, was_created = _get_or_create(Guide, lookup, fields)
        created["guides"] += was_created

    for entry in state_laws.STATE_LAWS:  # a statute version is (state, citation, effective date)
        lookup = {name: entry[name] for name in ("state", "citation", "effective_date")}
        fields = {key: value for key, value in entry.items() if key not in lookup}
        _, was_created = _get_or_create(StateStepTherapyLaw, lookup, fields)
        created["state laws"] += was_created

    ensure_default_letter_templates()
    if Criterion.objects.exists():
        criteria = "left as they are (the catalog already has criteria)."
    else:
        result = import_criteria(CRITERIA_FILE.name, CRITERIA_FILE.read_bytes())
        criteria = result.summary()
    return LoadReport(created=created, criteria=criteria)
