"""How often a program's visa answer changed between AAMC Residency Explorer 2021 and AMA FREIDA
2025 (Internal Medicine, the only specialty both cover). The scoring cites this rate when it
shows a 2021 answer (docs/scoring.md, "Stale answers"); ``manage.py catalog_stats
--visa-changes`` prints it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from programs.catalog_build.sources import FREIDA_J1, read_aamc, read_freida


@dataclass(frozen=True)
class VisaChanges:
    both_answer: int  # IM programs with a J-1 answer in AAMC 2021 and a visa list in FREIDA 2025
    changed: int  # of those, programs whose J-1 answer differs
    no_2021: int  # of those, programs answering "no" in 2021
    no_to_yes: int  # of those, programs answering "yes" in 2025

    def lines(self) -> list[str]:
        return [
            f"IM programs answering J-1 in both AAMC 2021 and FREIDA 2025: {self.both_answer}",
            f"  answer changed: {self.changed} ({self.changed / self.both_answer:.1%})",
            f"  'no' in 2021: {self.no_2021}; of them 'yes' in 2025: {self.no_to_yes} "
            f"({self.no_to_yes / self.no_2021:.1%})",
        ]


def visa_changes(raw: Path) -> VisaChanges:
    aamc = read_aamc(raw)
    freida = read_freida(raw)
    both = changed = no_2021 = no_to_yes = 0
    for acgme_id, row in freida.items():
        old = aamc.get(acgme_id)
        # FREIDA's empty list is "not stated", not "no": only stated answers are compared.
        if old is None or old.j1_accepted not in ("yes", "no") or row.visas is None:
            continue
        new = "yes" if FREIDA_J1 in row.visas else "no"
        both += 1
        changed += new != old.j1_accepted
        if old.j1_accepted == "no":
            no_2021 += 1
            no_to_yes += new == "yes"
    return VisaChanges(both, changed, no_2021, no_to_yes)
