"""The variables a letter template can use, as the admin lists them."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join

DESCRIPTIONS = {
    "today": 'the date the letter is made (a date: use |date:"F j, Y")',
    "denial_type": "the denial: name, title_phrase (e.g. “for failing step therapy”)",
    "payer": "the payer: name, appeals_address, appeals_fax, appeals_phone",
    "plan": "plan type and denial: type, governing_law, first_level_reviewer, next_level, "
    "rights (the plan type's appeal rights, a list; each: text, citation — empty when the plan type is not known), "
    "state_law_applies, notice_date, expedited, claim_number, reference_number",
    "patient": "the patient step",
    "diagnosis": "ICD-10-CM code, its official description, severity and activity measure",
    "drug": "the requested product, its HCPCS code, dose, route, frequency, quantity; quantity limit and site of care with reasons",
    "treatments": "list of prior treatments; each:",
    "alternatives": "list of formulary alternatives; each: drug, ground (label), explanation",
    "evidence": "compendia (list of names), guidelines, literature",
    "authorization": "authorization history",
    "criteria": "list of the payer's criteria; each: requirement, source_title, effective_date, met (true/false), evidence, evidence_date, exception_ground, explanation",
    "other_reasons": "other reasons given in the denial, with the answer",
    "prescriber": "the prescriber step",
    "enclosures": "what to attach for this denial type and plan type, beyond the usual records (a list of lines); "
    "the packet's checklist prints them",
    "deadlines": "list of dated deadlines; each: label, due, citation, status (empty when the plan type is not known)",
    "instrument": "what the letter requests at the person's stage: title (for the RE line), opening (the sentence "
    "making the request), law_sentence (empty when no law can be stated), decided_by, addressed_to_plan, send_to, "
    "rights (the appeal rights owed at this stage; each: text, citation), ask_case_file, next_level, cites_law",
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
