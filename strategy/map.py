"""The map of the list, drawn on the server as SVG (template ``strategy/_map_svg.html``): the
contiguous states, the divisions the applicant names in ERAS, the US side of the 100 km border
band, and each program of the list as a point with its tier's colour, shape and number, ringed
by how many people in its county speak Spanish at home (Census ACS 2019-2023; the bands are
those of the scoring's community fit, tiering/scoring/community.py).

The geometry is ``strategy/data/us_map.json`` (built by scripts/build_us_map.py from US Census
Bureau boundaries and Natural Earth's border line; both public domain). No tiles, no scripts:
the page works without JavaScript and the table beside the map says the same in words.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from strategy.projection import project
from tiering.models import ListEntry, Tier
from tiering.scoring import BORDER_REGION_KM, SPANISH_SHARE_FULL, SPANISH_SHARE_NATIONAL
from tiering.scoring.divisions import DIVISION_NAMES, division_of

GEOMETRY = Path(__file__).resolve().parent / "data" / "us_map.json"
# The whole country, and a close-up of the border states where most border programs sit.
VIEWS = {
    "us": (-2400.0, -1620.0, 4700.0, 3020.0),
    "border": (-2100.0, 60.0, 2150.0, 1320.0),
}
TIER_STYLE = {  # colour (white text is readable on each), shape
    Tier.TIER_1: ("#146c2e", "circle"),
    Tier.TIER_2: ("#0a4fa8", "square"),
    Tier.TIER_3: ("#8a4b00", "triangle"),
}
DRAWN_TIERS = tuple(TIER_STYLE)
DEFINES = "us"  # the view drawn first on the page, which holds the states' shapes
# The ring around a program by its county's Spanish-at-home share: a thick ring at the share
# that gives full community credit or more, a thin one above the national share, a dotted grey
# one when the share is unknown (never drawn as "no"), none at or below the national share.
HIGH, SOME, UNKNOWN_SHARE, LOW = "high", "some", "unknown", ""
SPANISH_BANDS = (HIGH, SOME, UNKNOWN_SHARE)


def spanish_band(share: float | None) -> str:
    if share is None:
        return UNKNOWN_SHARE
    if share >= SPANISH_SHARE_FULL:
        return HIGH
    return SOME if share > SPANISH_SHARE_NATIONAL else LOW


@cache
def geometry() -> dict:
    return json.loads(GEOMETRY.read_text())


@dataclass(frozen=True)
class MapPoint:
    x: int
    y: int
    tier: int
    colour: str
    shape: str
    title: str
    spanish: str = LOW  # the county's Spanish-at-home band (spanish_band)


@dataclass(frozen=True)
class MapState:
    code: str
    path: str
    chosen: bool


def points_of(entries: Iterable[ListEntry]) -> tuple[list[MapPoint], list[ListEntry]]:
    """(the points drawn, the entries not drawn: outside the contiguous states or without
    coordinates on file)."""
    shapes = geometry()["states"]
    drawn, left_out = [], []
    for entry in entries:
        program = entry.program
        if entry.tier not in TIER_STYLE or program.latitude is None \
                or program.longitude is None or program.state not in shapes:
            left_out.append(entry)
            continue
        px, py = project(program.longitude, program.latitude)
        colour, shape = TIER_STYLE[Tier(entry.tier)]
        share = program.county_spanish_share
        spoken = "" if share is None else gettext(
            "; %(pct)s%% speak Spanish at home in the county (Census ACS %(period)s)") % {
            "pct": f"{share:.0f}", "period": program.county_spanish_share_period}
        drawn.append(MapPoint(x=round(px), y=round(py), tier=entry.tier, colour=colour,
                              shape=shape, title=gettext(
                                  "%(name)s, %(city)s, %(state)s: Tier %(tier)s") % {
                                  "name": program.name, "city": program.city,
                                  "state": program.state, "tier": entry.tier} + spoken,
                              spanish=spanish_band(share)))
    # Tier 3 first, so the realistic programs are drawn on top.
    drawn.sort(key=lambda p: -p.tier)
    return drawn, left_out


# The map's markup is written here, not by the template: a template node per state and per
# marker (about 1,400 numbers, each localised) cost most of the page's time. Numbers are
# plain ints, so no locale's separators can reach the SVG.
@cache
def _state_defs(view: str) -> SafeString:
    """Each state's shape and the clip of the country, drawn once in the page: the first view
    defines them, the other one uses them (an SVG in a page can use another's shapes)."""
    if view != DEFINES:
        return mark_safe("")
    codes = sorted(geometry()["states"].items())
    paths = "".join(f'<path id="map-{view}-{code}" d="{path}"/>' for code, path in codes)
    uses = "".join(f'<use href="#map-{view}-{code}"/>' for code, _path in codes)
    return mark_safe(f'<defs>{paths}<clipPath id="map-{view}-us">{uses}</clipPath></defs>')


def _states_svg(states: list[MapState]) -> SafeString:
    return mark_safe("".join(
        f'<use href="#map-{DEFINES}-{s.code}" fill="{"#f6d9a8" if s.chosen else "#eef0f2"}">'
        f"<title>{s.code}</title></use>" for s in states))


def _marker_svg(m: dict, stroke: int, ring_thick: int, ring_thin: int, dots: str) -> str:
    p = m["point"]
    at = f'cx="{p.x}" cy="{p.y}"'
    ring = {
        HIGH: f'<circle class="ring-high" {at} r="{m["ring"]}" fill="none" stroke="#6f42c1" '
              f'stroke-width="{ring_thick}"/>',
        SOME: f'<circle class="ring-some" {at} r="{m["ring"]}" fill="none" stroke="#6f42c1" '
              f'stroke-width="{ring_thin}"/>',
        UNKNOWN_SHARE: f'<circle class="ring-unknown" {at} r="{m["ring"]}" fill="none" '
                       f'stroke="#495057" stroke-width="{ring_thin}" stroke-dasharray="{dots}"/>',
    }.get(p.spanish, "")
    paint = f'fill="{p.colour}" stroke="#fff" stroke-width="{stroke}"'
    if p.shape == "circle":
        shape = f'<circle {at} r="{m["r"]}" {paint}/>'
    elif p.shape == "square":
        shape = (f'<rect x="{m["left"]}" y="{m["top"]}" width="{m["side"]}" '
                 f'height="{m["side"]}" {paint}/>')
    else:
        shape = f'<polygon points="{m["poly"]}" {paint}/>'
    return (f"<g><title>{escape(p.title)}</title>{ring}{shape}"
            f'<text x="{p.x}" y="{m["label_y"]}" fill="#fff">{p.tier}</text></g>')


def map_context(points: list[MapPoint], chosen: Iterable[str], *, view: str = "us") -> dict:
    """What the SVG template draws for one view."""
    chosen = set(chosen)
    data = geometry()
    x, y, width, height = VIEWS[view]
    size = width / 75  # a marker's half-size: about 2.6 px at 390 px wide for the country
    inside = [p for p in points if x <= p.x <= x + width and y <= p.y <= y + height]
    markers = []
    r = round(size)
    for p in inside:
        marker = {"point": p, "r": r, "left": p.x - r, "top": p.y - r, "side": 2 * r,
                  "label_y": p.y + round(size * 0.45), "ring": round(1.75 * r)}
        if p.shape == "triangle":
            marker["poly"] = (f"{p.x},{p.y - round(1.25 * r)} {p.x + round(1.2 * r)},"
                              f"{p.y + round(0.85 * r)} {p.x - round(1.2 * r)},"
                              f"{p.y + round(0.85 * r)}")
            marker["label_y"] = p.y + round(size * 0.6)
        markers.append(marker)
    spanish = {band: sum(1 for p in inside if p.spanish == band) for band in SPANISH_BANDS}
    states = [MapState(code=code, path=path, chosen=division_of(code) in chosen)
              for code, path in sorted(data["states"].items())]
    stroke = max(1, round(width / 900))
    ring_thick, ring_thin = max(1, round(size * 0.55)), max(1, round(size * 0.22))
    dots = f"{max(1, round(size * 0.3))} {max(1, round(size * 0.3))}"
    return {
        "view": view,
        # Numbers reach the template as ints or text: a localised float ("1,5") breaks SVG.
        "viewbox": f"{x:g} {y:g} {width:g} {height:g}",
        "states": states,
        "defs": _state_defs(view),
        "states_svg": _states_svg(states),
        "clip": f"map-{DEFINES}-us",
        "markers_svg": mark_safe("".join(_marker_svg(m, stroke, ring_thick, ring_thin, dots)
                                         for m in markers)),
        "border": data["border"],
        "band_width": round(2 * BORDER_REGION_KM),  # the stroke spans 100 km either side
        "markers": markers,
        "font": round(size * 1.25),
        "stroke": stroke,
        "dash": f"{round(size)} {round(size / 2)}",
        "chosen_names": [DIVISION_NAMES[d] for d in DIVISION_NAMES if d in chosen],
        "counts": {tier: sum(1 for p in inside if p.tier == tier) for tier in DRAWN_TIERS},
        # Said here, not in the SVG template: makemessages reads .html, .txt and .py only.
        "spanish_desc": gettext(
            "Rings: %(high)s in a county where %(full)s%% or more speak Spanish at home, "
            "%(some)s where more than the national %(national)s%% do, %(unknown)s where the "
            "share is unknown (Census ACS 2019-2023).") % {
            "high": spanish[HIGH], "some": spanish[SOME], "unknown": spanish[UNKNOWN_SHARE],
            "full": f"{SPANISH_SHARE_FULL:g}", "national": f"{SPANISH_SHARE_NATIONAL:g}"},
        "ring_thick": ring_thick,
        "ring_thin": ring_thin,
        "ring_dots": dots,
    }
