from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from programs import verification
from programs.community import no_source_note, specialty_without_visa_source
from programs.facts import program_facts
from programs.forms import CatalogFilterForm, ErrorReportForm, ReviewFilterForm, VerifiedFactForm
from programs.models import Program, VerifiedFact
from programs.page_cache import csrf_fresh, program_page_key, release_digest
from programs.sources import SOURCES
from programs.versions import catalog_version

PAGE_SIZE = 50
REVIEW_PAGE_SIZE = 25  # entries per page of the review queue: one screen to decide on
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
    searches made 400 entries (the third hardening issue).

    The page without a query string (an unbound form, so never "valid") is the most read of
    all: it is keyed as every filter empty. Every field of the form but the search is in the
    key, so a filter added to the form cannot be served another filter's page."""
    if not (page.isdigit() and 1 <= int(page) <= MAX_CACHED_PAGE):
        return None
    if form.is_bound:
        if not form.is_valid() or form.cleaned_data.get("q"):
            return None
        data = form.cleaned_data
    else:
        data = {}
    return urlencode([*((name, _key_value(data.get(name))) for name in form.fields
                        if name != "q"), ("page", str(int(page))),
                      ("release", release_digest())])


def _key_value(value: object) -> str:
    if value is None or value is False:
        return ""
    return str(getattr(value, "code", value))  # a specialty by its code


def program_detail(
    request: HttpRequest, acgme_id: str, *, verify_form=None, report_form=None
) -> HttpResponse:
    user = request.user
    # The page is the same for everyone but the form offered below the facts.
    if verification.can_verify(user) or verification.is_staff_reviewer(user):
        viewer, form = "verify", {"verify_form": verify_form or VerifiedFactForm()}
    elif verification.is_unconfirmed_advisor(user):
        viewer, form = "confirm", {"confirm_to_verify": True}
    elif user.is_authenticated:
        viewer, form = "report", {"report_form": report_form or ErrorReportForm()}
    else:
        viewer, form = "visitor", {}
    if verify_form or report_form:  # a refused form, with its errors: this request's own
        page = _program_page(request, acgme_id, form)
        return render(request, "programs/program_detail.html", page, status=400)
    # The whole content is cached per program, catalog version, season, language and form
    # offered (programs.page_cache): a hit reads neither the program nor its facts. A missing
    # program is never stored, and deleting one bumps the version, so a hit is never a 404.
    key = program_page_key(acgme_id, viewer)
    page = cache.get(key)
    if page is None:
        page = _program_page(request, acgme_id, form)
        cache.set(key, page, PAGE_CACHE_SECONDS)
    else:
        page["content"] = csrf_fresh(page["content"], request)
    page["content"] = mark_safe(page["content"])  # rendered by our own template
    return render(request, "programs/program_detail.html", page)


def _program_page(request: HttpRequest, acgme_id: str, form: dict) -> dict[str, str]:
    program = get_object_or_404(Program.objects.for_list(), acgme_id=acgme_id)
    context = {"program": program, "facts": program_facts(program), **form}
    return {"title": program.name,
            "content": render_to_string("programs/_program_page.html", context, request)}


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
        return _back_to_queue(request)
    form = ReviewFilterForm(request.GET or None)
    facts = form.filter(VerifiedFact.objects.select_related(
        "program__specialty", "entered_by", "reviewed_by"))
    # Oldest first while waiting (first come, first decided); newest first once approved.
    facts = facts.order_by("-reviewed_at", "-pk") if form.showing_approved else facts.order_by(
        "created_at", "pk")
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "programs/review.html", {
        "form": form, "approved": form.showing_approved, "query": query.urlencode(),
        "page": Paginator(facts, REVIEW_PAGE_SIZE).get_page(request.GET.get("page")),
        "labels": {k: v.label for k, v in verification.VERIFIABLE.items()},
        "pending_total": VerifiedFact.objects.filter(
            status=VerifiedFact.Status.PENDING).count(),
    })


def _back_to_queue(request: HttpRequest) -> HttpResponse:
    """Back to the queue with the reviewer's filters and page (kept in a hidden field)."""
    back = request.POST.get("back", "")
    url = reverse("programs:review")
    # Only a query string of our own page: never a redirect elsewhere.
    return redirect(f"{url}?{back}" if back and "/" not in back and ":" not in back else url)


def sources(request: HttpRequest) -> HttpResponse:
    return render(request, "programs/sources.html", {"sources": SOURCES.values()})
