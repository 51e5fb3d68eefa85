"""Migration 0029 on a database at 0028: letter templates still holding the body
shipped with 0028 take the body that makes the medical case; a template staff
edited keeps its words."""

from __future__ import annotations

from pathlib import Path

import pytest

from appeals.letters.defaults import default_body

BEFORE = ("appeals", "0028_shipped_letter_templates_follow_the_request")
AFTER = ("appeals", "0029_shipped_letter_templates_make_the_medical_case")
EARLIER = Path(__file__).parent / "support" / "shipped_letter_bodies"


@pytest.mark.django_db(transaction=True)
def test_unedited_templates_take_the_medical_case_and_edited_ones_are_left_alone(migrator):
    old = migrator.apply_initial_migration(BEFORE)
    DenialType = old.apps.get_model("appeals", "DenialType")
    LetterTemplate = old.apps.get_model("appeals", "LetterTemplate")
    denial = DenialType.objects.create(slug="denial-y", name="Denial Y", title_phrase="for a reason", flips_when="y")
    shipped = {}
    for voice in ("prescriber", "patient"):
        body = (EARLIER / f"{voice}-2026-12-06.html").read_text(encoding="utf-8")
        assert "medical_case" not in body
        shipped[voice] = LetterTemplate.objects.create(name=f"Y {voice}", denial_type=denial, voice=voice, body=body).pk
    edited_body = (EARLIER / "prescriber-2026-12-06.html").read_text(encoding="utf-8").replace("Sincerely", "Respectfully")
    edited = LetterTemplate.objects.create(name="Y edited", denial_type=denial, voice="prescriber", body=edited_body).pk

    new = migrator.apply_tested_migration(AFTER)
    LetterTemplate = new.apps.get_model("appeals", "LetterTemplate")
    History = new.apps.get_model("appeals", "HistoricalLetterTemplate")
    for voice, pk in shipped.items():
        assert LetterTemplate.objects.get(pk=pk).body == default_body(voice)
        assert "medical_case." + voice in default_body(voice)
        assert History.objects.filter(id=pk, history_change_reason__contains="medical case").exists()
    assert LetterTemplate.objects.get(pk=edited).body == edited_body
    assert not History.objects.filter(id=edited).exists()


@pytest.mark.django_db(transaction=True)
def test_the_shipped_denial_types_get_their_documentation_list_and_others_stay_empty(migrator):
    old = migrator.apply_initial_migration(("appeals", "0031_letter_versions"))
    DenialType = old.apps.get_model("appeals", "DenialType")
    shipped = DenialType.objects.create(slug="step-therapy", name="Step therapy", title_phrase="x", flips_when="x").pk
    own = DenialType.objects.create(slug="staff-own", name="Staff's own", title_phrase="x", flips_when="x").pk

    new = migrator.apply_tested_migration(("appeals", "0032_denial_type_documentation"))
    DenialType = new.apps.get_model("appeals", "DenialType")
    lines = DenialType.objects.get(pk=shipped).documentation.splitlines()
    assert len(lines) == 5 and lines[0].startswith("The record of every drug the plan requires first")
    assert DenialType.objects.get(pk=own).documentation == ""
