"""Who may open a practice's pages: a signed-in member of a practice whose session was
verified with their authenticator app (django-otp).  ``request.membership`` is then
set for the view.  A member without an enrolled app is sent to enroll one; one not
verified in this session, to sign in with a code."""

from __future__ import annotations

import functools
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django_otp import user_has_device

from appeals.intake.models import Case
from appeals.practices.models import AuditEntry, Membership, PracticeCase


def membership_of(request: HttpRequest) -> Membership | None:
    user = request.user
    if not user.is_authenticated:
        return None
    return Membership.objects.select_related("practice", "user").filter(user=user).first()


# A practice's session ends this long after its last request to a practice's page.
SESSION_SECONDS = 8 * 3600


def _to_login(request: HttpRequest) -> HttpResponse:
    # Back to the page after signing in; a form's POST cannot be replayed as a GET, so the list instead.
    back = request.get_full_path() if request.method == "GET" else reverse("practice_cases")
    return redirect(f"{reverse('practice_login')}?{urlencode({'next': back})}")


def practice_member_required(view=None, *, admin: bool = False):
    """The view runs for a verified member (``admin``: an administrator of the practice)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            membership = membership_of(request)
            if membership is None:
                return _to_login(request)
            if not request.user.is_verified():
                if not user_has_device(request.user, confirmed=True):
                    return redirect("practice_two_factor")
                return _to_login(request)
            if admin and not membership.is_admin:
                return render(request, "appeals/practices/admin_only.html", {"noindex": True}, status=403)
            request.membership = membership
            request.session.set_expiry(SESSION_SECONDS)  # counted from this request
            return view(request, *args, **kwargs)

        return wrapped

    return decorate(view) if view is not None else decorate


# The wizard's views a practice member may open through a case's office link: each
# opening of a practice's case is written to its audit log.
WIZARD_VIEWS = {"case", "case_step", "case_review", "case_clinical", "case_payment", "case_later"}


class PracticeMiddleware:
    """``request.membership`` for every request (looked up only when something reads it, so a
    public page neither loads the session nor varies on the cookie); on the wizard's pages of a
    practice member, ``request.practice_claim`` (whether the case opened through the office's
    link is the practice's, another's, or in no list yet), and after each page of a practice's
    case that was shown (200), an entry in its audit log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = SimpleLazyObject(lambda: membership_of(request))
        response = self.get_response(request)
        audit = getattr(request, "practice_audit", None)
        if audit is not None and response.status_code == 200:
            AuditEntry.record(*audit)
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = getattr(request, "resolver_match", None)
        token = view_kwargs.get("token")
        if not token or match is None or match.url_name not in WIZARD_VIEWS or not request.user.is_authenticated:
            return None
        membership = request.membership
        if not membership:
            return None
        case = Case.objects.by_token(token)
        if case is None:
            return None
        row = PracticeCase.objects.filter(case=case).only("practice_id").first()
        ours = row is not None and row.practice_id == membership.practice_id
        if case.opened_by_office:
            request.practice_claim = {
                "token": token,
                "practice": membership.practice,
                "linked": ours,
                "other": row is not None and not ours,
            }
        if request.method == "GET" and ours:
            detail = view_kwargs.get("step") or match.url_name.removeprefix("case_")
            request.practice_audit = (membership, AuditEntry.Action.EDITED, case, str(detail)[:120])
        return None
