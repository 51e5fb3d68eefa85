"""Demo catalog: denial types, drugs, payers and the hand-written guides.

Drug facts (FDA approval dates, HCPCS codes, label wording) follow the FDA
labels and HCPCS descriptors.  Payer phone and fax numbers are fictional (555-01xx)
and the mailing addresses are placeholders: staff replace both with the
numbers printed on real denial notices before going live.

The guides are demo content: the loader marks them so (their pages say it and
are noindex), and none names a reviewer.  A guide's reviewer is a staff account
with a reviewer profile, set in admin by the person who actually reviewed it.

The demo criteria (criteria.csv) are all *typical* criteria for each drug, not
any payer's policy: nobody on staff has checked them against a payer's
published text.  Where their wording comes from:
- anifrolumab: QualChoice policy BI692 (rheumatologist prescriber, age 18 or
  older, autoantibody-positive, on standard therapy, dose at most 300 mg every
  4 weeks); eviCore's Saphnelo policy summaries (specialist may be a
  rheumatologist, clinical immunologist, nephrologist, neurologist or
  dermatologist; no immunosuppressant or belimumab step); Independence Blue
  Cross and MDwise (no other biologic, such as belimumab, at the same time).
- JAK inhibitors: Cigna's Xeljanz criteria as summarised by a policy aggregator
  (a trial of etanercept or an adalimumab product, or established on the drug
  for 90 days); the labels' TNF-blocker limitation (FDA safety communication,
  September 1, 2021).
- the other combinations: the usual shape of such policies; no single source.
"""

from __future__ import annotations

from datetime import date

G = "contraindicated", "expected_ineffective", "tried_and_failed", "stable_on_current", "not_best_interest"

DENIAL_TYPES = [
    {
        "slug": "step-therapy",
        "name": "Step therapy",
        "title_phrase": "for failing step therapy",
        "flips_when": "Step-therapy denials usually flip when the appeal shows each required drug was tried and "
        "stopped for a documented reason, or would be unsafe or useless for this patient.",
        "typical_wording": "\u201cMust try and fail a preferred alternative first\u201d",
        "exception_grounds": list(G),
        "intake_sections": ["prior_treatments", "disease_activity"],
        "enclosures": "Records of each drug the plan requires first: dose, start and stop dates, and why it was stopped\nPharmacy claims or fill history for those drugs",
        "documentation": (
            "The record of every drug the plan requires first: name, dose, start and stop dates, and the reason it was stopped, as the chart states it\n"
            "Pharmacy fill history for those drugs, which proves the dates when the chart is thin\n"
            "The plan's step-therapy protocol for the requested drug: ask for it in writing if the notice does not quote it\n"
            "Any contraindication, past reaction or interaction that rules out a required drug, with the note that records it\n"
            "A letter from the prescriber that takes the required steps one by one: done, failed, or not safe for this patient"
        ),
        "order": 1,
    },
    {
        "slug": "not-fda-approved",
        "name": "Not FDA-approved for this use",
        "title_phrase": "as not FDA-approved for this use",
        "flips_when": "Off-label denials usually flip when the appeal cites a supportive compendium listing or "
        "guideline category for this exact use, with the trials behind it.",
        "typical_wording": "\u201cNot a medically accepted indication\u201d",
        "exception_grounds": ["expected_ineffective", "tried_and_failed", "not_best_interest"],
        "intake_sections": ["compendia_support", "prior_treatments", "disease_activity"],
        "enclosures": "Compendium listings for this use (AHFS-DI, DRUGDEX, NCCN category or Lexi-Drugs evidence level)\nGuideline excerpts and the key published trials",
        "documentation": (
            "The compendium entry that lists this use (AHFS-DI, DrugDex, NCCN or Lexi-Drugs) with its rating or category\n"
            "The specialty guideline that recommends the drug for this condition, and the key published trials\n"
            "The chart notes that give the diagnosis and show why the labelled alternatives do not fit this patient\n"
            "The prescribing information, to show what the label does and does not cover\n"
            "A letter from the prescriber explaining why this use is the right one now"
        ),
        "order": 2,
    },
    {
        "slug": "quantity-limit",
        "name": "Quantity / dose limit",
        "title_phrase": "due to quantity / dose limits",
        "flips_when": "Quantity-limit denials usually flip when the appeal ties the requested units to the label "
        "dose, or documents why the lower dose failed.",
        "typical_wording": "\u201cExceeds plan quantity limit\u201d",
        "exception_grounds": ["expected_ineffective", "tried_and_failed", "stable_on_current"],
        "intake_sections": ["dose_and_quantity", "prior_treatments"],
        "enclosures": "The dosing section of the prescribing information\nRecords showing the lower dose failed or lost effect",
        "documentation": (
            "The dosing section of the prescribing information for the regimen prescribed\n"
            "The prescription and the claim, showing the dose, the frequency and the units requested\n"
            "The plan's limit as the notice or the formulary states it\n"
            "Records showing that a lower dose or a longer interval was tried and failed, or why it cannot be\n"
            "Weight, laboratory or other chart values the dose depends on"
        ),
        "order": 3,
    },
    {
        "slug": "medical-necessity",
        "name": "Medical necessity",
        "title_phrase": "as not medically necessary",
        "flips_when": "Medical-necessity denials usually flip when every criterion the plan used is answered "
        "with dated chart evidence, and a same-specialty reviewer looks at it.",
        "typical_wording": "\u201cDoes not meet clinical criteria\u201d (CO-50)",
        "exception_grounds": ["contraindicated", "expected_ineffective", "not_best_interest"],
        "intake_sections": ["disease_activity", "prior_treatments"],
        "enclosures": "Dated disease-activity scores (e.g. SLEDAI-2K, CDAI) and the notes they come from\nGuideline excerpts supporting this treatment",
        "documentation": (
            "The plan's criteria for the drug (its policy, or the InterQual or MCG criteria it used): ask for them in writing\n"
            "Chart notes with the diagnosis code and dated disease-activity scores\n"
            "Laboratory, imaging, pathology or biomarker reports the criteria ask for\n"
            "The record of earlier treatments: doses, dates and why each was stopped\n"
            "A letter from the prescriber answering each criterion with the evidence, and the guideline that supports the treatment"
        ),
        "order": 4,
    },
    {
        "slug": "non-formulary",
        "name": "Non-formulary",
        "title_phrase": "as not on the formulary",
        "flips_when": "Non-formulary denials usually flip when the appeal names every formulary alternative and "
        "shows each was tried and failed, is contraindicated, or would work less well.",
        "typical_wording": "\u201cDrug not on formulary\u201d",
        "exception_grounds": ["contraindicated", "expected_ineffective", "tried_and_failed", "stable_on_current"],
        "intake_sections": ["formulary_alternatives", "prior_treatments"],
        "enclosures": "Records for each formulary alternative: tried and failed, contraindicated, or expected to work less well",
        "documentation": (
            "The list of formulary drugs the plan offers for this condition, from the notice or the plan's drug list\n"
            "For each of them: the record that it was tried and failed, or the reason it cannot be used or would work less well\n"
            "Pharmacy fill history for the drugs already tried\n"
            "The plan's formulary exception form, if it has one\n"
            "A letter from the prescriber stating why no formulary drug will do for this patient"
        ),
        "order": 5,
    },
    {
        "slug": "site-of-care",
        "name": "Site of care",
        "title_phrase": "for the site of care",
        "flips_when": "Site-of-care denials usually flip when the chart shows a clinical reason the infusion needs "
        "the hospital setting, such as a prior severe reaction or a first dose.",
        "typical_wording": "\u201cNot medically necessary in the hospital outpatient setting\u201d",
        "exception_grounds": ["contraindicated", "not_best_interest"],
        "intake_sections": ["site_of_care", "authorization_history"],
        "enclosures": "Records of the clinical reason for this site (prior infusion reactions, monitoring needs, first doses)\nThe earlier authorization letter, if the plan approved this treatment before",
        "documentation": (
            "The plan's site-of-care policy and the sites it would cover instead\n"
            "Records of the clinical reason for this site: earlier infusion reactions, monitoring the patient needs, other conditions, a first dose\n"
            "The infusion record so far: dates, site and any reactions\n"
            "The earlier authorization letter, if the plan approved this treatment before\n"
            "A letter from the prescriber explaining why another site is not safe for this patient"
        ),
        "order": 6,
    },
    {
        "slug": "experimental",
        "name": "Experimental / investigational",
        "title_phrase": "as experimental or investigational",
        "flips_when": "Experimental denials usually flip when the appeal shows FDA approval or compendium support "
        "for the use, with the phase III evidence, and asks for external review.",
        "typical_wording": "\u201cExperimental / investigational exclusion\u201d",
        "exception_grounds": ["expected_ineffective", "not_best_interest"],
        "intake_sections": ["compendia_support", "prior_treatments"],
        "enclosures": "Documentation of FDA approval status for this use\nCompendium or NCCN listings and the phase III trial publications",
        "documentation": (
            "Proof of the drug's FDA approval, and the label's indications\n"
            "The compendium or NCCN listing for this use, with its rating or category\n"
            "The phase III trial publications behind the use\n"
            "The plan's definition of experimental or investigational, from the plan documents\n"
            "A letter from the prescriber explaining why the evidence makes this use standard care for this patient"
        ),
        "order": 7,
    },
]

# Since the FDA's safety communication of September 1, 2021, the JAK labels limit
# their arthritis and bowel indications to patients after one or more TNF
# blockers.  Not every indication carries that limit: baricitinib's alopecia
# areata does not, and neither does upadacitinib's giant cell arteritis (FDA
# approval of 15 mg once daily for adults with GCA, AbbVie release of April 29,
# 2025; the GCA coverage criteria of Cigna and Medica ask only for a
# corticosteroid trial), so each drug names the indications the limit covers.
_AFTER_TNF = "after an inadequate response or intolerance to one or more TNF blockers."

DRUGS = [
    # Classes first: their members point at them.
    {
        "slug": "jak-inhibitor",
        "name": "JAK inhibitor",
        "kind": "class",
        "route": "oral",
        "indication": "Oral Janus kinase inhibitors. Since 2021 their labels carry boxed warnings for serious "
        "infections, mortality, malignancy, major cardiac events and thrombosis, and limit rheumatoid arthritis and "
        "most other arthritis and bowel indications to patients after one or more TNF blockers. Some indications "
        "carry no such limit, such as baricitinib for alopecia areata and upadacitinib for giant cell arteritis.",
        "specialty": "Rheumatology",
        "guideline_body": "ACR",
    },
    {
        "slug": "checkpoint-inhibitor",
        "name": "Checkpoint inhibitor",
        "kind": "class",
        "route": "iv",
        "indication": "PD-1 and PD-L1 blocking antibodies used across many solid tumours; coverage usually turns on "
        "the tumour type, line of therapy, biomarkers and the NCCN category.",
        "specialty": "Oncology",
        "guideline_body": "NCCN",
    },
    {
        "slug": "anifrolumab",
        "name": "Anifrolumab",
        "kind": "agent",
        "generic_name": "anifrolumab-fnia",
        "brand_names": "Saphnelo",
        "hcpcs_code": "J0491",
        "hcpcs_unit": "1 mg",
        # The label's title reads "for intravenous, or subcutaneous use" (AstraZeneca prescribing
        # information); the catalog could not source the subcutaneous dose or how it is billed, so
        # the dose and the HCPCS code below are those of the intravenous infusion only.
        "route": "iv_sc",
        "typical_dose": "300 mg IV over 30 minutes every 4 weeks (300 units of J0491); the label also lists "
        "subcutaneous use, whose dose is not given here",
        "fda_approval_date": date(2021, 7, 30),
        "label_url": "https://www.accessdata.fda.gov/scripts/cder/daf/index.cfm?event=BasicSearch.process",
        "indication": "Treatment of adult patients with moderate to severe systemic lupus erythematosus (SLE), who "
        "are receiving standard therapy.",
        "specialty": "Rheumatology",
        "guideline_body": "ACR",
    },
    {
        "slug": "tofacitinib",
        "name": "Tofacitinib",
        "kind": "agent",
        "drug_class": "jak-inhibitor",
        "generic_name": "tofacitinib",
        "brand_names": "Xeljanz, Xeljanz XR",
        "route": "oral",
        "typical_dose": "5 mg twice daily (XR 11 mg once daily) for RA and PsA",
        "indication": "Rheumatoid arthritis, psoriatic arthritis, ankylosing spondylitis, ulcerative colitis and "
        "polyarticular juvenile idiopathic arthritis, each " + _AFTER_TNF,
        "specialty": "Rheumatology",
        "guideline_body": "ACR",
    },
    {
        "slug": "baricitinib",
        "name": "Baricitinib",
        "kind": "agent",
        "drug_class": "jak-inhibitor",
        "generic_name": "baricitinib",
        "brand_names": "Olumiant",
        "route": "oral",
        "typical_dose": "2 mg once daily for RA",
        "indication": "Rheumatoid arthritis in adults " + _AFTER_TNF + " Also severe alopecia areata in adults, "
        "without that prerequisite.",
        "specialty": "Rheumatology",
        "guideline_body": "ACR",
    },
    {
        "slug": "upadacitinib",
        "name": "Upadacitinib",
        "kind": "agent",
        "drug_class": "jak-inhibitor",
        "generic_name": "upadacitinib",
        "brand_names": "Rinvoq, Rinvoq LQ",
        "route": "oral",
        "typical_dose": "15 mg once daily for RA, PsA and axial spondyloarthritis",
        "indication": "Rheumatoid arthritis, psoriatic arthritis, ankylosing spondylitis, non-radiographic axial "
        "spondyloarthritis, ulcerative colitis and Crohn's disease, each " + _AFTER_TNF + " Also giant cell "
        "arteritis in adults, without a TNF-blocker prerequisite, and refractory atopic dermatitis from age 12.",
        "specialty": "Rheumatology",
        "guideline_body": "ACR",
    },
    {
        "slug": "pembrolizumab",
        "name": "Pembrolizumab",
        "kind": "agent",
        "drug_class": "checkpoint-inhibitor",
        "generic_name": "pembrolizumab",
        "brand_names": "Keytruda",
        "hcpcs_code": "J9271",
        "hcpcs_unit": "1 mg",
        "route": "iv",
        "typical_dose": "200 mg IV every 3 weeks or 400 mg every 6 weeks",
        "indication": "PD-1 blocking antibody for many solid tumours; see the label for each tumour type.",
        "specialty": "Oncology",
        "guideline_body": "NCCN",
    },
    {
        "slug": "nivolumab",
        "name": "Nivolumab",
        "kind": "agent",
        "drug_class": "checkpoint-inhibitor",
        "generic_name": "nivolumab",
        "brand_names": "Opdivo",
        "hcpcs_code": "J9299",
        "hcpcs_unit": "1 mg",
        "route": "iv",
        "typical_dose": "240 mg IV every 2 weeks or 480 mg every 4 weeks",
        "indication": "PD-1 blocking antibody for many solid tumours; see the label for each tumour type.",
        "specialty": "Oncology",
        "guideline_body": "NCCN",
    },
    {
        "slug": "atezolizumab",
        "name": "Atezolizumab",
        "kind": "agent",
        "drug_class": "checkpoint-inhibitor",
        "generic_name": "atezolizumab",
        "brand_names": "Tecentriq",
        "hcpcs_code": "J9022",
        "hcpcs_unit": "10 mg",
        "route": "iv",
        "typical_dose": "1,200 mg IV every 3 weeks (120 units of J9022)",
        "indication": "PD-L1 blocking antibody for several solid tumours; see the label for each tumour type.",
        "specialty": "Oncology",
        "guideline_body": "NCCN",
    },
]

_DEMO_ADDRESS = "Appeals Unit (demo address: replace with the one on the denial notice)\nPO Box {box}\n{city}"

PAYERS = [
    {
        "slug": "cigna",
        "name": "Cigna",
        "aliases": "Cigna Healthcare\nEvernorth\nExpress Scripts",
        "plan_types": ["employer-self-funded", "employer-fully-insured", "aca-individual"],
        "appeals_address": _DEMO_ADDRESS.format(box="10101", city="Nashville, TN 37210"),
        "appeals_fax": "(800) 555-0101",
        "appeals_phone": "(800) 555-0102",
        "coverage_policy_url": "https://static.cigna.com/assets/chcp/resourceLibrary/coveragePolicies/",
    },
    {
        "slug": "aetna",
        "name": "Aetna",
        "aliases": "Aetna CVS Health\nCVS Caremark",
        "plan_types": ["employer-self-funded", "employer-fully-insured", "aca-individual", "medicare-advantage"],
        "appeals_address": _DEMO_ADDRESS.format(box="10202", city="Lexington, KY 40512"),
        "appeals_fax": "(800) 555-0111",
        "appeals_phone": "(800) 555-0112",
        "coverage_policy_url": "https://www.aetna.com/health-care-professionals/clinical-policy-bulletins.html",
    },
    {
        "slug": "unitedhealthcare",
        "name": "UnitedHealthcare",
        "aliases": "UHC\nUnited Healthcare\nOptum Rx",
        "plan_types": ["employer-self-funded", "employer-fully-insured", "aca-individual", "medicare-advantage"],
        "appeals_address": _DEMO_ADDRESS.format(box="10303", city="Salt Lake City, UT 84130"),
        "appeals_fax": "(800) 555-0121",
        "appeals_phone": "(800) 555-0122",
        "coverage_policy_url": "https://www.uhcprovider.com/en/policies-protocols.html",
    },
    {
        "slug": "anthem",
        "name": "Anthem Blue Cross Blue Shield",
        "aliases": "Anthem\nElevance Health\nCarelon",
        "plan_types": ["employer-self-funded", "employer-fully-insured", "aca-individual", "medicaid-managed-care"],
        "appeals_address": _DEMO_ADDRESS.format(box="10404", city="Atlanta, GA 30348"),
        "appeals_fax": "(800) 555-0131",
        "appeals_phone": "(800) 555-0132",
        "coverage_policy_url": "https://www.anthem.com/provider/policies/clinical-guidelines/",
    },
    {
        "slug": "humana",
        "name": "Humana",
        "aliases": "Humana Medicare\nCenterWell Pharmacy",
        "plan_types": ["medicare-part-d", "medicare-advantage"],
        "appeals_address": _DEMO_ADDRESS.format(box="10505", city="Louisville, KY 40201"),
        "appeals_fax": "(800) 555-0141",
        "appeals_phone": "(800) 555-0142",
        "coverage_policy_url": "https://www.humana.com/provider/medical-resources/clinical-guidelines",
    },
    {
        "slug": "molina",
        "name": "Molina Healthcare",
        "aliases": "Molina",
        "plan_types": ["medicaid-managed-care", "aca-individual"],
        "appeals_address": _DEMO_ADDRESS.format(box="10606", city="Long Beach, CA 90801"),
        "appeals_fax": "(800) 555-0151",
        "appeals_phone": "(800) 555-0152",
        "coverage_policy_url": "https://www.molinahealthcare.com/providers/common/medical-and-drug-policies.aspx",
    },
    {
        "slug": "fep-blue",
        "name": "Blue Cross Blue Shield Federal Employee Program",
        "aliases": "FEP Blue\nFEP\nBCBS FEP",
        "plan_types": ["fehb"],
        "appeals_address": _DEMO_ADDRESS.format(box="10707", city="Washington, DC 20065"),
        "appeals_fax": "(800) 555-0161",
        "appeals_phone": "(800) 555-0162",
        "coverage_policy_url": "https://www.fepblue.org/benefit-plans/medical-policies-and-utilization-management-guidelines",
    },
]


def _guide(drug, payer, denial_type, body, *, published=True, meta=""):
    """A demo guide: marked demo, with no reviewer (no staff account reviewed it)."""
    return {
        "drug": drug,
        "payer": payer,
        "denial_type": denial_type,
        "body": body.strip() + "\n",
        "meta_description": meta,
        "published": published,
        "is_demo": True,
    }


GUIDES = [
    _guide(
        "anifrolumab",
        "cigna",
        "step-therapy",
        """
## Why the plan asked for other drugs first
A step-therapy rule is a coverage rule, not a medical judgement about you: the plan wants a record that other
lupus treatments were used before it pays for anifrolumab. Published anifrolumab policies usually ask that standard
therapy continues alongside it: hydroxychloroquine, a glucocorticoid, or an immunosuppressant such as
mycophenolate, azathioprine or methotrexate. A few plans also ask for a trial of belimumab first. Ask the plan for
the exact steps it applied. The denial usually means the request did not show those treatments clearly, not that
they never happened.

## What turns it around
Show every required step with the drug, dose, start and stop dates and why it stopped: not enough response,
loss of response, side effects, or a reason it could not be used at all. Anifrolumab's label is for patients who
are *receiving* standard therapy, so say what standard therapy continues alongside it. If a step would be unsafe
(for example a contraindication to an immunosuppressant), say so plainly and cite the chart note.

## State step-therapy law
When the employer plan is fully insured, or the plan is an individual plan, most states require the insurer to
grant a step-therapy exception when the required drug is contraindicated, expected to be ineffective, was already
tried, or the patient is stable on the requested drug. Self-funded employer plans are outside state law, but the
federal full-and-fair review rules still apply.

## Put it in a table
List each step the plan's criteria name. Beside each, write either the dated chart evidence that it was done or the
exception ground with the prescriber's reason. A reviewer can approve a complete table quickly; a narrative that
leaves one step unanswered invites a second denial.
""",
        meta="Anifrolumab (Saphnelo) denied by Cigna for step therapy? What plans typically ask for, the exception "
        "grounds state law gives you, and how to document each prior lupus treatment.",
    ),
    _guide(
        "anifrolumab",
        "cigna",
        "not-fda-approved",
        """
## Why an approved drug can be called "not FDA-approved"
Anifrolumab has been FDA-approved since July 30, 2021 for adults with moderate to severe systemic lupus
erythematosus who are receiving standard therapy. A "not FDA-approved for this use" denial means the plan read the
request as falling outside that label: a diagnosis other than SLE, a patient under 18, severe active lupus nephritis
or severe active central nervous system lupus (the label says efficacy has not been evaluated in them and does not
recommend use there), or use combined with another biologic.

## Check which of these the plan saw
Often the request simply carried the wrong diagnosis code or left out that the patient is on standard therapy.
If so, the appeal corrects the record: the ICD-10 code for SLE (M32.1x, M32.8 or M32.9), the autoantibody
results, and the standard therapy the patient takes.

## When the use really is off-label
Then the argument is evidence: published trials, specialty-society guidance and compendium listings that support
this use, plus why the labelled alternatives failed or cannot be used. Ask the plan in writing for the criteria it
applied; it must provide them.

## Ask for a specialist reviewer
The reviewer deciding the appeal should be a clinician in the same field. Request review by a rheumatologist and
offer a peer-to-peer call.
""",
    ),
    _guide(
        "anifrolumab",
        "cigna",
        "quantity-limit",
        """
## What the limit is counting
Anifrolumab's IV dose is fixed: 300 mg every 4 weeks, which is 300 billing units of J0491 (one unit is 1 mg).
Quantity-limit denials often come from a unit mismatch — the claim billed 300 units where the plan's system expected
1 vial, or the reverse — or from a dosing interval that looked shorter than four weeks.

## Fix the arithmetic first
State the exact dose, the units (mg divided by the 1 mg descriptor), the number of vials and the interval. If the
earlier claim was coded wrongly, a corrected claim may resolve it faster than an appeal.

## When more than the limit is needed
Explain why in clinical terms: a loading schedule, a missed dose being made up, or a documented response that
depends on the label interval. Cite the label dose; a request that matches the label is hard to refuse.

## Keep the dates straight
Note the date on the denial notice and every infusion date. Appeal windows and the plan's decision clock both run
from dates, and a clear timeline helps the reviewer as much as it helps you.
""",
    ),
    _guide(
        "checkpoint-inhibitor",
        "cigna",
        "step-therapy",
        """
## Step therapy in cancer care
For checkpoint inhibitors a step-therapy denial usually means the plan prefers one agent over another, or expects a
particular earlier line of therapy before immunotherapy. In oncology the order of treatment is set by the tumour
type, its stage and its biomarkers, so the appeal answers with the guideline pathway rather than with price.

## The evidence that matters
Give the tumour type and stage, the line of therapy, the biomarker results (PD-L1 TPS or CPS, MSI-H / dMMR, TMB) with
report dates, and the NCCN recommendation category for this regimen in this setting. If an earlier line was given,
list it with dates and the reason it stopped (progression on imaging, toxicity).

## Why switching agents may be unsafe
If the patient is already on a checkpoint inhibitor and responding, changing to the plan's preferred agent mid-course
has no evidence behind it. Say that the patient is stable on current therapy and name the scans that show response.

## Ask for an expedited decision
Delay in cancer treatment can seriously jeopardize health. The treating oncologist can ask for an expedited appeal,
which shortens the plan's decision to days or hours.
""",
    ),
    _guide(
        "jak-inhibitor",
        "cigna",
        "step-therapy",
        """
## The TNF-blocker step is also on the label
Since 2021 the FDA has limited the inflammatory-arthritis uses of tofacitinib, baricitinib and upadacitinib to
patients who had an inadequate response or intolerance to one or more TNF blockers. So a JAK step-therapy denial
often asks for the same thing the label does: a documented TNF-blocker trial.

## Document the TNF blocker precisely
Name the TNF blocker (adalimumab, etanercept, infliximab, certolizumab, golimumab), the dose, the start and stop
dates, and the reason it stopped — not enough response with disease-activity scores before and after, or
intolerance with what happened. Include conventional DMARDs such as methotrexate if the policy lists them.

## Safety screening the reviewer will look for
Because of the boxed warnings, include the cardiovascular risk assessment, smoking status, TB screening and any
history of blood clots. A request that answers these up front avoids a second round.

## When the step should be skipped
If a TNF blocker is contraindicated — for example demyelinating disease or advanced heart failure — say so with the
chart note. State step-therapy laws accept a contraindication as a reason to skip a step in fully insured plans.
""",
    ),
    _guide(
        "anifrolumab",
        "humana",
        "step-therapy",
        """
## Medicare rules, not state rules
Humana's Medicare plans follow federal Medicare rules. Anifrolumab given by infusion in a clinic is usually a Part B
drug, so a Medicare Advantage step-therapy denial is handled under the Part B drug timeframes, which are shorter
than those for other services. State step-therapy laws do not apply to Medicare plans.

## What to send
The same evidence a commercial appeal needs: each lupus treatment tried, with dates, doses and outcomes, and the
standard therapy that continues. Add the disease-activity scores (SLEDAI-2K or BILAG) and the autoantibody results.

## The prescriber can file
For a Medicare Advantage pre-service request, the treating physician can ask for reconsideration directly and can
ask for it to be expedited. If the plan upholds its denial, the case goes automatically to an independent review
entity — nobody needs to file again.
""",
    ),
    _guide(
        "upadacitinib",
        "molina",
        "step-therapy",
        """
## Medicaid managed care has its own clock
Molina's Medicaid plans follow federal Medicaid managed-care rules: the appeal must be filed within 60 days of the
notice, and after the plan's decision the member can ask for a state fair hearing. A prescriber may file for the
member with the member's written consent.

## Keep treatment going
If the denial stops or reduces a treatment already under way, asking for an appeal quickly can keep benefits going
while the appeal is decided. Note the dates carefully.

## The evidence
Upadacitinib's label for rheumatoid arthritis and related conditions requires a prior TNF blocker. List it with
dose, dates and reason stopped, along with any conventional DMARD. Many state Medicaid preferred-drug lists also
name a preferred JAK inhibitor; explain why it is not suitable if it was not tried.
""",
    ),
    _guide(
        "pembrolizumab",
        "fep-blue",
        "medical-necessity",
        """
## The federal employee program process
Federal employee plans have their own disputed-claims process: first ask the plan to reconsider in writing, and if
it still says no, ask the Office of Personnel Management to review. There is no state external review for these
plans.

## Answer every criterion
Medical-necessity denials for pembrolizumab usually turn on the tumour type and stage, the biomarker result the
indication requires (such as PD-L1 expression or MSI-H / dMMR status), the line of therapy and performance status.
Quote each criterion and put the report and its date beside it.

## Cite the guideline
Give the NCCN category for pembrolizumab in this exact setting and the label indication if there is one. Include
the pathology and biomarker reports as enclosures.
""",
    ),
    _guide(
        "nivolumab",
        "aetna",
        "non-formulary",
        """
## Formulary exceptions
When a drug is not on the formulary, the plan must have a way to ask for an exception. The request must show that
the formulary alternatives were tried and failed, are contraindicated, or would be less effective for this patient.
Name each alternative on the formulary, one by one.

## Why nivolumab and not the preferred agent
In oncology the regimen follows the tumour, the biomarkers and the line of therapy. If the guideline pathway for
this cancer names nivolumab (alone or with ipilimumab), or the patient is already on it and responding, say so with
the scans and reports that show it.

## Faster decisions when treatment is under way
If the patient is in the middle of a course, the request is urgent. Ask for an expedited review and say why waiting
could seriously harm the patient's health.
""",
    ),
    _guide(
        "atezolizumab",
        "anthem",
        "site-of-care",
        """
## What a site-of-care denial means
The plan is not refusing the drug; it is refusing to pay for it in a hospital outpatient department, and wants the
infusion at home, in a doctor's office or at an ambulatory infusion centre. Site-of-care programs increasingly
include atezolizumab (J9022).

## Reasons the hospital setting is needed
Payer site-of-care policies usually accept documented clinical reasons: a prior severe infusion reaction, unstable
heart or lung disease, unstable kidney function, inability to tolerate the infusion volume, the first doses or a
restart after six months or more off the drug, or no suitable site within reach. Cite the chart note for each one
that applies.

## Ask for a time-limited approval
If the reason is a first dose or a restart, ask for the hospital setting for the first infusions and say when the
patient can move to another site.
""",
    ),
    _guide(
        "baricitinib",
        "unitedhealthcare",
        "medical-necessity",
        """
## The criteria behind the denial
A medical-necessity denial means the plan's reviewer found a criterion unmet. Ask in writing for the exact criteria
used and the clinical reasoning; the plan must give them to you free of charge.

## The evidence for baricitinib
For rheumatoid arthritis: the diagnosis with its ICD-10 code, the disease-activity score (CDAI or DAS28), the TNF
blocker tried with dates and the reason stopped, and the safety screening the label's boxed warning calls for. For
severe alopecia areata, the extent of scalp hair loss and the treatments tried.

## Ask for a rheumatologist
The appeal should be decided with a clinician in the same specialty. Ask for one and offer a peer-to-peer call.
""",
    ),
    _guide(
        "upadacitinib",
        "aetna",
        "quantity-limit",
        """
## Draft
Dose escalation for atopic dermatitis (15 mg to 30 mg) and the quantity limit; to be reviewed.
""",
        published=False,
    ),
]
