"""The program-specific legal arguments of a letter: what the law of this
plan type gives this denial type, asserted only where the answers support it.

Pure functions from a case's answers, its plan type and denial type (by slug)
and the requested drug to plain dicts the letter templates print:

- ``prescriber`` and ``patient``: the same arguments in each letter's voice: a
  ``statement`` (the Part D prescriber's supporting statement, or None), a list
  of ``points`` (each ``text`` and ``citation``) and an ``urgency`` line;
- ``enclosures``: what to attach because of these arguments;
- ``guidance``: what the person should know or do next (the status page),
  never an argument to the plan;
- ``warnings``: what the answers lack for an argument (the review page).

Every legal statement comes from a ``Provision`` below, which records where its
text was read.  A provision whose primary text could not be read is kept with
``verified=False``: its argument is built but never printed, so a letter says
less rather than something unchecked.  Staff who confirm one against the eCFR
set ``verified=True`` with the source.

The plan types and denial types are named by slug through the small sets
below, so a new plan type (a Medicare Advantage plan's Part D drugs, say) joins
an argument by joining a set.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from appeals.catalog.models import AppealStage, Drug, ExceptionGround
from appeals.intake.answers import CaseAnswers

# Plan types (PlanType.slug) by the program whose rules an argument rests on.
PART_D_SLUGS = frozenset({"medicare-part-d", "medicare-advantage-part-d"})
MA_PART_B_SLUGS = frozenset({"medicare-advantage", "medicare-advantage-part-b"})
# The EHB formulary exception reaches non-grandfathered individual-market plans;
# an employer's insured plan may be small or large group, which the answers do
# not tell, so it is left out rather than guessed.
ACA_FORMULARY_EXCEPTION_SLUGS = frozenset({"aca-individual"})
MEDICAID_MANAGED_CARE_SLUGS = frozenset({"medicaid-managed-care"})
ERISA_AND_ACA_SLUGS = frozenset({"employer-self-funded", "employer-fully-insured", "aca-individual"})
FEHB_SLUGS = frozenset({"fehb"})

# Denial types (DenialType.slug) by the Part D exception they call for
# (42 CFR 423.578(b)(5)(i)-(iii)).  No denial type is a tiering denial yet, so
# the tiering exception (423.578(a)) has no entry.
FORMULARY = "formulary"
DOSE_LIMIT = "dose_limit"
UTILIZATION_MANAGEMENT = "utilization_management"
PART_D_EXCEPTION_FOR_DENIAL = {
    "non-formulary": FORMULARY,
    "quantity-limit": DOSE_LIMIT,
    "step-therapy": UTILIZATION_MANAGEMENT,
}
NON_FORMULARY_DENIALS = frozenset({"non-formulary"})
STEP_THERAPY_DENIALS = frozenset({"step-therapy"})
# Medicare Advantage denials that turn on which coverage criteria apply.
MA_COVERAGE_CRITERIA_DENIALS = frozenset({"medical-necessity", "step-therapy", "site-of-care"})

# The plan step's stage answer, where the wizard asks it (values by meaning).
# Without it a case is treated as answering a first written denial.
PHARMACY_REJECTION_STAGES = frozenset({AppealStage.PHARMACY_REJECTION})

YES = "yes"
LOOKBACK_DAYS = 365

# Prior-treatment outcomes (PriorTreatmentForm.OUTCOMES) and how they read in a sentence.
OUTCOME_PHRASES = {
    "inadequate_response": "inadequate response",
    "loss_of_response": "worked, then stopped working",
    "intolerance": "not tolerated (side effects)",
    "adverse_event": "serious adverse event",
    "contraindicated": "contraindicated",
}


@dataclass(frozen=True)
class Provision:
    citation: str
    source: str  # where its text was read (or why it was not)
    verified: bool


# Each provision a letter may assert, with where its text was read.
PROVISIONS = {
    # CMS's own statement of the three prescriber-statement grounds: "all covered Part D drugs on any
    # tier would not be as effective or would have adverse effects, the number of doses under a dose
    # restriction has been or is likely to be ineffective, or the alternative listed on the formulary
    # or required to be used in accordance with step therapy has been or is likely to be ineffective"
    # (https://hhs.gov/guidance/document/medicare-prescription-drug-appeals-grievances-exceptions, CMS
    # 2019-09-24; the archived cms.gov Exceptions page says the same).  The section's (a) was read at
    # https://www.law.cornell.edu/cfr/text/42/423.578.  Paragraph (b)(5) itself has still not been read in a
    # copy of the regulation (2026-12-01: the stored eCFR copies of 423.578 stop in paragraph (a)).
    "part_d_statement": Provision(
        "42 CFR 423.578(b)(5)",
        "CMS Part D Exceptions guidance (hhs.gov, 2019-09-24); LII 42 CFR 423.578",
        verified=True,
    ),
    "part_d_exception": Provision("42 CFR 423.578(b)", "LII 42 CFR 423.578; CMS Part D Exceptions guidance", verified=True),
    # "In order for an enrollee to request an IRE reconsideration of a determination by a Part D plan
    # sponsor not to provide for a Part D drug that is not on the formulary, the prescribing physician
    # must determine that all covered Part D drugs on any tier of the formulary for treatment of the
    # same condition would not be as effective ..." (chanrobles.com copy of 42 CFR 423.600).
    "part_d_ire_needs_statement": Provision(
        "42 CFR 423.600(c)", "https://chanrobles.com/usa/uslaws/cfr/title42/42-2.0.1.2.23.13.52.15.php", verified=True
    ),
    # 423.584(c)(2): the sponsor decides promptly whether to expedite; (i) for an enrollee's request,
    # (ii) for a request made or supported by the prescriber (chanrobles.com copy of 42 CFR 423.584);
    # (a) leaves out requests for payment of drugs already furnished.
    "part_d_expedited_redetermination": Provision(
        "42 CFR 423.584(c)(2)(ii)", "https://chanrobles.com/usa/uslaws/cfr/title42/42-2.0.1.2.23.13.52.12.php", verified=True
    ),
    # Expedited coverage determinations (the stage before a redetermination): 423.570, read at
    # https://compliancecosmos.org/expediting-certain-coverage-determinations ((a) and (b)); the
    # paragraph that binds the plan to a prescriber's request was not read, so the section is cited.
    "part_d_expedited_coverage_determination": Provision(
        "42 CFR 423.570", "https://compliancecosmos.org/expediting-certain-coverage-determinations", verified=True
    ),
    # "An enrollee or physician (acting on behalf of an enrollee) may request an expedited
    # reconsideration as described in § 422.584" (https://lexbuild.dev/ecfr/title-42/chapter-IV/part-422/
    # section-422.578, currency 2026-04-05); the duty to expedite on a physician's request is
    # 422.584(c)(2)(ii), as read in the eCFR mirror for the December 2026 law review (M4).
    "ma_expedited_reconsideration": Provision(
        "42 CFR 422.584(c)(2)(ii)", "lexbuild.dev 42 CFR 422.578 (2026-04-05); law review M4 (eCFR mirror)", verified=True
    ),
    # 438.410(a): an expedited process "when ... the provider indicates (in making the request on the
    # enrollee's behalf or supporting the enrollee's request) that taking the time for a standard
    # resolution could seriously jeopardize ..." (https://law.lawstack.com/laws/42-cfr_s_438-410_
    # expedited-resolution-of-appeals; govregs.com copy agrees).
    "medicaid_expedited": Provision(
        "42 CFR 438.410(a)", "https://law.lawstack.com/laws/42-cfr_s_438-410_expedited-resolution-of-appeals", verified=True
    ),
    # The exception process for a clinically appropriate drug the plan does not cover: standard
    # decision within 72 hours, exigent circumstances (a condition that may seriously jeopardize
    # life, health or ability to regain maximum function, or a current course of treatment with the
    # non-formulary drug) within 24 hours, then an external exception request reviewed by an
    # independent review organization.  Read in HHS's final-rule preamble (copy at
    # http://www.dissertation.xlibx.info/d1-medicine/2262551-37-...) and in Virginia's rule that
    # implements 45 CFR 156.122(c) (http://varules.elaws.us/code/14vac5-216-65).  The eCFR text of
    # the paragraph itself was not retrieved, so the paragraph's subdivisions are not cited.
    "aca_formulary_exception": Provision(
        "45 CFR 156.122(c)", "HHS final-rule preamble (copy); 14VAC5-216-65 implementing 156.122(c)", verified=True
    ),
    # 438.420: benefits continue when the appeal is filed timely, concerns the termination, suspension
    # or reduction of a previously authorized course of treatment ordered by an authorized provider,
    # the period of the original authorization has not expired, and the enrollee asks; "timely" is
    # the later of 10 days from the notice or the intended effective date; the plan may recover the
    # cost if the appeal fails (https://anthonygarvan.github.io/allregs/html/sections/42CFR438.420.html,
    # and Oregon's rule implementing the 2016 text, https://oregon.public.law/rules/oar_410-141-3910).
    "medicaid_continuation": Provision(
        "42 CFR 438.420",
        "allregs copy of 42 CFR 438.420; OAR 410-141-3910 (2016 text as implemented)",
        verified=True,
    ),
    # 890.105(a)(2): the disputed-claims process applies to "other individuals or entities who are
    # acting on the behalf of a covered individual and who have the covered individual's specific
    # written consent to pursue payment of the disputed claim" (GPO 2005 copy:
    # https://webarchive.library.unt.edu/eot2008/20081003211425/http://edocket.access.gpo.gov/cfr_2005/
    # janqtr/5cfr890.105.htm).  The FEHBAR clause (48 CFR 1652.204-72) was not retrieved.
    "fehb_written_consent": Provision("5 CFR 890.105(a)(2)", "GPO 2005 copy of 5 CFR 890.105", verified=True),
    # "A physician who is providing treatment to an enrollee may, upon providing notice to the enrollee,
    # request a standard reconsideration of a pre-service request for reconsideration on the enrollee's
    # behalf" (https://lexbuild.dev/ecfr/title-42/chapter-IV/part-422/section-422.578, currency 2026-04-05).
    "ma_physician_notice": Provision(
        "42 CFR 422.578", "https://lexbuild.dev/ecfr/title-42/chapter-IV/part-422/section-422.578", verified=True
    ),
    # Not retrieved as primary text (only plan and vendor pages: "does not apply to members who have
    # already received treatment with the non-preferred drug within the past 365 days"), so not asserted.
    # Searched again on 2026-12-01: the stored copies of CMS-4180-F (govinfo, justia, lawstack) reach only
    # the preamble's opening; the eCFR mirror found (a Git copy of the eCFR) holds Part 423 sections but no
    # Part 422 section; no LII, lawstack or lexbuild copy of 422.136 is stored.  Which final rule set the
    # 365-day look-back, and the paragraph it sits in, are therefore unconfirmed too.
    "ma_step_therapy_new_starts": Provision(
        "42 CFR 422.136",
        "primary text not retrieved (MA plans' own Part B step-therapy pages only; searched again 2026-12-01)",
        verified=False,
    ),
    # Not retrieved as primary text (law-firm and vendor summaries of the CY2024 rule only; searched again
    # on 2026-12-01 without finding a copy of 422.101 past its table of contents).  Found on the way: CMS's
    # Part C utilization-management audit form (CMS-10913, omb.report) sorts services by whether Medicare's
    # criteria are "fully established", citing 422.101(b)(6)(i)(C), and the CY2026 proposed rule would add
    # (b)(6)(iii)-(iv); so the paragraph is subdivided and may have been amended since 2024.  Read the
    # version in force before asserting it.
    "ma_medicare_coverage_rules_first": Provision(
        "42 CFR 422.101(b)(6)", "primary text not retrieved (summaries of CMS-4201-F only)", verified=False
    ),
    # Not retrieved; the course-of-treatment rule may sit elsewhere in the CY2024 rule (422.112(b)(8)),
    # so the citation itself is unconfirmed.  What was found (2026-12-01) points the same way: CMS's FAQ on
    # CMS-4201-F, as quoted by a supplier's newsletter (miravistallc.com), gives the prior-authorization rule
    # as "may not deny coverage later on the basis of lack of medical necessity" once an item or service was
    # approved, which is a different promise from this argument's "valid for as long as medically necessary".
    # Neither text was read in the regulation, so the citation and the sentence both stay unconfirmed.
    "ma_authorization_course_of_treatment": Provision(
        "42 CFR 422.138(c)", "primary text not retrieved (CMS fact-sheet and FAQ quotations only)", verified=False
    ),
    # Not retrieved as primary text (state rules that copy it, plan documents and summaries only).  Read on
    # 2026-12-01 in a state copy: 14VAC5-216-60 (managedcarelegaldatabase.org) continues coverage pending an
    # internal appeal of a concurrent review decision, and makes the reduction or termination of an approved
    # course of treatment an adverse benefit determination notified in time to appeal and get a decision
    # first.  In the federal rules those are two different duties (the ERISA notice-in-advance rule and the
    # ACA continued-coverage rule), which the argument's single sentence joins; check the sentence against
    # both paragraphs when the federal text is read.
    # The federal external review process lets a claimant ask for expedited external review at the
    # same time as an urgent internal appeal.  Only secondary statements of it were found (the law
    # review, section 4 item 5; consumer guides; state copies such as WAC 284-43-3190 and Puerto Rico's
    # § 9507(b)); the paragraph's own text was not read (searched 2026-12-06), so the request page that
    # rests on it is built but not printed.
    "concurrent_expedited_external_review": Provision(
        "29 CFR 2590.715-2719(d)(3)(i)",
        "primary text not retrieved (law review §4.5 and secondary summaries only; searched 2026-12-06)",
        verified=False,
    ),
    # The seven elements of a valid appointment of a representative in Original Medicare's appeals,
    # read in the current text at https://compliancecosmos.org/appointed-representatives (the same words
    # in a copy marked current through October 31, 2024); (1)-(4) match the official 2006 GPO edition.
    "medicare_appointment": Provision(
        "42 CFR 405.910(c)", "compliancecosmos.org copy of 42 CFR 405.910 (current text); GPO 2006 edition", verified=True
    ),
    "concurrent_care": Provision(
        "29 CFR 2560.503-1(f)(2)(ii); 29 CFR 2590.715-2719(b)(2)(iii)",
        "primary text not retrieved (14VAC5-216-60 and plan documents only)",
        verified=False,
    ),
}


def _point(key: str, text: str) -> dict | None:
    """An argument, or None when its provision is not verified."""
    provision = PROVISIONS[key]
    if not provision.verified:
        return None
    return {"text": text, "citation": provision.citation, "key": key}


def _points(*points: dict | None) -> list[dict]:
    return [point for point in points if point]


def _date(value) -> datetime.date | None:
    return value if isinstance(value, datetime.date) else None


def _stage(answers: CaseAnswers) -> str:
    return getattr(answers.plan, "stage", "") or ""


def _same_drug(name: str, drug_names: list[str]) -> bool:
    wanted = name.strip().lower()
    return bool(wanted) and any(known and (known in wanted or wanted in known) for known in drug_names)


def received_within_lookback(answers: CaseAnswers, drug_names: list[str], today: datetime.date) -> str:
    """How the answers show the patient received the requested drug in the past
    365 days (a phrase for the letter), or "" when they do not show it."""
    since = today - datetime.timedelta(days=LOOKBACK_DAYS)
    for item in answers.treatments:
        if not _same_drug(item.drug, drug_names):
            continue
        stopped = _date(item.stopped_on)
        started = _date(item.started_on)
        if stopped is None and started and started <= today:
            return f"on {item.drug} since {started:%B %Y}"
        if stopped and stopped >= since:
            return f"treated with {item.drug} until {stopped:%B %-d, %Y}"
    authorization = answers.authorization
    approved_until = _date(authorization.approved_until)
    if authorization.previously_approved == YES and approved_until and approved_until >= since:
        return f"under your approval through {approved_until:%B %-d, %Y}"
    return ""


def authorization_still_running(answers: CaseAnswers, today: datetime.date) -> bool:
    """The plan approved this drug before and the approval's period has not ended."""
    authorization = answers.authorization
    approved_until = _date(authorization.approved_until)
    return authorization.previously_approved == YES and approved_until is not None and approved_until >= today


def _alternative_items(answers: CaseAnswers) -> list[dict]:
    return [
        {
            "name": item.drug,
            "reason": "; ".join(
                part for part in (ExceptionGround(item.ground).label if item.ground else "", item.explanation) if part
            ),
        }
        for item in answers.alternatives
        if item.drug
    ]


def _treatment_items(answers: CaseAnswers) -> list[dict]:
    items = []
    for item in answers.treatments:
        if not item.drug:
            continue
        started, stopped = _date(item.started_on), _date(item.stopped_on)
        dates = ""
        if started:
            dates = f"{started:%m/%Y}–{stopped:%m/%Y}" if stopped else f"since {started:%m/%Y}"
        outcome = OUTCOME_PHRASES.get(item.outcome, "")
        reason = ", ".join(part for part in (dates, outcome) if part)
        if item.notes:
            reason = f"{reason}: {item.notes}" if reason else item.notes
        items.append({"name": item.drug + (f" {item.dose}" if item.dose else ""), "reason": reason})
    return items


def _part_d_statement(answers: CaseAnswers, exception: str, drug_name: str) -> tuple[dict | None, dict | None]:
    """The supporting statement in the prescriber's voice and the patient's
    reference to it; (None, None) when the answers give nothing to state."""
    statement_citation = PROVISIONS["part_d_statement"].citation
    exception_citation = PROVISIONS["part_d_exception"].citation
    limit = answers.drug.quantity_limit
    if exception == FORMULARY:
        items = _alternative_items(answers)
        if items:
            certification = (
                f"I state that all covered Part D drugs on any tier of your formulary for the treatment of my patient's "
                f"condition would not be as effective for my patient as {drug_name}, would have adverse effects for my "
                f"patient, or both. The formulary alternatives, and why each will not do:"
            )
        else:
            # Without the alternatives the statement would certify what the answers do not show.
            certification = ""
        request = f"I request a formulary exception so that your plan covers {drug_name}, which is not on its formulary."
        paragraph = "(i)"
    elif exception == DOSE_LIMIT:
        items = []
        reason = answers.drug.quantity_reason
        certification = (
            f"I state that the number of doses your limit{f' ({limit})' if limit else ''} allows has been, or is likely "
            f"to be, ineffective for my patient, or would reduce the effectiveness of {drug_name} or my patient's "
            f"adherence to it.{f' {reason}' if reason else ''}"
            if reason
            else ""
        )
        request = f"I request an exception to your quantity limit for {drug_name}."
        paragraph = "(ii)"
    else:
        items = _treatment_items(answers) + _alternative_items(answers)
        certification = (
            "I state that the drugs your step-therapy requirement calls for have been, or are likely to be, "
            "ineffective for my patient, would have adverse effects for my patient, or both. What my patient "
            "has tried, or cannot use:"
            if items
            else ""
        )
        request = f"I request an exception to your step-therapy requirement for {drug_name}."
        paragraph = "(iii)"
    prescriber = {
        "title": "Prescriber's supporting statement for an exception",
        "request": request,
        "request_citation": exception_citation,
        "certification": certification,
        "citation": f"{statement_citation}{paragraph}" if certification else "",
        "items": items if certification else [],
    }
    patient = {
        "title": "The exception I ask for",
        "request": request.replace("I request", "I ask for"),
        "request_citation": exception_citation,
        "certification": (
            "The exception needs my prescriber's supporting statement; I am sending it with this letter, or my "
            "prescriber is sending it to you directly."
        ),
        "citation": statement_citation,
        "items": [],
    }
    return prescriber, patient


def program_arguments(
    *,
    answers: CaseAnswers,
    plan_type_slug: str,
    denial_type_slug: str,
    drug_names: list[str],
    drug_name: str,
    today: datetime.date | None = None,
) -> dict:
    """The program-specific arguments of a case's letter (see the module docstring)."""
    today = today or timezone.localdate()
    prescriber_points: list[dict] = []
    patient_points: list[dict] = []
    enclosures: list[str] = []
    guidance: list[dict] = []
    warnings: list[str] = []
    prescriber_statement = patient_statement = None
    drug_names = [name.strip().lower() for name in drug_names if name and name.strip()]
    authorization = answers.authorization
    approval_phrase = ""
    if authorization.previously_approved == YES:
        number = f" (authorization {authorization.authorization_number})" if authorization.authorization_number else ""
        until = _date(authorization.approved_until)
        approval_phrase = f"{number}{f', through {until:%B %-d, %Y}' if until else ''}"

    # Medicare Part D (a stand-alone plan or an MA plan's Part D drugs).
    if plan_type_slug in PART_D_SLUGS and denial_type_slug in PART_D_EXCEPTION_FOR_DENIAL:
        exception = PART_D_EXCEPTION_FOR_DENIAL[denial_type_slug]
        prescriber_statement, patient_statement = _part_d_statement(answers, exception, drug_name)
        if exception == FORMULARY:
            if not answers.alternatives:
                warnings.append(
                    "A Part D formulary exception needs the prescriber's statement that every covered drug on the "
                    "plan's formulary for this condition would not be as effective or would have adverse effects "
                    "(42 CFR 423.578(b)(5)(i)). No formulary alternatives are listed, so the letter asks for the "
                    "exception without that statement: list each alternative the notice names, with the reason it "
                    "will not do."
                )
            else:
                warnings.append(
                    "The prescriber's statement covers every drug the plan's formulary offers for this condition, on "
                    "any tier (42 CFR 423.578(b)(5)(i)): check that each one the notice names is listed."
                )
            ire = PROVISIONS["part_d_ire_needs_statement"]
            guidance.append(
                {
                    "text": "If the plan upholds the denial, the Independent Review Entity can review a drug that is not "
                    "on the formulary only when the prescriber has stated that every covered drug on any tier for the "
                    "condition would not be as effective or would have adverse effects. Keep a copy of the "
                    "prescriber's statement for that request.",
                    "citation": ire.citation,
                }
            )

    # Medicare Advantage, Part B drugs.  Built here, printed only once their provisions are verified.
    if plan_type_slug in MA_PART_B_SLUGS:
        if denial_type_slug in MA_COVERAGE_CRITERIA_DENIALS:
            prescriber_points.append(
                _point(
                    "ma_medicare_coverage_rules_first",
                    "As a Medicare Advantage plan, you must apply Traditional Medicare's coverage rules, including any "
                    "national or local coverage determination, and may rely on internal coverage criteria only where "
                    "Medicare's own criteria are not fully established; such criteria must be publicly accessible and "
                    "based on current evidence. Please name the Medicare rule, or the published internal criteria and "
                    "the evidence behind them, on which your denial rests.",
                )
            )
        received = received_within_lookback(answers, drug_names, today)
        if denial_type_slug in STEP_THERAPY_DENIALS and received:
            prescriber_points.append(
                _point(
                    "ma_step_therapy_new_starts",
                    f"My patient is not a new start: my patient has been {received}, within the past "
                    f"{LOOKBACK_DAYS} days. Step therapy for a Part B drug may apply only to new starts, so it "
                    f"cannot be applied to my patient's {drug_name}.",
                )
            )
        if authorization.previously_approved == YES:
            prescriber_points.append(
                _point(
                    "ma_authorization_course_of_treatment",
                    f"Your plan approved {drug_name} for my patient before{approval_phrase}. An approved prior "
                    f"authorization for a course of treatment remains valid for as long as the treatment is "
                    f"medically necessary.",
                )
            )

    # ACA individual market: the EHB formulary exception.
    if plan_type_slug in ACA_FORMULARY_EXCEPTION_SLUGS and denial_type_slug in NON_FORMULARY_DENIALS:
        exigent = ", as I certify they do here" if answers.plan.expedited else ""
        prescriber_points.append(
            _point(
                "aca_formulary_exception",
                f"I also ask you to grant {drug_name} as an exception for a clinically appropriate drug your "
                f"formulary does not cover, decided within 72 hours of the request, or within 24 hours where exigent "
                f"circumstances exist{exigent}. If you deny the exception, my patient asks for external exception "
                f"review by an independent review organization.",
            )
        )
        patient_points.append(
            _point(
                "aca_formulary_exception",
                f"I also ask you to grant {drug_name} as an exception for a clinically appropriate drug your formulary "
                f"does not cover, decided within 72 hours of the request, or within 24 hours where exigent "
                f"circumstances exist. If you deny the exception, I ask for external exception review by an "
                f"independent review organization.",
            )
        )

    # Keep therapy going while the appeal is pending.
    if plan_type_slug in MEDICAID_MANAGED_CARE_SLUGS and authorization.previously_approved == YES:
        continuation = PROVISIONS["medicaid_continuation"]
        if authorization_still_running(answers, today):
            prescriber_points.append(
                _point(
                    "medicaid_continuation",
                    f"Your plan authorized {drug_name} for my patient{approval_phrase}, and that authorization has "
                    f"not expired. My patient asks that the treatment continue while this appeal is pending.",
                )
            )
            patient_points.append(
                _point(
                    "medicaid_continuation",
                    f"Your plan authorized {drug_name} for me{approval_phrase}, and that authorization has not "
                    f"expired. I ask that my treatment continue while this appeal is pending.",
                )
            )
        if continuation.verified:
            guidance.append(
                {
                    "text": "If the plan is stopping or reducing a treatment it authorized, and the authorization has "
                    "not run out, the patient can ask for the treatment to continue while the appeal is pending. File "
                    "the appeal and ask for continued benefits within 10 days of the date the plan sent its notice, "
                    "or by the date the change takes effect if that is later. If the appeal fails, the plan may be "
                    "able to recover the cost of the treatment given in the meantime.",
                    "citation": continuation.citation,
                }
            )
    if plan_type_slug in ERISA_AND_ACA_SLUGS and authorization_still_running(answers, today):
        prescriber_points.append(
            _point(
                "concurrent_care",
                f"Your plan approved {drug_name} for my patient{approval_phrase}; ending an approved course of "
                f"treatment before its end is an adverse benefit determination, and coverage must continue while this "
                f"appeal is decided.",
            )
        )

    # Who may file.
    if plan_type_slug in MA_PART_B_SLUGS and not answers.plan.expedited:
        notice = PROVISIONS["ma_physician_notice"]
        guidance.append(
            {
                "text": "When the treating physician files a standard (not expedited) reconsideration for the patient, "
                "the physician must first give the patient notice of it; a letter the patient signs needs no such notice.",
                "citation": notice.citation,
            }
        )
    if answers.plan.expedited and _urgency(answers, plan_type_slug, voice="patient"):
        # The plan is bound by the physician's own indication, not the member's account of it.
        enclosures.append(
            "If the member files: the prescriber's statement that the standard time frame could seriously jeopardize "
            "the member's life, health or ability to regain maximum function"
        )
    if plan_type_slug in FEHB_SLUGS and PROVISIONS["fehb_written_consent"].verified:
        enclosures.append(
            "If the prescriber files: the member's specific written consent for the prescriber to pursue this "
            f"disputed claim ({PROVISIONS['fehb_written_consent'].citation})"
        )

    return {
        "prescriber": {
            "statement": prescriber_statement,
            "points": _points(*prescriber_points),
            "urgency": _urgency(answers, plan_type_slug, voice="prescriber"),
        },
        "patient": {
            "statement": patient_statement,
            "points": _points(*patient_points),
            "urgency": _urgency(answers, plan_type_slug, voice="patient"),
        },
        "enclosures": enclosures,
        "guidance": guidance,
        "warnings": warnings,
    }


def _urgency(answers: CaseAnswers, plan_type_slug: str, *, voice: str) -> dict | None:
    """The rule that makes the treating physician's urgency certification bind
    the plan, for an expedited case of a program whose rule was read."""
    if not answers.plan.expedited:
        return None
    if plan_type_slug in PART_D_SLUGS:
        key = (
            "part_d_expedited_coverage_determination"
            if _stage(answers) in PHARMACY_REJECTION_STAGES
            else "part_d_expedited_redetermination"
        )
    elif plan_type_slug in MA_PART_B_SLUGS:
        key = "ma_expedited_reconsideration"
    elif plan_type_slug in MEDICAID_MANAGED_CARE_SLUGS:
        key = "medicaid_expedited"
    else:
        return None
    text = (
        "A physician's indication that the standard time frame could seriously jeopardize the patient's life, health "
        "or ability to regain maximum function obliges you to expedite this review."
        if voice == "prescriber"
        else "When a physician indicates that the standard time frame could seriously jeopardize my life, health or "
        "ability to regain maximum function, you must expedite the review; my doctor's statement supports this request."
    )
    return _point(key, text)


def case_arguments(case, today: datetime.date | None = None) -> dict:
    """``program_arguments`` for a case (its answers, plan type, denial type and requested drug)."""
    answers = case.typed_answers
    product = Drug.objects.filter(slug=answers.drug.product).first() if answers.drug.product else case.letter_drug()
    product = product or case.letter_drug()
    return program_arguments(
        answers=answers,
        plan_type_slug=answers.plan.plan_type,
        denial_type_slug=case.denial_type.slug,
        drug_names=drug_names(product),
        drug_name=product.name,
        today=today,
    )


def drug_names(drug: Drug) -> list[str]:
    """Every name a prior-treatment row may give the drug by."""
    names = [drug.name, drug.generic_name, *(drug.brand_names or "").split(",")]
    if drug.generic_name and "-" in drug.generic_name:
        names.append(drug.generic_name.split("-")[0])  # anifrolumab-fnia → anifrolumab
    return [name.strip() for name in names if name and name.strip()]
