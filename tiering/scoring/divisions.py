"""US Census divisions: the regions ERAS's geographic preferences are chosen from.

ERAS lets an applicant name up to 3 of the 9 US Census divisions (AAMC, MyERAS application
"Geographic information", 2024 onwards; F3.9). The divisions and their states are the Census
Bureau's ("Census Regions and Divisions of the United States",
https://www2.census.gov/geo/pdfs/maps-data/maps/reference/us_regdiv.pdf). The four border
states fall in three of them: TX in West South Central, NM and AZ in Mountain, CA in Pacific
(F3.10).
"""

from __future__ import annotations

from collections.abc import Mapping

NEW_ENGLAND = "new_england"
MIDDLE_ATLANTIC = "middle_atlantic"
EAST_NORTH_CENTRAL = "east_north_central"
WEST_NORTH_CENTRAL = "west_north_central"
SOUTH_ATLANTIC = "south_atlantic"
EAST_SOUTH_CENTRAL = "east_south_central"
WEST_SOUTH_CENTRAL = "west_south_central"
MOUNTAIN = "mountain"
PACIFIC = "pacific"

# In the Census Bureau's order.
DIVISION_NAMES: Mapping[str, str] = {
    NEW_ENGLAND: "New England",
    MIDDLE_ATLANTIC: "Middle Atlantic",
    EAST_NORTH_CENTRAL: "East North Central",
    WEST_NORTH_CENTRAL: "West North Central",
    SOUTH_ATLANTIC: "South Atlantic",
    EAST_SOUTH_CENTRAL: "East South Central",
    WEST_SOUTH_CENTRAL: "West South Central",
    MOUNTAIN: "Mountain",
    PACIFIC: "Pacific",
}
DIVISIONS: tuple[str, ...] = tuple(DIVISION_NAMES)

_STATES: Mapping[str, str] = {
    NEW_ENGLAND: "CT ME MA NH RI VT",
    MIDDLE_ATLANTIC: "NJ NY PA",
    EAST_NORTH_CENTRAL: "IL IN MI OH WI",
    WEST_NORTH_CENTRAL: "IA KS MN MO NE ND SD",
    SOUTH_ATLANTIC: "DE DC FL GA MD NC SC VA WV",
    EAST_SOUTH_CENTRAL: "AL KY MS TN",
    WEST_SOUTH_CENTRAL: "AR LA OK TX",
    MOUNTAIN: "AZ CO ID MT NV NM UT WY",
    PACIFIC: "AK CA HI OR WA",
}
# Two-letter state (and DC) -> division. Territories (PR, GU, VI) are in no division.
STATE_DIVISION: Mapping[str, str] = {
    state: division for division, states in _STATES.items() for state in states.split()
}
# The US-Mexico border region spans these three (F3.10).
BORDER_DIVISIONS: tuple[str, ...] = (WEST_SOUTH_CENTRAL, MOUNTAIN, PACIFIC)
MAX_CHOSEN_DIVISIONS = 3  # ERAS geographic preferences: up to 3 divisions (F3.9)


def division_of(state: str) -> str:
    """The Census division of a two-letter state; "" outside the 50 states and DC."""
    return STATE_DIVISION.get(state.upper(), "")
