"""Every e-mail the site sends goes through ``mail_send``: counted per address and per client
address, then handed to the task queue, so that a page never waits for the mail server and
never tells by its timing whether it sent one.

Without the counts, 30 sign-ups with someone else's address sent 30 e-mails in 1.7 s, and so
did 30 password resets or advisor confirmation resends (the third hardening issue). Past
MAIL_PER_ADDRESS_PER_HOUR for one address or MAIL_PER_IP_PER_HOUR from one client address,
the page answers as usual and nothing is sent. The counts live in the "throttle" cache, which
all processes share (settings.THROTTLE_CACHE_URL).
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from kombu.exceptions import KombuError, OperationalError

from applicants.tasks import mail_deliver

logger = logging.getLogger(__name__)
HOUR = 3600


def client_address(request: HttpRequest) -> str:
    """The client's address: behind a proxy, the header it sets (RATELIMIT_IP_META_KEY)."""
    key = getattr(settings, "RATELIMIT_IP_META_KEY", None) or "REMOTE_ADDR"
    return (request.META.get(key) or "unknown").split(",")[0].strip()[:64]


def _count(key: str) -> int:
    cache = caches["throttle"]
    cache.add(key, 0, HOUR)  # the hour starts with the first e-mail
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, HOUR)
        return 1


def mail_allowed(request: HttpRequest, address: str) -> bool:
    """Count one e-mail to ``address`` asked from this client; False past either limit."""
    # The address is hashed: the cache need not hold people's addresses.
    digest = hashlib.sha256(address.strip().lower().encode()).hexdigest()[:32]
    try:
        to_address = _count(f"mail:to:{digest}")
        from_client = _count(f"mail:from:{client_address(request)}")
    except Exception:  # the counts' Redis is down: the page must still answer
        logger.exception("E-mail counts unavailable; the task queue decides")
        return True
    return (to_address <= settings.MAIL_PER_ADDRESS_PER_HOUR
            and from_client <= settings.MAIL_PER_IP_PER_HOUR)


def mail_send(request: HttpRequest, *, to: str, subject: str, body: str) -> bool:
    """Queue one e-mail (already rendered, in the reader's language) unless a limit is
    reached; True when it was queued. A queue that cannot be reached loses this e-mail, with
    a log line, rather than the page."""
    if not mail_allowed(request, to):
        logger.warning("E-mail not sent: the hourly limit for the address or the client")
        return False
    try:
        mail_deliver.delay(subject, body, [to])
    except (KombuError, OperationalError, OSError):
        logger.exception("E-mail not sent: the task queue cannot be reached")
        return False
    return True
