"""Count the places where two readers of one program fact say different things.

Read as a user reads them: the example applicant's list page (every row, the list and every
page of candidates), each program's explanation page and catalog page, the catalog's J-1 filter,
the tracker's CSV and ``tier_list --format json``, all rendered by the project's own views and
command. Run inside a transaction that is rolled back (``manage.py count_contradictions``), so
the example applicant, and any approval asked for with ``--approve``, leave nothing behind.

Kinds (docs/data-sources.md, "Counting contradictions"):

- ``list_visa_vs_page``: a list row's J-1 answer differs from the program's facts table.
- ``list_img_vs_reasons``: a list row's first IMG figure is not the one its reasons cite.
- ``old_figure_without_year``: a list or catalog row shows a visa answer or IMG share that is
  STALE_AFTER_SEASONS or more old without its year.
- ``visa_unknown_vs_facts``: a page calls the visa policy unknown while its facts table states it.
- ``other_fact_statistic``: a notice about one fact quotes the IM J-1 change rate for another
  fact, or for another specialty without saying so.
- ``catalog_vs_page``: the catalog's row or its J-1 filter disagrees with the program's page.
- ``export_vs_page``: the tracker CSV's J-1 differs from the program's page.
- ``command_vs_reasons``: ``tier_list``'s ``j1_accepted`` differs from its own reasons.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from tempfile import TemporaryDirectory

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from programs.facts import STALE_AFTER_SEASONS

KINDS = ("list_visa_vs_page", "list_img_vs_reasons", "old_figure_without_year",
         "visa_unknown_vs_facts", "other_fact_statistic", "catalog_vs_page", "export_vs_page",
         "command_vs_reasons")
_ANSWER = {"Yes": "yes", "No": "no"}
# The figure a reason cites: "IMGs are 64.4% of residents here", "Non-US IMGs are 21% ...".
_CITED = re.compile(r"(Non-US IMGs|IMGs) are (\d+(?:\.\d+)?)% of residents here")
_SHOWN = re.compile(r"(\d+)% (non-US|all IMGs)( \(([^)]*)\))?")


def persona_fields() -> dict:
    """The example applicant of the README's screenshots: J-1, Step 2 CK 222 at the first
    attempt, graduated two years ago, native Spanish, 3 months of border-region experience."""
    return dict(step1_passed=True, step1_attempts=1, step2_score=222, step2_attempts=1,
                graduation_year=timezone.now().year - 2, visa_need="j1",
                ecfmg_status="certified", spanish_level="native", usce_hands_on_months=3,
                usce_border_months=3)


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def table_rows(html: str) -> list[tuple[str, str]]:
    """Each table row of a page: (its HTML, its text)."""
    out = []
    for part in html.split("<tr")[1:]:
        row = part.split(">", 1)[-1].split("</tr>")[0]
        out.append((row, text(row)))
    return out


def _answer(words: str, label: str) -> str:
    """"yes"/"no"/"unknown" after ``label`` in a row's text."""
    found = re.search(re.escape(label) + r"\s*(Yes|No|unknown)", words)
    return _ANSWER.get(found[1], "unknown") if found else "unknown"


class Audit:
    def __init__(self, client: Client, profile, season: int) -> None:
        self.client, self.profile, self.season = client, profile, season
        self.counts: Counter = Counter({kind: 0 for kind in KINDS})
        self.examples: dict[str, list[str]] = {kind: [] for kind in KINDS}
        self.pages: dict[str, dict] = {}  # acgme id -> what its page states

    def found(self, kind: str, what: str) -> None:
        self.counts[kind] += 1
        if len(self.examples[kind]) < 3:
            self.examples[kind].append(what)

    def get(self, url: str, **params) -> str:
        response = self.client.get(url, params)
        assert response.status_code == 200, (url, response.status_code)
        return response.content.decode()

    # -- the program's own pages -------------------------------------------------------------

    def explanation(self, acgme_id: str) -> dict:
        """The explanation page: its facts table and reasons (the program page's table)."""
        if acgme_id in self.pages:
            return self.pages[acgme_id]
        html = self.get(reverse("tiering:explanation", args=[self.profile.pk, acgme_id]))
        rows = table_rows(html)
        page = {"text": text(html), "rows": [words for _, words in rows],
                "years": {}}  # facts-table label -> the year in its Year cell (not verified)
        for row, _ in rows:
            cell = re.search(r'data-label="Year">(.*?)</td>', row, re.S)
            year = re.match(r"\s*(20\d\d)\b", text(cell[1])) if cell else None
            label = re.search(r'<th scope="row"[^>]*>(.*?)</th>', row, re.S)
            if year and label:
                page["years"][text(label[1])] = int(year[1])
        j1_row = next((w for w in page["rows"] if w.startswith("J-1 visa accepted")), "")
        page["j1"] = _answer(j1_row, "J-1 visa accepted")
        page["j1_year"] = self._year(page, "J-1 visa accepted")
        cited = _CITED.search(page["text"])
        page["cited"] = None if cited is None else float(cited[2])
        self.pages[acgme_id] = page
        self._check_page(acgme_id, page)
        return page

    @staticmethod
    def _year(page: dict, label: str) -> int | None:
        return next((y for name, y in page["years"].items() if name.startswith(label)), None)

    def _check_page(self, acgme_id: str, page: dict) -> None:
        if page["j1"] != "unknown" and "visa policy is unknown" in page["text"]:
            self.found("visa_unknown_vs_facts", f"{acgme_id}: J-1 {page['j1']} in the table")
        for words in page["rows"]:
            if words.startswith(("H-1B", "US citizens")) and ("1 in 8" in words
                                                             or "J-1 answers" in words):
                self.found("other_fact_statistic", f"{acgme_id}: {words[:80]}")
            elif (words.startswith("J-1") and not acgme_id.startswith("140")
                  and "IM programs" in words and "only specialty measured" not in words):
                self.found("other_fact_statistic", f"{acgme_id}: {words[:80]}")
        for item in re.findall(r"Check first: (does not sponsor H-1B|takes only US)[^.]*",
                               page["text"]):
            if "J-1 answer" in item:
                self.found("other_fact_statistic", f"{acgme_id}: {item[:80]}")

    # -- the list page --------------------------------------------------------------------------

    def list_rows(self) -> Iterable[tuple[str, str]]:
        """(ACGME id, row text) for the list and every page of candidates."""
        url = reverse("tiering:list", args=[self.profile.pk])
        page = 1
        seen = set()
        while True:
            html = self.get(url, page=page) if page > 1 else self.get(url)
            fresh = 0
            for row, words in table_rows(html):
                found = re.search(r"/list/(\d{10})/|/programs/(\d{10})/", row)
                acgme_id = found and (found[1] or found[2])
                if acgme_id and acgme_id not in seen and ("J-1:" in words):
                    seen.add(acgme_id)
                    fresh += 1
                    yield acgme_id, words
            if not fresh or f"page={page + 1}" not in html:
                return
            page += 1

    def check_list(self) -> None:
        for acgme_id, words in self.list_rows():
            page = self.explanation(acgme_id)
            if _answer(words, "J-1:") != page["j1"]:
                self.found("list_visa_vs_page", f"{acgme_id}: row {_answer(words, 'J-1:')}, "
                           f"page {page['j1']}")
            shown = _SHOWN.search(words)
            if shown and page["cited"] is not None and int(shown[1]) != page["cited"]:
                self.found("list_img_vs_reasons",
                           f"{acgme_id}: row {shown[0]}, reasons cite {page['cited']}%")
            self._check_years(acgme_id, words, page, shown)

    def _check_years(self, acgme_id: str, words: str, page: dict, shown) -> None:
        year = page["j1_year"]
        j1 = re.search(r"J-1: (Yes|No)( \((\d{4})\))?", words)
        if (year and self.season - year >= STALE_AFTER_SEASONS and j1 and not j1[3]):
            self.found("old_figure_without_year", f"{acgme_id}: J-1 {j1[1]} from {year}")
        for match in _SHOWN.finditer(words):
            if match[3]:
                continue
            label = "IMG residents" if match[2] == "all IMGs" else "Non-US-citizen IMG"
            year = self._year(page, label)
            if year and self.season - year >= STALE_AFTER_SEASONS:
                self.found("old_figure_without_year", f"{acgme_id}: {match[0]} from {year}")

    # -- the catalog, the export and the command ---------------------------------------------

    def check_catalog(self, specialties: list[str]) -> None:
        url = reverse("programs:list")
        for code in specialties:
            for answer in ("yes", "no"):
                page = 1
                while True:
                    html = self.get(url, specialty=code, j1=answer, page=page)
                    for row, _ in table_rows(html):
                        found = re.search(r"/programs/(\d{10})/", row)
                        if not found or found[1] not in self.pages:
                            continue
                        stated = self.pages[found[1]]
                        if stated["j1"] != answer:
                            self.found("catalog_vs_page", f"{found[1]}: the J-1 = {answer} "
                                       f"filter holds it; its page says {stated['j1']}")
                        cell = re.search(r'data-label="J-1">(.*?)</td>', row, re.S)
                        cell = text(cell[1]) if cell else ""
                        if _answer(cell, "") != stated["j1"]:
                            self.found("catalog_vs_page", f"{found[1]}: row says {cell}")
                        if stated["j1_year"] and self.season - stated["j1_year"] >= \
                                STALE_AFTER_SEASONS and f"({stated['j1_year']})" not in cell:
                            self.found("old_figure_without_year",
                                       f"{found[1]}: catalog J-1 from {stated['j1_year']}")
                    if f"page={page + 1}" not in html:
                        break
                    page += 1

    def check_export(self) -> None:
        content = self.client.get(reverse("tracker:tracker_csv", args=[self.profile.pk])).content
        for row in csv.DictReader(io.StringIO(content.decode("utf-8-sig"))):
            page = self.pages.get(row["ACGME id"])
            if page is not None and _ANSWER.get(row["J-1"], "unknown") != page["j1"]:
                self.found("export_vs_page", f"{row['ACGME id']}: CSV {row['J-1']}, "
                           f"page {page['j1']}")

    def check_command(self, specialties: list[str], states: list[str]) -> None:
        with TemporaryDirectory() as folder:
            path = Path(folder) / "profile.json"
            path.write_text(json.dumps({**persona_fields(), "target_specialties": specialties,
                                        "target_states": states}))
            out = io.StringIO()
            # Every scored program, not only the list's: each row must agree with its reasons.
            call_command("tier_list", profile=path, format="json", everything=True, stdout=out)
        for item in json.loads(out.getvalue())["programs"]:
            said = " ".join([*item["hard_reasons"], *(r["text"] for r in item["reasons"])])
            if "Takes J-1 visas" in said and item["j1_accepted"] != "yes":
                self.found("command_vs_reasons", f"{item['acgme_id']}: j1_accepted "
                           f"{item['j1_accepted']} beside \"Takes J-1 visas\"")
            if "Does not take J-1" in said and item["j1_accepted"] != "no":
                self.found("command_vs_reasons", f"{item['acgme_id']}: j1_accepted "
                           f"{item['j1_accepted']} beside \"Does not take J-1\"")
