"""A staff reviewer and a guide turned from demo content into a reviewed, real guide."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from appeals.models import Guide, ReviewerProfile


def staff_reviewer(username: str = "reviewer", *, credentials: str = "MD, rheumatology", profile_url: str = ""):
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "x" * 16, is_staff=True)
    ReviewerProfile.objects.create(user=user, display_name="Jordan Example", credentials=credentials, profile_url=profile_url)
    return user


def make_real(guide: Guide, reviewer=None, *, reviewed_on: datetime.date | None = None) -> Guide:
    """The guide as staff would publish a real one: not demo, reviewed by a staff account."""
    guide.is_demo = False
    guide.reviewer = reviewer or staff_reviewer()
    guide.reviewed_on = reviewed_on or timezone.localdate() - datetime.timedelta(days=3)
    guide.full_clean()
    guide.save()
    return guide


def make_all_real(reviewer=None) -> None:
    """Every demo guide turned real (for sitemap and index tests that need a real catalog)."""
    reviewer = reviewer or staff_reviewer("catalog-reviewer")
    Guide.objects.filter(is_demo=True).update(
        is_demo=False, reviewer=reviewer, reviewed_on=timezone.localdate() - datetime.timedelta(days=3)
    )
