"""State step-therapy exception statutes, as read (shipped by migrations 0023 and 0026 and the demo loader).

Every row records only what the statute's own text says, with the stored copy it
was read from and the day it was read.  A row is ``verified`` only when the
subsections a letter would use (grounds, the plans bound, and any clock or
deemed grant it prints) were read; the rest stay unverified and no letter
cites them.  Paraphrases are this product's own words for the statute's terms.

Secondary research (advocacy charts) lists many more states; they are not
recorded here until their statute text is read.  In particular, no statute is
recorded for Alabama, Alaska or the District of Columbia, which had none in that
research.
"""

from __future__ import annotations

import datetime

READ_ON = datetime.date(2026, 12, 1)
READER = "DenialHelp catalog research, statute text read in stored copies on 2026-12-01"

STATE_LAWS = [
    {
        "state": "TX",
        "citation": "Tex. Ins. Code §1369.0546",
        "title": "Step therapy protocol exception requests",
        # Enacted by S.B. 680 (85th Leg., 2017).  The section's history line was not in
        # the copies read; 2018-01-01 is a date by which it was certainly in force.
        "effective_date": datetime.date(2018, 1, 1),
        "source_url": "https://codes.findlaw.com/tx/insurance-code/ins-sect-1369-0546/",
        "retrieved_on": READ_ON,
        "statute_text_excerpt": (
            "(a) the issuer keeps an accessible process for exception requests; (b) the prescribing provider submits "
            "the request on the standard form prescribed under §1369.304; (c) the issuer shall grant the request if "
            "the provider's written statement, with supporting documentation, states (1)(A) contraindicated, (1)(B) "
            "likely adverse reaction or physical or mental harm, (1)(C) expected to be ineffective, (2) previously "
            "discontinued (same drug, class or mechanism, this or another plan) as not effective, diminished effect or "
            "adverse event, (3) not in the patient's best interest (adherence barrier, worse comorbidity, …). "
            "§1369.053(7): the subchapter does not apply to Medicaid managed care. "
            "Also read at https://instalawyer.io/laws/texas-statutes/section-13690546-step-therapy-protocol and "
            "https://lexace.ai/us/statute/texas/1369.053."
        ),
        "verified": True,
        "verified_by": READER + " (subsections (a)–(c)(3)(B) and §1369.053)",
        "binds_fully_insured": True,
        "binds_individual": True,
        "binds_medicaid_mco": False,  # §1369.053(7) excludes Medicaid managed care
        "binds_state_employee_plan": False,  # not read for the state employee plans (Ins. Code ch. 1551)
        "denial_types": ["step-therapy"],
        "grounds": [
            {
                "ground": "contraindicated",
                "subsection": "(c)(1)(A)-(B)",
                "wording": "the drug the protocol requires is contraindicated, or will likely cause the patient an "
                "adverse reaction or physical or mental harm",
            },
            {
                "ground": "expected_ineffective",
                "subsection": "(c)(1)(C)",
                "wording": "the drug the protocol requires is expected to be ineffective, given the known clinical "
                "characteristics of the patient and of the drug regimen",
            },
            {
                "ground": "tried_and_failed",
                "subsection": "(c)(2)",
                "wording": "the patient already stopped the required drug, or another drug of the same pharmacologic "
                "class or mechanism of action, under this plan or another, because it did not work, because its "
                "effect diminished, or because of an adverse event",
            },
            {
                "ground": "not_best_interest",
                "subsection": "(c)(3)",
                "wording": "the required drug is not in the patient's best interest on clinical appropriateness, "
                "because it is expected to be a significant barrier to following the plan of care or to worsen a "
                "comorbid condition",
            },
        ],
        "standard_clock_amount": None,
        "standard_clock_unit": "",
        "urgent_clock_amount": None,
        "urgent_clock_unit": "",
        "clock_subsection": "",
        "clock_counted_from": "",
        "deemed_approved": False,
        "deemed_approved_subsection": "",
        "exception_form": "The Texas standard step-therapy exception request form (Tex. Ins. Code §1369.0546(b), §1369.304)",
        "prescriber_submits": True,
        "carve_outs": "Tex. Ins. Code §1369.0547 (adults with a serious mental illness): no more than one failed drug "
        "per drug prescribed, generics aside (read; not applied by the letters).",
        "notes": "Not read: (c)(3)(C) in full, (c)(4) (stability) and the subsections after it, which set the response "
        "time and any grant by silence. Secondary sources say 72 hours / 24 hours; the letters print no Texas clock "
        "until that text is read and recorded here. Searched again on 2026-12-01 (findlaw, instalawyer, the S.B. 680 "
        "bill text): no stored copy reached past (c)(3). Read instead: Tex. Ins. Code §4202.003(1), which has an "
        "independent review organization decide a review of a step therapy exception request under §1369.0546 within "
        "three days (lawserver.com); not used by the letters.",
    },
    {
        "state": "SD",
        "citation": "S.D. Codified Laws §58-17H-55",
        "title": "Step therapy override exceptions",
        # SL 2020, ch 209 (the session law named in the history of §58-17H-56).  South
        # Dakota acts take effect on July 1 unless they say otherwise.
        "effective_date": datetime.date(2020, 7, 1),
        "source_url": "https://casetext.com/statute/south-dakota-codified-laws/title-58-insurance/chapter-17h-utilization-"
        "review-and-benefit-determinations/section-58-17h-55-step-therapy-override-exceptions",
        "retrieved_on": READ_ON,
        "statute_text_excerpt": (
            "An override exception shall be approved by a health carrier, health benefit plan or utilization review "
            "organization if (1) the required drug is contraindicated under its prescribing information or, from a "
            "documented adverse event or medical condition, likely to cause an adverse reaction, reduce functional "
            "ability or cause harm; (2) it is expected to be ineffective; (3) the patient had a trial of a "
            "therapeutically equivalent dose under the current or a previous plan, stopped by the professional for "
            "lack of effectiveness; (4) … . Except for an urgent care request, a decision within five calendar days "
            "after receipt of complete, clinically relevant written documentation; urgent: within seventy-two hours; a "
            "request for missing information restarts the time; no response in time: the exception is deemed granted. "
            "Subdivisions (1)-(3) read at https://instalawyer.io/laws/south-dakota-codified-laws/section-58-17h-55-step-therapy."
        ),
        "verified": True,
        "verified_by": READER + " (subdivisions (1)–(3) and the time-limit paragraph)",
        "binds_fully_insured": True,
        "binds_individual": True,
        "binds_medicaid_mco": False,  # the section names health carriers; nothing read extends it to Medicaid
        "binds_state_employee_plan": False,
        "denial_types": ["step-therapy"],
        "grounds": [
            {
                "ground": "contraindicated",
                "subsection": "(1)",
                "wording": "the required drug is contraindicated under its prescribing information, or a documented "
                "adverse event with earlier use or a documented condition makes it likely to cause an adverse "
                "reaction, reduce the patient's ability to function in daily activities, or cause physical or mental harm",
            },
            {
                "ground": "expected_ineffective",
                "subsection": "(2)",
                "wording": "the required drug is expected to be ineffective given the patient's known clinical "
                "characteristics and the regimen's known characteristics, the professional's judgment on guidelines or "
                "journals, or the patient's documented experience with it",
            },
            {
                "ground": "tried_and_failed",
                "subsection": "(3)",
                "wording": "the patient had a trial of a therapeutically equivalent dose of the required drug, under "
                "the current or a previous plan, long enough for a positive outcome, and the treating professional "
                "stopped it for lack of effectiveness",
            },
        ],
        "standard_clock_amount": 5,
        "standard_clock_unit": "calendar_days",
        "urgent_clock_amount": 72,
        "urgent_clock_unit": "hours",
        "clock_subsection": "the paragraph after subdivision (4)",
        "clock_counted_from": "receipt of complete, clinically relevant written documentation",
        "deemed_approved": True,
        "deemed_approved_subsection": "the paragraph after subdivision (4)",
        "exception_form": "",
        "carve_outs": "",
        "notes": "Subdivision (4) (a patient already doing well on the prescribed drug) was not read in full and is not "
        "recorded. §58-17H-56 lets a carrier still require a generic or interchangeable biosimilar first.",
    },
    {
        "state": "MO",
        "citation": "Mo. Rev. Stat. §376.2034",
        "title": "Step therapy override exception determinations",
        # L. 2016 H.B. 2029, in force 28 Aug 2016: the history line of §376.2030 on
        # revisor.mo.gov (the definitions section enacted with §376.2034).  Later
        # amendments, if any, were not found in the copies read.
        "effective_date": datetime.date(2016, 8, 28),
        "source_url": "https://www.lawserver.com/law/state/missouri/mo-laws/missouri_laws_376-2034",
        "retrieved_on": READ_ON,
        "statute_text_excerpt": (
            "1. where a health carrier, health benefit plan or utilization review organization restricts a drug by a "
            "step therapy protocol, the patient, through the provider, has a clear and accessible process to request "
            "an override exception determination (an existing medical exceptions process may serve); 2. the override "
            "shall be granted if the patient tried the required drugs under the current or a previous plan and they "
            "were discontinued for lack of efficacy or effectiveness, diminished effect or an adverse event, or if the "
            "treating provider attests that the prescribed drug is necessary to save the patient's life; pharmacy "
            "samples do not count as a trial; 3. the plan may ask for relevant documentation. §376.2030 (definitions, "
            "read at https://revisor.mo.gov/main/OneSection.aspx?section=376.2030): health benefit plan and health "
            "carrier have their §376.1350 meanings."
        ),
        "verified": True,
        "verified_by": READER + " (subsections 1 to 3 and §376.2030)",
        "binds_fully_insured": True,
        "binds_individual": True,
        # §376.1350's definitions were not read; nothing read reaches Medicaid or the state plan.
        "binds_medicaid_mco": False,
        "binds_state_employee_plan": False,
        "denial_types": ["step-therapy"],
        "grounds": [
            {
                "ground": "tried_and_failed",
                "subsection": ".2",
                "wording": "the patient tried the drugs the protocol requires, under the current or a previous health "
                "plan, and they were stopped for lack of efficacy or effectiveness, diminished effect or an adverse "
                "event (drug samples do not count as a trial)",
            },
        ],
        "standard_clock_amount": None,
        "standard_clock_unit": "",
        "urgent_clock_amount": None,
        "urgent_clock_unit": "",
        "clock_subsection": "",
        "clock_counted_from": "",
        "deemed_approved": False,
        "deemed_approved_subsection": "",
        "exception_form": "",
        "prescriber_submits": True,
        "carve_outs": "",
        "notes": "Subsection 4 onward (what a grant covers and any response time or grant by silence) was not in the "
        "copy read, so the letters print no Missouri clock. Subsection 2's other ground, the treating provider's "
        "attestation that the drug is necessary to save the patient's life, has no matching answer and is not "
        "recorded as a ground. Check revisor.mo.gov for amendments after 2016 before relying on the row.",
    },
    {
        "state": "LA",
        "citation": "La. R.S. 46:460.34",
        "title": "Step therapy; fail first protocols; requirements (Medicaid managed care)",
        # Act 312 of the 2013 Regular Session (H.B. 393) enacted R.S. 46:460.31-460.35.  Its
        # effective-date clause was not read; regular-session acts take effect on August 1
        # unless they say otherwise, and the act's first scheduled duty falls on
        # 2014-01-01, a date by which the section was in force.
        "effective_date": datetime.date(2014, 1, 1),
        "source_url": "https://self-law.org/code/la/title-46/46-1011",
        "retrieved_on": READ_ON,
        "statute_text_excerpt": (
            "A. each Medicaid managed care organization that uses step therapy or fail first protocols must comply; "
            "B. the prescribing physician has a clear and convenient process to request an override, and the managed "
            "care organization shall expeditiously grant it where the physician shows, on sound clinical evidence, that "
            "(1) the preferred treatment has been ineffective for the enrollee's disease or condition, (2) it is "
            "expected to be ineffective given the enrollee's known physical or mental characteristics and history and "
            "the regimen's known characteristics, or (3) it will or will likely cause an adverse reaction or other "
            "physical harm. Also read at https://lawserver.com/law/state/louisiana/la-laws/louisiana_revised_statutes_46-"
            '460-34. §460.31 (Act 312 of 2013, enrolled text): "managed care organization" has its 42 CFR 438.2 '
            "meaning and includes primary care case management entities under contract with the department."
        ),
        # Read in full for its grounds and the plans it binds, but left unverified: the letters
        # describe a recorded statute as governing health insurance (or the policy) issued in
        # the state, which this Medicaid-only section does not.
        "verified": False,
        "verified_by": "",
        # The section reaches only Medicaid managed care; Louisiana's commercial statute is R.S. 22:1053 (not read).
        "binds_fully_insured": False,
        "binds_individual": False,
        "binds_medicaid_mco": True,
        "binds_state_employee_plan": False,
        "denial_types": ["step-therapy"],
        "grounds": [
            {
                "ground": "contraindicated",
                "subsection": "(B)(3)",
                "wording": "the prescribing physician shows, on sound clinical evidence, that the preferred treatment "
                "will cause or will likely cause the enrollee an adverse reaction or other physical harm",
            },
            {
                "ground": "expected_ineffective",
                "subsection": "(B)(2)",
                "wording": "the prescribing physician shows, on sound clinical evidence, that the preferred treatment is "
                "expected to be ineffective given the enrollee's known physical or mental characteristics and medical "
                "history and the known characteristics of the drug regimen",
            },
            {
                "ground": "tried_and_failed",
                "subsection": "(B)(1)",
                "wording": "the prescribing physician shows, on sound clinical evidence, that the preferred treatment "
                "has been ineffective in treating the enrollee's disease or condition",
            },
        ],
        "standard_clock_amount": None,
        "standard_clock_unit": "",
        "urgent_clock_amount": None,
        "urgent_clock_unit": "",
        "clock_subsection": "",
        "clock_counted_from": "",
        "deemed_approved": False,
        "deemed_approved_subsection": "",
        "exception_form": "",
        "carve_outs": "",
        "notes": "Unverified only because of the letter's wording: subsections A and B(1)-(3) were read, but the "
        "letters say a recorded statute governs the step-therapy protocols of health insurance, or of the policy, issued "
        "in the state, and this section governs Medicaid managed care organizations only. Verify it once the letter can "
        "name a Medicaid statute as such. "
        "The section sets no response time (it says expeditiously) and no grant by silence. Subsection C (the "
        "protocol's maximum duration) was cut off in the copies read. Louisiana's statute for insured commercial plans, "
        "R.S. 22:1053, was read only up to (B)(1) (legis.la.gov) and is not recorded: a later row for it would become "
        "the Louisiana version in force and take this one's place for Medicaid cases too.",
    },
    {
        "state": "AZ",
        "citation": "Ariz. Rev. Stat. §20-3654",
        "title": "Exceptions; process",
        # Not read: the effective date (S.B. 1270, 2021).  The date here only orders versions.
        "effective_date": datetime.date(2022, 1, 1),
        "source_url": "https://getpocketlaw.com/law/state_arizona/section-20-3654-exceptions-process_790f9e5ab0c8",
        "retrieved_on": READ_ON,
        "statute_text_excerpt": (
            "B. An exception request shall be granted if justification and supporting documentation establish: 1. "
            "contraindicated or likely serious adverse reaction or harm; 2. expected to be ineffective; 3. tried under "
            "the current or a previous plan, or a drug of the same class or mechanism … (text cut). §20-3652: applies "
            "to a health care plan subject to state law regulating insurance (https://self-law.org/code/az/title-20/20-3652)."
        ),
        "verified": False,
        "verified_by": "",
        "binds_fully_insured": True,
        "binds_individual": True,
        "binds_medicaid_mco": False,
        "binds_state_employee_plan": False,
        "denial_types": ["step-therapy"],
        "grounds": [
            {
                "ground": "contraindicated",
                "subsection": "(B)(1)",
                "wording": "the required drug is contraindicated or will likely cause a serious adverse reaction or "
                "physical or mental harm",
            },
            {
                "ground": "expected_ineffective",
                "subsection": "(B)(2)",
                "wording": "the required drug is expected to be ineffective given the patient's known clinical "
                "characteristics and the regimen's known characteristics",
            },
        ],
        "standard_clock_amount": None,
        "standard_clock_unit": "",
        "urgent_clock_amount": None,
        "urgent_clock_unit": "",
        "clock_subsection": "",
        "clock_counted_from": "",
        "deemed_approved": False,
        "deemed_approved_subsection": "",
        "exception_form": "",
        "carve_outs": "",
        "notes": "Unverified: (B)(3)-(5), the response times and any grant by silence, and the effective date were not "
        "in the copies read. Secondary sources say 72 hours / 24 hours and a deemed grant. Read in full: §20-3652 "
        "(self-law.org): the article applies to any health care plan subject to state law regulating insurance that "
        "covers prescription drugs under a step therapy protocol, and to its pharmacy benefit manager or utilization "
        "review agent.",
    },
    {
        "state": "OH",
        "citation": "Ohio Rev. Code §3901.832",
        "title": "Step therapy exemption process",
        "effective_date": datetime.date(2019, 4, 5),  # "Effective: April 5, 2019" (S.B. 265, 132nd G.A.)
        "source_url": "https://instalawyer.io/laws/ohio-revised-code/section-3901832-step-therapy",
        "retrieved_on": READ_ON,
        "statute_text_excerpt": (
            "(A)(1)-(3): an exemption process, supporting documentation, a published list of drugs under step therapy "
            'and what a complete request needs. The text read stops at (A)(4) ("From the time a …").'
        ),
        "verified": False,
        "verified_by": "",
        "binds_fully_insured": False,
        "binds_individual": False,
        "binds_medicaid_mco": False,
        "binds_state_employee_plan": False,
        "denial_types": ["step-therapy"],
        "grounds": [],
        "standard_clock_amount": None,
        "standard_clock_unit": "",
        "urgent_clock_amount": None,
        "urgent_clock_unit": "",
        "clock_subsection": "",
        "clock_counted_from": "",
        "deemed_approved": False,
        "deemed_approved_subsection": "",
        "exception_form": "",
        "carve_outs": "",
        "notes": "Unverified: the grounds and clocks were read only in a summary (Ohio Association of Rheumatology, "
        "2019: tried and failed, or stable; 48 hours urgent / 10 calendar days), not in the statute.",
    },
    {
        "state": "KY",
        "citation": "Ky. Rev. Stat. §304.17A-163",
        "title": "Override of restrictions on medication sequence in step therapy or fail-first protocol",
        "effective_date": datetime.date(2023, 1, 1),  # the 2022 Ky. Acts ch. 19 version (plans issued from 2023-01-01)
        "source_url": "https://casetext.com/statute/kentucky-revised-statutes/title-25-business-and-financial-"
        "institutions/chapter-304-insurance-code/subtitle-30417a-health-benefit-plans/miscellaneous-provisions/"
        "section-30417a-163-definitions-for-krs-30417a-163-and-30417a-1631-establishment-of-clinical-review-criteria-"
        "override-of-restrictions-on-medication-sequence-in-step-therapy-or-fail-first-protocol",
        "retrieved_on": READ_ON,
        "statute_text_excerpt": (
            '(1) definitions: "health plan" means any state-regulated policy, certificate, contract or plan covering '
            'prescription drugs under a step therapy protocol; "step therapy exception" overrides the protocol in '
            "favour of the provider's drug. The exceptions in (4)(a)2. and the clocks were not in the text read."
        ),
        "verified": False,
        "verified_by": "",
        "binds_fully_insured": False,
        "binds_individual": False,
        "binds_medicaid_mco": False,
        "binds_state_employee_plan": False,
        "denial_types": ["step-therapy"],
        "grounds": [],
        "standard_clock_amount": None,
        "standard_clock_unit": "",
        "urgent_clock_amount": None,
        "urgent_clock_unit": "",
        "clock_subsection": "",
        "clock_counted_from": "",
        "deemed_approved": False,
        "deemed_approved_subsection": "",
        "exception_form": "",
        "carve_outs": "",
        "notes": "Unverified: grounds, clocks and any grant by silence not read (secondary: 48 hours, deemed granted). "
        "§304.17A-1631 (read, lawserver.com; effective 2023-01-01 for plans issued or renewed from then) refers to the "
        "exceptions as listed in §304.17A-163(4)(a)2., the subsection still to read.",
    },
]

# Read only in part: kept so staff see what is known, never cited by a letter.
_NO_CLOCK = {
    "standard_clock_amount": None,
    "standard_clock_unit": "",
    "urgent_clock_amount": None,
    "urgent_clock_unit": "",
    "clock_subsection": "",
    "clock_counted_from": "",
    "deemed_approved": False,
    "deemed_approved_subsection": "",
    "exception_form": "",
    "carve_outs": "",
}

STATE_LAWS += [
    {
        "state": "WI",
        "citation": "Wis. Stat. §632.866",
        "title": "Step therapy protocols",
        "effective_date": datetime.date(2019, 11, 1),  # secondary (news of 2019 Wis. Act 9); not read in the statute
        "source_url": "https://docs.legis.wisconsin.gov/document/statutes/632.867(2)(a)",
        "retrieved_on": READ_ON,
        "statute_text_excerpt": (
            "(3)(b)1. contraindicated, or likely (documented adverse event or condition) to … decrease functional "
            "ability (items a. and c. not read); 2. expected to be ineffective based on all of … (items a. and b. not "
            "read); 3. tried the required drug or one of the same class or mechanism, under this or a previous policy "
            "or plan, adherent long enough for a positive outcome, and discontinued by the provider for lack of "
            "efficacy, diminished effect or adverse event; 4. stable on a drug the provider selected, under this or a "
            "previous policy or plan. (3)(c): a pharmaceutical sample does not satisfy a criterion."
        ),
        "verified": False,
        "verified_by": "",
        "binds_fully_insured": False,
        "binds_individual": False,
        "binds_medicaid_mco": False,
        "binds_state_employee_plan": False,
        "denial_types": ["step-therapy"],
        "grounds": [
            {
                "ground": "tried_and_failed",
                "subsection": "(3)(b)3.",
                "wording": "the patient tried the required drug, or one of the same pharmacologic class or mechanism of "
                "action, under this or a previous policy or plan, took it long enough for a positive outcome, and the "
                "provider stopped it for lack of efficacy, diminished effect or an adverse event",
            },
            {
                "ground": "stable_on_current",
                "subsection": "(3)(b)4.",
                "wording": "the patient is stable on a drug the provider selected for the condition, under this or a "
                "previous policy or plan",
            },
        ],
        **_NO_CLOCK,
        "notes": "Unverified: which policies and plans the section binds, the response times and any grant by silence "
        "were not in the text read (official site, docs.legis.wisconsin.gov).",
    },
    {
        "state": "GA",
        "citation": "O.C.G.A. §33-24-59.25",
        "title": "Step therapy protocols; exception process; time requirements; appeals",
        "effective_date": datetime.date(2020, 1, 1),  # secondary (H.B. 63, 2019); not read in the statute
        "source_url": "https://casetext.com/statute/code-of-georgia/title-33-insurance/chapter-24-insurance-generally/"
        "article-1-general-provisions/section-33-24-5925-establishment-by-health-benefit-plans-of-step-therapy-"
        "protocols-exception-process-time-requirements-appeals-construction-application",
        "retrieved_on": READ_ON,
        "statute_text_excerpt": (
            '(a)(1) "health benefit plan" includes insurance policies, HMO contracts, "employee welfare benefit '
            "plan[s]\" and the State Employees' Health Insurance Plan; (b) an exception shall be granted if the "
            "prescriber's justification and documentation support … (text cut)."
        ),
        "verified": False,
        "verified_by": "",
        "binds_fully_insured": False,
        "binds_individual": False,
        "binds_medicaid_mco": False,
        "binds_state_employee_plan": False,
        "denial_types": ["step-therapy"],
        "grounds": [],
        **_NO_CLOCK,
        "notes": "Unverified: the grounds in (b) and the clocks were cut off in the copy read. The definition names the "
        "State Employees' Health Insurance Plan, so the state employee plan may be bound once the rest is read.",
    },
    {
        "state": "OK",
        "citation": "63 Okla. Stat. §7310",
        "title": "Health insurance plans – step therapy protocol – requirements",
        "effective_date": datetime.date(2025, 11, 1),  # S.B. 1064 amendments (secondary); not read in the statute
        "source_url": "https://lexace.ai/us/statute/oklahoma/63-7310",
        "retrieved_on": READ_ON,
        "statute_text_excerpt": (
            '(A)(2) "health insurance plan" means any individual or group health insurance policy, …, health '
            "maintenance organization, municipal group-funded pool, the Oklahoma Medicaid Program and the state health "
            "care benefits plan. The grounds and clocks that follow were not in the copy read."
        ),
        "verified": False,
        "verified_by": "",
        "binds_fully_insured": False,
        "binds_individual": False,
        "binds_medicaid_mco": False,
        "binds_state_employee_plan": False,
        "denial_types": ["step-therapy"],
        "grounds": [],
        **_NO_CLOCK,
        "notes": "Unverified. The definition read names the Oklahoma Medicaid Program and the state health care "
        "benefits plan; whether Medicaid managed care plans are bound, the grounds, and the 72-hour / 24-hour clocks "
        "with grant by silence (secondary: bill summary of S.B. 1064) were not read in the statute.",
    },
    {
        "state": "CA",
        "citation": "Cal. Ins. Code §10123.197",
        "title": "Step therapy exception requests",
        "effective_date": datetime.date(2017, 1, 1),  # not read; only orders versions
        "source_url": "https://lexace.ai/us/statute/california/ins-10123.197",
        "retrieved_on": READ_ON,
        "statute_text_excerpt": (
            "(a) a step therapy exception request may be submitted, and shall be treated and answered, in the same "
            "manner as a prior authorization request for prescription drugs under §10123.191; (b) the uniform prior "
            "authorization form includes step therapy exception requests; (c) definition."
        ),
        "verified": False,
        "verified_by": "",
        "binds_fully_insured": False,
        "binds_individual": False,
        "binds_medicaid_mco": False,
        "binds_state_employee_plan": False,
        "denial_types": ["step-therapy"],
        "grounds": [],
        **_NO_CLOCK,
        "notes": "Unverified: the section names no grounds. Read since: Ins. Code §10123.191(b)(1)-(2) (print.casetext.com, "
        "current through the 2024 session): an insurer, contracted physician group or utilization review organization "
        "that does not answer a completed prior authorization or step therapy exception request within 72 hours "
        "(24 hours in exigent circumstances) is deemed to approve it for the prescription's duration, refills included; "
        "an incomplete request must be flagged within the same time, and the time runs from receipt of the missing "
        "information. The insurers' grounds section, Ins. Code §10123.201, was not read. Plans licensed by the "
        "Department of Managed Health Care fall under Health & Safety Code §1367.206 instead: (a) and (b)(1)-(3) read "
        "(california.public.law): the plan shall expeditiously grant the exception within the time limit of §1367.241 "
        "where the required drug is contraindicated or likely to cause an adverse reaction or harm, is expected to be "
        "ineffective, or was tried under current or previous coverage or Medicaid and stopped for lack of efficacy, "
        "diminished effect or an adverse reaction; (b)(4) onward not read. §1367.241(b) (72 hours / 24 hours exigent, "
        "deemed granted) was read in a copy that names prior authorization requests only. The answers do not tell "
        "which regulator licenses the plan, so no California statute can be named until they do.",
    },
]
