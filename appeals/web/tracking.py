"""The status page's tracking actions (each a POST from the status link, then back to
the page's timeline), an uploaded receipt or answer letter handed back, and the
one-click stop of the reminder emails."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from appeals.core.crypto import read_decrypted
from appeals.tracking import services
from appeals.tracking.forms import AnswerForm, ArrivalForm, CallForm, KeepForm, SentForm
from appeals.tracking.levels import asks_if_final
from appeals.tracking.models import TrackEvent
from appeals.tracking.reminders import case_for_stop_token
from appeals.tracking.timeline import sent_floor, track_of
from appeals.web.delivery import ready_letter_or_404, status_page


def _back(order, anchor: str = "track-title") -> HttpResponse:
    return redirect(f"{order.status_path()}#{anchor}")


def _refused(request, order, exc: services.NotAllowed) -> HttpResponse:
    messages.error(request, str(exc))
    return _back(order)


@never_cache
@require_POST
def track_sent(request: HttpRequest, token: str) -> HttpResponse:
    order, _ = ready_letter_or_404(token)
    case = order.case
    form = SentForm(request.POST, request.FILES, today=timezone.localdate(), not_before=sent_floor(case))
    if not form.is_valid():
        return status_page(request, order, token, track_forms={"sent": form}, status=400)
    data = form.cleaned_data
    try:
        services.mark_sent(
            case, sent_on=data["sent_on"], how=data["how"], received_on=data["received_on"], attachment=data.get("attachment")
        )
    except services.NotAllowed as exc:
        return _refused(request, order, exc)
    messages.success(request, "Marked sent. The reminders now follow the decision's deadline.")
    return _back(order)


@never_cache
@require_POST
def track_answer(request: HttpRequest, token: str) -> HttpResponse:
    order, _ = ready_letter_or_404(token)
    case = order.case
    track = track_of(case)
    plan = case.typed_answers.plan
    form = AnswerForm(
        request.POST,
        request.FILES,
        today=timezone.localdate(),
        not_before=track.sent_on or plan.notice_date or None,
        asks_final=asks_if_final(case.plan_type(), plan.appeal_stage),
    )
    if not form.is_valid():
        return status_page(request, order, token, track_forms={"answer": form}, status=400)
    data = form.cleaned_data
    try:
        services.record_answer(
            case,
            decided_on=data["decided_on"],
            answer=data["answer"],
            final=data.get("final", False),
            attachment=data.get("attachment"),
            approved_until=data.get("approved_until"),
        )
    except services.NotAllowed as exc:
        return _refused(request, order, exc)
    messages.success(request, "The answer is recorded.")
    return _back(order)


@never_cache
@require_POST
def track_arrived(request: HttpRequest, token: str) -> HttpResponse:
    order, _ = ready_letter_or_404(token)
    case = order.case
    form = ArrivalForm(request.POST, today=timezone.localdate(), not_before=track_of(case).sent_on)
    if not form.is_valid():
        return status_page(request, order, token, track_forms={"arrival": form}, status=400)
    try:
        services.record_arrival(case, form.cleaned_data["received_on"])
    except services.NotAllowed as exc:
        return _refused(request, order, exc)
    messages.success(request, "Saved. The decision's date is counted from the day it arrived.")
    return _back(order)


@never_cache
@require_POST
def track_call(request: HttpRequest, token: str) -> HttpResponse:
    order, _ = ready_letter_or_404(token)
    form = CallForm(request.POST, today=timezone.localdate())
    if not form.is_valid():
        return status_page(request, order, token, track_forms={"call": form}, status=400)
    services.log_call(order.case, **form.cleaned_data)
    messages.success(request, "The call is logged.")
    return _back(order)


@never_cache
@require_POST
def track_next(request: HttpRequest, token: str) -> HttpResponse:
    order, _ = ready_letter_or_404(token)
    try:
        letter = services.make_next_level(order.case, order)
    except services.NotAllowed as exc:
        return _refused(request, order, exc)
    messages.success(request, f"The next level's packet (version {letter.version}) is being made, at no charge.")
    return _back(order, "letter-title")


@never_cache
@require_POST
def track_close(request: HttpRequest, token: str) -> HttpResponse:
    order, _ = ready_letter_or_404(token)
    try:
        services.close(order.case)
    except services.NotAllowed as exc:
        return _refused(request, order, exc)
    messages.success(request, "The case is closed. Thank you for telling us how it ended.")
    return _back(order)


@never_cache
@require_POST
def track_renew(request: HttpRequest, token: str) -> HttpResponse:
    """The renewal of an approval: a new case with the answers carried over, opened at its first step."""
    order, _ = ready_letter_or_404(token)
    try:
        _, case_token = services.start_renewal(order.case)
    except services.NotAllowed as exc:
        return _refused(request, order, exc)
    messages.success(request, "The renewal is started with your answers carried over: answer the plan step for the new request.")
    return redirect("case", token=case_token)


@never_cache
@require_POST
def track_keep_for_renewal(request: HttpRequest, token: str) -> HttpResponse:
    order, _ = ready_letter_or_404(token)
    try:
        deleted_on = services.keep_for_renewal(order.case)
    except services.NotAllowed as exc:
        return _refused(request, order, exc)
    local = timezone.localdate(deleted_on)
    messages.success(request, f"Kept for the renewal: it will be deleted on {local:%B} {local.day}, {local.year}.")
    return _back(order)


@never_cache
@require_POST
def track_keep(request: HttpRequest, token: str) -> HttpResponse:
    order, _ = ready_letter_or_404(token)
    form = KeepForm(request.POST)
    form.is_valid()
    keep = bool(form.cleaned_data.get("keep"))
    deleted_on = services.keep_while_running(order.case, keep)
    when = ""
    if deleted_on is not None:
        local = timezone.localdate(deleted_on)
        when = f" It will be deleted on {local:%B} {local.day}, {local.year}."
    messages.success(request, ("Kept while the appeal runs." if keep else "No longer kept.") + when)
    return _back(order)


@never_cache
@require_POST
def track_reminders(request: HttpRequest, token: str) -> HttpResponse:
    order, _ = ready_letter_or_404(token)
    if request.POST.get("reminders") == "on":
        services.restart_reminders(order.case)
        messages.success(request, "Reminders are on again.")
    else:
        services.stop_reminders(order.case)
        messages.success(request, "Reminders are stopped.")
    return _back(order)


@never_cache
@require_GET
def track_file(request: HttpRequest, token: str, event_id: int) -> HttpResponse:
    order, _ = ready_letter_or_404(token)
    event = TrackEvent.objects.filter(pk=event_id, track__case=order.case).exclude(attachment="").first()
    if event is None:
        raise Http404("No such file.")
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(event.attachment_type, "bin")
    response = HttpResponse(read_decrypted(event.attachment), content_type=event.attachment_type)
    response["Content-Disposition"] = (
        f'attachment; filename="appeal-{event.get_kind_display().lower().replace(" ", "-")}.{extension}"'
    )
    return response


@never_cache
@csrf_exempt  # the signed token is the authority; mail programs' one-click POST (RFC 8058) carries no CSRF token
@require_http_methods(["GET", "POST"])
def reminders_stop(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (link scanners open links); POST stops, from the page or a mail program's one-click button."""
    case = case_for_stop_token(token)
    if case is None:
        raise Http404("This link does not stop any reminders.")
    stopped = request.method == "POST"
    if stopped:
        services.stop_reminders(case)
    return render(request, "appeals/delivery/reminders_stop.html", {"stopped": stopped, "token": token, "noindex": True})
