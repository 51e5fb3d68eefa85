"""A practice's accounts: signing up (the practice and its first administrator),
invitations by email, joining through one, enrolling the authenticator app, and the
cases a member adds to the practice.  django.contrib.auth keeps the logins and
django-otp the second factor; this module only ties them to a practice."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from appeals.intake.models import Case
from appeals.practices.models import AuditEntry, Invitation, Membership, Practice, PracticeCase, Role

logger = logging.getLogger(__name__)


class AlreadyTaken(Exception):
    """The email already has a login, or the case is another practice's."""


def _new_user(email: str, password: str, full_name: str):
    email = email.strip().lower()
    first, _, last = full_name.strip().partition(" ")
    user_model = get_user_model()
    if user_model.objects.filter(username__iexact=email).exists():
        raise AlreadyTaken("There is already a login with this email address: sign in instead.")
    return user_model.objects.create_user(username=email, email=email, password=password, first_name=first, last_name=last)


def sign_up(*, practice_name: str, full_name: str, email: str, password: str) -> Membership:
    """A new practice and its first administrator."""
    with transaction.atomic():
        user = _new_user(email, password, full_name)
        practice = Practice.objects.create(name=practice_name.strip())
        return Membership.objects.create(user=user, practice=practice, role=Role.ADMIN)


def invite(membership: Membership, *, email: str, role: str) -> Invitation:
    """An invitation emailed to a new member (the link is in the email only)."""
    invitation, token = Invitation.make(membership.practice, email=email, role=role, by=membership.user)
    body = render_to_string(
        "appeals/practices/invitation_email.txt",
        {
            "practice": membership.practice.name,
            "inviter": membership.user.get_full_name() or membership.user.email,
            "role": invitation.get_role_display(),
            "link": settings.SITE_URL + reverse("practice_join", kwargs={"token": token}),
            "expires_at": invitation.expires_at,
        },
    )
    send_mail(f"Join {membership.practice.name} on DenialHelp", body, settings.DEFAULT_FROM_EMAIL, [email])
    return invitation


def join(invitation: Invitation, *, full_name: str, password: str) -> Membership:
    """The invited person's login, in the practice, with the invited role; the invitation is used up."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at is not None or locked.expires_at <= timezone.now():
            raise AlreadyTaken("This invitation was used or has expired: ask for a new one.")
        user = _new_user(locked.email, password, full_name)
        locked.accepted_at = timezone.now()
        locked.save(update_fields=["accepted_at"])
        return Membership.objects.create(user=user, practice=locked.practice, role=locked.role)


def pending_device(user) -> TOTPDevice:
    """The authenticator app being enrolled (one unconfirmed device, kept until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def add_case(membership: Membership, case: Case, office_token: str) -> PracticeCase:
    """A case the office's link opened, added to the practice's list (its link kept, encrypted)."""
    try:
        with transaction.atomic():
            row, created = PracticeCase.objects.get_or_create(
                case=case,
                defaults={"practice": membership.practice, "added_by": membership.user, "office_token_encrypted": office_token},
            )
    except IntegrityError as exc:  # two clicks at once: the other made it
        raise AlreadyTaken("The case was added meanwhile.") from exc
    if row.practice_id != membership.practice_id:
        raise AlreadyTaken("This case is in another practice's list.")
    if not created and row.office_token_encrypted != office_token:
        # The patient sent a new office link (after taking the case back, say): it is the one kept now.
        row.office_token_encrypted = office_token
        row.save(update_fields=["office_token_encrypted"])
    if created:
        AuditEntry.record(membership, AuditEntry.Action.ADDED, case)
    return row


def start_case(membership: Membership, *, drug, payer, denial_type, patient_email: str = "") -> tuple[PracticeCase, str]:
    """A new case the practice starts.  With the patient's email, the patient is sent the case's
    link for their part, and the practice keeps the office's link for the clinical part.  Without
    it the practice fills in both parts: it keeps the case's own link (encrypted).  Returns the row
    and the link the member goes on with."""
    with transaction.atomic():
        case, token = Case.open(drug=drug, payer=payer, denial_type=denial_type)
        if patient_email:
            office_token = case.open_office_link()
            row = PracticeCase.objects.create(
                practice=membership.practice, case=case, added_by=membership.user, office_token_encrypted=office_token
            )
            go_on = office_token
        else:
            case.choose_clinical_by(Case.ClinicalBy.PATIENT)
            row = PracticeCase.objects.create(
                practice=membership.practice, case=case, added_by=membership.user, person_token_encrypted=token
            )
            go_on = token
        AuditEntry.record(membership, AuditEntry.Action.ADDED, case, detail="started by the practice")
    if patient_email:
        body = render_to_string(
            "appeals/practices/patient_invitation_email.txt",
            {
                "practice": membership.practice.name,
                "link": settings.SITE_URL + reverse("case", kwargs={"token": token}),
                "expires_at": case.expires_at,
            },
        )
        subject = f"{membership.practice.name} started an insurance appeal for you"
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [patient_email])
        except Exception as exc:  # the case exists either way: the page says the email did not go
            logger.warning("patient invitation not sent", extra={"case_id": row.case_id, "error": type(exc).__name__})
            row.patient_emailed = False
    return row, go_on
