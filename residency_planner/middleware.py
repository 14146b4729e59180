"""Refuse control characters at the door, before any view or database sees them.

PostgreSQL refuses a NUL byte in text, so a NUL in an address or a form field gave a 500 from
wherever it reached the database (``GET /programs/%00/``, an ACGME id with ``\\x00``). No page
here takes control characters: an address holding one is not a page (404), and a query or form
holding one is refused as a whole (400). Tab, line feed and carriage return stay allowed:
notes and pasted text carry them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _has_control(data) -> bool:
    return any(CONTROL.search(key) or any(CONTROL.search(value) for value in values
                                          if isinstance(value, str))
               for key, values in data.lists())


class RefuseControlCharactersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if CONTROL.search(request.path):
            raise Http404("control character in the address")
        if _has_control(request.GET):
            raise BadRequest("control character in the query")
        if request.method == "POST" and (
                _has_control(request.POST)
                or any(CONTROL.search(file.name or "") for file in request.FILES.values())):
            raise BadRequest("control character in the form")
        return self.get_response(request)
