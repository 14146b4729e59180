"""The sources a catalog fact can cite, by id (``<key>_source`` in the catalog file).

Years are the ones the sources state; ``None`` where a source states none. URLs are the
publisher's public site; ``collected_from`` names the public repository the stored copy was taken
from (see docs/data-sources.md for commits and caveats).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    id: str
    name: str
    publisher: str
    year: int | None
    url: str
    license: str
    attribution: str
    collected_from: str = ""
    short_name: str = ""  # how a reason cites it next to the year: "AAMC Residency Explorer"


SOURCES: dict[str, Source] = {
    source.id: source
    for source in (
        Source(
            id="eras-2021",
            short_name="ERAS program list",
            name="ERAS participating programs list, 2021 cycle",
            publisher="Association of American Medical Colleges (AAMC)",
            year=2021,
            url="https://www.aamc.org",
            license=(
                "© AAMC. Program names, ids, locations, ERAS participation and web addresses are "
                "reproduced as facts, each with its source and year."
            ),
            attribution="ERAS program list, 2021 cycle, © AAMC",
            collected_from="https://github.com/homebase3/nycdsa_final_project",
        ),
        Source(
            id="aamc-re-2021",
            short_name="AAMC Residency Explorer",
            name="AAMC Residency Explorer, 2021 cycle",
            publisher="Association of American Medical Colleges (AAMC)",
            year=2021,
            url="https://www.aamc.org",
            license=(
                "© AAMC. Program setting, positions, visa answers, resident mix and score band are "
                "reproduced as facts, each with its source and year."
            ),
            attribution="AAMC Residency Explorer, 2021 cycle, © AAMC",
            collected_from="https://github.com/homebase3/nycdsa_final_project",
        ),
        Source(
            id="freida-2025",
            short_name="AMA FREIDA",
            name="AMA FREIDA, Internal Medicine programs, 2025",
            publisher="American Medical Association (AMA)",
            year=2025,
            url="https://freida.ama-assn.org",
            license=(
                "© AMA. Internal Medicine only. Setting, first-year positions, visas, IMG share, "
                "ERAS participation and web address are reproduced as facts, each with its source, "
                "year and the program's FREIDA page."
            ),
            attribution="AMA FREIDA, 2025, © AMA",
            collected_from="https://github.com/avinashsvinu/scapper",
        ),
        Source(
            id="program-website",
            short_name="the program's website",
            name="The program's own web page",
            publisher="The residency program",
            year=None,
            url="",
            license=(
                "© the program. Stated requirements are encoded as facts with the page's address; "
                "no text is copied. Page dates are often unknown: check the page before applying."
            ),
            attribution="",
        ),
        Source(
            id="simplemaps",
            short_name="simplemaps",
            name="US Cities Database (Basic)",
            publisher="simplemaps.com",
            year=None,
            url="https://simplemaps.com/data/us-cities",
            license="CC BY 4.0: attribution required.",
            attribution="Data: simplemaps.com (CC BY 4.0)",
            collected_from="https://github.com/mcedillo20/US-Cities-Data-for-Map",
        ),
        Source(
            id="natural-earth",
            short_name="Natural Earth",
            name="Natural Earth 1:10m admin-0 boundaries v5.1.2 (US-Mexico boundary)",
            publisher="Natural Earth",
            year=None,
            url="https://www.naturalearthdata.com",
            license=(
                "Public domain. Distances to the line are computed by Residency Planner from "
                "city coordinates."
            ),
            attribution="Made with Natural Earth.",
            collected_from="https://github.com/cublya/world-atlas",
        ),
        Source(
            id="acs-2019-2023",
            short_name="Census ACS",
            name="American Community Survey 5-year estimates 2019-2023, by county: language "
                 "spoken at home (table C16001)",
            publisher="U.S. Census Bureau",
            year=2023,
            url="https://data.census.gov",
            license=(
                "Public domain (US government work). The share is people aged 5 and over in the "
                "program's county who speak Spanish at home; the period is 2019-2023."
            ),
            attribution="U.S. Census Bureau, 2019-2023 American Community Survey 5-Year "
                        "Estimates",
            collected_from="https://github.com/BazilAkram/US-County-Data-Explorer",
        ),
        Source(
            id="hrsa-hpsa-pc-2020",
            short_name="HRSA",
            name="HRSA primary-care Health Professional Shortage Areas, 2020: designated "
                 "geographic HPSAs by county",
            publisher="Health Resources and Services Administration (HRSA)",
            year=2020,
            url="https://data.hrsa.gov/topics/health-workforce/shortage-areas",
            license=(
                "Public domain (US government work). Geographic and high-needs geographic HPSAs "
                "only, as cut by the Urban Institute; population and facility HPSAs are not "
                "included (docs/data-sources.md)."
            ),
            attribution="HRSA Health Professional Shortage Areas (2020), via the Urban "
                        "Institute",
            collected_from="https://github.com/UI-Research/mobility-from-poverty",
        ),
        Source(
            id="armed-forces-rule",
            short_name="armed-forces sponsor (10 U.S.C. 532)",
            name="Armed-forces program, marked from its sponsor",
            publisher="Residency Planner, from the program's setting and name",
            year=None,
            url="https://www.law.cornell.edu/uscode/text/10/532",
            license=(
                "Our rule: a military setting in AAMC 2021 or FREIDA 2025, or a name naming a "
                "service or its medical center (docs/data-sources.md). Residents are "
                "commissioned officers, which requires US citizenship (10 U.S.C. 532(a)(1))."
            ),
            attribution="",
        ),
        Source(
            id="verified",
            short_name="verified with the program",
            name="Verified with the program by Residency Planner staff or an advisor",
            publisher="Residency Planner",
            year=None,
            url="",
            license="Each verified fact carries its date, method, note or link, and who.",
            attribution="",
        ),
    )
}


def short_name(source_id: str) -> str:
    """The name a sentence cites, without the year (the year is cited next to it)."""
    source = SOURCES.get(source_id)
    return source.short_name if source is not None and source.short_name else source_id.strip()


def describe(source_id: str) -> str:
    """A short human label for a source id; an advisor's own source text is returned as given."""
    source = SOURCES.get(source_id)
    if source is None:
        return source_id.strip()
    if source.year is None:
        return source.name
    if str(source.year) in source.name:
        return source.name
    return f"{source.name} ({source.year})"
