"""The variables a letter template can use, as the admin lists them."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join

DESCRIPTIONS = {
    "today": 'the date the letter is made (a date: use |date:"F j, Y")',
    "denial_type": "the denial: name, title_phrase (e.g. “for failing step therapy”)",
    "payer": "the payer: name, appeals_address, appeals_fax, appeals_phone",
    "plan": "plan type and denial: type, governing_law, first_level_reviewer, next_level, "
    "rights (the plan type's appeal rights, a list; each: text, citation — empty when the plan type is not known), "
    "state_law_applies (true only when state_law is not empty), notice_date, expedited, claim_number, reference_number",
    "patient": "the patient step",
    "diagnosis": "ICD-10-CM code, its official description, severity and activity measure",
    "drug": "the requested product, its HCPCS code, dose, route, frequency, quantity; quantity limit and site of care with reasons",
    "treatments": "list of prior treatments; each:",
    "alternatives": "list of formulary alternatives; each: drug, ground (label), explanation",
    "calls": "calls with the plan logged on the status page before this level (the packet lists them after the "
    "exhibit index); each: called_on (a date), who, reference, said",
    "evidence": "compendia (list of names), guidelines, literature",
    "authorization": "authorization history",
    "criteria": "list of the criteria the letter answers; each: requirement, payer_policy (true only when checked in the "
    "payer's published policy), source_title and retrieved_on (given only then), effective_date, met (true/false), "
    "evidence, evidence_date, exception_ground, explanation",
    "criteria_source": "whose criteria the table holds: all_payer_policy, any_payer_policy, any_typical (criteria plans "
    "commonly apply, never to be called the payer's)",
    "other_reasons": "other reasons given in the denial, with the answer",
    "prescriber": "the prescriber step",
    "enclosures": "what to attach for this denial type and plan type, beyond the usual records (a list of lines); "
    "the packet's checklist prints them",
    "plan_deadlines": "the plan's own time limit for deciding this appeal (the only deadline a letter to the plan "
    "states); a list; each: step, label, due (a date), when (the rule in words, with the date), window, notes, "
    "citation, status",
    "deadlines": "the older name of plan_deadlines (the same list)",
    "patient_deadlines": "every deadline of the case, the person's own included, for the pages the person keeps "
    "(not for the letter to the plan); each as in plan_deadlines, plus aim_by (an earlier date to aim for, or "
    "empty) and is_filing; due is empty while the step's start is not known",
    "state_law": "the state step-therapy statute that applies, empty when none does: state_name, policy_state_given, citation, grounds "
    "(each: subsection, wording, criteria, treatments), standard_clock, urgent_clock, clock_counted_from, "
    "clock_subsection, deemed_approved, deemed_approved_subsection, exception_form, prescriber_submits (the statute "
    "has the prescriber submit the request)",
    "arguments": "the plan type's arguments for this denial, asserted only where the answers support them: "
    "prescriber and patient (each voice: statement — the Part D supporting statement or empty: title, request, "
    "request_citation, certification, citation, items (name, reason); points — each text, citation; urgency — text, "
    "citation or empty), enclosures (lines), guidance and warnings (for the person, not the letter)",
    "medical_case": "the medical case, composed from the answers and the catalog, in each voice (prescriber, patient): "
    "a list of parts; each: key (disease, treatments, request, then the denial type's own: step_therapy, off_label, "
    "experimental, quantity_limit, site_of_care, non_formulary, medical_necessity), title, paragraphs (each: text, "
    "sentences — each: text, sources, exhibit). A part with nothing to say from the answers is left out",
    "exhibits": "the numbered exhibits, in order; each: label (A, B, …), key, title (the document), proves (what it shows)",
    "exhibit_for": "the exhibit letter of: notice, diagnosis, treatments, approval, support, label (empty when none)",
    "filings": "the request pages the submission carries beside the letter; each: key, title, voices",
    "instrument": "what the letter requests at the person's stage: title (for the RE line), opening (the sentence "
    "making the request), law_sentence (empty when no law can be stated), reviews_decision, noun ('appeal', or "
    "'request' before any written decision), decided_by, addressed_to_plan, send_to, copy_to_plan (an outside "
    "reviewer's request also goes to the plan), rights (the appeal rights owed at this stage; each: text, citation), ask_case_file, next_level, next_level_automatic_citation (the rule that has the plan forward the case itself, or empty), cites_law",
}


def variable_list(context: dict) -> list[tuple[str, str]]:
    rows = []
    for name, value in context.items():
        keys = ""
        if isinstance(value, dict):
            keys = ", ".join(sorted(value))
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            keys = ", ".join(sorted(value[0]))
        rows.append((name, DESCRIPTIONS.get(name, "") + (f" — fields: {keys}" if keys else "")))
    return rows


def variables_help(context: dict):
    return format_html(
        "<p>Autoescaped Django template syntax. Unknown variables are refused when saving. Variables:</p><ul>{}</ul>",
        format_html_join("", "<li><code>{}</code>: {}</li>", variable_list(context)),
    )
