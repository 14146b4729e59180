"""No English on a Spanish page: every page and state the product has, read with Spanish
active, holds no message of the English catalogue left untranslated, and no English sentence
that never reached the catalogue (the scoring's reasons, advice, what-ifs, season labels).

Two checks over the same walk (a visitor, an applicant with an empty and a filled profile, her
advisor, staff; forms empty, filled and refused; the try-it form and result; the strategy and
SOAP pages; a program's page; the workbook's sheets and the CSV's headers):

- every msgid of locale/es/LC_MESSAGES/django.po whose Spanish differs (cut at its
  placeholders) must not appear on the Spanish page;
- every English sentence of the same page read in English (two or more words) must not appear
  on the Spanish page, which catches text that never went through gettext.

Program, city, specialty and source names, and what users wrote, are names, not English.
"""

from __future__ import annotations

import csv
import html as html_lib
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.routes import route
from tiering.scoring.divisions import DIVISION_NAMES

pytestmark = pytest.mark.django_db(transaction=False)

PO = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\{?\s*[\w.]+\s*\}?\}|<[^>]*>|\n")
WORD = re.compile(r"[A-Za-z]*[a-z][A-Za-z]*")

# Words the glossary keeps in English on a Spanish page (docs/glossary.md), and the product's
# name. A phrase made only of these is not English left behind.
KEPT_IN_ENGLISH = {"Residency", "Planner", "Match", "Step", "observership", "observerships",
                   "Gold", "Silver", "gold", "silver"}
# Users' own words in this walk; the test writes them in Spanish, but an address stays as is.
USER_TEXT = ["Pregunté a la coordinadora por el Statement of Need",
             "Letters: two of three received", "Pocos residentes con J-1: mejor en el Nivel 2.",
             "Pregunta qué visa tienen sus residentes."]
# Official names kept as published: the NRMP's match and the Census Bureau's divisions.
OFFICIAL = ["Main Residency Match"]


# The specialties' names are the ACGME's and the sources' their publishers', shown as they
# are; any node may hold one.
SPECIALTIES: set[str] = set()


# --- the English catalogue ------------------------------------------------------------------


def po_entries() -> list[tuple[list[str], list[str]]]:
    """(English msgid and msgid_plural, Spanish msgstr forms) for each catalogue entry."""
    entries, current, key = [], {}, None

    def flush() -> None:
        if current.get("msgid"):
            ids = [current["msgid"], *([current["msgid_plural"]] if "msgid_plural" in current
                                       else [])]
            entries.append((ids, [v for k, v in current.items() if k.startswith("msgstr")]))

    for line in PO.read_text().splitlines():
        if line.startswith("msgid "):
            flush()
            current, key = {}, "msgid"
        elif line.startswith(("msgid_plural ", "msgstr")):
            key = line.split(" ", 1)[0]
        elif not line.startswith('"'):
            continue
        value = line.split(" ", 1)[1] if not line.startswith('"') else line
        current[key] = current.get(key, "") + value.strip()[1:-1].encode().decode(
            "unicode_escape").encode("latin-1").decode("utf-8")
    flush()
    return entries


def english_phrases() -> set[str]:
    """The catalogue's English, cut at its placeholders and markup, without the pieces Spanish
    uses too (a source's name, "Step 2 CK", "ERAS")."""
    entries = po_entries()
    spanish = " ".join(s for _, strs in entries for s in strs)
    phrases = set()
    for ids, strs in entries:
        if not any(strs) or all(s == ids[0] for s in strs):
            continue
        for msgid in ids:
            for piece in PLACEHOLDER.split(msgid):
                piece = piece.strip(" .,:;()[]·-–—/|+=$%*\"'?!&")
                words = WORD.findall(piece)
                if (not words or len(piece) < 3 or all(w in KEPT_IN_ENGLISH for w in words)
                        or re.search(rf"(?<!\w){re.escape(piece)}(?!\w)", spanish)):
                    continue
                phrases.add(piece)
    return phrases


# --- what a reader sees -----------------------------------------------------------------------


def text_nodes(markup: str) -> list[str]:
    """The page's text, node by node, and the attributes that carry words; a part marked as
    written in English (the switcher's "English") is left out, and so are addresses."""
    markup = re.sub(r"<(script|style|template)\b.*?</\1>", " ", markup, flags=re.S)
    markup = re.sub(r"<!--.*?-->", " ", markup, flags=re.S)
    markup = re.sub(r'<(?!html)(\w+)\b[^>]*\blang="en"[^>]*>.*?</\1>', " ", markup, flags=re.S)
    attributes = re.findall(r'(?:aria-label|title|alt|placeholder|data-label)="([^"]*)"',
                            markup)
    nodes = re.split(r"<[^>]+>", markup) + attributes
    return cleaned([html_lib.unescape(node) for node in nodes])


def cleaned(nodes: list[str]) -> list[str]:
    nodes = [re.sub(r"https?://\S+|\S+@\S+|\s+", " ", node).strip() for node in nodes]
    return [node for node in nodes if node]


def names_of() -> set[str]:
    """Names on the pages that are not English text: programs, cities, specialties, sources,
    and what the users of the walk wrote."""
    from programs.models import Program, Specialty
    from programs.sources import SOURCES
    from strategy import season

    names = set(USER_TEXT)
    for name, city, state in Program.objects.values_list("name", "city", "state"):
        names.update({name, city, f"{city}, {state}"})
    SPECIALTIES.update(Specialty.objects.values_list("name", flat=True))
    # Sources are cited by their published names, and their licences quoted.
    for source in SOURCES.values():
        SPECIALTIES.update({source.name, source.publisher, source.attribution, source.license,
                            source.short_name})
    SPECIALTIES.update(value for key, value in vars(season).items()
                       if key.endswith(("SOURCE", "EVIDENCE")) and isinstance(value, str))
    SPECIALTIES.update(scoring_sources())
    SPECIALTIES.update(OFFICIAL)
    SPECIALTIES.update(DIVISION_NAMES.values())
    SPECIALTIES.discard("")
    return {name for name in names if name}


def scoring_sources() -> set[str]:
    """The scoring's citations ("NRMP Charting Outcomes, non-US IMGs, 2026")."""
    from tiering.scoring import weights

    found = set()
    for value in vars(weights).values():
        for item in (value.values() if isinstance(value, dict) else [value]):
            source = getattr(item, "source", None)
            if isinstance(source, str):
                found.add(source)
    found.update(v for k, v in vars(weights).items() if k.startswith("_") and isinstance(v, str))
    return found


def without_names(nodes: list[str], names: set[str]) -> list[str]:
    """The nodes with every name written on the page taken out (a name is on the page when a
    node is that name: a program's link, a city's cell)."""
    here = sorted({node for node in nodes if node in names} | set(USER_TEXT) | SPECIALTIES,
                  key=len, reverse=True)
    cleaned = []
    for node in nodes:
        # A place in brackets, "(Boardman, OH)", wherever it is written.
        node = re.sub(r"\(([^()]+?, [A-Z]{2})\)",
                      lambda found: "(¶)" if found[1] in names else found[0], node)
        if "; " in node:  # a list of programs, as the history writes what a build changed
            node = "; ".join("¶" if part in names else part for part in node.split("; "))
        for name in here:
            if name in node:
                node = node.replace(name, "¶")
        cleaned.append(node)
    return cleaned


def covered(text: str, start: int, end: int, names: list[str]) -> bool:
    """Whether text[start:end] lies inside one of these names written there (a program named
    inside a sentence: "the next candidate, X Program (score 92), was left out")."""
    window_start = max(0, start - 200)
    window = text[window_start:end + 200]
    for name in names:
        at = window.find(name)
        while at >= 0:
            if window_start + at <= start and end <= window_start + at + len(name):
                return True
            at = window.find(name, at + 1)
    return False


def untranslated(spanish: list[str], english: list[str] | None, phrases: set[str],
                 names: set[str], kept: str) -> set[str]:
    spanish = without_names(spanish, names)
    text = " ¶ ".join(spanish)
    left = set()
    for phrase in phrases:
        hits = list(re.finditer(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text))
        if hits:
            holding = [name for name in names if phrase in name]
            if any(not covered(text, hit.start(), hit.end(), holding) for hit in hits):
                left.add(phrase)
    for node in without_names(english or [], names):
        words = [w for w in WORD.findall(node) if w not in KEPT_IN_ENGLISH]
        # One word is enough ("Citizenship") when Spanish never uses it as it is.
        if len(words) == 1 and (len(words[0]) < 4 or words[0] in kept):
            continue
        if words and node not in kept and node in spanish:
            left.add(node)
    return left


# --- the walk --------------------------------------------------------------------------------


@dataclass(frozen=True)
class People:
    applicant: object  # Profile, filled, with a list
    empty: object  # Profile of a new account
    advisor: object  # User
    staff: object  # User
    program: str  # ACGME id of a program on her list
    ineligible: str  # ACGME id of a program she cannot apply to


PASSWORD = "a long passphrase nobody guesses"


@pytest.fixture
def people(real_catalog) -> People:
    from advising import services as advising
    from applicants.models import Profile, User
    from strategy.geography import geography_save
    from tests.browser.conftest import linked_advisor, persona_applicant
    from tiering.models import ListEntry, Tier
    from tracker import tracking

    applicant = persona_applicant()
    applicant.user.set_password(PASSWORD)
    applicant.user.save()
    advisor = linked_advisor(applicant)
    best, second = (ListEntry.objects.for_list()
                    .filter(profile=applicant, computed_tier=Tier.TIER_1)
                    .order_by("-score", "program__name")[:2])
    tracking.entry_update_tracking(best, {
        "status": "applied", "signal": True, "date_applied": date(2026, 9, 24),
        "notes": USER_TEXT[0]}, actor=applicant.user)
    advising.entry_override_tier(second, tier=Tier.TIER_2, by=advisor,
                                 reason="Pocos residentes con J-1: mejor en el Nivel 2.")
    advising.note_add(applicant, entry=second, by=advisor,
                      text="Pregunta qué visa tienen sus residentes.")
    geography_save(applicant, divisions=["west_south_central", "mountain", "pacific"],
                   setting="urban")
    ineligible = (ListEntry.objects.filter(profile=applicant, computed_tier=Tier.NOT_ELIGIBLE)
                  .values_list("program__acgme_id", flat=True).first())
    empty = Profile.objects.create(user=User.objects.create_user(
        email="nuevo@example.org", password=PASSWORD))
    staff = User.objects.create_user(email="staff@example.org", password=PASSWORD,
                                     role=User.Role.STAFF, is_staff=True)
    return People(applicant=applicant, empty=empty, advisor=advisor, staff=staff,
                  program=second.program.acgme_id, ineligible=ineligible or best.program.acgme_id)


def try_answers(specialty_pks: list[int]) -> dict:
    return {"citizenship": "needs_visa", "visa_need": "j1", "step1_passed": "on",
            "step1_attempts": "1", "step2_score": "222", "step2_attempts": "1",
            "step3_attempts": "0", "graduation_year": str(date.today().year - 2),
            "spanish_level": "native", "usce_hands_on_months": "3", "usce_border_months": "3",
            "target_specialties": [str(pk) for pk in specialty_pks], "budget_usd": "1500"}


def walk(language: str, people: People) -> dict[str, list[str]]:
    """Every page and state, read in one language: its text nodes by name."""
    from programs.models import Specialty
    from tests.browser.conftest import tracker_with_a_change

    pages: dict[str, list[str]] = {}
    client = Client(HTTP_ACCEPT_LANGUAGE=language)

    def read(name: str, path: str, data: dict | None = None, **extra) -> None:
        response = (client.post(path, data, follow=True, **extra) if data is not None
                    else client.get(path, follow=True))
        assert response.status_code in (200, 400, 404), (name, response.status_code)
        pages[name] = text_nodes(response.content.decode())

    mine = {"pk": people.applicant.pk}
    program = {**mine, "acgme_id": people.program}
    im_fm = list(Specialty.objects.filter(code__in=["140", "120"]).values_list("pk", flat=True))
    # A visitor.
    read("home", "/")
    read("catalog", reverse("programs:list"))
    read("catalog filtered", reverse("programs:list") + "?specialty=140&state=TX&border=on")
    read("program page", reverse("programs:detail", args=[people.program]))
    read("sources", reverse("sources"))
    read("sign up", reverse("signup"))
    read("sign up refused", reverse("signup"), {"email": "x", "password1": "a",
                                                "password2": "b"})
    read("advisor sign up", reverse("advising:advisor_signup"))
    read("log in", reverse("login"))
    read("log in refused", reverse("login"), {"username": "nadie@example.org",
                                              "password": "no"})
    read("password reset", reverse("password_reset"))
    read("not found", "/no-such-page/")
    read("try-it form", reverse("tiering:try_it"))
    read("try-it refused", reverse("tiering:try_it"), {**try_answers(im_fm),
                                                       "step2_score": "301"})
    read("try-it result", reverse("tiering:try_it"), try_answers(im_fm))
    read("try-it what-ifs", reverse("tiering:try_what_if"))
    # A new applicant, nothing filled yet.
    client.force_login(people.empty.user)
    empty = {"pk": people.empty.pk}
    read("empty profile", route("profile", **empty))
    read("empty list", route("list", **empty))
    read("empty strategy", route("strategy", **empty))
    read("empty SOAP", route("soap", **empty))
    read("no advisor yet", route("my_advisors"))
    # The applicant with her list.
    client.force_login(people.applicant.user)
    read("profile", route("profile", **mine))
    read("profile refused", route("profile", **mine), {"graduation_year": "2999",
                                                       "step2_score": "400"})
    read("list", route("list", **mine))
    read("list, candidates filtered", route("list", **mine) + "?tier=3&border=on&sort=score")
    read("what-ifs", route("what_if", **mine))
    read("program on the list", route("explanation", **program))
    read("program she cannot apply to",
         route("explanation", **mine, acgme_id=people.ineligible))
    read("program page, signed in", reverse("programs:detail", args=[people.program]))
    read("error report refused", reverse("programs:report", args=[people.program]),
         {"key": "", "note": ""})
    read("upload", route("tracker_upload", **mine))
    read("upload refused", route("tracker_upload", **mine),
         {"file": io.BytesIO(b"not a workbook")})
    with translation.override("en"):  # the workbook as downloaded in English, then edited
        upload = io.BytesIO(tracker_with_a_change(people.applicant))
    upload.name = "tracker.xlsx"
    read("upload preview", route("tracker_upload", **mine), {"file": upload})
    read("advisors", route("my_advisors"))
    read("history", route("history", **mine))
    read("strategy", route("strategy", **mine))
    read("map", route("map", **mine))
    read("SOAP", route("soap", **mine))
    read("try-it result, signed in", reverse("tiering:try_list"))
    for name, query in (("workbook", ""), ("workbook with candidates", "?candidates=1")):
        response = client.get(route("tracker_xlsx", **mine) + query)
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        pages[name] = cleaned([*book.sheetnames, *(
            str(cell) for sheet in book for row in sheet.iter_rows(values_only=True)
            for cell in row if isinstance(cell, str) and not cell.startswith("="))])
    rows = csv.reader(io.StringIO(
        client.get(route("tracker_csv", **mine)).content.decode("utf-8-sig")))
    pages["CSV"] = cleaned([cell for row in rows for cell in row])
    # Her advisor.
    client.force_login(people.advisor)
    read("dashboard", route("advisor_dashboard"))
    read("client's list", route("list", **mine))
    read("client's program", route("explanation", **program))
    read("client's history", route("history", **mine))
    read("client's strategy", route("strategy", **mine))
    read("client's map", route("map", **mine))
    read("program page, advisor", reverse("programs:detail", args=[people.program]))
    # Staff.
    client.force_login(people.staff)
    read("review queue", reverse("programs:review"))
    read("freshness", route("freshness"))
    return pages


def test_no_english_is_left_on_any_page_read_in_spanish(people, settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    names = names_of()
    phrases = english_phrases()
    kept = " ".join(s for _, strs in po_entries() for s in strs)  # what Spanish keeps as is
    english = walk("en", people)
    spanish = walk("es", people)

    left = {name: sorted(untranslated(nodes, english.get(name), phrases, names, kept))
            for name, nodes in spanish.items()}
    left = {name: found for name, found in left.items() if found}
    distinct = {phrase for found in left.values() for phrase in found}
    print(f"\n{len(distinct)} distinct English strings on {len(left)} of {len(spanish)} "
          "Spanish pages")
    for name, found in left.items():
        print(f"  {name}: {found}")

    assert len(spanish) == len(english) == 51
    assert left == {}
