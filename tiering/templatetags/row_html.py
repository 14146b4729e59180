"""The rows of the list page's two tables, written in Python.

Each row used to be a dozen small templates (the fact columns, the border badge, yes/no/unknown,
the score's parts, the tracking cell, the advisor's row, the "Change" and "Why" links): about a
millisecond of rendering per row, most of the list page's first view. Here a row is a few
f-strings over labels translated once per table. The HTML is byte for byte what those templates
made: tests/tiering/test_list_rows_html.py renders the tables of before (kept beside it) with
the templates they include, which other pages still use (tiering/_fact_columns.html,
_row_why.html, _score_parts.html, _entry_change_link.html, includes/border_badge.html,
includes/tristate.html, includes/tier_badge.html, tracker/_row_tracking.html,
advising/_row_advisor.html), and compares. A change to one of those templates fails that test
until the rows here say the same.

Every value is written as ``{{ value }}`` writes it (``_v``: localized, then escaped); every label
as ``{% translate %}`` writes it (not escaped: the catalogue is ours); every sentence with values
as ``{% blocktranslate %}`` writes it (the values escaped, the sentence not).
"""

from __future__ import annotations

import html

from django import template
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat, truncatechars
from django.template.defaulttags import CsrfTokenNode
from django.urls import get_script_prefix, get_urlconf
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext, gettext_noop

from advising.templatetags.advising import entry_notes
from programs import current
from tiering.templatetags.planner import TIER_STYLE, img_figures, tier_label, tier_row_class
from tiering.templatetags.rows import _PLAIN, _address_parts, own_notices, row_url, top_reason
from tracker.templatetags.tracker import status_label

register = template.Library()

# Labels with an apostrophe, which an f-string of this Python cannot quote inside.
ADVISORS_NOTE = gettext_noop("Advisor's note")
CHANGED_SINCE = gettext_noop("(changed since the advisor's decision)")
# The rows' labels, translated once per table (marked here so that the catalogue keeps them).
LABELS = (
    gettext_noop("Where"), gettext_noop("Score"), gettext_noop("Why"),
    gettext_noop("Application"), gettext_noop("Tier and score"), gettext_noop("Visa"),
    gettext_noop("IMG residents"), gettext_noop("Pinned"), gettext_noop("Added by hand"),
    gettext_noop("Advisor:"), gettext_noop("computed"), gettext_noop("Change"),
    gettext_noop("Yes"), gettext_noop("No"), gettext_noop("unknown"), gettext_noop("Border"),
    gettext_noop("Within 100 km of the US-Mexico border"),
    gettext_noop("distance to the border unknown"), gettext_noop("Removed"),
    gettext_noop("Verify:"), gettext_noop("On the list:"), gettext_noop("Signal"),
    gettext_noop("Edit"), gettext_noop("Excluded by the advisor"), gettext_noop("Reason"),
    gettext_noop("Add to the list"),
    ADVISORS_NOTE, CHANGED_SINCE,
)
# The rows' sentences with values, marked here for the catalogue: the calls below sit inside
# f-strings, which makemessages does not read.
SENTENCES = (
    gettext_noop("%(km)s km from the border"),
    gettext_noop("%(share)s%% all IMGs (%(when)s)"),
    gettext_noop("%(share)s%% non-US (%(when)s)"),
    gettext_noop("Status of %(program)s"),
    gettext_noop("Applied %(date)s"),
    gettext_noop("Interview %(date)s"),
    gettext_noop("the tracking of %(program)s"),
    gettext_noop("%(number)s more"),
    gettext_noop("%(name)s on the list"),
    gettext_noop("%(level)s confidence"),
    gettext_noop("of %(most)s"),
    gettext_noop("and %(n)s more"),
    gettext_noop("Why add %(name)s"),
)


def _v(value: object) -> str:
    """``{{ value }}``: localized (numbers, dates) and escaped unless already safe."""
    kind = type(value)
    if kind is str:  # django.utils.html.escape's text, without its wrapper for lazy texts
        return html.escape(value)
    if kind is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)  # what localize() makes of an id or a count without grouping
    return conditional_escape(localize(value))


class _Table:
    """What every row of one table shares: the page's context and the labels, translated once."""

    def __init__(self, context: template.Context) -> None:
        self.profile_pk = context["profile"].pk
        self.can_edit = context.get("can_edit")
        self.is_owner = context.get("is_owner")
        self.shared = context.get("shared") or ()
        self.context = context
        self.sentences: dict[str, str] = {}
        self.addresses: dict[str, tuple[str, ...]] = {}
        self.label = {text: gettext(text) for text in LABELS}

    def said(self, msgid: str, **values: object) -> str:
        """``{% blocktranslate with name=value %}``: the sentence translated (once per table),
        its values escaped."""
        sentence = self.sentences.get(msgid)
        if sentence is None:
            sentence = self.sentences[msgid] = gettext(msgid)
        return sentence % {name: _v(value) for name, value in values.items()}

    def url(self, view: str, *args: object) -> str:
        """``{% row_url view profile.pk ... %}``, the view's address cut once per table."""
        parts = self.addresses.get(view)
        if parts is None:
            parts = self.addresses[view] = _address_parts(
                view, len(args) + 1, get_script_prefix(), get_urlconf()) or ()
        values = [str(self.profile_pk), *map(str, args)]
        if not parts or not all(_PLAIN.match(value) for value in values):
            return row_url(view, self.profile_pk, *args)
        out = [parts[0]]
        for value, part in zip(values, parts[1:], strict=True):
            out += (value, part)
        return "".join(out)


def _tristate(value: str, label: dict[str, str]) -> str:
    """includes/tristate.html."""
    if value == "yes":
        return label["Yes"] + "\n"
    if value == "no":
        return label["No"] + "\n"
    return f'<span class="fact-unknown">{label["unknown"]}</span>\n'


def _as_of(program, key: str) -> str:
    """programs/templatetags/current_facts.as_of, with its note's " (...)"."""
    fact = current.fact(program, key)
    note = fact.when if fact.known and (fact.verified or fact.stale) else ""
    return f" ({_v(note)})" if note else ""


def _program_cells(program, t: _Table) -> str:
    """The "Where" cell with its border badge, then tiering/_fact_columns.html (visa, IMGs)."""
    label = t.label
    if program.in_border_region:
        km = floatformat(program.border_distance_km, "0")
        border = (f'<span class="badge badge-border" title="'
                  f'{label["Within 100 km of the US-Mexico border"]}">{label["Border"]} · '
                  f'{_v(km)} km</span>')
    elif program.border_distance_km is not None:
        km = intcomma(floatformat(program.border_distance_km, "0"))
        far = t.said("%(km)s km from the border", km=km)
        border = f'<span class="small">{far}</span>'
    else:
        border = f'<span class="fact-unknown">{label["distance to the border unknown"]}</span>'
    figures = []
    for i, figure in enumerate(img_figures(program)):
        msgid = ("%(share)s%% all IMGs (%(when)s)" if figure["kind"] == "all"
                 else "%(share)s%% non-US (%(when)s)")
        later = ' class="text-body-secondary"' if i else ""
        figures.append(f'<div{later}>'
                       f'{t.said(msgid, share=figure["share"], when=figure["when"])}</div>')
    imgs = "".join(figures) or f'<span class="fact-unknown">{label["unknown"]}</span>'
    return (
        f'<td data-label="{label["Where"]}">{_v(program.city)}, {_v(program.state)}'
        f'<div>{border}\n</div></td>\n'
        f'      <td class="small" data-label="{label["Visa"]}">J-1: '
        f'{_tristate(program.j1_accepted, label)}{_as_of(program, "j1_accepted")}<br>H-1B: '
        f'{_tristate(program.h1b_sponsored, label)}{_as_of(program, "h1b_sponsored")}</td>\n'
        f'      <td class="small" data-label="{label["IMG residents"]}">{imgs}</td>\n'
    )


def _why(entry, exp: dict, t: _Table) -> str:
    """tiering/_row_why.html: the top reason, the tier cap, the row's own notice."""
    label = t.label
    out = ["\n"]
    if entry.excluded:
        out.append(f'<div><span class="badge text-bg-secondary">{label["Removed"]}</span> '
                   f'{_v(entry.excluded_reason)}</div>')
    out.append("\n")
    if exp.get("eligible"):
        out.append("\n  ")
        for note in (exp.get("tier_notes") or ())[:1]:
            out.append(f'<div class="one-line tier-note fw-semibold" title="{_v(note)}">'
                       f'{_v(note)}</div>')
        out.append("\n  ")
        top = top_reason(exp)
        if top:
            out.append(f'<div class="one-line" title="{_v(top)}">{_v(top)}</div>')
        out.append("\n  ")
        for item in own_notices(entry, t.shared)[:1]:
            out.append(f'<div class="one-line text-warning-emphasis" title="{_v(item)}">'
                       f'{label["Verify:"]} {_v(item)}</div>')
        out.append("\n")
    else:
        out.append("\n  ")
        for reason in (exp.get("hard_reasons") or ())[:1]:
            out.append(f'<div class="one-line" title="{_v(reason)}">{_v(reason)}</div>')
        out.append("\n")
    out.append("\n")
    chosen = getattr(entry, "why_chosen", "")
    if chosen:
        out.append(f'<div class="one-line text-body-secondary" title="{_v(chosen)}">'
                   f'{label["On the list:"]} {_v(chosen)}</div>')
    out.append("\n")
    return "".join(out)


def _tracking(entry, program, t: _Table) -> str:
    """tracker/_row_tracking.html: the application's status, dates and note."""
    label, status = t.label, _v(status_label(entry.status))
    name = _v(program.name)
    out = [f'\n<td class="small tracking-cell" data-label="{label["Application"]}">\n  ']
    if t.is_owner:
        page = t.url("tiering:explanation", program.acgme_id)
        out.append(
            f'\n    \n    <a class="status-edit btn btn-sm btn-outline-secondary dropdown-toggle'
            f' mb-1" href="{page}#tracking" data-status-edit="'
            f'{t.url("tracker:entry_tracking", entry.pk)}" data-status="{_v(entry.status)}"'
            f' data-entry="{_v(entry.pk)}" data-name="{name}"><span class="visually-hidden">'
            f'{t.said("Status of %(program)s", program=program.name)}: </span>'
            f'{status}</a>\n  ')
    else:
        out.append(f"\n    <div>{status}</div>\n  ")
    out.append("\n  ")
    if entry.signal:
        out.append(f'<span class="badge text-bg-dark">{label["Signal"]}</span>')
    out.append("\n  ")
    if entry.date_applied:
        day = date_filter(template_localtime(entry.date_applied), "Y-m-d")
        out.append(f'<div>{t.said("Applied %(date)s", date=day)}</div>')
    out.append("\n  ")
    if entry.interview_date:
        day = date_filter(template_localtime(entry.interview_date), "Y-m-d")
        out.append(f'<div>{t.said("Interview %(date)s", date=day)}</div>')
    out.append("\n  ")
    if entry.notes:
        out.append(f'<div class="text-body-secondary">{_v(truncatechars(entry.notes, 80))}</div>')
    out.append("\n  ")
    if t.is_owner:
        out.append(
            f'<a href="{t.url("tiering:explanation", program.acgme_id)}#tracking">'
            f'{label["Edit"]}<span class="visually-hidden"> '
            f'{t.said("the tracking of %(program)s", program=program.name)}'
            f'</span></a>')
    out.append("\n</td>\n")
    return "".join(out)


def _advisor_row(entry, program, row_class: str, t: _Table) -> str:
    """advising/_row_advisor.html: a second row for the advisor's exclusion and latest note."""
    notes = entry_notes(t.context, entry)
    if not (notes or entry.excluded):
        return "\n\n\n\n"
    label = t.label
    out = [f'\n\n\n\n<tr class="{row_class} small">\n  <td colspan="6" class="pt-0">\n    ']
    if entry.excluded:
        out.append(f'<div><span class="badge text-bg-secondary">'
                   f'{label["Excluded by the advisor"]}</span> {_v(entry.excluded_reason)}</div>')
    out.append("\n    ")
    if notes:
        note = notes[0]
        more = ""
        if len(notes) > 1:
            more = (f'; <a href="{t.url("tiering:explanation", program.acgme_id)}#advisor">'
                    f'{t.said("%(number)s more", number=len(notes) - 1)}</a>')
        created = date_filter(template_localtime(note.created_at), "j M Y")
        out.append(
            f'\n      <div><span class="badge text-bg-info">{label[ADVISORS_NOTE]}'
            f'</span> {_v(truncatechars(note.text, 200))}\n        <span class="text-body-'
            f'secondary">({_v(created)}{more})</span></div>\n    ')
    out.append("\n  </td>\n</tr>\n\n")
    return "".join(out)


def _entry_row(entry, t: _Table) -> str:
    """One row of tiering/_entries_table.html, with the advisor's row after it."""
    label, program, exp = t.label, entry.program, entry.explanation or {}
    row_class = tier_row_class(entry.tier)
    name, page = _v(program.name), t.url("tiering:explanation", program.acgme_id)
    badges = ""
    if entry.pinned:
        badges += f' · <span class="badge text-bg-dark">{label["Pinned"]}</span>'
    if entry.added:
        badges += f' · <span class="badge text-bg-light border">{label["Added by hand"]}</span>'
    override = ""
    if entry.override_tier:
        differs = (f' <strong>{label[CHANGED_SINCE]}</strong>'
                   if entry.override_differs else "")
        override = (f'<div class="small"><span class="badge text-bg-info">{label["Advisor:"]} '
                    f'{_v(tier_label(entry.override_tier))}</span> {label["computed"]} '
                    f'{_v(tier_label(entry.computed_tier))}{differs}</div>')
    change = ""
    if t.can_edit:  # tiering/_entry_change_link.html
        state = "restore" if entry.excluded else "pinned" if entry.pinned else "listed"
        change = (
            f'<a class="small d-inline-block mt-1" href="{page}#change" data-entry-change='
            f'"{state}" data-entry="{_v(entry.pk)}" data-acgme="{_v(program.acgme_id)}" '
            f'data-name="{name}" data-remove="{t.url("tiering:list_remove", entry.pk)}" '
            f'data-pin="{t.url("tiering:list_pin", entry.pk)}">{label["Change"]}<span '
            f'class="visually-hidden"> '
            f'{t.said("%(name)s on the list", name=program.name)}'
            f'</span></a>\n')
    if exp.get("eligible"):
        confidence = t.said("%(level)s confidence",
                            level=exp.get("confidence_label", ""))
        score = (f'<strong>{_v(floatformat(entry.score, "0"))}</strong>'
                 f'<div class="small">{confidence}</div>')
    else:
        score = "&mdash;"
    return (
        f'\n  \n    <tr class="{row_class}" id="entry-{_v(entry.pk)}">\n'
        f'      <td><a href="{page}">{name}</a>\n'
        f'        <div class="small text-body-secondary">{_v(program.specialty.name)}{badges}'
        f'</div>\n        {override}\n        {change}\n      </td>\n'
        f'      {_program_cells(program, t)}\n'
        f'      <td data-label="{label["Score"]}">{score}</td>\n'
        f'      <td class="small" data-label="{label["Why"]}">{_why(entry, exp, t)}</td>\n'
        f'      {_tracking(entry, program, t)}\n'
        f'    </tr>\n    {_advisor_row(entry, program, row_class, t)}\n  \n  '
    )


def _score_parts(exp: dict, program, t: _Table) -> str:
    """tiering/_score_parts.html: the score's three largest parts, the rest behind a link."""
    parts = exp.get("parts") or ()
    out = ['\n<ul class="list-unstyled mb-0 score-parts">']
    for part in parts[:3]:
        most = (f' {t.said("of %(most)s", most=part["max"])}'
                if part.get("max") else "")
        out.append(f'\n  <li>{_v(part["name"])}: <strong>{_v(part["points"])}</strong>{most}</li>')
    out.append("\n  ")
    if len(parts) > 3:
        out.append(f'<li><a href="{t.url("tiering:explanation", program.acgme_id)}#placement">'
                   f'{t.said("and %(n)s more", n=len(parts) - 3)}</a></li>')
    out.append("\n</ul>\n")
    return "".join(out)


def _candidate_row(entry, t: _Table, form: tuple[str, str]) -> str:
    """One row of tiering/_candidates_table.html; ``form`` is the add form's token and hidden
    fields, the same in every row."""
    label, program, exp = t.label, entry.program, entry.explanation or {}
    name, eligible = _v(program.name), exp.get("eligible")
    add = ""
    if t.can_edit and eligible:
        token, hidden = form
        reason = ""
        if not t.is_owner:
            acgme = _v(program.acgme_id)
            reason = (f'<label class="visually-hidden" for="add-reason-{acgme}">'
                      f'{t.said("Why add %(name)s", name=program.name)}'
                      f'</label><input class='
                      f'"form-control form-control-sm w-auto" id="add-reason-{acgme}" name='
                      f'"reason" maxlength="500" placeholder="{label["Reason"]}" required>')
        add = (
            f'\n        <form method="post" action="{t.url("tiering:list_add")}" class="d-flex '
            f'flex-wrap gap-1 mt-1">\n          {token}<input type="hidden" name="acgme_id" '
            f'value="{_v(program.acgme_id)}">\n          {hidden}\n          {reason}\n'
            f'          <button class="btn btn-sm btn-outline-primary" type="submit">'
            f'{label["Add to the list"]}<span class="visually-hidden">: {name}</span></button>'
            f'\n        </form>\n        ')
    style, tier = TIER_STYLE[entry.tier], tier_label(entry.tier)
    score = f' <strong>{_v(floatformat(entry.score, "0"))}</strong>' if eligible else ""
    if eligible:
        few = f'<div class="fw-semibold">{_v(entry.few_imgs)}</div>' if entry.few_imgs else ""
        why = f"\n          {few}\n          {_score_parts(exp, program, t)}\n        "
    else:
        reasons = "".join(f"<li>{_v(reason)}</li>" for reason in exp.get("hard_reasons") or ())
        why = f'\n          <ul class="mb-0">{reasons}</ul>\n        '
    return (
        f'\n  \n    <tr class="{style[1]}">\n'
        f'      <td><a href="{t.url("tiering:explanation", program.acgme_id)}">{name}</a>\n'
        f'        <div class="small text-body-secondary">{_v(program.specialty.name)}</div>\n'
        f'        {add}\n      </td>\n'
        f'      {_program_cells(program, t)}\n'
        f'      <td data-label="{label["Tier and score"]}"><span class="badge {style[0]}">'
        f'{_v(tier)}</span>\n{score}</td>\n'
        f'      <td class="small" data-label="{label["Why"]}">\n        {why}\n      </td>\n'
        f'    </tr>\n  \n  '
    )


@register.simple_tag(takes_context=True)
def entry_rows(context: template.Context, rows) -> SafeString:
    """The rows of tiering/_entries_table.html."""
    table = _Table(context)
    return mark_safe("".join(_entry_row(entry, table) for entry in rows))


@register.simple_tag(takes_context=True)
def candidate_rows(context: template.Context, candidates) -> SafeString:
    """The rows of tiering/_candidates_table.html."""
    table = _Table(context)
    request = context.get("request")
    hidden = (f'<input type="hidden" name="revision" value="{_v(context.get("revision", ""))}">'
              f'<input type="hidden" name="next" value="{_v(request.get_full_path())}">')
    form = (CsrfTokenNode().render(context), hidden)
    return mark_safe("".join(_candidate_row(entry, table, form) for entry in candidates))
