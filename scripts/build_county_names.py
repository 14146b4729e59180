"""Build tiering/data/county_names.json: the name of each county that holds a catalog program,
so community fit's reasons can say "in the program's county (Fresno, CA)" (docs/scoring.md 3.7a).

Reads the simplemaps US Cities Database (Basic; CC BY 4.0, the catalog's source of each city's
county) and the catalog's county FIPS codes. Run from the repository root:

    .venv/bin/python scripts/build_county_names.py PATH/geo-simplemaps-uscities/uscities.csv
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tiering" / "data" / "county_names.json"
CATALOG = ROOT / "fixtures" / "catalog.csv"


def main(cities: Path) -> None:
    with CATALOG.open(encoding="utf-8") as handle:
        wanted = {row["county_fips"] for row in csv.DictReader(handle) if row["county_fips"]}
    names: dict[str, str] = {}
    with cities.open(encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            fips = row["county_fips"].zfill(5)
            if fips in wanted and fips not in names:
                names[fips] = f"{row['county_name']}, {row['state_id']}"
    missing = sorted(wanted - set(names))
    OUT.write_text(json.dumps(dict(sorted(names.items())), ensure_ascii=False, indent=0) + "\n",
                   encoding="utf-8")
    print(f"{len(names)} county names written to {OUT}; {len(missing)} not found: {missing}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
