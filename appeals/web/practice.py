"""A practice's accounts: sign up, the authenticator app, sign in and out, members and
invitations, the audit log, saved prescribers, and adding a case opened through the
office's link to the practice's list."""

from __future__ import annotations

import base64
import csv
import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.views import LoginView

from appeals.intake.answers import PrescriberAnswers
from appeals.intake.models import Case
from appeals.practices import accounts
from appeals.practices.forms import EnrollForm, InviteForm, JoinForm, PracticeLoginForm, PrescriberForm, SignupForm
from appeals.practices.models import AuditEntry, Invitation, PracticeCase, Prescriber
from appeals.web.practice_auth import SESSION_SECONDS, membership_of, practice_member_required

AUDIT_PAGE = 200


def _page(request, template: str, context: dict | None = None, status: int = 200) -> HttpResponse:
    return render(request, f"appeals/practices/{template}", {"noindex": True, **(context or {})}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = accounts.sign_up(
                practice_name=data["practice_name"], full_name=data["full_name"], email=data["email"], password=data["password1"]
            )
        except accounts.AlreadyTaken as exc:
            form.add_error("email", str(exc))
        else:
            auth_login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            request.session.set_expiry(SESSION_SECONDS)
            return redirect("practice_two_factor")
    return _page(request, "signup.html", {"form": form}, status=400 if form.errors else 200)


class PracticeLoginView(LoginView):
    otp_authentication_form = PracticeLoginForm
    template_name = "appeals/practices/login.html"
    redirect_authenticated_user = False

    def form_valid(self, form):
        response = super().form_valid(form)
        self.request.session.set_expiry(SESSION_SECONDS)
        if getattr(form, "needs_enrollment", False):
            return redirect("practice_two_factor")
        return response

    def get_default_redirect_url(self):
        return reverse("practice_cases")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "noindex": True}


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    messages.success(request, "You are signed out.")
    return redirect("practice_login")


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue().decode()


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Enroll the authenticator app, once, right after signing up or joining."""
    membership = membership_of(request)
    if membership is None:
        return redirect("practice_login")
    if user_has_device(request.user, confirmed=True):
        return redirect("practice_cases" if request.user.is_verified() else "practice_login")
    device = accounts.pending_device(request.user)
    form = EnrollForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, "Your authenticator app is set up: every sign-in asks for its code.")
            return redirect("practice_cases")
        form.add_error("code", "That code is not right: enter the six-digit code your app shows now.")
    context = {
        "form": form,
        "membership": membership,
        "qr_svg": mark_safe(_qr_svg(device.config_url)),  # made here from the device's own URL
        "key": base64.b32encode(device.bin_key).decode(),
    }
    return _page(request, "two_factor.html", context, status=400 if form.errors else 200)


@never_cache
@require_http_methods(["GET", "POST"])
@practice_member_required(admin=True)
def members(request: HttpRequest) -> HttpResponse:
    membership = request.membership
    if request.method == "POST" and "remove" in request.POST:
        return _remove_member(request, membership, request.POST.get("remove", ""))
    if request.method == "POST" and "cancel" in request.POST:
        Invitation.objects.filter(
            practice=membership.practice, accepted_at__isnull=True, pk=_int(request.POST["cancel"])
        ).delete()
        messages.success(request, "Invitation cancelled: its link no longer works.")
        return redirect("practice_members")
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accounts.invite(membership, email=form.cleaned_data["email"], role=form.cleaned_data["role"])
        messages.success(request, "Invitation sent. The link in it works once, for 7 days.")
        return redirect("practice_members")
    context = {
        "form": form,
        "members": membership.practice.members.select_related("user").order_by("joined_at"),
        "invitations": Invitation.objects.filter(practice=membership.practice, accepted_at__isnull=True),
    }
    return _page(request, "members.html", context, status=400 if form.errors else 200)


def _int(value: str) -> int:
    return int(value) if value.isdigit() else 0


def _remove_member(request: HttpRequest, membership, member_id: str) -> HttpResponse:
    """A colleague who left: their login is deleted with its authenticator app, which ends its sessions."""
    leaving = membership.practice.members.filter(pk=_int(member_id)).select_related("user").first()
    if leaving is None:
        raise Http404("No such member.")
    if leaving.pk == membership.pk:
        messages.error(request, "You cannot remove yourself: another administrator can.")
        return redirect("practice_members")
    leaving.user.delete()
    messages.success(request, "Removed: that login no longer opens anything.")
    return redirect("practice_members")


@never_cache
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    invitation = Invitation.objects.select_related("practice").by_token(token)
    if invitation is None:
        return _page(request, "join_gone.html", status=404)
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = accounts.join(
                invitation, full_name=form.cleaned_data["full_name"], password=form.cleaned_data["password1"]
            )
        except accounts.AlreadyTaken as exc:
            form.add_error(None, str(exc))
        else:
            auth_login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            request.session.set_expiry(SESSION_SECONDS)
            return redirect("practice_two_factor")
    context = {"form": form, "invitation": invitation}
    return _page(request, "join.html", context, status=400 if form.errors else 200)


def _audit_entries(request):
    return AuditEntry.objects.filter(practice=request.membership.practice).select_related("user")


@never_cache
@practice_member_required(admin=True)
def audit(request: HttpRequest) -> HttpResponse:
    return _page(request, "audit.html", {"entries": _audit_entries(request)[:AUDIT_PAGE]})


@never_cache
@practice_member_required(admin=True)
def audit_csv(request: HttpRequest) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["when", "who", "action", "case", "detail"])
    for entry in _audit_entries(request).iterator():
        who = entry.user.email if entry.user else ""
        writer.writerow([entry.at.isoformat(), who, entry.get_action_display(), entry.case_id or "", entry.detail])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="practice-audit-log.csv"'
    return response


@never_cache
@require_POST
@practice_member_required
def claim(request: HttpRequest, token: str) -> HttpResponse:
    """Add the case this office link opens to the practice's list."""
    case = Case.objects.by_token(token)
    if case is None or not case.opened_by_office:
        raise Http404("This link does not open a case's clinical part.")
    try:
        row = accounts.add_case(request.membership, case, token)
    except accounts.AlreadyTaken as exc:
        messages.error(request, str(exc))
        return redirect("case", token=token)
    messages.success(request, "The case is in your practice's list.")
    return redirect("practice_case", pk=row.pk)


@never_cache
@require_http_methods(["GET", "POST"])
@practice_member_required
def prescribers(request: HttpRequest) -> HttpResponse:
    practice = request.membership.practice
    form = PrescriberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        prescriber = form.save(commit=False)
        prescriber.practice = practice
        try:
            with transaction.atomic():
                prescriber.save()
        except IntegrityError:
            form.add_error("npi", "This NPI is already saved for your practice.")
        else:
            messages.success(request, "Saved. Pick this prescriber on a case's prescriber page instead of typing.")
            return redirect("practice_prescribers")
    context = {"form": form, "prescribers": practice.prescribers.all()}
    return _page(request, "prescribers.html", context, status=400 if form.errors else 200)


def saved_prescribers(request: HttpRequest, case: Case) -> list[Prescriber]:
    """The saved prescribers a practice member may pick on this case's prescriber step."""
    membership = membership_of(request)
    if membership is None or not request.user.is_verified():
        return []
    if not PracticeCase.objects.filter(case=case, practice=membership.practice).exists():
        return []
    return list(membership.practice.prescribers.all())


def prescriber_answers(prescriber: Prescriber, current: PrescriberAnswers) -> PrescriberAnswers:
    """The prescriber step filled from a saved prescriber (the email and call times already typed are kept)."""
    return PrescriberAnswers(
        prescriber_name=prescriber.name,
        credentials=prescriber.credentials,
        specialty=prescriber.specialty,
        npi=prescriber.npi,
        practice_name=prescriber.practice_name,
        address_line1=prescriber.address_line1,
        address_line2=prescriber.address_line2,
        city=prescriber.city,
        state=prescriber.state,
        zip_code=prescriber.zip_code,
        phone=prescriber.phone,
        fax=prescriber.fax,
        email=current.email,
        peer_to_peer_times=current.peer_to_peer_times,
    )


@never_cache
@require_POST
def use_prescriber(request: HttpRequest, token: str) -> HttpResponse:
    """The prescriber step of a case, filled from one of the practice's saved prescribers."""
    case = Case.objects.by_token(token)
    if case is None:
        raise Http404("This link does not open a case.")
    chosen_id = request.POST.get("prescriber", "")
    chosen = next((p for p in saved_prescribers(request, case) if str(p.pk) == chosen_id), None)
    if chosen is None:
        raise Http404("No such prescriber for this case.")
    case.save_step("prescriber", prescriber_answers(chosen, case.typed_answers.prescriber))
    AuditEntry.record(membership_of(request), AuditEntry.Action.EDITED, case, "prescriber filled from a saved one")
    messages.success(request, f"Filled in with {chosen.name}'s details: check them and continue.")
    return redirect("case_step", token=token, step="prescriber")
