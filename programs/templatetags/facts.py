"""A program's facts in the order an applicant decides by: visa, IMG presence, the border and
the stated requirements first; identifiers and coordinates folded under "Details"."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django import template
from django.utils import timezone, translation
from django.utils.safestring import SafeString

from programs.community import COMMUNITY_KEYS
from programs.facts import (
    INTERNAL_MEDICINE,
    STALE_AFTER_SEASONS,
    VISA_CHANGE_NOTE,
    VISA_CHANGE_NOTE_OTHER,
    Fact,
    program_facts,
)
from programs.page_cache import part_rendered
from programs.versions import catalog_version

register = template.Library()

# A program's facts table is the same for every page and viewer that shows it until the
# catalog changes (its version), the day (a fact's age), the language or the release: it is
# kept in the shared cache under those, so a page that shows it renders it once for everyone.
FACTS_TABLE_SECONDS = 24 * 3600


@register.simple_tag
def facts_table(program) -> SafeString:
    """programs/_facts_table.html for this program, from the cache when it has it."""
    parts = (program.pk, catalog_version(), timezone.localdate().isoformat(),
             translation.get_language())
    return part_rendered("facts-table", parts, "programs/_facts_table.html",
                         lambda: {"facts": program_facts(program)}, FACTS_TABLE_SECONDS)

# What decides whether to apply, in that order; the rest (where it is, its identifiers) is
# under "Details".
DECISION_KEYS = (
    "j1_accepted", "h1b_sponsored", "citizens_only", "armed_forces",
    "non_us_img_share_pct", "img_share_pct", "border_distance_km",
    "min_step2_score", "max_years_since_graduation", "max_attempts_per_step",
    "min_usce_months", "usce_within_years", "steps_within_years", "step3_required",
    "participates_in_eras", "medical_spanish", "setting", "pgy1_positions", "step_score_band",
    "county_spanish_share", "hpsa_primary_care", "hpsa_mental_health", "website",
)


@dataclass(frozen=True)
class FactGroups:
    first: list[Fact]
    details: list[Fact]
    stale_years: int  # seasons from which a fact counts as old; 0 when no fact is
    oldest: int | None  # the oldest stale fact's year
    # An old J-1 answer: say how often they changed. The figure was measured on J-1 answers of
    # Internal Medicine only, so it is quoted for a J-1 fact alone, and labelled outside IM.
    j1_stale_in: str | None  # the specialty code of the program with the old J-1 answer

    @property
    def visa_stale(self) -> bool:
        return self.j1_stale_in is not None

    @property
    def visa_change_note(self) -> str:
        return str(VISA_CHANGE_NOTE if self.j1_stale_in == INTERNAL_MEDICINE
                   else VISA_CHANGE_NOTE_OTHER)


@register.filter
def to_verify(fact: Fact) -> bool:
    """An old fact of the program's own, to confirm with it; a county's figure is not the
    program's to confirm (its age shows in the year's title)."""
    return fact.stale and fact.key not in COMMUNITY_KEYS


@register.simple_tag
def fact_groups(facts: Sequence[Fact]) -> FactGroups:
    order = {key: n for n, key in enumerate(DECISION_KEYS)}
    first = sorted((f for f in facts if f.key in order), key=lambda f: order[f.key])
    details = [f for f in facts if f.key not in order]
    stale = [f for f in facts if to_verify(f)]
    return FactGroups(
        first=first, details=details,
        stale_years=STALE_AFTER_SEASONS if stale else 0,
        oldest=min((f.year for f in stale if f.year), default=None),
        j1_stale_in=next((f.specialty_code for f in stale if f.key == "j1_accepted"), None),
    )
