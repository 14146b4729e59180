from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Count, Q

from programs.models import Program, TriState


def _share(part: int, whole: int) -> str:
    return f"{part} ({100 * part / whole:.1f}%)" if whole else "0"


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
