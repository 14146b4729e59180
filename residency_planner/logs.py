"""Logging helpers named in settings.LOGGING."""

from __future__ import annotations

import logging


class OneLineClientErrors(logging.Filter):
    """A refused request (4xx: a 403, a 404, a 400) is the client's doing and is logged in
    one line; only server errors (5xx) keep their traceback. Every 403 used to write a full
    traceback, so a probe of the site filled the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
