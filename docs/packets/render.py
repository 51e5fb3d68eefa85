"""Two packets for review, made from the demo catalog and made-up answers (no
real person): a prescriber's letter and a patient's letter, each as the PDF
the product hands out and as one PNG per page.

    make packet-images        # writes docs/packets/*.pdf and *.png

It runs on a throwaway SQLite database, fills the wizard's steps as the tests
do (tests/support/cases.py), adds the clinical answers a full case has, and
renders each packet through the same code the render task uses.
"""

from __future__ import annotations

import datetime
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

CASES = {
    "prescriber": {
        "combination": {"drug": "anifrolumab", "payer": "cigna", "denial": "step-therapy"},
        "plan_type": "employer-self-funded",
    },
    "patient": {
        "combination": {"drug": "anifrolumab", "payer": "aetna", "denial": "medical-necessity"},
        "plan_type": "aca-individual",
    },
}


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DENIALHELP_VAR_DIR"] = tempfile.mkdtemp(prefix="denialhelp-packets-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "denialhelp.settings")
    os.environ["DEBUG"] = "true"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_diagnosis_codes", "--if-empty", verbosity=0)
    call_command("load_demo_catalog", verbosity=0)
    import pypdfium2

    for voice, spec in CASES.items():
        pdf = render(voice, spec)
        (HERE / f"{voice}-packet.pdf").write_bytes(pdf)
        for old in HERE.glob(f"{voice}-page-*.png"):
            old.unlink()
        document = pypdfium2.PdfDocument(pdf)
        for number in range(len(document)):
            document[number].render(scale=1.0).to_pil().save(HERE / f"{voice}-page-{number + 1}.png", optimize=True)
        print(f"{voice}: {len(document)} pages")


def render(voice: str, spec: dict) -> bytes:
    from django.utils import timezone

    from appeals.letters.packet import case_packet, packet_pdf
    from appeals.models import Case, LetterTemplate
    from tests.support.cases import answer_every_step, opened_case, save_answers

    today = timezone.localdate()

    def ago(days: int) -> str:
        return (today - datetime.timedelta(days=days)).isoformat()

    case, _ = opened_case(**spec["combination"])
    answer_every_step(case)
    answers = case.typed_answers
    save_answers(case, "plan", {**answers.plan.to_stored(), "plan_type": spec["plan_type"], "notice_date": ago(9)})
    save_answers(
        case,
        "diagnosis",
        {
            **answers.diagnosis.to_stored(),
            "severity": "severe",
            "activity_measure": "SLEDAI-2K",
            "activity_score": "12",
            "activity_measured_on": ago(18),
            "earlier_activity_score": "6",
            "earlier_activity_measured_on": ago(190),
        },
    )
    save_answers(
        case,
        "treatments",
        {
            "items": [
                {
                    "drug": "Hydroxychloroquine",
                    "dose": "400 mg daily",
                    "started_on": "2019-07-01",
                    "outcome": "inadequate_response",
                },
                {
                    "drug": "Mycophenolate mofetil",
                    "dose": "1,500 mg twice daily",
                    "started_on": "2021-02-01",
                    "stopped_on": "2022-05-01",
                    "outcome": "intolerance",
                    "notes": "persistent diarrhoea and leukopenia",
                },
                {
                    "drug": "Belimumab",
                    "dose": "10 mg/kg IV every 4 weeks",
                    "started_on": "2022-06-01",
                    "stopped_on": "2023-11-01",
                    "outcome": "loss_of_response",
                },
            ]
        },
    )
    save_answers(
        case,
        "drug",
        {
            **case.typed_answers.drug.to_stored(),
            "why_now": "two flares needing high-dose prednisone in six months, despite hydroxychloroquine",
            "delay_risk": "another flare, more steroid exposure and damage to the kidneys",
        },
    )
    save_answers(
        case, "prescriber", {**case.typed_answers.prescriber.to_stored(), "peer_to_peer_times": "weekdays 12:00–1:00 pm Central"}
    )
    if voice == "patient":
        save_answers(
            case,
            "patient",
            {
                **case.typed_answers.patient.to_stored(),
                "mailing_address": "418 Elm Street\nAustin, TX 78704",
                "phone": "(512) 555-0188",
                "representative_name": "Ana Quintana",
                "representative_relationship": "daughter",
            },
        )
    case = Case.objects.get(pk=case.pk)
    template = LetterTemplate.objects.get(denial_type=case.denial_type, voice=voice, payer=None, plan_type=None)
    return packet_pdf(case_packet(case, template, today=today)).data


if __name__ == "__main__":
    main()
