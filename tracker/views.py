"""The application tracker: download it (.xlsx, .csv), upload it back, and change one entry's
tracking from the app. Anyone who may view a list may download it; only the applicant changes
their tracking."""

from __future__ import annotations

import io
import re
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from applicants.access import get_applicant_for, is_owner
from applicants.models import Profile, User
from strategy.signals import SignalLimitError
from tiering.lists import list_ensure_current
from tiering.models import ListEntry
from tracker import tracking, uploads
from tracker.export import tracker_export
from tracker.forms import StatusForm, TrackingForm, UploadForm
from tracker.models import TrackerUpload
from tracker.workbook import write_csv, write_soap_xlsx, write_xlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ERRORS_SHOWN = 100


def _pending_key(profile: Profile) -> str:
    return f"tracker_upload_{profile.pk}"


def _list_url(profile: Profile) -> str:
    return reverse("tiering:list", kwargs={"pk": profile.pk})


def _require_owner(user: User, profile: Profile) -> None:
    if not is_owner(user, profile):
        raise PermissionDenied(_("Only the applicant changes their tracking."))


# What a download holds, as its file name says it (in the reader's language).
DOWNLOAD_KINDS = {
    "list": gettext_lazy("program-list"),
    "candidates": gettext_lazy("program-list-and-candidates"),
    "soap": gettext_lazy("soap-backup-list"),
}


def _download_name(profile: Profile, kind: str, extension: str) -> str:
    """"program-list-maria-lopez-2026-12-06.xlsx": what it holds, whose it is (the
    applicant's name, or the e-mail's name part when none is on file), and when."""
    user = profile.user
    who = slugify(user.get_full_name() or re.sub(r"[._+]+", "-", user.email.split("@")[0]))
    parts = [slugify(str(DOWNLOAD_KINDS[kind])), who or "applicant",
             f"{timezone.localdate():%Y-%m-%d}"]
    return f"{'-'.join(parts)}.{extension}"


def _listed_profile(request: HttpRequest, pk: int) -> Profile | None:
    """The profile, its list brought up to date; None (with a message) when it has none."""
    profile = get_applicant_for(request.user, pk)
    # Asked here, by list_ensure_current and by the export (their names): read once.
    profile.read_specialties()
    if not profile.is_complete:
        messages.info(request, _("The tracker is available once the profile has a list."))
        return None
    list_ensure_current(profile)
    return profile


@login_required
def tracker_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _listed_profile(request, pk)
    if profile is None:
        return redirect("tiering:list", pk=pk)
    buffer = io.BytesIO()
    if request.GET.get("soap") == "1":  # the SOAP page's download: that list alone
        kind = "soap"
        write_soap_xlsx(tracker_export(profile), buffer)
    else:
        # A "Candidates" sheet only when asked: the list is what the applicant applies from.
        kind = "candidates" if request.GET.get("candidates") == "1" else "list"
        write_xlsx(tracker_export(profile, candidates=kind == "candidates"), buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="{_download_name(profile, kind, "xlsx")}"')
    return response


@login_required
def tracker_csv(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _listed_profile(request, pk)
    if profile is None:
        return redirect("tiering:list", pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{_download_name(profile, "list", "csv")}"')
    # The byte-order mark makes Excel read the file as UTF-8 (accents in program names).
    text = io.StringIO()
    text.write("\ufeff")
    write_csv(tracker_export(profile).rows, text)
    response.write(text.getvalue())
    return response


@login_required
def tracker_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """The upload form. A file is only checked for its name and size here: a task-queue worker
    reads it (tracker/tasks.py) while the page waits (``tracker_upload_status``)."""
    profile = get_applicant_for(request.user, pk)
    _require_owner(request.user, profile)
    form = UploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            tracking.check_file(upload.name, upload.size)
        except tracking.TrackerFileError as problem:
            errors = [str(problem)]
        else:
            list_ensure_current(profile)  # the preview compares with the list as it is now
            job = uploads.upload_start(profile, upload)
            return redirect("tracker:tracker_upload_status", pk=profile.pk, upload_id=job.pk)
    return _upload_page(request, profile, form, errors)


def _upload_page(request: HttpRequest, profile: Profile, form: UploadForm, errors: list[str],
                 more: int = 0) -> HttpResponse:
    return render(request, "tracker/upload.html", {
        "profile": profile, "form": form, "errors": errors[:MAX_ERRORS_SHOWN],
        "more_errors": more + max(0, len(errors) - MAX_ERRORS_SHOWN),
        "max_megabytes": tracking.upload_max_bytes() // (1024 * 1024),
    })


@login_required
def tracker_upload_status(request: HttpRequest, pk: int, upload_id: int) -> HttpResponse:
    """While a worker reads the file: its progress, reloading itself (no script needed). Then
    the preview to confirm, the list (nothing to change), or the reasons the file was refused."""
    profile = get_applicant_for(request.user, pk)
    _require_owner(request.user, profile)
    job = TrackerUpload.objects.filter(pk=upload_id, profile=profile).first()
    if job is None:  # handed over already (the back button), or not this applicant's
        if request.session.get(_pending_key(profile)):
            return redirect("tracker:tracker_confirm", pk=profile.pk)
        return redirect("tracker:tracker_upload", pk=profile.pk)
    if job.overdue:
        uploads.upload_give_up(job)
    if job.state == TrackerUpload.State.FAILED:
        return _upload_page(request, profile, UploadForm(), [uploads.failure_message(job)])
    if job.state != TrackerUpload.State.DONE:
        return render(request, "tracker/upload_status.html", {
            "profile": profile, "job": job, "waiting": job.state == TrackerUpload.State.QUEUED,
            "seconds": int((timezone.now() - job.created_at).total_seconds()),
            "refresh": uploads.REFRESH_SECONDS,
        })
    result = job.result
    if "errors" in result:
        return _upload_page(request, profile, UploadForm(), result["errors"], result["more"])
    # Handed over once: the preview lives in the session until it is confirmed.
    job.delete()
    if result.get("unchanged"):
        messages.info(request, _("“%(file)s” matches your list: nothing to change.")
                      % {"file": job.file_name})
        return redirect(_list_url(profile))
    request.session[_pending_key(profile)] = result["pending"]
    return redirect("tracker:tracker_confirm", pk=profile.pk)


@login_required
def tracker_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """GET shows the pending upload's changes; POST applies all of them, or none."""
    profile = get_applicant_for(request.user, pk)
    _require_owner(request.user, profile)
    key = _pending_key(profile)
    if request.method == "POST":
        # Popped first: a second confirmation of the same preview finds nothing to apply.
        pending = request.session.pop(key, None)
        if pending is None or not secrets.compare_digest(
                str(pending.get("token", "")), request.POST.get("token", "")):
            messages.error(request, _("This upload was already applied or replaced; nothing "
                                      "was changed."))
            return redirect(_list_url(profile))
        try:
            changed = tracking.tracker_apply(profile, pending, actor=request.user)
        except tracking.ListChanged:
            messages.error(request, _("Your list changed after you uploaded the file, so nothing "
                                      "was changed. Upload the file again to see the changes."))
            return redirect("tracker:tracker_upload", pk=profile.pk)
        programs = len(pending["changes"])
        # Two plurals in one sentence: each half agrees with its own number.
        changes = ngettext("%(n)d change", "%(n)d changes", changed) % {"n": changed}
        to_programs = ngettext("to %(n)d program", "to %(n)d programs", programs) % {
            "n": programs}
        messages.success(request, _("Tracker applied: %(changes)s %(programs)s.") % {
            "changes": changes, "programs": to_programs})
        return redirect(_list_url(profile))
    pending = request.session.get(key)
    if pending is None:
        messages.info(request, _("There is no upload waiting for confirmation."))
        return redirect("tracker:tracker_upload", pk=profile.pk)
    changes = tracking.changes_of(pending)
    return render(request, "tracker/confirm.html", {
        "profile": profile, "changes": changes, "token": pending["token"],
        "file_name": pending["file"],
        "field_changes": sum(len(change.fields) for change in changes),
    })


def _back_to(request: HttpRequest, fallback: str, anchor: str) -> str:
    """Where the form came from (same site only), with the entry's anchor."""
    target = request.POST.get("next", "")
    if not (target.startswith("/") and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure())):
        target = fallback
    return f"{target.split('#', 1)[0]}#{anchor}"


@login_required
@require_POST
def entry_tracking(request: HttpRequest, pk: int, entry_id: int) -> HttpResponse:
    profile = get_applicant_for(request.user, pk)
    _require_owner(request.user, profile)
    entry = get_object_or_404(ListEntry.objects.for_list(), pk=entry_id, profile=profile)
    status_only = request.POST.get("part") == "status"
    form = StatusForm(request.POST) if status_only else TrackingForm(request.POST)
    if status_only:
        back = _back_to(request, _list_url(profile), f"entry-{entry.pk}")
    else:
        explanation = reverse("tiering:explanation",
                              kwargs={"pk": profile.pk, "acgme_id": entry.program.acgme_id})
        back = _back_to(request, explanation, "tracking")
    program = entry.program.name
    if not form.is_valid():
        problems = "; ".join(f"{form.fields[name].label if name in form.fields else name}: "
                             f"{' '.join(errors)}" for name, errors in form.errors.items())
        messages.error(request, _("%(program)s: not saved. %(problems)s") % {
            "program": program, "problems": problems})
        return redirect(back)
    try:
        changes = tracking.entry_update_tracking(entry, form.cleaned_data, actor=request.user)
    except SignalLimitError as problem:
        messages.error(request, _("%(program)s: not saved. %(problems)s") % {
            "program": program, "problems": problem})
        return redirect(back)
    if not changes:
        messages.info(request, _("%(program)s: nothing changed.") % {"program": program})
    elif status_only:
        messages.success(request, _("%(program)s: status set to %(status)s.") % {
            "program": program, "status": entry.get_status_display()})
    else:
        fields = ", ".join(_(change.label) for change in changes)
        messages.success(request, _("%(program)s: tracking saved (%(fields)s).") % {
            "program": program, "fields": fields})
    return redirect(back)
