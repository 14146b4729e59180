from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Count, Q

from programs.models import Program, TriState


def _share(part: int, whole: int) -> str:
    return f"{part} ({100 * part / whole:.1f}%)" if whole else "0"


def _uncovered() -> str:
    """Specialties where no program has a visa answer or an IMG share (e.g. Urology)."""
    rows = (
        Program.objects.values("specialty__name")
        .annotate(
            n=Count("pk"),
            known=Count("pk", filter=~Q(j1_accepted=TriState.UNKNOWN)
                        | ~Q(h1b_sponsored=TriState.UNKNOWN) | Q(img_share_pct__isnull=False)),
        )
        .filter(known=0)
        .order_by("-n", "specialty__name")
    )
    names = [f"{row['specialty__name']} ({row['n']})" for row in rows]
    return f"{len(names)}: " + ", ".join(names) if names else "0"


class Command(BaseCommand):
    help = "Print the catalog's counts: programs, specialties, border region, known facts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--by-specialty",
            action="store_true",
            help="Also print the number of programs per specialty.",
        )

    def handle(self, *args, by_specialty: bool, **options) -> None:
        totals = Program.objects.aggregate(
            programs=Count("pk"),
            specialties=Count("specialty", distinct=True),
            located=Count("pk", filter=Q(border_distance_km__isnull=False)),
            border=Count("pk", filter=Q(in_border_region=True)),
            j1_known=Count("pk", filter=~Q(j1_accepted=TriState.UNKNOWN)),
            h1b_known=Count("pk", filter=~Q(h1b_sponsored=TriState.UNKNOWN)),
            visa_known=Count(
                "pk", filter=~Q(j1_accepted=TriState.UNKNOWN) & ~Q(h1b_sponsored=TriState.UNKNOWN)
            ),
            img_known=Count("pk", filter=Q(img_share_pct__isnull=False)),
            non_us_img_known=Count("pk", filter=Q(non_us_img_share_pct__isnull=False)),
            county_known=Count("pk", filter=~Q(county_fips="")),
            spanish_known=Count("pk", filter=Q(county_spanish_share__isnull=False)),
            spanish_25=Count("pk", filter=Q(county_spanish_share__gte=25)),
            spanish_50=Count("pk", filter=Q(county_spanish_share__gte=50)),
            hpsa_pc_known=Count("pk", filter=~Q(hpsa_primary_care=TriState.UNKNOWN)),
            hpsa_pc_yes=Count("pk", filter=Q(hpsa_primary_care=TriState.YES)),
            hpsa_mh_known=Count("pk", filter=~Q(hpsa_mental_health=TriState.UNKNOWN)),
            spanish_25_outside_border=Count(
                "pk", filter=Q(county_spanish_share__gte=25) & ~Q(in_border_region=True)),
        )
        n = totals["programs"]
        lines = [
            ("Programs", str(n)),
            ("Specialties", str(totals["specialties"])),
            ("Located (distance to the border known)", _share(totals["located"], n)),
            ("In the border region (<= 100 km)", str(totals["border"])),
            ("J-1 policy known", _share(totals["j1_known"], n)),
            ("H-1B policy known", _share(totals["h1b_known"], n)),
            ("Both visa policies known", _share(totals["visa_known"], n)),
            ("IMG share known", _share(totals["img_known"], n)),
            ("Non-US-citizen IMG share known", _share(totals["non_us_img_known"], n)),
            ("County known", _share(totals["county_known"], n)),
            ("County Spanish-at-home share known", _share(totals["spanish_known"], n)),
            ("  at least 25% speak Spanish at home", str(totals["spanish_25"])),
            ("  ... of them outside the border region", str(totals["spanish_25_outside_border"])),
            ("  at least 50% speak Spanish at home", str(totals["spanish_50"])),
            ("County primary-care HPSA known", _share(totals["hpsa_pc_known"], n)),
            ("  county has a geographic primary-care HPSA", str(totals["hpsa_pc_yes"])),
            ("County mental-health HPSA known", _share(totals["hpsa_mh_known"], n)),
            ("Specialties no source covers (visa, IMG share)", _uncovered()),
        ]
        width = max(len(label) for label, _ in lines)
        for label, value in lines:
            self.stdout.write(f"{label:<{width}}  {value}")
        if by_specialty:
            self.stdout.write("")
            rows = (
                Program.objects.values("specialty__code", "specialty__name")
                .annotate(n=Count("pk"))
                .order_by("-n", "specialty__name")
            )
            for row in rows:
                self.stdout.write(
                    f"{row['n']:>5}  {row['specialty__code']}  {row['specialty__name']}"
                )
