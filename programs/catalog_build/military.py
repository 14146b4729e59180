"""Armed-forces programs, marked from their sponsor.

Residents of Army, Navy and Air Force programs are commissioned officers, and an original
appointment as a regular commissioned officer may be given only to a US citizen (10 U.S.C.
532(a)(1)). The scoring makes these programs Not eligible for anyone who is not a US citizen.

The rule (docs/data-sources.md, "Armed-forces programs"): a program is marked when
- a source gives its setting as military (AAMC Residency Explorer 2021 "Military", FREIDA 2025
  "Military-based"), or
- its name names a service or one of the services' medical centers (``SERVICE_NAMES``).
Nothing else is guessed: a program that matches neither stays unmarked (unknown).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from programs.catalog_build.common import Program, Provenance

# Words that name a service or a service's medical center in the ERAS/AAMC/FREIDA names.
# "Army" covers Tripler, Madigan, Womack, Darnall, Martin, Eisenhower Army, William Beaumont;
# "Naval" covers the Naval Medical Centers and Hospitals; "Uniformed Services" is SAUSHEC;
# the National Capital Consortium is Walter Reed / Fort Belvoir; David Grant (Travis AFB) and
# Keesler (Keesler AFB) are Air Force medical centers whose names carry no service word.
SERVICE_NAMES = re.compile(
    r"\b(Army|Navy|Naval|Air Force|Uniformed Services|National Capital Consortium|"
    r"Military Medical Center|David Grant Medical Center|Keesler Medical Center)\b"
)
ARMED_FORCES = Provenance(
    "armed-forces-rule", None, "https://www.law.cornell.edu/uscode/text/10/532"
)


def is_armed_forces(program: Program) -> bool:
    name = str(program.get("name") or "")
    return program.get("setting") == "military" or bool(SERVICE_NAMES.search(name))


def mark_armed_forces(programs: Mapping[str, Program]) -> list[str]:
    """Mark every armed-forces program; returns their ids, sorted."""
    marked = []
    for acgme_id in sorted(programs):
        program = programs[acgme_id]
        if is_armed_forces(program):
            program.set("armed_forces", {"armed_forces": "yes"}, ARMED_FORCES)
            marked.append(acgme_id)
    return marked
