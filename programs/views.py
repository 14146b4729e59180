from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.functional import SimpleLazyObject

from programs.facts import program_facts
from programs.forms import CatalogFilterForm
from programs.models import Program
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

    query = request.GET.copy()
    query.pop("page", None)
    # The filters the form knows and the page number, so stray parameters share one entry.
    cache_key = urlencode(sorted((name, value) for name in [*form.fields, "page"]
                                 for value in request.GET.getlist(name)))
    return render(
        request,
        "programs/program_list.html",
        {"form": form, "page": SimpleLazyObject(page), "query": query.urlencode(),
         "catalog_version": catalog_version(), "cache_key": cache_key,
         "cache_seconds": PAGE_CACHE_SECONDS},
    )


def program_detail(request: HttpRequest, acgme_id: str) -> HttpResponse:
    program = get_object_or_404(Program.objects.for_list(), acgme_id=acgme_id)
    return render(
        request, "programs/program_detail.html",
        {"program": program, "facts": SimpleLazyObject(lambda: program_facts(program)),
         "catalog_version": catalog_version(), "cache_seconds": PAGE_CACHE_SECONDS},
    )


def sources(request: HttpRequest) -> HttpResponse:
    return render(request, "programs/sources.html", {"sources": SOURCES.values()})
