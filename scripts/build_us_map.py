"""Build strategy/data/us_map.json, the small geometry the strategy page's map is drawn from.

Reads the us-atlas county topology (US Census Bureau cartographic boundaries, public domain)
and the US-Mexico boundary shipped in programs/data (Natural Earth, public domain); writes the
contiguous states' outlines, simplified to about 8 km and projected (strategy.projection), as
SVG path data in whole kilometres, and the border line. Run from the repository root:

    .venv/bin/python scripts/build_us_map.py PATH/geo-us-atlas-counties/counties-10m.json
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from strategy.projection import project  # noqa: E402

OUT = ROOT / "strategy" / "data" / "us_map.json"
BORDER = ROOT / "programs" / "data" / "us_mexico_border_ne10m.csv"
TOLERANCE_KM = 8.0
BORDER_TOLERANCE_KM = 2.0
# Not drawn: Alaska, Hawaii and the territories (listed in the page's table instead).
LEFT_OUT = {"02", "15", "60", "66", "69", "72", "78"}
FIPS_STATE = {
    "01": "AL", "04": "AZ", "05": "AR", "06": "CA", "08": "CO", "09": "CT", "10": "DE",
    "11": "DC", "12": "FL", "13": "GA", "16": "ID", "17": "IL", "18": "IN", "19": "IA",
    "20": "KS", "21": "KY", "22": "LA", "23": "ME", "24": "MD", "25": "MA", "26": "MI",
    "27": "MN", "28": "MS", "29": "MO", "30": "MT", "31": "NE", "32": "NV", "33": "NH",
    "34": "NJ", "35": "NM", "36": "NY", "37": "NC", "38": "ND", "39": "OH", "40": "OK",
    "41": "OR", "42": "PA", "44": "RI", "45": "SC", "46": "SD", "47": "TN", "48": "TX",
    "49": "UT", "50": "VT", "51": "VA", "53": "WA", "54": "WV", "55": "WI", "56": "WY",
}


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker, iterative; keeps both ends (shared arcs stay joined)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = (dx * dx + dy * dy) ** 0.5
        worst, index = 0.0, -1
        for i in range(first + 1, last):
            x, y = points[i]
            if length:
                distance = abs(dy * x - dx * y + x2 * y1 - y2 * x1) / length
            else:
                distance = ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
            if distance > worst:
                worst, index = distance, i
        if worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def path_of(rings: list[list[tuple[float, float]]]) -> str:
    parts = []
    for ring in rings:
        coords = [(round(x), round(y)) for x, y in ring]
        deduped = [c for i, c in enumerate(coords) if i == 0 or c != coords[i - 1]]
        if len(deduped) < 3:
            continue
        parts.append("M" + "L".join(f"{x} {y}" for x, y in deduped) + "Z")
    return "".join(parts)


def main(topology_path: str) -> None:
    topology = json.loads(Path(topology_path).read_text())
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append(project(x * sx + tx, y * sy + ty))
        arcs.append(simplify(points, TOLERANCE_KM))

    def ring(indexes: list[int]) -> list[tuple[float, float]]:
        out: list[tuple[float, float]] = []
        for i in indexes:
            points = arcs[i] if i >= 0 else arcs[~i][::-1]
            out += points[1:] if out else points
        return out

    states = {}
    for geometry in topology["objects"]["states"]["geometries"]:
        if geometry["id"] in LEFT_OUT:
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        states[FIPS_STATE[geometry["id"]]] = path_of([ring(r) for p in polygons for r in p])

    with BORDER.open() as f:
        line = [project(float(row["longitude"]), float(row["latitude"]))
                for row in csv.DictReader(f)]
    border = simplify(line, BORDER_TOLERANCE_KM)
    border_path = "M" + "L".join(f"{round(x)} {round(y)}" for x, y in border)

    xs = [float(v) for d in states.values() for v in d.replace("M", " ").replace("L", " ")
          .replace("Z", " ").split()[0::2]]
    ys = [float(v) for d in states.values() for v in d.replace("M", " ").replace("L", " ")
          .replace("Z", " ").split()[1::2]]
    data = {
        "about": "Contiguous US states and the US-Mexico border, projected (strategy."
                 "projection, km) and simplified to about 8 km. US Census Bureau cartographic "
                 "boundaries via us-atlas (public domain); border: Natural Earth 1:10m (public "
                 "domain). Built by scripts/build_us_map.py.",
        "bounds": [min(xs), min(ys), max(xs), max(ys)],
        "states": states,
        "border": border_path,
    }
    OUT.write_text(json.dumps(data, separators=(",", ":"), sort_keys=True) + "\n")
    print(f"{OUT}: {OUT.stat().st_size / 1024:.0f} KB, {len(states)} states, "
          f"{len(border)} border points")


if __name__ == "__main__":
    main(sys.argv[1])
