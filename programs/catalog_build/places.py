"""Where each program is: simplemaps coordinates and county, matched on city and state."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from programs.catalog_build.common import (
    NATURAL_EARTH,
    PLACES_FILE,
    SIMPLEMAPS,
    CatalogBuildError,
    Program,
    _read_csv,
)
from programs.geo import distance_to_polyline_km, load_border_line

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
