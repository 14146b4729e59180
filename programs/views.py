from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from programs import verification
from programs.community import no_source_note, specialty_without_visa_source
from programs.facts import program_facts
from programs.forms import CatalogFilterForm, ErrorReportForm, VerifiedFactForm
from programs.models import Program, VerifiedFact
from programs.sources import SOURCES
from programs.versions import catalog_version

PAGE_SIZE = 50
# Catalog pages are the same for everyone: their content is cached (the shared cache,
# CACHE_URL) under the catalog's version, so an import shows at once and nothing is purged.
PAGE_CACHE_SECONDS = 24 * 3600


def program_list(request: HttpRequest) -> HttpResponse:
    form = CatalogFilterForm(request.GET or None)

    def page():  # only run when the cached content is missing
        programs = Program.objects.for_list()
        if form.is_valid():
            programs = form.filter(programs)
        return Paginator(programs.order_by("name", "acgme_id"), PAGE_SIZE).get_page(
            request.GET.get("page")
        )

    def no_visa_source() -> str:  # only run when the cached content is missing
        specialty = form.cleaned_data.get("specialty") if form.is_valid() else None
        if specialty is None or not specialty_without_visa_source(specialty.pk):
            return ""
        return no_source_note(specialty.name)

    query = request.GET.copy()
    query.pop("page", None)
    cache_key = _catalog_cache_key(form, request.GET.get("page", "1"))
    return render(
        request,
        "programs/program_list.html",
        {"form": form, "page": SimpleLazyObject(page), "query": query.urlencode(),
         "no_visa_source": no_visa_source,
         "catalog_version": catalog_version(), "cache_key": cache_key or "",
         # A timeout of 0 stores nothing: pages that are not cached are rendered each time.
         "cache_seconds": PAGE_CACHE_SECONDS if cache_key else 0},
    )


MAX_CACHED_PAGE = 200  # the shipped catalog has 105 pages of 50


def _catalog_cache_key(form: CatalogFilterForm, page: str) -> str | None:
    """The cache key of a catalog page, or None when it is not cached. Only the bounded
    filters are keyed (a specialty, a state, yes/no choices, a page number up to
    MAX_CACHED_PAGE), from their cleaned values; a free-text search or an invalid form is
    rendered each time. Every distinct search used to be cached for a day: 400 random
    searches made 400 entries (the third hardening issue)."""
    if not form.is_valid() or form.cleaned_data.get("q") or not (
            page.isdigit() and 1 <= int(page) <= MAX_CACHED_PAGE):
        return None
    data = form.cleaned_data
    specialty = data.get("specialty")
    return urlencode([("specialty", specialty.code if specialty else ""),
                      *((name, str(data.get(name) or ""))
                        for name in ("state", "border", "j1", "h1b", "setting")),
                      ("page", str(int(page)))])


def program_detail(
    request: HttpRequest, acgme_id: str, *, verify_form=None, report_form=None
) -> HttpResponse:
    program = get_object_or_404(Program.objects.for_list(), acgme_id=acgme_id)
    user = request.user
    # The facts part of the page is cached per catalog version (the template's cache tag).
    context = {"program": program, "facts": SimpleLazyObject(lambda: program_facts(program)),
               "catalog_version": catalog_version(), "cache_seconds": PAGE_CACHE_SECONDS}
    if verification.can_verify(user) or verification.is_staff_reviewer(user):
        context["verify_form"] = verify_form or VerifiedFactForm()
    elif user.is_authenticated:
        context["report_form"] = report_form or ErrorReportForm()
    status = 400 if (verify_form or report_form) else 200
    return render(request, "programs/program_detail.html", context, status=status)


@login_required
@require_POST
def verify_fact(request: HttpRequest, acgme_id: str) -> HttpResponse:
    program = get_object_or_404(Program, acgme_id=acgme_id)
    if not (verification.can_verify(request.user) or verification.is_staff_reviewer(request.user)):
        raise PermissionDenied
    form = VerifiedFactForm(request.POST)
    if not form.is_valid():
        return program_detail(request, acgme_id, verify_form=form)
    data = form.cleaned_data
    try:
        fact = verification.submit(
            program, request.user, key=data["key"], value=data["value"], method=data["method"],
            url=data["url"], note=data["note"], verified_on=data["verified_on"],
        )
    except ValidationError as exc:  # same checks as the form; kept for direct service callers
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return program_detail(request, acgme_id, verify_form=form)
    if fact.status == VerifiedFact.Status.APPROVED:
        messages.success(request, gettext("Verified fact recorded: it is now the program's "
                                          "newest source."))
    else:
        messages.success(request, gettext("Verified fact recorded: it waits for staff review."))
    return redirect("programs:detail", acgme_id=acgme_id)


@login_required
@require_POST
def report_error(request: HttpRequest, acgme_id: str) -> HttpResponse:
    program = get_object_or_404(Program, acgme_id=acgme_id)
    form = ErrorReportForm(request.POST)
    if not form.is_valid():
        return program_detail(request, acgme_id, report_form=form)
    data = form.cleaned_data
    try:
        verification.report_error(program, request.user, key=data["key"], note=data["note"],
                                  value=data["value"], url=data["url"])
    except verification.RateLimited as exc:
        messages.error(request, str(exc))
        return redirect("programs:detail", acgme_id=acgme_id)
    messages.success(request, gettext("Thank you: staff will check your report before "
                                      "anything changes."))
    return redirect("programs:detail", acgme_id=acgme_id)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """Staff: approve or reject pending entries and reports; withdraw approved facts."""
    if not verification.is_staff_reviewer(request.user):
        raise PermissionDenied
    if request.method == "POST":
        action = {"approve": verification.approve, "reject": verification.reject,
                  "withdraw": verification.withdraw}.get(request.POST.get("action", ""))
        try:
            fact_id = int(request.POST.get("fact", ""))
        except ValueError:
            fact_id = 0
        if action is None or not fact_id:
            messages.error(request, gettext("Unknown action."))
        elif action(fact_id, request.user):
            messages.success(request, gettext("Done."))
        else:
            messages.info(request, gettext("Already decided by someone else: nothing changed."))
        return redirect("programs:review")
    facts = VerifiedFact.objects.select_related("program", "entered_by", "reviewed_by")
    return render(request, "programs/review.html", {
        "pending": facts.filter(status=VerifiedFact.Status.PENDING).order_by("created_at"),
        "approved": facts.filter(status=VerifiedFact.Status.APPROVED)[:100],
        "labels": {k: v.label for k, v in verification.VERIFIABLE.items()},
    })


def sources(request: HttpRequest) -> HttpResponse:
    return render(request, "programs/sources.html", {"sources": SOURCES.values()})
