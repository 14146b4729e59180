"""No wasted application: a program whose latest IMG share is under 5% is never put on the list
by the rule, whatever its tier (docs/scoring.md section 10, "Building the list", rule 3). It stays
a candidate, with the reason, and only a pin or an addition by hand puts it on the list."""

from __future__ import annotations

from tiering.scoring.context import _cite, _fmt_pct
from tiering.scoring.img_share import _img_figure
from tiering.scoring.inputs import ProgramFacts
from tiering.scoring.text import Text, gettext_noop

# Judgement (issue 23): a reach is a program that takes IMGs but expects more. Under 5% is far
# below even university programs' 22-30% of PGY-1 posts (Reddy et al., JGIM 2021; F7.5), about
# one IMG in twenty residents.
FEW_IMGS_BELOW_PCT = 5.0


def latest_img_share(program: ProgramFacts) -> tuple[float, str] | None:
    """The IMG share that decides the program's IMG-friendliness (docs/scoring.md 3.2: the
    newer year's figure; of one year, the one giving more credit) and its fact key; None when
    no share is known."""
    kind = _img_figure(program)
    if kind == "n":
        return program.non_us_img_share_pct or 0.0, "non_us_img_share_pct"
    if kind == "a":
        return program.img_share_pct or 0.0, "img_share_pct"
    return None


def has_few_imgs(program: ProgramFacts) -> bool:
    """Whether the rule keeps the program off the list for its few IMGs (``few_imgs_note``
    says why), without wording it: the selection asks it of every program in scope."""
    latest = latest_img_share(program)
    return latest is not None and latest[0] < FEW_IMGS_BELOW_PCT


def few_imgs_note(program: ProgramFacts) -> Text | None:
    """Why the program is kept off the list, or None when it takes enough IMGs (or the share
    is unknown: unknown is not a reason to leave a program out)."""
    latest = latest_img_share(program)
    if latest is None or latest[0] >= FEW_IMGS_BELOW_PCT:
        return None
    share, key = latest
    figure = (gettext_noop("non-US IMGs are %(share)s of residents here%(cite)s",
                           share=_fmt_pct(share), cite=_cite(program, key))
              if key == "non_us_img_share_pct" else
              gettext_noop("IMGs are %(share)s of residents here%(cite)s",
                           share=_fmt_pct(share), cite=_cite(program, key)))
    return gettext_noop(
        "Not put on the list: %(figure)s, under %(floor)s%%; an application is most likely "
        "wasted. Add it by hand if it takes IMGs now", figure=figure,
        floor=f"{FEW_IMGS_BELOW_PCT:g}")
