"""Great-circle distances, and the distance from a point to the US-Mexico border line.

Points are ``(latitude, longitude)`` in decimal degrees throughout. The border line shipped in
``programs/data/us_mexico_border_ne10m.csv`` is the boundary arc shared by the United States and
Mexico in Natural Earth 1:10m admin-0 v5.1.2 (public domain), 966 points ordered west to east.
The 1:10m generalisation puts a few km of error on the line, so distances are good to about that.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

# Mean Earth radius (IUGG); the spherical model is well within the line's own few-km error.
EARTH_RADIUS_KM = 6371.0088
BORDER_LINE_FILE = Path(__file__).resolve().parent / "data" / "us_mexico_border_ne10m.csv"

Point = tuple[float, float]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlam = math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _unit_vector(lat: float, lon: float) -> tuple[float, float, float]:
    phi, lam = math.radians(lat), math.radians(lon)
    return (math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi))


def _cross(a: Sequence[float], b: Sequence[float]) -> tuple[float, float, float]:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def _dot(a: Sequence[float], b: Sequence[float]) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def point_to_segment_km(lat: float, lon: float, start: Point, end: Point) -> float:
    """Shortest great-circle distance from a point to the great-circle arc start-end.

    When the point's foot on the arc's great circle falls between the two ends, the answer is
    the cross-track distance; otherwise it is the distance to the nearer end.
    """
    p = _unit_vector(lat, lon)
    a = _unit_vector(*start)
    b = _unit_vector(*end)
    normal = _cross(a, b)
    length = math.sqrt(_dot(normal, normal))
    to_ends = min(haversine_km(lat, lon, *start), haversine_km(lat, lon, *end))
    if length < 1e-15:  # start and end coincide: the arc is a point
        return to_ends
    normal = (normal[0] / length, normal[1] / length, normal[2] / length)
    sin_cross = _dot(p, normal)
    foot = tuple(p[i] - sin_cross * normal[i] for i in range(3))
    between = _dot(_cross(a, foot), normal) >= 0 and _dot(_cross(foot, b), normal) >= 0
    if not between:
        return to_ends
    return EARTH_RADIUS_KM * math.asin(min(1.0, abs(sin_cross)))


@lru_cache(maxsize=8)
def _segments(line: tuple[Point, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Unit vectors of each segment's ends, its unit normal, and whether it has a length."""
    points = np.radians(np.asarray(line, dtype=float))
    lat, lon = points[:, 0], points[:, 1]
    vectors = np.column_stack((np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)))
    starts, ends = vectors[:-1], vectors[1:]
    normals = np.cross(starts, ends)
    lengths = np.linalg.norm(normals, axis=1)
    has_length = lengths > 1e-15
    normals[has_length] /= lengths[has_length, None]
    return starts, ends, normals, has_length


def _chord_to_km(chord: np.ndarray) -> np.ndarray:
    # The chord between two unit vectors gives the central angle without acos's loss near 0.
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.clip(chord / 2, 0.0, 1.0))


def distance_to_polyline_km(lat: float, lon: float, line: Sequence[Point]) -> float:
    """Shortest great-circle distance from a point to a polyline of (latitude, longitude) points.

    Same result as the minimum of ``point_to_segment_km`` over the segments, computed for all
    segments at once.
    """
    if len(line) == 0:
        raise ValueError("the line has no points")
    if len(line) == 1:
        return haversine_km(lat, lon, *line[0])
    starts, ends, normals, has_length = _segments(tuple((float(a), float(b)) for a, b in line))
    p = np.asarray(_unit_vector(lat, lon))
    to_start = _chord_to_km(np.linalg.norm(starts - p, axis=1))
    to_end = _chord_to_km(np.linalg.norm(ends - p, axis=1))
    sin_cross = normals @ p
    feet = p - sin_cross[:, None] * normals
    between = (
        has_length
        & (np.einsum("ij,ij->i", np.cross(starts, feet), normals) >= 0)
        & (np.einsum("ij,ij->i", np.cross(feet, ends), normals) >= 0)
    )
    cross_track = EARTH_RADIUS_KM * np.arcsin(np.clip(np.abs(sin_cross), 0.0, 1.0))
    distances = np.where(between, cross_track, np.minimum(to_start, to_end))
    return float(distances.min())


def load_border_line(path: Path | None = None) -> list[Point]:
    """The US-Mexico border as (latitude, longitude) points, west to east.

    With no argument, reads the copy shipped with the project. The file has the columns
    ``seq, longitude, latitude``; rows are put in ``seq`` order.
    """
    return list(_load_border_line(path or BORDER_LINE_FILE))


@lru_cache(maxsize=4)
def _load_border_line(path: Path) -> tuple[Point, ...]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = [
            (int(row["seq"]), float(row["latitude"]), float(row["longitude"]))
            for row in csv.DictReader(handle)
        ]
    rows.sort()
    if [seq for seq, _, _ in rows] != list(range(len(rows))):
        raise ValueError(f"{path}: seq is not 0..{len(rows) - 1} without gaps")
    return tuple((lat, lon) for _, lat, lon in rows)


def distance_to_border_km(lat: float, lon: float) -> float:
    """Distance from a point to the US-Mexico border line shipped with the project."""
    return distance_to_polyline_km(lat, lon, _load_border_line(BORDER_LINE_FILE))
