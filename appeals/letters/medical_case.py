"""The letter's medical case: why this drug, for this patient, now, in plain
clinical prose composed from the answers and the catalog.

Built as data the letter templates place (so staff keep control of the
wording around it): for each voice (``prescriber``, ``patient``) a list of
parts, each a ``title`` and ``paragraphs``; a paragraph is its ``text`` and the
``sentences`` it is made of, each with the ``sources`` it rests on
("answers:diagnosis.activity_score", "catalog:Drug.typical_dose") and the
exhibit that proves it.  A sentence is written only when every source it names
has a value, so sparse answers give a shorter case, never an invented one; a
free-text answer is quoted as the person wrote it, never reworded.

The parts: the diagnosis and its course (ICD-10-CM, since when, activity scores
with their dates); the treatments tried (dose, dates, outcome); the request
(what is prescribed, why now, an earlier approval, what delay risks); and the
denial type's own argument (step therapy, off-label, quantity limit, site of
care, non-formulary, medical necessity, experimental).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

STEP_THERAPY = "step-therapy"
OFF_LABEL = "not-fda-approved"
EXPERIMENTAL = "experimental"
QUANTITY_LIMIT = "quantity-limit"
SITE_OF_CARE = "site-of-care"
NON_FORMULARY = "non-formulary"
MEDICAL_NECESSITY = "medical-necessity"

PRESCRIBER = "prescriber"
PATIENT = "patient"

# Criterion kinds (Criterion.Kind values) that are the steps a step-therapy protocol requires.
REQUIRED_STEP_KINDS = frozenset({"prior_therapy"})


@dataclass
class Sentence:
    text: str
    sources: list[str]
    exhibit: str = ""

    def as_dict(self) -> dict:
        return {"text": self.text, "sources": self.sources, "exhibit": self.exhibit}

    def printed(self) -> str:
        if not self.exhibit:
            return self.text
        # The exhibit goes inside the sentence's full stop: "… in March 2021 (Exhibit D)."
        body, stop = (self.text[:-1], self.text[-1]) if self.text[-1:] in ".:" else (self.text, "")
        return f"{body} (Exhibit {self.exhibit}){stop}"


@dataclass
class Part:
    key: str
    title: str
    paragraphs: list[list[Sentence]] = field(default_factory=list)

    def add(self, *sentences: Sentence | None) -> None:
        kept = [sentence for sentence in sentences if sentence is not None]
        if kept:
            self.paragraphs.append(kept)

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "paragraphs": [
                {"text": " ".join(s.printed() for s in paragraph), "sentences": [s.as_dict() for s in paragraph]}
                for paragraph in self.paragraphs
            ],
        }


def _sentence(text: str) -> str:
    """Free text as a sentence: trimmed, its first letter capitalised, a full stop if it has none."""
    text = " ".join(text.split())
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def _clause(text: str) -> str:
    """Free text after a colon: trimmed, as written, with a full stop if it has none."""
    text = " ".join(text.split())
    return text if not text or text[-1] in ".!?" else text + "."


def _lower_first(text: str) -> str:
    """ "Glomerular disease …" → "glomerular disease …", but "SLE …" stays as it is."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _month(value) -> str:
    return f"{value:%B %Y}" if isinstance(value, datetime.date) else ""


def _day(value) -> str:
    return f"{value:%B %-d, %Y}" if isinstance(value, datetime.date) else ""


NUMBER_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def _count(number: int, noun: str) -> str:
    word = NUMBER_WORDS[number] if number < len(NUMBER_WORDS) else str(number)
    return f"{word} {noun}{'' if number == 1 else 's'}"


def _join(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


class Composer:
    """One voice's sentences about one case."""

    def __init__(self, context: dict, exhibit_for: dict, voice: str):
        self.context = context
        self.exhibit_for = exhibit_for
        self.voice = voice
        self.prescriber_voice = voice == PRESCRIBER

    # "Maria Quintana-Reyes has …" / "I have …"
    def subject(self, verb_prescriber: str, verb_patient: str) -> str:
        name = self.context["patient"].get("patient_name") or "My patient"
        return f"{name} {verb_prescriber}" if self.prescriber_voice else f"I {verb_patient}"

    def possessive(self) -> str:
        return "my patient's" if self.prescriber_voice else "my"

    def parts(self, denial_slug: str) -> list[dict]:
        parts = [self.disease(), self.treatments(), self.request(), self.denial(denial_slug)]
        return [part.as_dict() for part in parts if part is not None and part.paragraphs]

    def disease(self) -> Part:
        diagnosis = self.context["diagnosis"]
        part = Part("disease", "The diagnosis and its course")
        first = None
        if diagnosis.get("icd10_code") and diagnosis.get("icd10_description"):
            since = f", diagnosed in {_month(diagnosis['diagnosed_on'])}" if _month(diagnosis.get("diagnosed_on")) else ""
            first = Sentence(
                f"{self.subject('has', 'have')} {_lower_first(diagnosis['icd10_description'])} "
                f"(ICD-10-CM {diagnosis['icd10_code']}){since}.",
                ["answers:diagnosis.icd10_code", *(["answers:diagnosis.diagnosed_on"] if since else [])],
                self.exhibit_for.get("diagnosis", ""),
            )
        activity = None
        measure, score, on = (
            diagnosis.get("activity_measure"),
            diagnosis.get("activity_score"),
            diagnosis.get("activity_measured_on"),
        )
        if measure and score and isinstance(on, datetime.date):
            earlier, earlier_on = diagnosis.get("earlier_activity_score"), diagnosis.get("earlier_activity_measured_on")
            whose = "Disease activity" if self.prescriber_voice else "My disease activity"
            if earlier and isinstance(earlier_on, datetime.date):
                activity = Sentence(
                    f"{whose} on the {measure} was {earlier} on {_day(earlier_on)} and {score} on {_day(on)}.",
                    [
                        "answers:diagnosis.activity_measure",
                        "answers:diagnosis.earlier_activity_score",
                        "answers:diagnosis.earlier_activity_measured_on",
                        "answers:diagnosis.activity_score",
                        "answers:diagnosis.activity_measured_on",
                    ],
                    self.exhibit_for.get("diagnosis", ""),
                )
            else:
                activity = Sentence(
                    f"On {_day(on)}, {'the' if self.prescriber_voice else 'my'} {measure} was {score}.",
                    [
                        "answers:diagnosis.activity_measure",
                        "answers:diagnosis.activity_score",
                        "answers:diagnosis.activity_measured_on",
                    ],
                    self.exhibit_for.get("diagnosis", ""),
                )
        severity = None
        if diagnosis.get("severity"):
            severity = Sentence(
                f"I assess the disease as {diagnosis['severity']} now."
                if self.prescriber_voice
                else f"My disease is {diagnosis['severity']} now.",
                ["answers:diagnosis.severity"],
            )
        part.add(first, activity, severity)
        return part

    def treatments(self) -> Part:
        treatments = [item for item in self.context["treatments"] if item.get("drug")]
        part = Part("treatments", "Treatments tried")
        if not treatments:
            return part
        intro = Sentence(
            f"{self.subject('has tried', 'have tried')} {_count(len(treatments), 'treatment')} for this condition.",
            ["answers:treatments"],
            self.exhibit_for.get("treatments", ""),
        )
        sentences = [intro]
        for item in treatments:
            sources = ["answers:treatments.drug"]
            text = item["drug"]
            if item.get("dose"):
                text += f" {item['dose']}"
                sources.append("answers:treatments.dose")
            started, stopped = _month(item.get("started_on")), _month(item.get("stopped_on"))
            if started and stopped:
                text += f", {started} to {stopped}"
                sources += ["answers:treatments.started_on", "answers:treatments.stopped_on"]
            elif started:
                text += f", since {started} (still taken)"
                sources.append("answers:treatments.started_on")
            if item.get("outcome"):
                text += f": {_lower_first(item['outcome'])}"
                sources.append("answers:treatments.outcome")
            text += "."
            if item.get("notes"):
                text += f" {_sentence(item['notes'])}"
                sources.append("answers:treatments.notes")
            sentences.append(Sentence(text, sources))
        # The count, then a paragraph per treatment: a reviewer reads them one by one.
        for sentence in sentences:
            part.add(sentence)
        return part

    def request(self) -> Part:
        drug = self.context["drug"]
        part = Part("request", f"Why {drug['name']}, and why now")
        given = [
            (name, value)
            for name, value in (
                ("dose", drug.get("dose")),
                ("route", (drug.get("route") or "").lower()),
                ("frequency", drug.get("frequency")),
            )
            if value
        ]
        prescribed = None
        if given:
            regimen = " ".join(value for _, value in given)
            prescribed = Sentence(
                f"I am prescribing {drug['name']} {regimen}."
                if self.prescriber_voice
                else f"My doctor prescribed {drug['name']} {regimen}.",
                [f"answers:drug.{name}" for name, _ in given],
            )
        why = None
        if drug.get("why_now"):
            why = Sentence(
                _sentence(drug["why_now"]) if self.prescriber_voice else f"Why this drug now: {_clause(drug['why_now'])}",
                ["answers:drug.why_now"],
            )
        approval = None
        authorization = self.context.get("authorization") or {}
        if authorization.get("previously_approved") == "yes":
            number = (
                f" (authorization {authorization['authorization_number']})" if authorization.get("authorization_number") else ""
            )
            until = f", through {_day(authorization['approved_until'])}" if _day(authorization.get("approved_until")) else ""
            approval = Sentence(
                f"{'Your' if self.prescriber_voice else 'My'} plan approved this treatment before{number}{until}.",
                ["answers:authorization.previously_approved"],
                self.exhibit_for.get("approval", ""),
            )
        history = None
        if authorization.get("history"):
            history = Sentence(f"Treatment so far: {_clause(authorization['history'])}", ["answers:authorization.history"])
        delay = None
        if drug.get("delay_risk"):
            delay = Sentence(f"If treatment is delayed: {_clause(drug['delay_risk'])}", ["answers:drug.delay_risk"])
        part.add(prescribed, why)
        part.add(approval, history)
        part.add(delay)
        return part

    def denial(self, slug: str) -> Part | None:
        builders = {
            STEP_THERAPY: self.step_therapy,
            OFF_LABEL: self.off_label,
            EXPERIMENTAL: self.experimental,
            QUANTITY_LIMIT: self.quantity_limit,
            SITE_OF_CARE: self.site_of_care,
            NON_FORMULARY: self.non_formulary,
            MEDICAL_NECESSITY: self.medical_necessity,
        }
        builder = builders.get(slug, self.medical_necessity)
        return builder()

    def _criterion(self, row: dict) -> Sentence | None:
        requirement = row["requirement"].rstrip(".")
        if row.get("met") and row.get("evidence"):
            dated = f", {_day(row['evidence_date'])}" if _day(row.get("evidence_date")) else ""
            return Sentence(
                f"“{requirement}”: met, as {row['evidence'].strip()}{dated} shows.",
                [
                    "catalog:Criterion.requirement",
                    "answers:criteria.evidence",
                    *(["answers:criteria.evidence_date"] if dated else []),
                ],
                row.get("exhibit", ""),
            )
        if row.get("exception_ground") and row.get("explanation"):
            return Sentence(
                f"“{requirement}”: an exception applies ({_lower_first(row['exception_ground'])}). {_sentence(row['explanation'])}",
                ["catalog:Criterion.requirement", "answers:criteria.ground", "answers:criteria.explanation"],
            )
        if row.get("explanation"):
            return Sentence(
                f"“{requirement}” should not apply: {_clause(row['explanation'])}",
                ["catalog:Criterion.requirement", "answers:criteria.explanation"],
            )
        return None

    def step_therapy(self) -> Part:
        part = Part("step_therapy", "The required steps")
        steps = [row for row in self.context["criteria"] if row.get("kind") in REQUIRED_STEP_KINDS]
        part.add(*(self._criterion(row) for row in steps))
        if not steps:
            # No step criterion is known: the drugs already tried answer the protocol, named as the
            # answers give them; whether one of them is the plan's required drug is left to the plan.
            tried = [
                f"{item['drug']} ({_lower_first(item['outcome'])})" if item.get("outcome") else item["drug"]
                for item in self.context["treatments"]
                if item.get("drug") and item.get("stopped_on")
            ]
            if tried:
                part.add(
                    Sentence(
                        f"Against the plan's step-therapy requirement: {self.subject('has already tried and stopped', 'have already tried and stopped')} "
                        f"{_join(tried)}. If the drug the plan requires first is not among them, please name it, so "
                        f"that {self.possessive()} record of it can be answered.",
                        ["answers:treatments.drug", "answers:treatments.stopped_on", "answers:treatments.outcome"],
                        self.exhibit_for.get("treatments", ""),
                    )
                )
        state_law = self.context.get("state_law")
        if state_law and state_law.get("grounds"):
            part.add(
                Sentence(
                    f"The exception grounds of {state_law['citation']} apply to {self.possessive()} case; the section "
                    f"on {state_law['state_name']} step-therapy law below sets them out, ground by ground.",
                    ["rules:StateStepTherapyLaw.citation", "rules:StateStepTherapyLaw.grounds"],
                )
            )
        return part

    def _support(self, part: Part) -> None:
        evidence = self.context.get("evidence") or {}
        diagnosis = self.context["diagnosis"]
        drug = self.context["drug"]
        exhibit = self.exhibit_for.get("support", "")
        listed = None
        if evidence.get("compendia"):
            use = (
                f"{drug['name']} for {_lower_first(diagnosis['icd10_description'])}"
                if diagnosis.get("icd10_description")
                else f"this use of {drug['name']}"
            )
            level = f" (rating or category: {evidence['evidence_level'].strip()})" if evidence.get("evidence_level") else ""
            listed = Sentence(
                f"The use of {use} is listed in {_join(evidence['compendia'])}{level}.",
                ["answers:evidence.compendia", *(["answers:evidence.evidence_level"] if level else [])],
                exhibit,
            )
        guidelines = None
        if evidence.get("guidelines"):
            guidelines = Sentence(
                f"Guideline support: {_clause(evidence['guidelines'])}", ["answers:evidence.guidelines"], exhibit
            )
        literature = None
        if evidence.get("literature"):
            studies = [line.strip() for line in evidence["literature"].splitlines() if line.strip()]
            literature = Sentence(f"Published evidence: {_clause('; '.join(studies))}", ["answers:evidence.literature"], exhibit)
        part.add(listed, guidelines, literature)

    def off_label(self) -> Part:
        part = Part("off_label", "Support for this use")
        self._support(part)
        return part

    def experimental(self) -> Part:
        part = Part("experimental", "Not experimental or investigational")
        drug = self.context["drug"]
        if isinstance(drug.get("fda_approval_date"), datetime.date):
            part.add(
                Sentence(
                    f"{drug['name']} is not an investigational product: the FDA approved it on {_day(drug['fda_approval_date'])}.",
                    ["catalog:Drug.fda_approval_date"],
                    self.exhibit_for.get("label", ""),
                )
            )
        self._support(part)
        return part

    def quantity_limit(self) -> Part:
        drug = self.context["drug"]
        part = Part("quantity_limit", "The dose and the plan's limit")
        asked = None
        if drug.get("quantity_limit") and drug.get("quantity"):
            asked = Sentence(
                f"The plan limits {drug['name']} to {drug['quantity_limit']}; the prescription is for {drug['quantity']}.",
                ["answers:drug.quantity_limit", "answers:drug.quantity"],
            )
        label = None
        if drug.get("label_dose"):
            label = Sentence(
                f"The prescribing information's dosing: {_clause(drug['label_dose'])}",
                ["catalog:Drug.typical_dose"],
                self.exhibit_for.get("label", ""),
            )
        reason = None
        if drug.get("quantity_reason"):
            reason = Sentence(_sentence(drug["quantity_reason"]), ["answers:drug.quantity_reason"])
        part.add(asked, label, reason)
        return part

    def site_of_care(self) -> Part:
        drug = self.context["drug"]
        part = Part("site_of_care", "Where the drug is given")
        site = None
        if drug.get("site"):
            site = Sentence(f"The request is for treatment at: {drug['site'].lower()}.", ["answers:drug.site"])
        reason = None
        if drug.get("site_reason"):
            reason = Sentence(f"The clinical reason for that site: {_clause(drug['site_reason'])}", ["answers:drug.site_reason"])
        part.add(site, reason)
        return part

    def non_formulary(self) -> Part:
        part = Part("non_formulary", "The formulary alternatives")
        sentences = []
        for item in self.context.get("alternatives") or []:
            if not item.get("drug"):
                continue
            ground = f" {_lower_first(item['ground'])}." if item.get("ground") else ""
            explanation = f" {_sentence(item['explanation'])}" if item.get("explanation") else ""
            sources = ["answers:alternatives.drug"]
            sources += ["answers:alternatives.ground"] if ground else []
            sources += ["answers:alternatives.explanation"] if explanation else []
            text = f"{item['drug']}:{ground}{explanation}" if ground or explanation else f"{item['drug']}."
            sentences.append(Sentence(text, sources))
        # The count, then a paragraph per treatment: a reviewer reads them one by one.
        for sentence in sentences:
            part.add(sentence)
        return part

    def medical_necessity(self) -> Part:
        part = Part("medical_necessity", "The plan's criteria, with the evidence")
        answered = [self._criterion(row) for row in self.context["criteria"]]
        part.add(*answered)
        if any(answered):
            return part
        part.title = "Why it is medically necessary"
        # No criterion to answer one by one: the need rests on the record stated above, summed up
        # from the same answers, with a request for the criteria the plan applied.
        diagnosis = self.context["diagnosis"]
        record, sources = [], []
        if diagnosis.get("icd10_code"):
            record.append(f"the diagnosis (ICD-10-CM {diagnosis['icd10_code']})")
            sources.append("answers:diagnosis.icd10_code")
        if diagnosis.get("activity_score") and isinstance(diagnosis.get("activity_measured_on"), datetime.date):
            record.append(
                f"a {diagnosis['activity_measure']} of {diagnosis['activity_score']} on {_day(diagnosis['activity_measured_on'])}"
            )
            sources += [
                "answers:diagnosis.activity_measure",
                "answers:diagnosis.activity_score",
                "answers:diagnosis.activity_measured_on",
            ]
        stopped = [item["drug"] for item in self.context["treatments"] if item.get("drug") and item.get("stopped_on")]
        if stopped:
            record.append(f"{_count(len(stopped), 'earlier treatment')} stopped ({_join(stopped)})")
            sources += ["answers:treatments.drug", "answers:treatments.stopped_on"]
        if record:
            drug = self.context["drug"]["name"]
            part.add(
                Sentence(
                    (
                        f"I prescribed {drug} as medically necessary for my patient on the record set out above: "
                        if self.prescriber_voice
                        else f"My doctor prescribed {drug} for me on the record set out above: "
                    )
                    + f"{_join(record)}. Please send the criteria you applied, so that each can be answered with its evidence.",
                    sources,
                )
            )
        return part


def medical_case(context: dict, exhibit_for: dict, *, denial_slug: str) -> dict:
    """The medical case in both voices (see the module's docstring)."""
    return {voice: Composer(context, exhibit_for, voice).parts(denial_slug) for voice in (PRESCRIBER, PATIENT)}
