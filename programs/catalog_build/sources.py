"""Readers of the bulk sources: ERAS 2021, AAMC Residency Explorer 2021, AMA FREIDA 2025 (IM)."""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from programs.catalog_build.common import (
    AAMC_FILE,
    ERAS_DIR,
    FREIDA_FILE,
    CatalogBuildError,
    _number,
    _read_csv,
    _whole,
    clean_city,
    clean_name,
    clean_website,
    clean_zip,
)

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
