"""Migration 0025: templates staff never edited take the wording shipped now;
a template staff edited is left as it is."""

from __future__ import annotations

from pathlib import Path

import pytest

from appeals.letters.defaults import default_body

BEFORE = ("appeals", "0024_deadline_rolls_forward_and_appeal_decision")
AFTER = ("appeals", "0025_shipped_letter_templates_updated")
EARLIER = Path(__file__).parent / "support" / "shipped_letter_bodies"


@pytest.mark.django_db(transaction=True)
def test_unedited_templates_take_the_new_wording_and_edited_ones_are_left_alone(migrator):
    old = migrator.apply_initial_migration(BEFORE)
    DenialType = old.apps.get_model("appeals", "DenialType")
    LetterTemplate = old.apps.get_model("appeals", "LetterTemplate")
    denial = DenialType.objects.create(slug="denial-x", name="Denial X", title_phrase="for a reason", flips_when="x")
    shipped = {}
    for voice in ("prescriber", "patient"):
        body = (EARLIER / f"{voice}-before-2026-12.html").read_text(encoding="utf-8")
        shipped[voice] = LetterTemplate.objects.create(name=f"X {voice}", denial_type=denial, voice=voice, body=body).pk
    edited_body = (EARLIER / "prescriber-before-2026-12.html").read_text(encoding="utf-8") + "<p>Our clinic's own closing.</p>"
    edited = LetterTemplate.objects.create(name="X edited", denial_type=denial, voice="prescriber", body=edited_body).pk

    new = migrator.apply_tested_migration(AFTER)
    LetterTemplate = new.apps.get_model("appeals", "LetterTemplate")
    History = new.apps.get_model("appeals", "HistoricalLetterTemplate")
    for voice, pk in shipped.items():
        assert LetterTemplate.objects.get(pk=pk).body == default_body(voice)
        entry = History.objects.filter(id=pk).latest("history_id")
        assert entry.body == default_body(voice) and "Shipped wording updated" in entry.history_change_reason
    assert LetterTemplate.objects.get(pk=edited).body == edited_body
    assert not History.objects.filter(id=edited).exists()
    # The earlier bodies asserted a state step-therapy law for every state; the new one does not.
    assert "where my patient lives" not in default_body("prescriber")
    assert "where my patient lives" in (EARLIER / "prescriber-before-2026-12.html").read_text(encoding="utf-8")
