"""The list page's rows: rendering its two tables for the core applicant (ceiling_bench's
``core_profile``: about a hundred list rows and a page of candidates), with the rows written in
Python (tiering/templatetags/row_html.py) against the row templates of before
(tests/tiering/reference_rows), in the same run, alternately.

    .venv/bin/python benchmarks/row_render_bench.py [--repeat 7] [--advisor] [--profile]

Both tables are rendered with the contexts the list page gave them on a miss (caught with
Django's ``template_rendered`` signal, as the test client catches them), so only the rows'
rendering is timed: processor time (medians; the machine is shared) and cProfile's function
calls for one rendering of each. The two renderings must be the same HTML, else it stops.
Also the whole page on a miss (the page cache emptied), processor time. ``--advisor``: the page
as the applicant's advisor sees it; ``--profile``: where the rows' time goes.
Last line: "RESULT {json}".
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import time
from copy import copy

import _django

TABLES = ("tiering/_entries_table.html", "tiering/_candidates_table.html")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--advisor", action="store_true")
    parser.add_argument("--profile", action="store_true",
                        help="print where the Python rows spend their time")
    args = parser.parse_args()
    os.environ.setdefault("THROTTLE_CACHE_URL", "locmem://")
    _django.setup(name="rp_rows")

    from ceiling_bench import core_profile
    from django.conf import settings
    from django.core.cache import cache
    from django.template import Template
    from django.template.loader import get_template
    from django.test import Client, override_settings
    from django.test.signals import template_rendered
    from django.test.utils import (
        instrumented_test_render,
        setup_test_environment,
        teardown_test_environment,
    )
    from django.urls import reverse

    from applicants.models import AdvisorLink, User

    profile = core_profile()
    client = Client()
    if args.advisor:
        advisor = User.objects.create_user(email="advisor@example.org", password="x" * 20,
                                           role=User.Role.ADVISOR)
        AdvisorLink.objects.create(profile=profile, advisor=advisor)
        client.force_login(advisor)
    else:
        client.force_login(profile.user)
    url = reverse("tiering:list", kwargs={"pk": profile.pk})
    assert client.get(url).status_code == 200  # builds the list; warms the process

    # The tables' contexts on a miss.
    caught: list[tuple[str, object]] = []

    def catch(sender, template, context, **kwargs):
        if template.name in TABLES:
            caught.append((template.name, copy(context)))

    setup_test_environment()
    assert Template._render is instrumented_test_render
    template_rendered.connect(catch)
    cache.clear()
    page = client.get(url)
    template_rendered.disconnect(catch)
    teardown_test_environment()  # no signal per template from here: it would weigh on the before
    assert page.status_code == 200 and len(caught) >= 2, caught

    reference = override_settings(TEMPLATES=[{
        **settings.TEMPLATES[0],
        "DIRS": [_django.ROOT / "tests" / "tiering" / "reference_rows",
                 *settings.TEMPLATES[0]["DIRS"]]}])

    def render_tables() -> str:
        return "".join(get_template(name).template.render(copy(context))
                       for name, context in caught)

    def cpu_ms(render) -> float:
        start = time.process_time()
        render()
        return (time.process_time() - start) * 1000

    def page_miss() -> None:
        cache.clear()
        assert client.get(url).status_code == 200

    def calls(render) -> int:
        profiler = cProfile.Profile()
        profiler.runcall(render)
        return pstats.Stats(profiler).total_calls

    with reference:
        before_html = render_tables()
    after_html = render_tables()
    assert before_html == after_html, "the rows differ from the templates' rows"
    rows = after_html.count("<tr") - after_html.count("<thead")

    figures: dict[str, list[float]] = {"tables_before": [], "tables_after": [],
                                       "page_miss_before": [], "page_miss_after": []}
    for _ in range(args.repeat):
        with reference:
            render_tables()  # the templates compiled, as a warm process has them
            figures["tables_before"].append(cpu_ms(render_tables))
            page_miss()
            figures["page_miss_before"].append(cpu_ms(page_miss))
        render_tables()
        figures["tables_after"].append(cpu_ms(render_tables))
        page_miss()
        figures["page_miss_after"].append(cpu_ms(page_miss))
    with reference:
        calls_before = calls(render_tables)
    calls_after = calls(render_tables)
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(render_tables)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)

    result = {name: round(statistics.median(values), 1) for name, values in figures.items()}
    result.update(rows=rows, calls_before=calls_before, calls_after=calls_after,
                  viewer="advisor" if args.advisor else "applicant", repeat=args.repeat)
    print(f"{rows} table rows ({result['viewer']}), processor time, medians of {args.repeat}:")
    print(f"  both tables: {result['tables_before']} ms with the row templates, "
          f"{result['tables_after']} ms written in Python")
    print(f"  function calls: {calls_before:,} -> {calls_after:,}")
    print(f"  whole page on a miss: {result['page_miss_before']} ms -> "
          f"{result['page_miss_after']} ms")
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
