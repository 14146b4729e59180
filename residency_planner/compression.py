"""Gzip for text only: a workbook (.xlsx is a zip file), an image or a zip is already compressed.

Django's GZipMiddleware compresses any response of 200 bytes or more whatever its type; on a
workbook that spends the worker's time to save a percent or two and, with its BREACH padding,
can even make the file larger.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import GZipMiddleware

# Types worth compressing; everything else (application/vnd.openxmlformats-*, application/zip,
# application/gzip, application/pdf, image/png, font/woff2, ...) goes out as it is.
COMPRESSIBLE = ("text/", "application/json", "application/javascript", "application/xml",
                "application/xhtml+xml", "application/manifest+json", "image/svg+xml")


def compressible(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media.startswith(COMPRESSIBLE) or media.endswith(("+json", "+xml"))


class TextGZipMiddleware(GZipMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if not compressible(response.get("Content-Type", "")):
            return response
        return super().process_response(request, response)
