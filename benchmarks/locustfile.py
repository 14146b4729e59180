"""Locust user for benchmarks/load_test.py: a logged-in applicant opens the list, a program's
explanation and the tracker export. Accounts and their sessions come from BENCH_USERS_FILE."""

from __future__ import annotations

import itertools
import json
import os
import random

from locust import HttpUser, between, task

ACCOUNTS = json.loads(open(os.environ["BENCH_USERS_FILE"]).read())
# Seconds a user spends reading a page before the next click (load_test.py --think).
THINK_MIN, THINK_MAX = (float(x) for x in os.environ.get("BENCH_THINK", "2,8").split(","))
_next_account = itertools.count()


class Applicant(HttpUser):
    wait_time = between(THINK_MIN, THINK_MAX)

    def on_start(self) -> None:
        # Each simulated user holds its own account's session: they arrive logged in.
        self.account = ACCOUNTS[next(_next_account) % len(ACCOUNTS)]
        self.client.cookies.set("sessionid", self.account["session"])

    def fetch(self, url: str, name: str, marker: bytes) -> None:
        # A redirect to the login page would also end in a 200: check the page is the real one.
        with self.client.get(url, name=name, catch_response=True,
                             allow_redirects=False) as response:
            if response.status_code != 200 or marker not in response.content:
                response.failure(f"status {response.status_code}, expected content missing")

    @task(5)
    def open_list(self) -> None:
        self.fetch(self.account["list_url"], "tiered list", b"Programs per tier")

    @task(3)
    def open_explanation(self) -> None:
        if not self.account["explanation_urls"]:  # nothing on this applicant's list
            return self.open_list()
        self.fetch(random.choice(self.account["explanation_urls"]), "program explanation",
                   b"Program facts and their sources")

    @task(1)
    def export_tracker(self) -> None:
        if self.account.get("export_url"):
            # An .xlsx file is a zip archive: it starts with "PK".
            self.fetch(self.account["export_url"], "tracker export (xlsx)", b"PK")
