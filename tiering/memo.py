"""Answers of the list page kept in this process's memory in front of the shared cache.

A list page the page cache does not have needs the scope's ranks, whether any program is open
to the applicant and the budget what-if: the shared cache (Redis) keeps them, but a flushed or
evicted cache made every one of them cost a full scoring again. Each process therefore keeps
the latest ones it has computed or read too, under the same keys. The keys carry everything an
answer depends on (the profile's inputs, the catalog's version, the scoring model, the list's
decisions), so an answer found here is as current as one found in the shared cache, on any
number of servers: a change anywhere makes a new key, and the old entry is only memory until it
is pushed out.

Bounded by weight, least recently used out first: the ranks weigh their number of programs
(~50 bytes each), any other answer (a few ids and figures, about a kilobyte with its key)
``SMALL``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.core.cache import cache

# About 25 MB of ranks at most (they are stored as arrays: ~50 bytes a program): a hundred
# applicants' scopes of the shipped catalog, ten of a catalog ten times larger.
MAX_WEIGHT = 500_000
SMALL = 20

_MISSING = object()


class ProcessMemo:
    def __init__(self, max_weight: int) -> None:
        self.max_weight = max_weight
        self._items: OrderedDict[str, tuple[Any, int]] = OrderedDict()
        self._weight = 0
        self._lock = threading.Lock()

    def get(self, key: str, default: Any = None) -> Any:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return default
            self._items.move_to_end(key)
            return found[0]

    def put(self, key: str, value: Any, weight: int = 1) -> None:
        weight = max(1, weight)
        if weight > self.max_weight:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._weight -= old[1]
            self._items[key] = (value, weight)
            self._weight += weight
            while self._weight > self.max_weight:
                _, (_, dropped) = self._items.popitem(last=False)
                self._weight -= dropped

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._weight = 0

    def __len__(self) -> int:
        return len(self._items)


MEMO = ProcessMemo(MAX_WEIGHT)


def recall(key: str, *, weigh: Callable[[Any], int] | None = None) -> Any:
    """The answer kept under ``key``: from this process's memory, else from the shared cache
    (and then kept here too); None when neither has it."""
    value = MEMO.get(key, _MISSING)
    if value is not _MISSING:
        return value
    value = cache.get(key)
    if value is not None:
        MEMO.put(key, value, weigh(value) if weigh else SMALL)
    return value


def keep(key: str, value: Any, timeout: int, *, weight: int = SMALL) -> None:
    """Keep ``value`` under ``key`` in this process's memory and in the shared cache."""
    MEMO.put(key, value, weight)
    cache.set(key, value, timeout)
