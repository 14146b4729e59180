"""Build the shipped program catalog (fixtures/catalog.csv) from the raw sources.

The method, the sources and their caveats are described in docs/data-sources.md; the output
format in docs/catalog-format.md. In short, facts are laid on in this order, a later source
replacing an earlier one for a fact it knows:

1. ERAS 2021 program lists: the backbone (one row per ACGME id), ERAS participation, website.
2. AAMC Residency Explorer 2021: ZIP, setting, PGY-1 positions, visas, resident mix, score band;
   programs it has that ERAS lacks are added.
3. AMA FREIDA 2025 (Internal Medicine only): newer setting, positions, visas, IMG share,
   participation, website; programs opened since 2021 are added.
4. The border programs' own web pages: requirements (``pages.PAGE_FACTS``, checked row by row).
5. City coordinates and county from simplemaps; distance to the border from Natural Earth.

Everything is read from local files (no network), and the output is byte-for-byte reproducible.
Only names, places, ids, numbers and choice values are written: no free text and no contacts.

One module per step: ``common`` (columns, the program record, clean-up), ``sources`` (ERAS,
AAMC, FREIDA), ``pages``, ``places`` and ``build`` (merging, checking, writing).
"""

from programs.catalog_build.build import (
    BuildSummary,
    build_catalog,
    build_programs,
    catalog_rows,
    check_rows,
    render_csv,
)
from programs.catalog_build.common import (
    COLUMNS,
    DEFAULT_OUT,
    DEFAULT_RAW,
    FACT_GROUPS,
    CatalogBuildError,
    clean_name,
    clean_website,
)
from programs.catalog_build.pages import PAGE_FACTS, PageRow, check_page_facts
from programs.catalog_build.places import Place, PlaceIndex, locate, place_key
from programs.catalog_build.sources import aamc_pgy1_positions, parse_freida_visas

__all__ = [
    "COLUMNS", "DEFAULT_OUT", "DEFAULT_RAW", "FACT_GROUPS", "PAGE_FACTS", "BuildSummary",
    "CatalogBuildError", "PageRow", "Place", "PlaceIndex", "aamc_pgy1_positions",
    "build_catalog", "build_programs", "catalog_rows", "check_page_facts", "check_rows",
    "clean_name", "clean_website", "locate", "parse_freida_visas", "place_key", "render_csv",
]
