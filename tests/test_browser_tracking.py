"""Real Chromium on a 375 px phone, after the letter, for ERISA, Part D and Medicaid:
the person marks the letter sent; the clock moves past the plan's decision date and
the reminder sweep runs twice (one email); the person records "upheld", makes the
next level's packet in one click, downloads it, and the PDF states the next
level's rule and dates.  Screenshots and a packet page image go to test-artifacts/."""

from __future__ import annotations

import datetime
import io
import zoneinfo
from pathlib import Path

import pypdfium2
import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import timezone
from pypdf import PdfReader

from appeals.catalog.deadlines import FILE_APPEAL, PLAN_DECISION_STEPS, long_date
from appeals.delivery.status import patient_deadlines
from appeals.models import Letter, Order, Reminder
from appeals.tracking.reminders import send_due_reminders
from tests.support.browser_checks import describe_violations, run_axe, sideways_scroll
from tests.support.tracked import ERISA, MEDICAID, PART_D, paid_tracked_case, render_newest
from tests.test_browser import ARTIFACTS, _phone_page, screenshot

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

pytestmark = pytest.mark.browser

# What the next level's packet must say, by program: its request and rule.
NEXT_LEVEL = {
    "employer-self-funded": ("Request for external review", "29 CFR 2590.715-2719(d)"),
    "medicare-part-d": ("Request for reconsideration by the Part D Independent Review Entity", "42 CFR 423.600"),
    "medicaid-managed-care": ("Request for a state fair hearing", "42 CFR 438.408(f)"),
}


@pytest.fixture
def phone(chromium_path, monkeypatch):
    yield from _phone_page(chromium_path, monkeypatch, accept_downloads=True)


def noon_after(day: datetime.date) -> datetime.datetime:
    """Noon of the day after ``day`` in the site's time zone: the decision is then a day late."""
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(12), zoneinfo.ZoneInfo(settings.TIME_ZONE))


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def page_image(data: bytes, page_number: int, name: str) -> None:
    document = pypdfium2.PdfDocument(data)
    document[page_number].render(scale=1.5).to_pil().save(ARTIFACTS / f"{name}.png")


@pytest.mark.parametrize("combo", [ERISA, PART_D, MEDICAID], ids=lambda combo: combo[3])
def test_sent_late_reminded_once_upheld_and_the_next_level_packet(
    phone, live_site, client, settings, demo_catalog, django_capture_on_commit_callbacks, combo
):
    program = combo[3]
    order = paid_tracked_case(client, settings, django_capture_on_commit_callbacks, combo, notice_days_ago=20)
    status_url = f"{live_site.url}{order.status_path()}"
    phone.goto(status_url)
    expect(phone.get_by_role("heading", name="Track your appeal")).to_be_visible()

    sent_on = timezone.localdate()
    phone.get_by_label("Date you sent it").fill(sent_on.isoformat())
    phone.get_by_label("Fax", exact=True).check()
    phone.get_by_role("button", name="Mark sent").click()
    expect(phone.get_by_text("Marked sent.")).to_be_visible()
    decision = next(d for d in patient_deadlines(order.case)[0] if d.step in PLAN_DECISION_STEPS)
    assert decision.due is not None and not decision.assumed_start
    expect(phone.locator(".timeline")).to_contain_text(f"Due by {long_date(decision.due)}")
    assert not sideways_scroll(phone), sideways_scroll(phone)

    mail.outbox.clear()
    with time_machine.travel(noon_after(decision.due), tick=True):
        today = timezone.localdate()
        assert send_due_reminders() == 1
        assert send_due_reminders() == 0
        late = [m for m in mail.outbox if m.subject == "Your appeal: the plan's decision is late"]
        assert len(late) == 1 and late[0].to == [order.email]
        assert Reminder.objects.filter(case=order.case, sent_at__isnull=False).count() == 1

        phone.reload()
        expect(phone.locator(".timeline-late")).to_contain_text("is late")
        violations = run_axe(phone)
        assert not violations, describe_violations(violations)
        screenshot(phone, f"tracking-late-{program}-phone")
        phone.locator("section.tracking").screenshot(path=str(ARTIFACTS / f"tracking-timeline-late-{program}-phone.png"))

        phone.get_by_label("Denied again (upheld)").check()
        phone.get_by_label("Date printed on the answer").fill(today.isoformat())
        if program == "employer-self-funded":
            phone.get_by_label("The answer says the plan's internal appeals are over", exact=False).check()
        phone.get_by_role("button", name="Record the answer").click()
        expect(phone.get_by_text("The answer is recorded.")).to_be_visible()
        title, rule = NEXT_LEVEL[program]
        expect(phone.locator(".next-level")).to_contain_text(title)
        screenshot(phone, f"tracking-upheld-{program}-phone")
        phone.get_by_role("button", name="Make the next level's packet (no charge)").click()
        expect(phone.get_by_text("is being made, at no charge")).to_be_visible()

        order = render_newest(Order.objects.get(pk=order.pk), django_capture_on_commit_callbacks)
        assert order.letter.version == 2 and order.letter.status == Letter.Status.READY
        phone.reload()
        expect(phone.get_by_text("Ready: version 2, the newest.")).to_be_visible()
        with phone.expect_download() as info:
            phone.get_by_role("link", name="Download the PDF packet").click()
        packet = Path(info.value.path()).read_bytes()
        filing = next(d for d in patient_deadlines(order.case)[0] if d.step == FILE_APPEAL)

    text = pdf_text(packet)
    assert title in text and rule in text, (title, rule)
    # The decision being reviewed is the plan's answer, by its date; the next filing window counts from it.
    assert f"concerning the decision dated {long_date(today)}" in text
    assert long_date(filing.target) in text, long_date(filing.target)
    if program == "employer-self-funded":
        # The external reviewer's clock is not called the plan's.
        assert "An independent review organization assigned through the plan must decide" in text
    page_image(packet, 1, f"next-level-packet-{program}")
    screenshot(phone, f"tracking-next-level-{program}-phone")
    phone.locator("section.tracking").screenshot(path=str(ARTIFACTS / f"tracking-timeline-next-level-{program}-phone.png"))
