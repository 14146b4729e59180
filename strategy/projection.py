"""The map's projection: Albers equal-area conic for the contiguous United States (standard
parallels 29.5°N and 45.5°N, centred on 37.5°N 96°W, the US Geological Survey's usual choice),
in kilometres on a sphere of the Earth's mean radius. Near the border (32°N) the scale error is
under 2%, so a 100 km band can be drawn as 100 km on the map. Pure: no Django, no I/O."""

from __future__ import annotations

import math

EARTH_RADIUS_KM = 6371.0
_PHI1, _PHI2, _PHI0, _LAMBDA0 = (math.radians(v) for v in (29.5, 45.5, 37.5, -96.0))
_N = (math.sin(_PHI1) + math.sin(_PHI2)) / 2
_C = math.cos(_PHI1) ** 2 + 2 * _N * math.sin(_PHI1)
_RHO0 = EARTH_RADIUS_KM * math.sqrt(_C - 2 * _N * math.sin(_PHI0)) / _N


def project(longitude: float, latitude: float) -> tuple[float, float]:
    """(x, y) in km, y growing southwards (as in SVG)."""
    rho = EARTH_RADIUS_KM * math.sqrt(_C - 2 * _N * math.sin(math.radians(latitude))) / _N
    theta = _N * (math.radians(longitude) - _LAMBDA0)
    return rho * math.sin(theta), -(_RHO0 - rho * math.cos(theta))
