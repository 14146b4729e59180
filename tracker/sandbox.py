"""Run a risky function in a child process with a hard time and memory limit.

An uploaded workbook is untrusted: a 53 KB file can ask openpyxl for seconds of work and
hundreds of megabytes (600,000 shared strings, thousands of fonts or styles). Limits checked
by the parsing code itself only hold where it checks them, so the work runs in a forked child:
its address space is capped with ``RLIMIT_AS`` and the parent kills it at the deadline. The
worker that called it (a Celery worker, or the test process when tasks run inline) is never
held longer than the deadline, and a child that blows up takes nothing else with it.

The child sends back JSON, not pickles: the parent never unpickles what a parser of untrusted
input produced.
"""

from __future__ import annotations

import json
import os
import resource
import select
import signal
import time
from collections.abc import Callable
from typing import Any

MEGABYTE = 1024 * 1024


class SandboxFailed(Exception):
    """The child did not finish: ``reason`` is "timeout", "memory" or "crashed"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _address_space() -> int:
    """This process's virtual size in bytes (the child starts with the same)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def run_limited(function: Callable[[], Any], *, seconds: float, memory_mb: int) -> Any:
    """``function()``'s JSON-able result, computed in a child that may grow by at most
    ``memory_mb`` and live at most ``seconds``; SandboxFailed otherwise. An exception the
    function raises is not caught here: the function returns what the parent must know."""
    limit = _address_space() + memory_mb * MEGABYTE
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns, never runs the parent's clean-up handlers
        status = 0
        try:
            os.close(read_end)
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            try:
                payload = json.dumps({"result": function()}).encode()
            except MemoryError:
                payload = json.dumps({"failed": "memory"}).encode()
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(payload)
        except BaseException:  # noqa: BLE001 (nothing may escape a forked child)
            status = 1
        finally:
            os._exit(status)
    os.close(write_end)
    chunks: list[bytes] = []
    deadline = time.monotonic() + seconds
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                os.kill(pid, signal.SIGKILL)
                raise SandboxFailed("timeout")
            ready, _, _ = select.select([read_end], [], [], left)
            if not ready:
                continue
            chunk = os.read(read_end, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_end)
        # Also when the caller was interrupted (a task's own time limit): no child outlives it.
        if os.waitpid(pid, os.WNOHANG) == (0, 0):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    if not chunks:
        # Killed by the kernel (out of memory) or an exit without an answer.
        raise SandboxFailed("crashed")
    answer = json.loads(b"".join(chunks))
    if "failed" in answer:
        raise SandboxFailed(answer["failed"])
    return answer["result"]
