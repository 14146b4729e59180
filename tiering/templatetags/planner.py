from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from programs.page_cache import page_part, page_store
from tiering.models import Tier
from tiering.page_cache import PAGE_CACHE_SECONDS

register = template.Library()

TIER_STYLE = {
    Tier.TIER_1: ("text-bg-success", "tier-1"),
    Tier.TIER_2: ("text-bg-primary", "tier-2"),
    Tier.TIER_3: ("text-bg-warning", "tier-3"),
    Tier.NOT_ELIGIBLE: ("text-bg-secondary", "tier-0"),
}


@register.filter
def said(text: object) -> str:
    """What the scoring or the advice said, in the reader's language."""
    from tiering.explain import translated

    return translated(text)


@register.filter
def signed(points: float) -> str:
    """+12 / -4 / 0, as the reasons show their contribution."""
    value = round(points)
    return f"+{value}" if value > 0 else str(value)


@register.filter
def tier_label(tier: int) -> str:
    return Tier(tier).label


@register.filter
def tier_row_class(tier: int) -> str:
    return TIER_STYLE[Tier(tier)][1]


@register.inclusion_tag("includes/tier_badge.html")
def tier_badge(tier: int) -> dict:
    """Colour and text together: the tier is never told by colour alone."""
    return {"label": Tier(tier).label, "css": TIER_STYLE[Tier(tier)][0]}


@register.filter
def get_item(mapping: dict, key: str):
    return mapping.get(key, key)


@register.simple_tag
def specialty_tier_count(summary, code: str, tier: int) -> int:
    return summary.count(code, tier)


@register.filter
def tier_description(tier: int) -> str:
    """"Tier 1: realistic, high priority": the stored tier with what it means."""
    from tiering.scored import SCORING_TIER

    return gettext(SCORING_TIER[Tier(tier)].label)


class CachedPageNode(template.Node):
    def __init__(self, nodelist: template.NodeList, key: template.base.FilterExpression):
        self.nodelist, self.key = nodelist, key

    def render(self, context: template.Context) -> str:
        page = self.key.resolve(context)  # a tiering.page_cache.PageCache, or nothing
        if not page:
            return self.nodelist.render(context)
        if page.html is None:
            html = str(self.nodelist.render(context))
            page_store(page.key, html, PAGE_CACHE_SECONDS)
            return mark_safe(html)
        return mark_safe(page_part(page.html, context.get("request")))


@register.tag
def cached_page(parser: template.base.Parser, token: template.base.Token) -> CachedPageNode:
    """{% cached_page page %}...{% endcached_page %}: the HTML kept under ``page.key``
    (tiering.page_cache.cached_page for the list page, strategy.page_cache.cached_page for the
    strategy and SOAP pages: each says what goes into its key); no key, no cache."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("cached_page takes one argument: the key")
    nodelist = parser.parse(("endcached_page",))
    parser.delete_first_token()
    return CachedPageNode(nodelist, parser.compile_filter(bits[1]))


@register.filter
def img_figures(program) -> list[dict]:
    """The IMG shares a row shows: first the one the scoring judges the program by (the
    reasons cite it), then the other one, labelled; each with its year or verified date."""
    from programs import current
    from tiering.scoring import img_figure

    shares = {"a": ("img_share_pct", "all"), "n": ("non_us_img_share_pct", "non_us")}
    first = img_figure(
        img_share_pct=program.img_share_pct,
        non_us_img_share_pct=program.non_us_img_share_pct,
        year_all=current.fact(program, "img_share_pct").year,
        year_non_us=current.fact(program, "non_us_img_share_pct").year,
    )
    out = []
    for kind in (first, *(k for k in "an" if k != first)):
        if kind not in shares:
            continue
        key, label = shares[kind]
        value = getattr(program, key)
        if value is not None:
            # Rounded as the reasons round it (scoring.context._fmt_pct): 64.5 shows as 64
            # in both, where Django's floatformat would show 65 beside a reason citing 64.
            out.append({"share": f"{value:.0f}", "kind": label,
                        "when": current.fact(program, key).when})
    return out
