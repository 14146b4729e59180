"""Distances to the US-Mexico border line: what the border-region filter relies on."""

from __future__ import annotations

from pathlib import Path

import pytest

from programs.geo import (
    BORDER_LINE_FILE,
    distance_to_border_km,
    distance_to_polyline_km,
    haversine_km,
    load_border_line,
    point_to_segment_km,
)

RAW_LINE = (
    Path(__file__).resolve().parents[2].parent
    / "shared" / "data" / "raw" / "geo-natural-earth-cublya" / "us_mexico_border_ne10m_points.csv"
)

# simplemaps city centroids, and the distances SOURCES.md (section 12) gives for them.
CITIES = {
    "El Paso": ((31.8476, -106.4300), 10),
    "Laredo": ((27.5625, -99.4874), 2),
    "McAllen": ((26.2252, -98.2467), 12),
    "Harlingen": ((26.1916, -97.6977), 17),
    "Yuma": ((32.5995, -114.5491), 19),
    "El Centro": ((32.7865, -115.5595), 15),
    "San Diego": ((32.8313, -117.1222), 33),
    "Las Cruces": ((32.3265, -106.7893), 61),
    "Tucson": ((32.1541, -110.8787), 91),
    "Phoenix": ((33.5722, -112.0892), 199),
    "San Antonio": ((29.4632, -98.5238), 204),
}


def test_one_degree_of_latitude_is_about_111_km() -> None:
    assert haversine_km(30.0, -100.0, 31.0, -100.0) == pytest.approx(111.2, abs=0.1)
    assert haversine_km(31.0, -100.0, 30.0, -100.0) == haversine_km(30.0, -100.0, 31.0, -100.0)
    assert haversine_km(30.0, -100.0, 30.0, -100.0) == 0


def test_the_shipped_border_runs_from_the_pacific_to_the_rio_grande_mouth() -> None:
    line = load_border_line()

    assert len(line) == 966
    assert line[0] == pytest.approx((32.531, -117.125), abs=0.001)
    assert line[-1] == pytest.approx((25.966, -97.138), abs=0.001)


@pytest.mark.skipif(not RAW_LINE.exists(), reason="../shared/data/raw is not beside the repo")
def test_the_shipped_border_is_the_natural_earth_line_unchanged() -> None:
    assert BORDER_LINE_FILE.read_bytes() == RAW_LINE.read_bytes()


@pytest.mark.parametrize("city", sorted(CITIES))
def test_known_cities_are_as_far_from_the_border_as_published(city: str) -> None:
    (lat, lon), published_km = CITIES[city]

    assert distance_to_border_km(lat, lon) == pytest.approx(published_km, abs=3)


def test_tucson_is_inside_and_phoenix_outside_the_100_km_region() -> None:
    assert distance_to_border_km(*CITIES["Tucson"][0]) <= 100
    assert distance_to_border_km(*CITIES["Phoenix"][0]) > 100


def test_a_point_between_two_far_vertices_is_measured_to_the_segment_not_the_vertices() -> None:
    line = [(30.0, -110.0), (30.0, -100.0)]  # about 960 km apart
    lat, lon = 30.1, -105.0

    nearest_vertex = min(haversine_km(lat, lon, *vertex) for vertex in line)
    to_segment = distance_to_polyline_km(lat, lon, line)

    assert nearest_vertex > 400
    assert to_segment < 20


def test_past_the_end_of_a_segment_the_distance_is_to_its_end() -> None:
    start, end = (30.0, -110.0), (30.0, -109.0)

    assert point_to_segment_km(30.0, -108.0, start, end) == pytest.approx(
        haversine_km(30.0, -108.0, *end)
    )


def test_the_fast_distance_agrees_with_segment_by_segment() -> None:
    line = load_border_line()
    for lat, lon in [(31.8476, -106.43), (26.0, -97.3), (40.0, -75.0), (32.6, -117.0)]:
        segments = zip(line[:-1], line[1:], strict=True)
        slow = min(point_to_segment_km(lat, lon, a, b) for a, b in segments)
        assert distance_to_polyline_km(lat, lon, line) == pytest.approx(slow, abs=1e-6)


def test_a_point_on_the_line_is_zero_km_away() -> None:
    line = load_border_line()

    assert distance_to_polyline_km(*line[400], line) == pytest.approx(0, abs=1e-6)


def test_a_border_file_is_read_in_seq_order(tmp_path: Path) -> None:
    path = tmp_path / "line.csv"
    path.write_text("seq,longitude,latitude\n1,-100.0,30.0\n0,-101.0,31.0\n", encoding="utf-8")

    assert load_border_line(path) == [(31.0, -101.0), (30.0, -100.0)]
