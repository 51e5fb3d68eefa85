from django.db import migrations
from django.utils import timezone

# The reviewer names the demo catalog shipped: fictional people, so a guide
# signed with one is demo content, not a reviewed page.
FICTIONAL_REVIEWERS = (
    "Samuel Okafor, MD (rheumatology)",
    "Dana Whitfield, PharmD, BCPS",
    "Priya Raman, MD (medical oncology)",
)
DEMO_SUFFIX = " (demo summary)"

# The demo catalog's own wording, corrected where a row still holds it word for word
# (a row staff have edited is left alone): (model, lookup, field, old text, new text).
DEMO_TEXT_FIXES = [
    (
        "Drug",
        {"slug": "jak-inhibitor"},
        "indication",
        "Oral Janus kinase inhibitors. Since 2021 their labels carry boxed warnings for serious infections, mortality, malignancy, major cardiac events and thrombosis, and limit the inflammatory indications to patients after one or more TNF blockers.",
        "Oral Janus kinase inhibitors. Since 2021 their labels carry boxed warnings for serious infections, mortality, malignancy, major cardiac events and thrombosis, and limit rheumatoid arthritis and most other arthritis and bowel indications to patients after one or more TNF blockers. Some indications carry no such limit, such as baricitinib for alopecia areata and upadacitinib for giant cell arteritis.",
    ),
    (
        "Drug",
        {"slug": "anifrolumab"},
        "typical_dose",
        "300 mg IV over 30 minutes every 4 weeks (300 units of J0491)",
        "300 mg IV over 30 minutes every 4 weeks (300 units of J0491); the label also lists subcutaneous use, whose dose is not given here",
    ),
    (
        "Drug",
        {"slug": "tofacitinib"},
        "indication",
        "Limited to patients who have had an inadequate response or intolerance to one or more TNF blockers for rheumatoid arthritis and the other inflammatory indications on its label.",
        "Rheumatoid arthritis, psoriatic arthritis, ankylosing spondylitis, ulcerative colitis and polyarticular juvenile idiopathic arthritis, each after an inadequate response or intolerance to one or more TNF blockers.",
    ),
    (
        "Drug",
        {"slug": "baricitinib"},
        "indication",
        "Limited to patients who have had an inadequate response or intolerance to one or more TNF blockers for rheumatoid arthritis and the other inflammatory indications on its label. Also severe alopecia areata in adults.",
        "Rheumatoid arthritis in adults after an inadequate response or intolerance to one or more TNF blockers. Also severe alopecia areata in adults, without that prerequisite.",
    ),
    (
        "Drug",
        {"slug": "upadacitinib"},
        "indication",
        "Limited to patients who have had an inadequate response or intolerance to one or more TNF blockers for rheumatoid arthritis and the other inflammatory indications on its label. Also refractory atopic dermatitis from age 12.",
        "Rheumatoid arthritis, psoriatic arthritis, ankylosing spondylitis, non-radiographic axial spondyloarthritis, ulcerative colitis and Crohn's disease, each after an inadequate response or intolerance to one or more TNF blockers. Also giant cell arteritis in adults, without a TNF-blocker prerequisite, and refractory atopic dermatitis from age 12.",
    ),
    (
        "Guide",
        {"drug__slug": "anifrolumab", "payer__slug": "cigna", "denial_type__slug": "step-therapy"},
        "body",
        "## Why the plan asked for other drugs first\nA step-therapy rule is a coverage rule, not a medical judgement about you: the plan wants a record that cheaper or\nolder lupus treatments were used before it pays for anifrolumab. For lupus that usually means standard therapy —\nhydroxychloroquine, a glucocorticoid, and often an immunosuppressant such as mycophenolate, azathioprine or\nmethotrexate — and sometimes belimumab. The denial usually means the request did not show those trials clearly,\nnot that they never happened.\n\n## What turns it around\nShow every required step with the drug, dose, start and stop dates and why it stopped: not enough response,\nloss of response, side effects, or a reason it could not be used at all. Anifrolumab's label is for patients who\nare *receiving* standard therapy, so say what standard therapy continues alongside it. If a step would be unsafe\n(for example a contraindication to an immunosuppressant), say so plainly and cite the chart note.\n\n## State step-therapy law\nWhen the employer plan is fully insured, or the plan is an individual plan, most states require the insurer to\ngrant a step-therapy exception when the required drug is contraindicated, expected to be ineffective, was already\ntried, or the patient is stable on the requested drug. Self-funded employer plans are outside state law, but the\nfederal full-and-fair review rules still apply.\n\n## Put it in a table\nList each step the policy names. Beside each, write either the dated chart evidence that it was done or the\nexception ground with the prescriber's reason. A reviewer can approve a complete table quickly; a narrative that\nleaves one step unanswered invites a second denial.\n",
        "## Why the plan asked for other drugs first\nA step-therapy rule is a coverage rule, not a medical judgement about you: the plan wants a record that other\nlupus treatments were used before it pays for anifrolumab. Published anifrolumab policies usually ask that standard\ntherapy continues alongside it: hydroxychloroquine, a glucocorticoid, or an immunosuppressant such as\nmycophenolate, azathioprine or methotrexate. A few plans also ask for a trial of belimumab first. Ask the plan for\nthe exact steps it applied. The denial usually means the request did not show those treatments clearly, not that\nthey never happened.\n\n## What turns it around\nShow every required step with the drug, dose, start and stop dates and why it stopped: not enough response,\nloss of response, side effects, or a reason it could not be used at all. Anifrolumab's label is for patients who\nare *receiving* standard therapy, so say what standard therapy continues alongside it. If a step would be unsafe\n(for example a contraindication to an immunosuppressant), say so plainly and cite the chart note.\n\n## State step-therapy law\nWhen the employer plan is fully insured, or the plan is an individual plan, most states require the insurer to\ngrant a step-therapy exception when the required drug is contraindicated, expected to be ineffective, was already\ntried, or the patient is stable on the requested drug. Self-funded employer plans are outside state law, but the\nfederal full-and-fair review rules still apply.\n\n## Put it in a table\nList each step the plan's criteria name. Beside each, write either the dated chart evidence that it was done or the\nexception ground with the prescriber's reason. A reviewer can approve a complete table quickly; a narrative that\nleaves one step unanswered invites a second denial.\n",
    ),
    (
        "Guide",
        {"drug__slug": "anifrolumab", "payer__slug": "cigna", "denial_type__slug": "step-therapy"},
        "meta_description",
        "Anifrolumab (Saphnelo) denied by Cigna for step therapy? What Cigna asks for, the exception grounds state law gives you, and how to document each prior lupus treatment.",
        "Anifrolumab (Saphnelo) denied by Cigna for step therapy? What plans typically ask for, the exception grounds state law gives you, and how to document each prior lupus treatment.",
    ),
    (
        "Guide",
        {"drug__slug": "anifrolumab", "payer__slug": "cigna", "denial_type__slug": "not-fda-approved"},
        "body",
        '## Why an approved drug can be called "not FDA-approved"\nAnifrolumab has been FDA-approved since July 30, 2021 for adults with moderate to severe systemic lupus\nerythematosus who are receiving standard therapy. A "not FDA-approved for this use" denial means the plan read the\nrequest as falling outside that label: a diagnosis other than SLE, a patient under 18, lupus nephritis or central\nnervous system lupus (which the label says were not studied), or use combined with another biologic.\n\n## Check which of these the plan saw\nOften the request simply carried the wrong diagnosis code or left out that the patient is on standard therapy.\nIf so, the appeal corrects the record: the ICD-10 code for SLE (M32.1x, M32.8 or M32.9), the autoantibody\nresults, and the standard therapy the patient takes.\n\n## When the use really is off-label\nThen the argument is evidence: published trials, specialty-society guidance and compendium listings that support\nthis use, plus why the labelled alternatives failed or cannot be used. Ask the plan in writing for the criteria it\napplied; it must provide them.\n\n## Ask for a specialist reviewer\nThe reviewer deciding the appeal should be a clinician in the same field. Request review by a rheumatologist and\noffer a peer-to-peer call.\n',
        '## Why an approved drug can be called "not FDA-approved"\nAnifrolumab has been FDA-approved since July 30, 2021 for adults with moderate to severe systemic lupus\nerythematosus who are receiving standard therapy. A "not FDA-approved for this use" denial means the plan read the\nrequest as falling outside that label: a diagnosis other than SLE, a patient under 18, severe active lupus nephritis\nor severe active central nervous system lupus (the label says efficacy has not been evaluated in them and does not\nrecommend use there), or use combined with another biologic.\n\n## Check which of these the plan saw\nOften the request simply carried the wrong diagnosis code or left out that the patient is on standard therapy.\nIf so, the appeal corrects the record: the ICD-10 code for SLE (M32.1x, M32.8 or M32.9), the autoantibody\nresults, and the standard therapy the patient takes.\n\n## When the use really is off-label\nThen the argument is evidence: published trials, specialty-society guidance and compendium listings that support\nthis use, plus why the labelled alternatives failed or cannot be used. Ask the plan in writing for the criteria it\napplied; it must provide them.\n\n## Ask for a specialist reviewer\nThe reviewer deciding the appeal should be a clinician in the same field. Request review by a rheumatologist and\noffer a peer-to-peer call.\n',
    ),
]


def correct_demo_text(apps, schema_editor):
    """Drug facts and guide prose of the demo catalog, corrected in databases loaded
    before: the TNF-blocker limit is not on every JAK indication, anifrolumab's
    label limit names *severe active* nephritis and CNS lupus, its dose is the
    infusion's only, and no step is said to be the plan's own."""
    for model_name, lookup, field, old, new in DEMO_TEXT_FIXES:
        apps.get_model("appeals", model_name).objects.filter(**lookup, **{field: old}).update(**{field: new})


def retire_invented_demo_step(apps, schema_editor):
    """The demo feed's immunosuppressant-or-belimumab step for anifrolumab is in no
    published anifrolumab policy found: it stops being in force (its version is kept
    for letters that answered it)."""
    Criterion = apps.get_model("appeals", "Criterion")
    today = timezone.localdate()
    for criterion in Criterion.objects.filter(
        drug__slug="anifrolumab",
        payer__slug="cigna",
        denial_type__slug="step-therapy",
        key="prior-immunosuppressant",
        source_title__endswith=DEMO_SUFFIX,
        retired_on__isnull=True,
    ):
        criterion.retired_on = max(today, criterion.effective_date)
        criterion.save(update_fields=["retired_on"])


def mark_demo_guides(apps, schema_editor):
    """Guides signed by a fictional reviewer are demo content; the draft demo guide too.
    No guide keeps a reviewer: the free-text names cannot be tied to a staff account."""
    Guide = apps.get_model("appeals", "Guide")
    Guide.objects.filter(reviewed_by__in=FICTIONAL_REVIEWERS).update(is_demo=True, reviewed_on=None)
    Guide.objects.filter(
        drug__slug="upadacitinib", payer__slug="aetna", denial_type__slug="quantity-limit", body__startswith="## Draft"
    ).update(is_demo=True)
    # A review date without a staff reviewer claims a review nobody can stand behind.
    Guide.objects.exclude(reviewed_by__in=FICTIONAL_REVIEWERS).update(reviewed_on=None)


def retitle_demo_criteria(apps, schema_editor):
    """Existing criteria become typical (the field's default): none has a recorded
    verification.  The demo feed's titles named a payer's policy; say what they are."""
    Criterion = apps.get_model("appeals", "Criterion")
    for criterion in Criterion.objects.filter(source_title__endswith=DEMO_SUFFIX).select_related("drug"):
        criterion.source_title = f"Typical criteria for {criterion.drug.name} (demo catalog)"
        criterion.save(update_fields=["source_title"])


class Migration(migrations.Migration):
    dependencies = [("appeals", "0020_honest_catalog_schema")]

    operations = [
        migrations.RunPython(mark_demo_guides, migrations.RunPython.noop),
        migrations.RunPython(correct_demo_text, migrations.RunPython.noop),
        migrations.RunPython(retire_invented_demo_step, migrations.RunPython.noop),
        migrations.RunPython(retitle_demo_criteria, migrations.RunPython.noop),
    ]
