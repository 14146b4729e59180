"""Answers that must not tell, by how long they took, whether an address has an account.

Signing up with a new address creates the account (two rows) where a taken one only queues a
note to its owner; asking for the link again or a password reset queues an e-mail only for an
address that has an account. The difference is a millisecond or two against a quarter of a
second of password hashing, small but steady: timed over a few tries it told a taken address
from a new one. So these pages answer no sooner than ACCOUNT_ANSWER_MS after they started,
whichever way they went.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings


@contextmanager
def answered_no_sooner() -> Iterator[None]:
    """Wait, after the block, until ACCOUNT_ANSWER_MS have passed since it began."""
    started = time.monotonic()
    yield
    left = started + settings.ACCOUNT_ANSWER_MS / 1000 - time.monotonic()
    if left > 0:
        time.sleep(left)
