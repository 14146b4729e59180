"""Build the shipped program catalog (fixtures/catalog.csv) from the raw sources.

The method, the sources and their caveats are described in docs/data-sources.md; the output
format in docs/catalog-format.md. In short, facts are laid on in this order, a later source
replacing an earlier one for a fact it knows:

1. ERAS 2021 program lists: the backbone (one row per ACGME id), ERAS participation, website.
2. AAMC Residency Explorer 2021: ZIP, setting, PGY-1 positions, visas, resident mix, score band;
   programs it has that ERAS lacks are added.
3. AMA FREIDA 2025 (Internal Medicine only): newer setting, positions, visas, IMG share,
   participation, website; programs opened since 2021 are added.
4. The border programs' own web pages: requirements (PAGE_FACTS below, checked row by row).
5. City coordinates and county from simplemaps; distance to the border from Natural Earth.

Everything is read from local files (no network), and the output is byte-for-byte reproducible.
Only names, places, ids, numbers and choice values are written: no free text and no contacts.
"""

from __future__ import annotations

import ast
import csv
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from programs.geo import distance_to_polyline_km, load_border_line

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RAW = REPO_ROOT.parent / "shared" / "data" / "raw"
DEFAULT_OUT = REPO_ROOT / "fixtures" / "catalog.csv"

ERAS_DIR = "eras-programs-2021-homebase3"
AAMC_FILE = "aamc-residency-explorer-2021-homebase3/aamc_residency_explorer_2021_combined.csv"
FREIDA_FILE = "freida-im-2025-avinashsvinu/freida_programs_output_with_academic_year.csv"
PAGES_FILE = "border-program-requirements-webpages/border_program_requirements_from_webpages.csv"
PLACES_FILE = "geo-simplemaps-uscities/uscities.csv"

BORDER_REGION_KM = 100  # La Paz Agreement (1983), as in programs.models

Value = str | int | float | None

# Provenance key -> the columns it covers, in the column order of docs/catalog-format.md.
# The keys are programs.models.PROVENANCE_KEYS (a test checks they stay the same).
FACT_GROUPS: dict[str, tuple[str, ...]] = {
    "identity": ("name", "specialty_code", "specialty_name", "city", "state"),
    "zip_code": ("zip_code",),
    "location": ("latitude", "longitude", "county_fips"),
    "border_distance_km": ("border_distance_km",),
    "setting": ("setting",),
    "pgy1_positions": ("pgy1_positions",),
    "j1_accepted": ("j1_accepted",),
    "h1b_sponsored": ("h1b_sponsored",),
    "img_share_pct": ("img_share_pct",),
    "non_us_img_share_pct": ("non_us_img_share_pct",),
    "step_score_band": ("step_score_band",),
    "participates_in_eras": ("participates_in_eras",),
    "citizens_only": ("citizens_only",),
    "min_step2_score": ("min_step2_score", "min_step2_strictness"),
    "max_years_since_graduation": (
        "max_years_since_graduation",
        "max_years_since_graduation_strictness",
    ),
    "max_attempts_per_step": ("max_attempts_per_step", "max_attempts_per_step_strictness"),
    "min_usce_months": ("min_usce_months", "min_usce_months_strictness"),
    "step3_required": ("step3_required", "step3_strictness"),
    "medical_spanish": ("medical_spanish",),
    "website": ("website",),
}
GROUP_OF: dict[str, str] = {col: key for key, cols in FACT_GROUPS.items() for col in cols}
FACT_COLUMNS: tuple[str, ...] = tuple(GROUP_OF)
PROVENANCE_COLUMNS: tuple[str, ...] = tuple(
    f"{key}_{part}" for key in FACT_GROUPS for part in ("source", "year", "url")
)
COLUMNS: tuple[str, ...] = ("acgme_id", *FACT_COLUMNS, *PROVENANCE_COLUMNS)

TRI_STATE = ("yes", "no", "unknown")
STRICTNESS = ("strict", "preferred")
SETTINGS = ("university", "university_affiliated_community", "community", "military", "other")
SCORE_BANDS = ("below_210", "210_225", "226_235", "236_245", "above_245")
CHOICES: dict[str, tuple[str, ...]] = {
    "setting": SETTINGS,
    "step_score_band": SCORE_BANDS,
    **{col: TRI_STATE for col in ("j1_accepted", "h1b_sponsored", "participates_in_eras",
                                  "citizens_only", "step3_required", "medical_spanish")},
    **{col: STRICTNESS for col in FACT_COLUMNS if col.endswith("_strictness")},
}

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# US phone numbers as written on web pages: (915) 215-5000, 915-215-5000, 915.215.5000, +1 915...
PHONE = re.compile(r"(?<!\d)(\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}(?!\d)")
URL = re.compile(r"https?://[^\s/]+\.[^\s]+", re.IGNORECASE)


class CatalogBuildError(Exception):
    """The raw sources say something the build does not know how to encode."""


@dataclass(frozen=True)
class Provenance:
    source: str
    year: int | None = None
    url: str = ""


ERAS = Provenance("eras-2021", 2021)
AAMC = Provenance("aamc-re-2021", 2021)
SIMPLEMAPS = Provenance("simplemaps")
NATURAL_EARTH = Provenance("natural-earth")


@dataclass
class Program:
    acgme_id: str
    facts: dict[str, Value] = field(default_factory=dict)
    provenance: dict[str, Provenance] = field(default_factory=dict)

    def set(self, key: str, values: Mapping[str, Value], provenance: Provenance) -> None:
        """Record one fact group; an all-empty group is unknown and leaves the old value."""
        columns = FACT_GROUPS[key]
        stray = set(values) - set(columns)
        if stray:
            raise CatalogBuildError(f"{sorted(stray)} are not columns of fact {key!r}")
        if all(values.get(col) in (None, "") for col in columns):
            return
        for col in columns:
            self.facts[col] = values.get(col)
        self.provenance[key] = provenance

    def get(self, column: str) -> Value:
        return self.facts.get(column)


# --- text clean-up -------------------------------------------------------------------------

OSTEOPATHIC_BADGE = "Osteopathic Recognized!"


def clean_name(text: str) -> str:
    """A program name on one line.

    ERAS prints an "Osteopathic Recognized!" badge on a second line of the name cell (that is the
    multi-line FM name); it is a label, not part of the name. Any other second line is refused.
    """
    first, *rest = text.replace("\xa0", " ").splitlines() or [""]
    extra = " ".join(" ".join(rest).split())
    if extra not in ("", OSTEOPATHIC_BADGE):
        raise CatalogBuildError(f"unexpected second line in program name {text!r}")
    return " ".join(first.split())


def clean_city(text: str) -> str:
    # "Fort Lauderdale," in ERAS: a stray comma, not part of the name.
    return " ".join(text.replace("\xa0", " ").split()).rstrip(",;")


def clean_website(text: str) -> str:
    """The first http(s) address in a cell, or "".

    FREIDA cells hold things like "http:// https://..." and "http://a.org;   b.com"; ERAS has
    "Http://..." and blanks. The scheme is lower-cased; the rest is kept as written. An address
    hiding an email ("http://www.gme@mchs.com") is not a website, and contacts are not kept.
    """
    for token in re.split(r"[\s;]+", text.strip()):
        if URL.fullmatch(token) and not EMAIL.search(token):
            scheme, rest = token.split("://", 1)
            return f"{scheme.lower()}://{rest}"
    return ""


def clean_zip(text: str) -> str:
    digits = text.strip()
    if re.fullmatch(r"\d{9}", digits):  # AAMC writes some ZIP+4 codes without the dash
        return f"{digits[:5]}-{digits[5:]}"
    if re.fullmatch(r"\d{5}(-\d{4})?", digits):
        return digits
    if digits:
        raise CatalogBuildError(f"unexpected ZIP code {text!r}")
    return ""


def _number(text: str, what: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise CatalogBuildError(f"{what}: {text!r} is not a number") from None


def _whole(text: str, what: str) -> int | None:
    number = _number(text, what)
    if number is None:
        return None
    if not number.is_integer() or number < 0:
        raise CatalogBuildError(f"{what}: {text!r} is not a whole number")
    return int(number)


def _read_csv(path: Path) -> list[dict[str, str]]:
    # utf-8-sig: the simplemaps file starts with a byte-order mark.
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


# --- ERAS 2021 ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErasProgram:
    acgme_id: str
    name: str
    city: str
    state: str
    participating: bool
    website: str


def read_eras(raw: Path) -> tuple[dict[str, ErasProgram], dict[str, str]]:
    """Programs by ACGME id, and specialty names by specialty code.

    The specialty name is the ERAS list's own file name (e.g. "Internal Medicine"). Each code
    must come from exactly one file; the NRMP code list lacks some codes ERAS has (360, 480).
    """
    rows_by_id: dict[str, list[dict[str, str]]] = {}
    specialty_files: dict[str, set[str]] = {}
    for path in sorted((raw / ERAS_DIR).glob("*.csv")):
        for row in _read_csv(path):
            acgme_id = row["ID"].strip()
            if not re.fullmatch(r"\d{10}", acgme_id):
                raise CatalogBuildError(f"{path.name}: bad ACGME id {acgme_id!r}")
            rows_by_id.setdefault(acgme_id, []).append(row)
            specialty_files.setdefault(acgme_id[:3], set()).add(path.stem)
    names: dict[str, str] = {}
    for code, files in sorted(specialty_files.items()):
        if len(files) != 1:
            raise CatalogBuildError(f"specialty {code} appears in several ERAS files: {files}")
        names[code] = files.pop()

    programs: dict[str, ErasProgram] = {}
    for acgme_id, rows in rows_by_id.items():
        # Internal Medicine lists a categorical and a "Preliminary" row under one ACGME id: the
        # id is one program, named by its categorical row.
        if len(rows) > 1:
            rows = [r for r in rows if "preliminary" not in r["Program name"].lower()] or rows
        if len(rows) != 1:
            raise CatalogBuildError(f"ERAS lists {acgme_id} {len(rows)} times")
        row = rows[0]
        status = row["Status"].strip()
        if status not in ("Participating", "Not Participating"):
            raise CatalogBuildError(f"ERAS {acgme_id}: unknown status {status!r}")
        programs[acgme_id] = ErasProgram(
            acgme_id=acgme_id,
            name=clean_name(row["Program name"]),
            city=clean_city(row["City"]),
            state=row["State"].strip(),
            participating=status == "Participating",
            website=clean_website(row["ERAS link"]),
        )
    return programs, names


# --- AAMC Residency Explorer 2021 --------------------------------------------------------------

AAMC_CODE = "ACGME residency program code"
AAMC_TOTAL = "# of positions offered by this program in the 2021 NRMP Main Match"
AAMC_CATEGORICAL = "# of categorical positions offered by this program in the 2021 NRMP Main Match"
AAMC_ADVANCED = "# of advanced positions offered by this program in the 2021 NRMP Main Match"
AAMC_US_IMG = "Percentage of residents who were US-citizen IMGs"
AAMC_NON_US_IMG = "Percentage of residents who were non-US-citizen IMGs"
AAMC_SETTINGS = {
    "University Hospital": "university",
    "Affiliated Hospital": "university_affiliated_community",
    "Community Hospital": "community",
    "Military": "military",
    "Other": "other",
    "Not Available": "",
    "": "",
}
AAMC_BANDS = {
    "Below 210": "below_210",
    "210-225": "210_225",
    "226-235": "226_235",
    "236-245": "236_245",
    "Greater than 245": "above_245",
    "": "",
}
YES_NO = {"Yes": "yes", "No": "no", "": ""}


@dataclass(frozen=True)
class AamcProgram:
    acgme_id: str
    track: str  # "C" categorical, "P" preliminary, "" for specialties without tracks
    name: str
    city: str
    state: str
    zip_code: str
    setting: str
    pgy1_positions: int | None
    j1_accepted: str
    h1b_sponsored: str
    img_share_pct: float | None
    non_us_img_share_pct: float | None
    step_score_band: str
    participates_in_eras: str


def aamc_pgy1_positions(row: Mapping[str, str]) -> int | None:
    """PGY-1 positions offered in the 2021 NRMP Main Match, or None when that is not a PGY-1 count.

    Specialties that also take residents at PGY-2 (anesthesiology, dermatology, neurology,
    radiology...) report categorical and advanced positions separately: only categorical
    positions start at PGY-1, so advanced ones are never counted. A program offering advanced
    positions only starts at PGY-2 and has 0 PGY-1 positions. Other specialties start at PGY-1
    and report one total. A total of 0 is unknown, not zero: those programs mostly did not take
    part in the Main Match (military programs, programs filled outside the Match).
    """
    what = f"AAMC {row[AAMC_CODE]}"
    categorical = _whole(row[AAMC_CATEGORICAL], what)
    advanced = _whole(row[AAMC_ADVANCED], what)
    if categorical is not None or advanced is not None:
        if categorical:
            return categorical
        return 0 if advanced else None
    total = _whole(row[AAMC_TOTAL], what)
    return total or None


def _percent(text: str, what: str) -> float | None:
    number = _number(text, what)
    if number is not None and not 0 <= number <= 100:
        raise CatalogBuildError(f"{what}: {number} is not a percentage")
    return number


def read_aamc(raw: Path) -> dict[str, AamcProgram]:
    """One AAMC row per 10-digit ACGME id, preferring the categorical track."""
    chosen: dict[str, AamcProgram] = {}
    for row in _read_csv(raw / AAMC_FILE):
        code = row[AAMC_CODE].strip()
        match = re.fullmatch(r"(\d{10})([CP]?)", code)
        if not match:
            raise CatalogBuildError(f"AAMC: bad program code {code!r}")
        acgme_id, track = match.groups()
        what = f"AAMC {code}"
        try:
            setting = AAMC_SETTINGS[row["Program setting"].strip()]
            band = AAMC_BANDS[row["Range of average USMLE Step 1 score of current residents"]]
            j1 = YES_NO[row["Program consider applicants with J-1 visa?"].strip()]
            h1b = YES_NO[row["Program consider applicants with H-1B visa?"].strip()]
            eras = YES_NO[row["Participates in ERAS"].strip()]
        except KeyError as exc:
            raise CatalogBuildError(f"{what}: unexpected value {exc}") from None
        us_img = _percent(row[AAMC_US_IMG], what)
        non_us_img = _percent(row[AAMC_NON_US_IMG], what)
        # The IMG share is the two IMG groups together, known only when both are.
        img = None if us_img is None or non_us_img is None else us_img + non_us_img
        if img is not None and img > 100:
            raise CatalogBuildError(f"{what}: IMG shares add up to {img}")
        program = AamcProgram(
            acgme_id=acgme_id,
            track=track,
            name=clean_name(row["Residency program name"]),
            city=clean_city(row["City"]),
            state=row["State"].strip(),
            zip_code=clean_zip(row["Zip"]),
            setting=setting,
            pgy1_positions=aamc_pgy1_positions(row),
            j1_accepted=j1,
            h1b_sponsored=h1b,
            img_share_pct=img,
            non_us_img_share_pct=non_us_img,
            step_score_band=band,
            participates_in_eras=eras,
        )
        previous = chosen.get(acgme_id)
        if previous is None or (previous.track == "P" and track == "C"):
            chosen[acgme_id] = program
        elif not (previous.track == "C" and track == "P"):
            raise CatalogBuildError(f"AAMC lists {acgme_id} twice in the same track")
    return chosen


# --- FREIDA 2025, Internal Medicine ------------------------------------------------------------

FREIDA_SETTINGS = {
    "University-based": "university",
    "Community-based university affiliated": "university_affiliated_community",
    "Community-based": "community",
    "Military-based": "military",
    "Other": "other",
    "": "",
}
FREIDA_J1 = "J-1 through ECFMG"
FREIDA_H1B = "H-1B"
FREIDA_VISAS = {FREIDA_J1, FREIDA_H1B, "F-1"}


@dataclass(frozen=True)
class FreidaProgram:
    acgme_id: str
    name: str
    city: str
    state: str
    page_url: str
    year: int  # of data_last_updated
    updated: str
    setting: str
    pgy1_positions: int | None
    visas: frozenset[str] | None  # None: not reported
    img_share_pct: float | None
    participates_in_eras: str
    website: str


def parse_freida_visas(text: str) -> frozenset[str] | None:
    """The visa list of a FREIDA row; None when the program reported none.

    The cell is a Python list literal, of strings or (in a few rows) of {"value", "label"}
    dicts. "[]" cannot be told apart from "no visas", so it means not reported.
    """
    items = ast.literal_eval(text.strip() or "[]")
    if not isinstance(items, list):
        raise CatalogBuildError(f"FREIDA visas: {text!r} is not a list")
    values = frozenset(item["value"] if isinstance(item, dict) else item for item in items)
    unknown = values - FREIDA_VISAS
    if unknown:
        raise CatalogBuildError(f"FREIDA visas: unknown visa type {sorted(unknown)}")
    return values or None


def read_freida(raw: Path) -> dict[str, FreidaProgram]:
    programs: dict[str, FreidaProgram] = {}
    for row in _read_csv(raw / FREIDA_FILE):
        acgme_id = row["program_id"].strip()
        if not re.fullmatch(r"140\d{7}", acgme_id):
            raise CatalogBuildError(f"FREIDA: {acgme_id!r} is not an Internal Medicine id")
        what = f"FREIDA {acgme_id}"
        try:
            setting = FREIDA_SETTINGS[row["program_best_described_as"].strip()]
            eras = {"True": "yes", "False": "no", "": ""}[row["participates_in_eras"].strip()]
        except KeyError as exc:
            raise CatalogBuildError(f"{what}: unexpected value {exc}") from None
        updated = row["data_last_updated"].strip()
        program = FreidaProgram(
            acgme_id=acgme_id,
            name=clean_name(row["program_name_suffix"]),
            city=clean_city(row["city"]),
            state=row["state"].strip(),
            page_url=row["source_url"].strip(),
            year=int(updated[:4]),
            updated=updated,
            setting=setting,
            # 0 first-year positions is what new programs show before they report (16 of the 17
            # zeros are programs accredited since 2021), so it is not a count.
            pgy1_positions=_whole(row["first_year_positions"], what) or None,
            visas=parse_freida_visas(row["visa_statuses_accepted"]),
            img_share_pct=_percent(row["pct_img"], what),
            participates_in_eras=eras,
            website=clean_website(row["website"]),
        )
        # One id appears twice (1401900001, identical rows): keep the latest update.
        previous = programs.get(acgme_id)
        if previous is None or program.updated > previous.updated:
            programs[acgme_id] = program
    return programs


# --- the border programs' own pages -------------------------------------------------------------


@dataclass(frozen=True)
class PageFact:
    """What one row of the program-requirements file says, as catalog columns.

    ``value`` repeats the row's value_normalized, so that a changed row stops the build instead
    of being encoded with an old reading. ``year`` is set only where the row's note states the
    page's year. An empty ``columns`` means the row holds nothing the catalog can encode.
    """

    value: str
    columns: Mapping[str, Value]
    year: int | None = None


STRICT, PREFERRED = "strict", "preferred"

# (acgme_id, field) -> facts. Strictness follows the program's words: "must", "required" and a
# condition stated with "should" are strict; "preferred", "preference given", "preferably" are
# preferred. Free text (quotes, notes) is never copied: only these numbers and choices are.
PAGE_FACTS: dict[tuple[str, str], PageFact] = {
    # Texas Tech El Paso Family Medicine FAQ (two stored versions of the page).
    ("1204811309", "visa"): PageFact(
        "no program sponsorship; ECFMG J-1 considered case by case",
        # Sponsors no visa itself but considers ECFMG-sponsored J-1 (ECFMG, not the program, is
        # the J-1 sponsor): J-1 yes, H-1B (which the program would have to sponsor) no.
        {"j1_accepted": "yes", "h1b_sponsored": "no"},
    ),
    ("1204811309", "year_of_graduation"): PageFact(
        "<=10 years (exceptions if postgraduate training since)",
        # "No more than ten years" is stated as a condition. Only the older stored version has
        # it; the newer one is silent, which does not contradict it. The exception for
        # postgraduate training since graduation cannot be expressed in the catalog.
        {"max_years_since_graduation": 10, "max_years_since_graduation_strictness": STRICT},
    ),
    ("1204811309", "attempts"): PageFact(
        "older version: <=6 attempts total, <=3 per test; newer version: passing preferably "
        "on first attempt",
        # The two versions conflict; the newer, less strict wording wins: "preferably on the
        # first attempt" -> first attempt preferred (the older 3-per-test rule is Texas law).
        {"max_attempts_per_step": 1, "max_attempts_per_step_strictness": PREFERRED},
    ),
    ("1204811309", "step3"): PageFact("not required", {"step3_required": "no"}),
    ("1204811309", "usce"): PageFact(
        "1 year preferred, not mandatory",
        {"min_usce_months": 12, "min_usce_months_strictness": PREFERRED},
    ),
    # About Spanish fluency of residents, not medical-Spanish instruction: nothing to encode.
    ("1204811309", "spanish"): PageFact("not required; interpreters available", {}),
    # Texas Tech El Paso Internal Medicine FAQ.
    ("1404811424", "positions"): PageFact(
        "17 categorical PGY-1 per year",
        {"pgy1_positions": 17},
        year=2023,  # note: "page mentions the 2023-2024 interview season"
    ),
    ("1404811424", "spanish"): PageFact("not required", {}),  # fluency, not instruction
    # Texas Tech El Paso Pediatrics IMG page: J-1 accepted; H-1B not mentioned (stays as is).
    ("3204811234", "visa"): PageFact("accepts ECFMG J-1", {"j1_accepted": "yes"}),
    ("3204811234", "usce"): PageFact(
        "required (amount unspecified)",
        # "Adequate clinical experience in the United States", required of all IMG applicants.
        {"min_usce_months": None, "min_usce_months_strictness": STRICT},
    ),
    # Texas Tech El Paso / Transmountain Psychiatry: "sponsors J-1 Visas only".
    ("4004800310", "visa"): PageFact("J-1 only", {"j1_accepted": "yes", "h1b_sponsored": "no"}),
    # South Texas Health System Internal Medicine (McAllen).
    ("1404800015", "visa"): PageFact(
        "none; US citizen or permanent resident only",
        {"citizens_only": "yes", "j1_accepted": "no", "h1b_sponsored": "no"},
    ),
    ("1404800015", "attempts"): PageFact(
        "each USMLE/COMLEX step passed within 3 attempts",
        {"max_attempts_per_step": 3, "max_attempts_per_step_strictness": STRICT},
    ),
    # "All steps within 7 years" counts from the first exam, not from graduation: the catalog
    # has no column for it, and it must not be read as a years-since-graduation limit.
    ("1404800015", "exam_time_limit"): PageFact("all steps passed within 7 years", {}),
    ("1404800015", "positions"): PageFact("20 categorical", {"pgy1_positions": 20}),
    # UTRGV Internal Medicine at Valley Baptist (Harlingen).
    # The page's own figure is garbled ("ten (1) PGY 1 positions"), so it is not used; FREIDA
    # 2025 independently gives 10 and stays.
    ("1404821524", "positions"): PageFact("10 PGY-1 (2025 season)", {}),
    # ECFMG certification is required of every IMG in an ACGME program: nothing specific.
    ("1404821524", "ecfmg"): PageFact("valid ECFMG certificate required for IMGs", {}),
    # Three Crosses Regional Hospital Internal Medicine (Las Cruces).
    ("1403400002", "visa"): PageFact(
        "sponsors J-1 (page also says applicants must be work-authorized; contradictory)",
        # "We will sponsor J-1 visa" is the specific statement; the work-authorisation line is
        # generic. H-1B is not mentioned.
        {"j1_accepted": "yes"},
    ),
    # "No minimum cut off score": no minimum, so min_step2_score stays empty.
    ("1403400002", "min_score"): PageFact("none", {}),
    ("1403400002", "attempts"): PageFact(
        "one attempt",
        # "One attempt permitted in USMLE or COMLEX exams": first attempt only, as a condition.
        {"max_attempts_per_step": 1, "max_attempts_per_step_strictness": STRICT},
    ),
    ("1403400002", "year_of_graduation"): PageFact(
        "preference <=5 years",
        {"max_years_since_graduation": 5, "max_years_since_graduation_strictness": PREFERRED},
    ),
    ("1403400002", "usce"): PageFact(
        "3 months preferred with LOR",
        {"min_usce_months": 3, "min_usce_months_strictness": PREFERRED},
    ),
    ("1403400002", "step3"): PageFact(
        "preferred", {"step3_required": "yes", "step3_strictness": PREFERRED}
    ),
    # University of Arizona Tucson Internal Medicine: "Applicants should have ..." conditions.
    ("1400321029", "usce"): PageFact(
        ">=2 months hands-on US experience (not observerships) within last 3 years",
        {"min_usce_months": 2, "min_usce_months_strictness": STRICT},
        year=2024,  # note: "2024-2025 interview season page"
    ),
    ("1400321029", "year_of_graduation"): PageFact(
        "<=5 years",
        {"max_years_since_graduation": 5, "max_years_since_graduation_strictness": STRICT},
    ),
    # Step 2 CK passed by the rank-list deadline is a timing rule (ECFMG certification already
    # requires it of IMGs), not a minimum score.
    ("1400321029", "step2"): PageFact("Step 2 CK passed before rank list", {}),
    # TMC Health / THMEP Internal Medicine (Tucson).
    ("1400300003", "visa"): PageFact(
        "J-1 (ECFMG)", {"j1_accepted": "yes"}, year=2025  # note: "page footer (c) 2025"
    ),
    ("1400300003", "positions"): PageFact("10 PGY-1 per year", {"pgy1_positions": 10}),
    # Midwestern University / Canyon Vista Family Medicine (Sierra Vista).
    ("1200300719", "positions"): PageFact("4 PGY-1 per year", {"pgy1_positions": 4}),
}


@dataclass(frozen=True)
class PageRow:
    acgme_id: str
    field: str
    city: str
    state: str
    value: str
    url: str
    note: str


def read_page_rows(raw: Path) -> list[PageRow]:
    return [
        PageRow(
            acgme_id=row["acgme_program_id"].strip(),
            field=row["field"].strip(),
            city=row["city"].strip(),
            state=row["state"].strip(),
            value=row["value_normalized"].strip(),
            url=row["source_url"].strip(),
            note=row["note"].strip(),
        )
        for row in _read_csv(raw / PAGES_FILE)
    ]


def check_page_facts(rows: Iterable[PageRow]) -> None:
    """Fail unless PAGE_FACTS covers every row of the file exactly, and nothing else."""
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for row in rows:
        key = (row.acgme_id, row.field)
        if key in seen:
            problems.append(f"{key}: the file has this row twice")
        seen.add(key)
        fact = PAGE_FACTS.get(key)
        if fact is None:
            problems.append(f"{key}: row not covered by PAGE_FACTS ({row.value!r})")
            continue
        if fact.value != row.value:
            problems.append(f"{key}: the row now says {row.value!r}, PAGE_FACTS {fact.value!r}")
        if fact.year is not None and str(fact.year) not in row.note:
            problems.append(f"{key}: year {fact.year} is not stated in the note {row.note!r}")
        if fact.year is None and fact.columns and re.search(r"\b(19|20)\d\d\b", row.note):
            problems.append(f"{key}: the note states a year ({row.note!r}); PAGE_FACTS has none")
        if fact.columns and not URL.fullmatch(row.url):
            problems.append(f"{key}: no usable URL {row.url!r}")
        for column in fact.columns:
            if column not in GROUP_OF:
                problems.append(f"{key}: {column!r} is not a catalog column")
    for key in sorted(set(PAGE_FACTS) - seen):
        problems.append(f"{key}: in PAGE_FACTS but not in the file")
    if problems:
        raise CatalogBuildError("program pages: " + "; ".join(problems))


def apply_page_facts(programs: Mapping[str, Program], rows: Iterable[PageRow]) -> None:
    # Applied last, over the aggregators: it is the program's own statement of its policy.
    for row in sorted(rows, key=lambda r: (r.acgme_id, r.field)):
        fact = PAGE_FACTS[(row.acgme_id, row.field)]
        program = programs.get(row.acgme_id)
        if program is None:
            raise CatalogBuildError(f"program page row for unknown program {row.acgme_id}")
        if (program.get("city"), program.get("state")) != (row.city, row.state):
            raise CatalogBuildError(f"program page row {row.acgme_id} is about another city")
        provenance = Provenance("program-website", fact.year, row.url)
        for key in dict.fromkeys(GROUP_OF[column] for column in fact.columns):
            values = {col: fact.columns.get(col) for col in FACT_GROUPS[key]}
            program.set(key, values, provenance)


# --- places ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    city: str
    state: str
    latitude: float
    longitude: float
    county_fips: str
    population: int


@dataclass(frozen=True)
class PlaceIndex:
    by_city: Mapping[tuple[str, str], Place]  # (place_key(city), state) -> most populous place
    by_zip: Mapping[str, tuple[Place, ...]]  # ZIP -> places that list it, most populous first


WORD_FORMS = {
    "st": "saint",
    "ste": "sainte",
    "ft": "fort",
    "mt": "mount",
    "hts": "heights",
    "twp": "township",
    "bch": "beach",
}


def place_key(city: str) -> str:
    """A city name reduced for matching: accents, case, punctuation, spaces and common
    abbreviations do not matter ("St. Louis" = "Saint Louis", "StonyBrook" = "Stony Brook").
    A part in brackets is dropped ("Oak Lawn (Chicago)" is Oak Lawn)."""
    text = unicodedata.normalize("NFKD", city).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"\([^)]*\)", " ", text)
    words = re.findall(r"[a-z0-9]+", text)
    return "".join(WORD_FORMS.get(word, word) for word in words)


# Place names that simplemaps lists under another name. Each is a checkable fact: the first are
# neighbourhoods inside a city simplemaps has, the last are spelling errors in the sources.
CITY_ALIASES: dict[tuple[str, str], str] = {
    ("New York City", "NY"): "New York",
    # Neighbourhoods of the borough of Queens, New York City (simplemaps row "Queens").
    ("Jamaica", "NY"): "Queens",
    ("Flushing", "NY"): "Queens",
    ("Far Rockaway", "NY"): "Queens",
    ("Long Island City", "NY"): "Queens",
    ("Elmhurst", "NY"): "Queens",
    ("Forest Hills", "NY"): "Queens",
    ("Glen Oaks", "NY"): "Queens",
    ("Queens Village", "NY"): "Queens",
    # Neighbourhoods of the City of Boston.
    ("Dorchester", "MA"): "Boston",
    ("Charlestown", "MA"): "Boston",
    ("Jamaica Plain", "MA"): "Boston",
    # Neighbourhoods of the City of Los Angeles.
    ("Harbor City", "CA"): "Los Angeles",
    ("Northridge", "CA"): "Los Angeles",
    ("Sylmar", "CA"): "Los Angeles",
    ("Woodland Hills", "CA"): "Los Angeles",
    # La Jolla is a community of the City of San Diego (not San Diego, TX).
    ("La Jolla", "CA"): "San Diego",
    # Kingwood was annexed by the City of Houston in 1996.
    ("Kingwood", "TX"): "Houston",
    # Fort Sam Houston (Joint Base San Antonio) lies inside the City of San Antonio.
    ("Fort Sam Houston", "TX"): "San Antonio",
    ("JBSA-Fort Sam Houston", "TX"): "San Antonio",
    ("JBSA Ft Sam Houston", "TX"): "San Antonio",
    # Río Piedras is a district of the municipality of San Juan.
    ("Rio Piedras", "PR"): "San Juan",
    # Misspellings in the sources.
    ("Jacksoville", "FL"): "Jacksonville",
    ("Ingelwood", "CA"): "Inglewood",
    ("Phenixville", "PA"): "Phoenixville",
    ("Harrsiburg", "PA"): "Harrisburg",
    ("San Bernarndino", "CA"): "San Bernardino",
    ("Phila", "PA"): "Philadelphia",
}


# Places that span several counties: simplemaps gives each one county code, which is wrong for
# most programs there. New York City is five counties (its boroughs) and simplemaps files it
# under Queens (36081), so a Manhattan program would be placed in Queens: the county stays unknown.
MULTI_COUNTY_PLACES: frozenset[tuple[str, str]] = frozenset({("New York", "NY")})


def read_places(raw: Path) -> PlaceIndex:
    entries = [
        (
            Place(
                city=row["city"],
                state=row["state_id"],
                latitude=float(row["lat"]),
                longitude=float(row["lng"]),
                county_fips=row["county_fips"].zfill(5),
                population=int(float(row["population"] or 0)),
            ),
            row["zips"].split(),
        )
        for row in _read_csv(raw / PLACES_FILE)
    ]
    # When several places share a name in a state, the most populous one is meant. The sort is
    # stable, so ties keep the file's order and the choice does not change between builds.
    entries.sort(key=lambda entry: -entry[0].population)
    by_city: dict[tuple[str, str], Place] = {}
    by_zip: dict[str, list[Place]] = {}
    for place, zips in entries:
        by_city.setdefault((place_key(place.city), place.state), place)
        for zip_code in zips:
            by_zip.setdefault(zip_code, []).append(place)
    return PlaceIndex(by_city=by_city, by_zip={z: tuple(p) for z, p in by_zip.items()})


def locate(places: PlaceIndex, city: str, state: str, zip_code: str) -> tuple[Place | None, str]:
    """The simplemaps place of a program, and how it was found ("city", "alias", "zip" or "").

    Always by city and state together, never by city alone: San Diego and Chula Vista exist in
    Texas too. "Sugar Land/Houston" tries each name. When the name fails, the program's ZIP code
    is looked up among the ZIPs simplemaps lists for places in the same state.
    """
    names = [city, *city.split("/")] if "/" in city else [city]
    for name in names:
        place = places.by_city.get((place_key(name), state))
        if place is not None:
            return place, "city"
    alias = CITY_ALIASES.get((city, state))
    if alias is not None:
        place = places.by_city.get((place_key(alias), state))
        if place is None:
            raise CatalogBuildError(f"alias {city}, {state} -> {alias}: not in simplemaps")
        return place, "alias"
    for place in places.by_zip.get(zip_code[:5], ()) if zip_code else ():
        if place.state == state:
            return place, "zip"
    return None, ""


@dataclass
class LocationReport:
    by_method: Counter[str] = field(default_factory=Counter)
    unmatched: Counter[tuple[str, str]] = field(default_factory=Counter)


def add_locations(programs: Mapping[str, Program], places: PlaceIndex) -> LocationReport:
    """Coordinates, county and border distance for every program whose place is found.

    A program whose place is not found keeps them unknown: no guess is written.
    """
    line = load_border_line()
    report = LocationReport()
    distances: dict[tuple[float, float], float] = {}
    for acgme_id in sorted(programs):
        program = programs[acgme_id]
        city, state = str(program.get("city")), str(program.get("state"))
        place, method = locate(places, city, state, str(program.get("zip_code") or ""))
        if place is None:
            report.unmatched[(city, state)] += 1
            continue
        report.by_method[method] += 1
        latitude, longitude = round(place.latitude, 4), round(place.longitude, 4)
        county = "" if (place.city, place.state) in MULTI_COUNTY_PLACES else place.county_fips
        program.set(
            "location",
            {"latitude": latitude, "longitude": longitude, "county_fips": county},
            SIMPLEMAPS,
        )
        point = (latitude, longitude)
        if point not in distances:
            distances[point] = round(distance_to_polyline_km(latitude, longitude, line), 1)
        program.set("border_distance_km", {"border_distance_km": distances[point]}, NATURAL_EARTH)
    return report


# --- merging -----------------------------------------------------------------------------------


def _identity(
    acgme_id: str, name: str, city: str, state: str, names: Mapping[str, str]
) -> dict[str, Value]:
    code = acgme_id[:3]
    if code not in names:
        raise CatalogBuildError(f"{acgme_id}: specialty {code} is not in the ERAS lists")
    return {
        "name": name,
        "specialty_code": code,
        "specialty_name": names[code],
        "city": city,
        "state": state,
    }


def add_eras(programs: dict[str, Program], eras: Mapping[str, ErasProgram],
             names: Mapping[str, str]) -> None:
    for acgme_id, row in sorted(eras.items()):
        program = programs.setdefault(acgme_id, Program(acgme_id))
        program.set("identity", _identity(acgme_id, row.name, row.city, row.state, names), ERAS)
        program.set("participates_in_eras",
                    {"participates_in_eras": "yes" if row.participating else "no"}, ERAS)
        program.set("website", {"website": row.website}, ERAS)


def add_aamc(programs: dict[str, Program], aamc: Mapping[str, AamcProgram],
             names: Mapping[str, str]) -> None:
    for acgme_id, row in sorted(aamc.items()):
        program = programs.get(acgme_id)
        if program is None:
            # In Residency Explorer but not in the ERAS lists: a real program all the same.
            program = programs[acgme_id] = Program(acgme_id)
            program.set("identity",
                        _identity(acgme_id, row.name, row.city, row.state, names), AAMC)
            # ERAS's own list is the better word on ERAS participation; without it, AAMC's.
            program.set("participates_in_eras",
                        {"participates_in_eras": row.participates_in_eras}, AAMC)
        program.set("zip_code", {"zip_code": row.zip_code}, AAMC)
        program.set("setting", {"setting": row.setting}, AAMC)
        program.set("pgy1_positions", {"pgy1_positions": row.pgy1_positions}, AAMC)
        program.set("j1_accepted", {"j1_accepted": row.j1_accepted}, AAMC)
        program.set("h1b_sponsored", {"h1b_sponsored": row.h1b_sponsored}, AAMC)
        program.set("img_share_pct", {"img_share_pct": row.img_share_pct}, AAMC)
        program.set("non_us_img_share_pct",
                    {"non_us_img_share_pct": row.non_us_img_share_pct}, AAMC)
        program.set("step_score_band", {"step_score_band": row.step_score_band}, AAMC)


def add_freida(programs: dict[str, Program], freida: Mapping[str, FreidaProgram],
               names: Mapping[str, str]) -> None:
    for acgme_id, row in sorted(freida.items()):
        # The year is the row's own update year: 2025 for all rows but one (2022), which is
        # still newer than the 2021 sources it replaces.
        source = Provenance("freida-2025", row.year, row.page_url)
        program = programs.get(acgme_id)
        if program is None:
            # Opened since 2021: only FREIDA has it.
            program = programs[acgme_id] = Program(acgme_id)
            program.set("identity",
                        _identity(acgme_id, row.name, row.city, row.state, names), source)
        program.set("setting", {"setting": row.setting}, source)
        program.set("pgy1_positions", {"pgy1_positions": row.pgy1_positions}, source)
        if row.visas is not None:
            # A listed visa is accepted; a visa missing from a non-empty list is not.
            program.set("j1_accepted",
                        {"j1_accepted": "yes" if FREIDA_J1 in row.visas else "no"}, source)
            program.set("h1b_sponsored",
                        {"h1b_sponsored": "yes" if FREIDA_H1B in row.visas else "no"}, source)
        program.set("img_share_pct", {"img_share_pct": row.img_share_pct}, source)
        program.set("participates_in_eras",
                    {"participates_in_eras": row.participates_in_eras}, source)
        program.set("website", {"website": row.website}, source)


def build_programs(raw: Path) -> tuple[dict[str, Program], LocationReport]:
    """Every program of the catalog with its facts, from the raw files under ``raw``."""
    if not raw.is_dir():
        raise CatalogBuildError(f"raw data folder not found: {raw}")
    page_rows = read_page_rows(raw)
    check_page_facts(page_rows)
    eras, names = read_eras(raw)
    programs: dict[str, Program] = {}
    add_eras(programs, eras, names)
    add_aamc(programs, read_aamc(raw), names)
    add_freida(programs, read_freida(raw), names)
    apply_page_facts(programs, page_rows)
    report = add_locations(programs, read_places(raw))
    return programs, report


# --- checking and writing ------------------------------------------------------------------------


def format_value(column: str, value: Value) -> str:
    if value is None:
        return ""
    if column in ("latitude", "longitude"):
        return f"{float(value):.4f}"
    if column == "border_distance_km":
        return f"{float(value):.1f}"
    if isinstance(value, float):  # shares: one decimal at most, "8" rather than "8.0"
        return f"{value:.1f}".removesuffix(".0")
    return str(value)


def catalog_rows(programs: Mapping[str, Program]) -> list[list[str]]:
    rows = []
    for acgme_id in sorted(programs):
        program = programs[acgme_id]
        row = [acgme_id, *(format_value(col, program.get(col)) for col in FACT_COLUMNS)]
        for key in FACT_GROUPS:
            source = program.provenance.get(key)
            if source is None:
                row += ["", "", ""]
            else:
                row += [source.source, "" if source.year is None else str(source.year), source.url]
        rows.append(row)
    return rows


def check_rows(rows: list[list[str]]) -> None:
    """Refuse a catalog with a value the app would reject, or anything like a contact."""
    problems: list[str] = []
    for column in COLUMNS:
        if re.search(r"email|phone|director|coordinator|contact|quote|note|feature", column):
            problems.append(f"column {column!r} looks like contact data or free text")
    index = {column: i for i, column in enumerate(COLUMNS)}
    for row in rows:
        acgme_id = row[0]
        if len(row) != len(COLUMNS):
            problems.append(f"{acgme_id}: {len(row)} cells for {len(COLUMNS)} columns")
            continue
        if not re.fullmatch(r"\d{10}", acgme_id) or row[index["specialty_code"]] != acgme_id[:3]:
            problems.append(f"{acgme_id}: bad id or specialty code")
        for column in ("name", "specialty_name", "city", "state"):
            if not row[index[column]]:
                problems.append(f"{acgme_id}: no {column}")
        if not re.fullmatch(r"[A-Z]{2}", row[index["state"]]):
            problems.append(f"{acgme_id}: state {row[index['state']]!r}")
        for column, allowed in CHOICES.items():
            if row[index[column]] not in ("", *allowed):
                problems.append(f"{acgme_id}: {column} {row[index[column]]!r}")
        for column in ("img_share_pct", "non_us_img_share_pct"):
            if row[index[column]] and not 0 <= float(row[index[column]]) <= 100:
                problems.append(f"{acgme_id}: {column} {row[index[column]]}")
        for column in ("website", *(c for c in COLUMNS if c.endswith("_url"))):
            if row[index[column]] and not URL.fullmatch(row[index[column]]):
                problems.append(f"{acgme_id}: {column} {row[index[column]]!r} is not a URL")
        for key in FACT_GROUPS:
            known = any(row[index[column]] for column in FACT_GROUPS[key])
            if known != bool(row[index[f"{key}_source"]]):
                problems.append(f"{acgme_id}: {key} known={known} but source does not agree")
        for column, cell in zip(COLUMNS, row, strict=True):
            if "\n" in cell or "\r" in cell:
                problems.append(f"{acgme_id}: line break in {column}")
            if EMAIL.search(cell) or PHONE.search(cell):
                problems.append(f"{acgme_id}: {column} looks like an email or phone: {cell!r}")
    if problems:
        raise CatalogBuildError(f"{len(problems)} problems: " + "; ".join(problems[:20]))


def render_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


@dataclass(frozen=True)
class BuildSummary:
    rows: int
    specialties: int
    with_coordinates: int
    located_by: Mapping[str, int]
    unmatched: Mapping[tuple[str, str], int]
    in_border_region: int
    known_j1: int
    known_img_share: int

    def lines(self) -> list[str]:
        unmatched = sum(self.unmatched.values())
        examples = ", ".join(
            f"{city}, {state} ({count})"
            for (city, state), count in sorted(self.unmatched.items(), key=lambda i: (-i[1], i[0]))
        )
        how = ", ".join(f"{method} {count}" for method, count in sorted(self.located_by.items()))
        return [
            f"{self.rows} programs in {self.specialties} specialties",
            f"with coordinates: {self.with_coordinates} ({how}); without: {unmatched}",
            f"not located: {examples}" if examples else "not located: none",
            f"in the {BORDER_REGION_KM} km border region: {self.in_border_region}",
            f"J-1 policy known: {self.known_j1}; IMG share known: {self.known_img_share}",
        ]


def summarise(programs: Mapping[str, Program], report: LocationReport) -> BuildSummary:
    values = list(programs.values())
    distances = [p.get("border_distance_km") for p in values]
    return BuildSummary(
        rows=len(values),
        specialties=len({p.get("specialty_code") for p in values}),
        with_coordinates=sum(p.get("latitude") is not None for p in values),
        located_by=dict(report.by_method),
        unmatched=dict(report.unmatched),
        in_border_region=sum(d is not None and float(d) <= BORDER_REGION_KM for d in distances),
        known_j1=sum(p.get("j1_accepted") in ("yes", "no") for p in values),
        known_img_share=sum(p.get("img_share_pct") is not None for p in values),
    )


def build_catalog(raw: Path = DEFAULT_RAW, out: Path = DEFAULT_OUT) -> BuildSummary:
    """Write the catalog CSV built from ``raw`` to ``out`` and say what it holds."""
    programs, report = build_programs(raw)
    rows = catalog_rows(programs)
    check_rows(rows)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.write_bytes(render_csv(rows))
    partial.replace(out)
    return summarise(programs, report)
