"""Laying the sources on one another, checking the rows and writing the catalog."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from programs.catalog_build.common import (
    AAMC,
    BORDER_REGION_KM,
    CHOICES,
    COLUMNS,
    DEFAULT_OUT,
    DEFAULT_RAW,
    EMAIL,
    ERAS,
    FACT_COLUMNS,
    FACT_GROUPS,
    OTHER_VALUES,
    PHONE,
    URL,
    CatalogBuildError,
    Program,
    Provenance,
    Value,
)
from programs.catalog_build.community import (
    CommunityReport,
    add_community_facts,
    missing_community_dirs,
    read_primary_care_hpsa,
    read_spanish_shares,
)
from programs.catalog_build.military import mark_armed_forces
from programs.catalog_build.pages import apply_page_facts, check_page_facts, read_page_rows
from programs.catalog_build.places import LocationReport, add_locations, read_places
from programs.catalog_build.sources import (
    FREIDA_H1B,
    FREIDA_J1,
    AamcProgram,
    ErasProgram,
    FreidaProgram,
    read_aamc,
    read_eras,
    read_freida,
)

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


def build_programs(raw: Path) -> tuple[dict[str, Program], LocationReport, CommunityReport]:
    """Every program of the catalog with its facts, from the raw files under ``raw``."""
    if not raw.is_dir():
        raise CatalogBuildError(f"raw data folder not found: {raw}")
    missing = missing_community_dirs(raw)
    if missing:
        # A raw folder collected before the county sources were added: refuse rather than
        # write a catalog without them.
        raise CatalogBuildError(f"{raw} lacks the county sources {', '.join(missing)} "
                                "(see its SOURCES.md, sections 13 and 14)")
    page_rows = read_page_rows(raw)
    check_page_facts(page_rows)
    eras, names = read_eras(raw)
    programs: dict[str, Program] = {}
    add_eras(programs, eras, names)
    add_aamc(programs, read_aamc(raw), names)
    add_freida(programs, read_freida(raw), names)
    apply_page_facts(programs, page_rows)
    mark_armed_forces(programs)
    report = add_locations(programs, read_places(raw))
    community = add_community_facts(programs, read_spanish_shares(raw), read_primary_care_hpsa(raw))
    return programs, report, community


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
        row.append(render_other_values(program))
        rows.append(row)
    return rows


def render_other_values(program: Program) -> str:
    """The other values of a program's facts as compact JSON (sorted), or "" when none."""
    if not program.others:
        return ""
    items = sorted(
        (
            {
                "key": other.key,
                "kind": other.kind,
                "source": other.source.source,
                "url": other.source.url,
                "value": format_value(other.key, other.value),
                "year": other.source.year,
            }
            for other in program.others
        ),
        key=lambda item: json.dumps(item, sort_keys=True),
    )
    return json.dumps(items, sort_keys=True, separators=(",", ":"))


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
        problems += _impossible_combinations(acgme_id, row, index)
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


def _impossible_combinations(acgme_id: str, row: list[str], index: dict[str, int]) -> list[str]:
    """Invariants: figures that cannot both be true in one judgement stop the build."""
    problems = []
    cell = {column: row[i] for column, i in index.items()}
    total, non_us = cell["img_share_pct"], cell["non_us_img_share_pct"]
    # Of one year, non-US-citizen IMGs are part of all IMGs. Shares of different years are
    # shown each with its year and never combined (docs/scoring.md 3.2).
    if (
        total and non_us and float(non_us) > float(total)
        and cell["img_share_pct_year"] == cell["non_us_img_share_pct_year"]
    ):
        problems.append(f"{acgme_id}: non-US IMG share {non_us} above the IMG share {total}")
    # An armed-forces program takes only commissioned officers (US citizens): a stated visa
    # or a stated "not citizens only" contradicts the mark.
    if cell["armed_forces"] == "yes" and "yes" in (cell["j1_accepted"], cell["h1b_sponsored"]):
        problems.append(f"{acgme_id}: armed-forces program stated to take visas")
    if cell[OTHER_VALUES]:
        for other in json.loads(cell[OTHER_VALUES]):
            if other["kind"] not in ("conflict", "replaced") or other["key"] not in FACT_GROUPS:
                problems.append(f"{acgme_id}: other value {other!r}")
    return problems


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
    community: CommunityReport

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
            f"county Spanish-at-home share known: {self.community.spanish_known}; unknown: "
            + _reasons(self.community.spanish_unknown),
            f"county primary-care HPSA known: {self.community.hpsa_known} "
            f"(yes {self.community.hpsa_yes}); unknown: " + _reasons(self.community.hpsa_unknown),
            f"county mental-health HPSA known: 0; unknown: {self.rows} (no source found)",
        ]


def _reasons(counts: Mapping[str, int]) -> str:
    if not counts:
        return "0"
    return f"{sum(counts.values())} (" + ", ".join(
        f"{reason} {n}" for reason, n in sorted(counts.items())) + ")"


def summarise(programs: Mapping[str, Program], report: LocationReport,
              community: CommunityReport) -> BuildSummary:
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
        community=community,
    )


def build_catalog(raw: Path = DEFAULT_RAW, out: Path = DEFAULT_OUT) -> BuildSummary:
    """Write the catalog CSV built from ``raw`` to ``out`` and say what it holds."""
    programs, report, community = build_programs(raw)
    rows = catalog_rows(programs)
    check_rows(rows)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.write_bytes(render_csv(rows))
    partial.replace(out)
    return summarise(programs, report, community)
