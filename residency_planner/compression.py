"""Gzip for text only: a workbook (.xlsx is a zip file), an image or a zip is already compressed.

Django's GZipMiddleware compresses any response of 200 bytes or more whatever its type; on a
workbook that spends the worker's time to save a percent or two and, with its BREACH padding,
can even make the file larger.
"""

from __future__ import annotations

import gzip
import secrets
import struct
import zlib

from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip

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


# Compressed once, served many times: a cached page's content is kept as raw deflate pieces
# (programs.page_cache.page_store) and each hit joins them, with the few bytes that differ per
# request (the CSRF tokens, the page around the content) in between, into one gzip file:
# compressing a list page of 300 KB at each request took longer than the rest of the hit.
WINDOW = 32768  # how far back deflate refers
_LAST_BLOCK = zlib.compressobj(6, zlib.DEFLATED, -15).flush()  # an empty final block


def accepts_gzip(request: HttpRequest) -> bool:
    """As GZipMiddleware decides."""
    return bool(re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def deflated(data: bytes, *, before: bytes = b"") -> bytes:
    """Raw deflate blocks of ``data`` that end on a byte boundary (a full flush) and refer to
    nothing before them but ``before`` (the bytes the reader will have just unpacked): such
    pieces and stored blocks (``stored``), joined, are one deflate stream (``gzip_joined``)."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15, zdict=before[-WINDOW:]) if before \
        else zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)


def deflated_between(pieces: list[bytes], gap: int) -> tuple[bytes, ...]:
    """``pieces`` as they will be sent with ``gap`` bytes between each two that differ at each
    request (a CSRF token), each compressed on its own (``deflated``). Each piece may refer
    back to the ones before it, which compresses a page cut at its 30 tokens almost as well as
    the page whole, but never to a gap: the gaps are NUL bytes here, which no piece holds
    (checked), so no match can cover them. Nothing refers back before the first piece."""
    if any(b"\x00" in piece for piece in pieces):
        return tuple(deflated(piece) for piece in pieces)
    out, before = [], b""
    for piece in pieces:
        out.append(deflated(piece, before=before))
        before = (before + piece + b"\x00" * gap)[-WINDOW:]
    return tuple(out)


def stored(data: bytes) -> bytes:
    """``data`` (at most 65,535 bytes: a token) as one stored (uncompressed) deflate block."""
    return b"\x00" + struct.pack("<HH", len(data), len(data) ^ 0xFFFF) + data


def gzip_joined(blocks: list[bytes], crc: int, size: int) -> bytes:
    """One gzip file of deflate pieces holding ``size`` bytes whose CRC-32 is ``crc``. As
    Django's GZipMiddleware does against BREACH, the header carries a name of random length."""
    header = b"\x1f\x8b\x08" + bytes([gzip.FNAME]) + b"\x00\x00\x00\x00\x00\xff"
    name = b"a" * secrets.randbelow(GZipMiddleware.max_random_bytes) + b"\x00"
    return b"".join([header, name, *blocks, _LAST_BLOCK,
                     struct.pack("<LL", crc, size & 0xFFFFFFFF)])
