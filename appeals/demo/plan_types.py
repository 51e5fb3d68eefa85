"""The seven plan types and their appeal deadlines, from domain-facts.md §1.

Staff can correct every value in admin; this is only the starting data.
Where the rule counts from *receipt* of a notice and the regulation sets no
presumption, the deadline is counted from the notice date, which is never
later than the real one.
"""

from __future__ import annotations

_ERISA_RULES = [
    {
        "step": "file_appeal",
        "amount": 180,
        "unit": "days",
        "counted_from": "notice_receipt",
        "receipt_presumption_days": 0,
        "citation": "29 CFR 2560.503-1(h)(3)(i)",
        "verification": "V",
        "explanation": "At least 180 days after you receive the denial. Counted here from the date on the notice, to be safe.",
    },
    {
        "step": "decision_standard",
        "amount": 30,
        "unit": "days",
        "counted_from": "appeal_received",
        "citation": "29 CFR 2560.503-1(i)(2)(ii)",
        "verification": "V",
        "explanation": "Pre-service appeal with one level; a plan with two levels has 15 days for each.",
    },
    {
        "step": "decision_expedited",
        "amount": 72,
        "unit": "hours",
        "counted_from": "appeal_received",
        "citation": "29 CFR 2560.503-1(i)(2)(i)",
        "verification": "V",
        "explanation": "Urgent care: a claim the treating physician says is urgent must be treated as urgent.",
    },
]

_ACA_EXTERNAL_REVIEW_RULES = [
    {
        "step": "next_level_decision_standard",
        "amount": 45,
        "unit": "days",
        "counted_from": "appeal_received",
        "citation": "45 CFR 147.136(d)(2)(iii)(B)(6)",
        "verification": "V",
        "explanation": "The independent reviewer decides within 45 days of receiving the request.",
    },
    {
        "step": "next_level_decision_expedited",
        "amount": 72,
        "unit": "hours",
        "counted_from": "appeal_received",
        "citation": "45 CFR 147.136(d)(3)(iv)",
        "verification": "V",
        "explanation": "Expedited external review.",
    },
]

# What a letter asserts for each plan type (domain-facts.md §1 and §4, item 9),
# one right a line, "statement | citation"; a right without a citation the
# sources give is stated without one rather than with a guessed paragraph.
_ERISA_RIGHTS = [
    "Free access to, and copies of, all documents, records and other information relevant to the claim "
    "| 29 CFR 2560.503-1(h)(2)(iii), (m)(8)",
    "The internal rule, guideline, protocol or criterion relied on, and an explanation of the scientific or clinical "
    "judgment applied to the patient's circumstances | 29 CFR 2560.503-1(g)(1)(v)(A)-(B)",
    "A review that gives no deference to the initial denial, by someone who did not make it | 29 CFR 2560.503-1(h)(3)(ii)",
    "Consultation with a health care professional with appropriate training and experience in the field of medicine "
    "involved, who was not consulted on the initial denial, and the names of the experts consulted "
    "| 29 CFR 2560.503-1(h)(3)(iii)-(v)",
    "Any new or additional evidence or rationale, free and before the decision, with time to respond "
    "| 29 CFR 2590.715-2719(b)(2)(ii)(C)",
]
_ERISA_FUNDING = "A statement of the plan's funding status (insured or self-funded) and a copy of the Summary Plan Description"

APPEAL_RIGHTS = {
    "employer-self-funded": "\n".join(
        [
            *_ERISA_RIGHTS,
            "Federal external review by an independent review organization if the denial is upheld | 29 CFR 2590.715-2719(d)",
            _ERISA_FUNDING,
        ]
    ),
    "employer-fully-insured": "\n".join(
        [
            *_ERISA_RIGHTS,
            "External review under state law by an independent review organization if the denial is upheld | 45 CFR 147.136(c)",
            _ERISA_FUNDING,
        ]
    ),
    "aca-individual": "\n".join(
        [
            "Free access to, and copies of, all documents relevant to the claim, including the criteria relied on "
            "| 45 CFR 147.136(b)(3); 29 CFR 2560.503-1(h)(2)(iii)",
            "Review by a health care professional with appropriate training and experience in the field of medicine "
            "involved | 45 CFR 147.136(b)(3); 29 CFR 2560.503-1(h)(3)(iii)",
            "Any new or additional evidence or rationale, free and before the decision, with time to respond "
            "| 45 CFR 147.136(b)(3)",
            "External review by an independent review organization if the denial is upheld | 45 CFR 147.136(c)-(d)",
        ]
    ),
    "medicare-part-d": "\n".join(
        [
            "A copy of the case file and of the coverage criteria the plan applied",
            "A redetermination by a reviewer who did not make the coverage determination, with a physician deciding "
            "any question of medical necessity | 42 CFR 423.590",
            "An exception when the prescriber's statement shows the covered alternatives would be less effective or "
            "cause adverse effects | 42 CFR 423.578(b)(5)",
            "An expedited redetermination when the prescriber says the standard time frame may seriously jeopardize "
            "the enrollee's health | 42 CFR 423.584",
            "Reconsideration by the Part D Independent Review Entity, whose medical-necessity reviewer is a physician "
            "with appropriate expertise | 42 CFR 423.600",
        ]
    ),
    "medicare-advantage": "\n".join(
        [
            "A copy of the case file and of the coverage criteria the plan applied",
            "Reconsideration of a medical-necessity denial by a physician with expertise in the field of medicine "
            "involved | 42 CFR 422.590(g)(2)",
            "An expedited reconsideration when a physician asks for one | 42 CFR 422.578",
            "A decision on a Part B drug within 7 calendar days (72 hours expedited), with no extension | 42 CFR 422.590",
            "Automatic forwarding to the Part C Independent Review Entity if the denial is upheld | 42 CFR 422.592",
        ]
    ),
    "medicaid-managed-care": "\n".join(
        [
            "A copy of the case file and of the criteria the plan applied",
            "Review by a reviewer with appropriate clinical expertise in treating the enrollee's condition",
            "An expedited resolution when the provider indicates the standard time could seriously jeopardize the "
            "enrollee's life, health or ability to attain, maintain or regain maximum function, with no punitive "
            "action against the provider | 42 CFR 438.410",
            "A response to a prior-authorization request for a covered outpatient drug within 24 hours, and at least a "
            "72-hour supply in an emergency | SSA §1927(d)(5) (42 U.S.C. 1396r-8(d)(5))",
            "A state fair hearing after the plan's appeal, or at once if the plan misses its notice or timing rules "
            "| 42 CFR 438.408(c)(3), (f)",
        ]
    ),
    "fehb": "\n".join(
        [
            "A copy of the documents the carrier relied on, including the criteria it applied",
            "Review by a health care professional with appropriate training and experience in the field of medicine involved",
            "Any new or additional evidence or rationale, before the carrier decides | FEHB plan brochure, Section 8",
            "Review by the Office of Personnel Management if the carrier upholds the denial | 5 CFR 890.105(e)",
        ]
    ),
}

# What to attach beyond the records every appeal needs (domain-facts.md §4, enclosures and who may file).
ENCLOSURES = {
    "employer-self-funded": "The plan's authorized-representative form, if the plan's procedure requires one for a "
    "non-urgent appeal filed by the physician",
    "employer-fully-insured": "The plan's authorized-representative form, if the plan's procedure requires one for a "
    "non-urgent appeal filed by the physician",
    "aca-individual": "",
    "medicare-part-d": "The prescriber's supporting statement (or the plan's coverage-determination form), required "
    "for an exception\nAppointment of Representative (form CMS-1696), if someone other than the enrollee or the "
    "prescriber files",
    "medicare-advantage": "Appointment of Representative (form CMS-1696), if someone other than the enrollee or a "
    "treating physician files",
    "medicaid-managed-care": "The enrollee's written consent, when the provider files the appeal (42 CFR 438.402(c)(1)(ii))",
    "fehb": "A copy of the carrier's denial and of every earlier letter in this dispute (OPM asks for them if the "
    "dispute reaches it)",
}

PLAN_TYPES = [
    {
        "slug": "employer-self-funded",
        "name": "Employer plan, self-funded",
        "order": 1,
        "description": "Health coverage through a job where the employer pays claims itself and a company such as Cigna or Aetna only administers the plan.",
        "how_to_tell": "Large employers are usually self-funded. The Summary Plan Description or the back of the card may say "
        "'self-funded', 'self-insured' or 'administered by'. If you are not sure, choose this one or 'Employer plan, fully "
        "insured' and ask the plan in your appeal to state its funding status and send the Summary Plan Description; "
        "the letter asks for both either way.",
        "governing_law": "ERISA §503; 29 CFR 2560.503-1; ACA (PHSA §2719) via 29 CFR 2590.715-2719",
        "first_level_reviewer": "The plan's claims administrator or pharmacy benefit manager",
        "next_level": "Federal external review by an independent review organization, then an ERISA §502(a) lawsuit",
        "state_step_therapy_law_applies": False,
        "rules": _ERISA_RULES
        + [
            {
                "step": "file_next_level",
                "amount": 4,
                "unit": "months",
                "counted_from": "appeal_decision",
                "citation": "29 CFR 2590.715-2719(d); DOL Technical Release 2010-01",
                "verification": "S",
                "explanation": "Federal external review covers medical-judgment denials; ask within 4 months of the final internal denial.",
            },
        ]
        + _ACA_EXTERNAL_REVIEW_RULES,
    },
    {
        "slug": "employer-fully-insured",
        "name": "Employer plan, fully insured",
        "order": 2,
        "description": "Health coverage through a job where an insurance company carries the risk and pays the claims.",
        "how_to_tell": "Smaller employers are usually fully insured. If the plan documents name an insurance policy "
        "issued to the employer, it is fully insured. The law of the state where the policy was issued, including any "
        "step-therapy law it has, reaches these plans.",
        "governing_law": "ERISA §503; 29 CFR 2560.503-1; ACA (PHSA §2719); state insurance law (ERISA savings clause)",
        "first_level_reviewer": "The insurer, as the plan's claims fiduciary",
        "next_level": "State external review by an independent review organization, then an ERISA §502(a) lawsuit",
        "state_step_therapy_law_applies": True,
        "rules": _ERISA_RULES
        + [
            {
                "step": "file_next_level",
                "amount": 4,
                "unit": "months",
                "counted_from": "appeal_decision",
                "citation": "45 CFR 147.136(c)(2)(vi)",
                "verification": "V",
                "explanation": "State external review processes must allow at least 4 months after the final internal denial.",
            },
        ]
        + _ACA_EXTERNAL_REVIEW_RULES,
    },
    {
        "slug": "aca-individual",
        "name": "Individual or marketplace plan",
        "order": 3,
        "description": "A plan you bought yourself, on HealthCare.gov, a state marketplace or directly from an insurer.",
        "how_to_tell": "If you, not an employer, chose and pay for the plan, it is an individual plan. There is only one "
        "level of internal appeal, then external review.",
        "governing_law": "PHSA §2719 (42 U.S.C. 300gg-19); 45 CFR 147.136",
        "first_level_reviewer": "The insurer (one level only)",
        "next_level": "State or federal (HHS) external review by an independent review organization",
        "state_step_therapy_law_applies": True,
        "rules": [
            {**_ERISA_RULES[0], "citation": "45 CFR 147.136(b)(3)(i); 29 CFR 2560.503-1(h)(3)(i)"},
            {
                **_ERISA_RULES[1],
                "citation": "45 CFR 147.136(b)(3); 29 CFR 2560.503-1(i)(2)(ii)",
                "explanation": "Pre-service appeal.",
            },
            {**_ERISA_RULES[2], "citation": "45 CFR 147.136(b)(3); 29 CFR 2560.503-1(i)(2)(i)"},
            {
                "step": "file_next_level",
                "amount": 4,
                "unit": "months",
                "counted_from": "appeal_decision",
                "citation": "45 CFR 147.136(d)(2)(i)",
                "verification": "V",
                "explanation": "Within 4 months of receiving the final internal denial; where that month has no matching date, "
                "by the first day of the fifth month.",
            },
        ]
        + _ACA_EXTERNAL_REVIEW_RULES,
    },
    {
        "slug": "medicare-part-d",
        "name": "Medicare Part D drug plan",
        "order": 4,
        "description": "Medicare prescription drug coverage, on its own (PDP) or inside a Medicare Advantage plan (MA-PD).",
        "how_to_tell": "Drugs you pick up at a pharmacy under Medicare are Part D. Drugs infused in a clinic are usually "
        "Part B: choose Medicare Advantage, or ask the plan which benefit denied the drug.",
        "governing_law": "SSA §1860D-4(g)-(h); 42 CFR 423 Subparts M and U",
        "first_level_reviewer": "The Part D plan sponsor (redetermination)",
        "next_level": "The Part D Independent Review Entity (reconsideration), then an ALJ, the Medicare Appeals Council and federal court",
        "state_step_therapy_law_applies": False,
        "rules": [
            {
                "step": "file_appeal",
                "amount": 60,
                "unit": "days",
                "counted_from": "notice_receipt",
                "receipt_presumption_days": 5,
                "citation": "42 CFR 423.582(b)",
                "verification": "V",
                "explanation": "60 days after receipt, presumed 5 days after the notice date: 65 days from the date on the notice. "
                "File within 60 days of the notice date to be safe; late filing is allowed for good cause (423.582(c)).",
            },
            {
                "step": "decision_standard",
                "amount": 7,
                "unit": "days",
                "counted_from": "appeal_received",
                "citation": "42 CFR 423.590",
                "verification": "V",
                "explanation": "Redetermination of a drug not yet received (14 days for a payment request).",
            },
            {
                "step": "decision_expedited",
                "amount": 72,
                "unit": "hours",
                "counted_from": "appeal_received",
                "citation": "42 CFR 423.584; 423.590",
                "verification": "V",
                "explanation": "If the prescriber says waiting could seriously jeopardize health, the plan must expedite.",
            },
            {
                "step": "file_next_level",
                "amount": 65,
                "unit": "days",
                "counted_from": "appeal_decision",
                "citation": "42 CFR 423.600",
                "verification": "V",
                "explanation": "Reconsideration by the Part D Independent Review Entity, in writing, within 65 days of the "
                "redetermination notice. The prescriber may file without being appointed representative.",
            },
            {
                "step": "next_level_decision_standard",
                "amount": 7,
                "unit": "days",
                "counted_from": "appeal_received",
                "citation": "42 CFR 423.600; 423.602",
                "verification": "V",
                "explanation": "The IRE decides a drug not yet received within 7 days.",
            },
            {
                "step": "next_level_decision_expedited",
                "amount": 72,
                "unit": "hours",
                "counted_from": "appeal_received",
                "citation": "42 CFR 423.600; 423.602",
                "verification": "V",
                "explanation": "Expedited reconsideration by the IRE.",
            },
        ],
    },
    {
        "slug": "medicare-advantage",
        "name": "Medicare Advantage (Part B drug)",
        "order": 5,
        "description": "A Medicare Advantage (Part C) plan denying a drug given in a clinic or infusion center under its Part B benefit.",
        "how_to_tell": "Medicare Advantage plans replace Original Medicare and are sold by insurers such as Humana. A drug "
        "infused or injected in a clinic is usually Part B; a pharmacy drug is Part D.",
        "governing_law": "42 CFR 422 Subpart M; Part B drug timeframes of CMS-4180-F",
        "first_level_reviewer": "The Medicare Advantage plan (reconsideration)",
        "next_level": "Automatic forwarding to the Part C Independent Review Entity, then an ALJ, the Medicare Appeals Council and federal court",
        "state_step_therapy_law_applies": False,
        "rules": [
            {
                "step": "file_appeal",
                "amount": 60,
                "unit": "days",
                "counted_from": "notice_date",
                "citation": "42 CFR 422.582",
                "verification": "S",
                "explanation": "60 calendar days from the date on the notice (CMS Part C reconsideration page).",
            },
            {
                "step": "decision_standard",
                "amount": 7,
                "unit": "days",
                "counted_from": "appeal_received",
                "citation": "42 CFR 422.590",
                "verification": "S",
                "explanation": "Reconsideration of a Part B drug; no extensions are allowed for Part B drugs.",
            },
            {
                "step": "decision_expedited",
                "amount": 72,
                "unit": "hours",
                "counted_from": "appeal_received",
                "citation": "42 CFR 422.590; 422.584",
                "verification": "S",
                "explanation": "If a physician asks for an expedited reconsideration, the plan must expedite.",
            },
            {
                "step": "file_next_level",
                "amount": None,
                "unit": "days",
                "counted_from": "appeal_decision",
                "automatic": True,
                "citation": "42 CFR 422.592",
                "verification": "V",
                "explanation": "If the plan upholds its denial, it must send the case to the Independent Review Entity itself; "
                "you file nothing.",
            },
        ],
    },
    {
        "slug": "medicaid-managed-care",
        "name": "Medicaid managed care plan",
        "order": 6,
        "description": "Medicaid coverage run by a managed care organization such as Molina.",
        "how_to_tell": "If your Medicaid card names a health plan company, you are in managed care. If it only names the "
        "state, you have fee-for-service Medicaid and appeal through a state fair hearing instead.",
        "governing_law": "42 CFR 438 Subpart F (2016 final rule, 81 FR 27498)",
        "first_level_reviewer": "The managed care organization",
        "next_level": "A state fair hearing, after the plan's appeal",
        "state_step_therapy_law_applies": False,
        "rules": [
            {
                "step": "file_appeal",
                "amount": 60,
                "unit": "days",
                "counted_from": "notice_date",
                "citation": "42 CFR 438.402(c)(2)(ii)",
                "verification": "V",
                "explanation": "60 calendar days from the date on the notice. A provider may appeal with your written consent.",
            },
            {
                "step": "decision_standard",
                "amount": 30,
                "unit": "days",
                "counted_from": "appeal_received",
                "citation": "42 CFR 438.408(b)(2)",
                "verification": "V",
                "explanation": "May be extended by up to 14 days, with written notice.",
            },
            {
                "step": "decision_expedited",
                "amount": 72,
                "unit": "hours",
                "counted_from": "appeal_received",
                "citation": "42 CFR 438.408(b)(3); 438.410",
                "verification": "V",
                "explanation": "Must be granted when the provider says the standard time could seriously jeopardize health.",
            },
            {
                "step": "file_next_level",
                "amount": 90,
                "unit": "days",
                "counted_from": "appeal_decision",
                "citation": "42 CFR 438.408(f)(2)",
                "verification": "S",
                "explanation": "States set the fair-hearing window between 90 and 120 days from the plan's decision; 90 is the "
                "shortest any state may allow.",
            },
        ],
    },
    {
        "slug": "fehb",
        "name": "Federal employee plan (FEHB)",
        "order": 7,
        "description": "Coverage through the Federal Employees Health Benefits Program, such as FEP Blue.",
        "how_to_tell": "If you or your spouse work or worked for the federal government and chose a plan during Open Season, "
        "it is FEHB. Appeals go to the carrier, then to the Office of Personnel Management.",
        "governing_law": "5 CFR 890.105 and 890.107; the plan brochure, Section 8",
        "first_level_reviewer": "The carrier (reconsideration)",
        "next_level": "Review by the Office of Personnel Management (OPM), then a lawsuit against OPM",
        "state_step_therapy_law_applies": False,
        "rules": [
            {
                "step": "file_appeal",
                "amount": 6,
                "unit": "months",
                "counted_from": "notice_date",
                "citation": "5 CFR 890.105(b)(1)",
                "verification": "V",
                "explanation": "In writing within 6 months of the date of the denial.",
            },
            {
                "step": "decision_standard",
                "amount": 30,
                "unit": "days",
                "counted_from": "appeal_received",
                "citation": "5 CFR 890.105(b)(2)",
                "verification": "V",
                "explanation": "The carrier approves, upholds the denial in writing, or asks for more information.",
            },
            {
                "step": "decision_expedited",
                "amount": 72,
                "unit": "hours",
                "counted_from": "appeal_received",
                "citation": "FEHB plan brochure, Section 8",
                "verification": "S",
                "explanation": "Urgent pre-service claims.",
            },
            {
                "step": "file_next_level",
                "amount": 90,
                "unit": "days",
                "counted_from": "appeal_decision",
                "citation": "5 CFR 890.105(e)",
                "verification": "S",
                "explanation": "Ask OPM to review within 90 days of the carrier's decision upholding the denial.",
            },
            {
                "step": "next_level_decision_standard",
                "amount": 60,
                "unit": "days",
                "counted_from": "appeal_received",
                "citation": "OPM FEHB disputed-claims guidance",
                "verification": "V",
                "explanation": "OPM's final response.",
            },
        ],
    },
]

for _entry in PLAN_TYPES:
    _entry["appeal_rights"] = APPEAL_RIGHTS[_entry["slug"]]
    _entry["enclosures"] = ENCLOSURES[_entry["slug"]]
