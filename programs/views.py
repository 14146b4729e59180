from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from programs.facts import program_facts
from programs.forms import CatalogFilterForm
from programs.models import Program
from programs.sources import SOURCES

PAGE_SIZE = 50


def program_list(request: HttpRequest) -> HttpResponse:
    form = CatalogFilterForm(request.GET or None)
    programs = Program.objects.for_list()
    if form.is_valid():
        programs = form.filter(programs)
    page = Paginator(programs.order_by("name", "acgme_id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "programs/program_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def program_detail(request: HttpRequest, acgme_id: str) -> HttpResponse:
    program = get_object_or_404(Program.objects.for_list(), acgme_id=acgme_id)
    return render(
        request, "programs/program_detail.html",
        {"program": program, "facts": program_facts(program)},
    )


def sources(request: HttpRequest) -> HttpResponse:
    return render(request, "programs/sources.html", {"sources": SOURCES.values()})
