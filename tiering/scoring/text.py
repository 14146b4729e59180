"""Words the model says, kept translatable without Django.

The scoring stays pure, so it cannot call Django's gettext. Each reason, note and warning is a
``Text``: an ordinary English ``str`` (what tests, scripts and the command line read) that also
remembers its message id and its parameters. ``tiering.explain.translated`` looks the message
up in the active language and only then fills in the numbers, so a translation can put them
where its grammar wants them (``%(name)s`` placeholders, never concatenation).

``gettext_noop`` and ``ngettext`` are named after the functions ``makemessages`` extracts, so
their message ids land in ``locale/*/django.po`` with no extra option. A literal percent sign
in a message id is written ``%%``: every message goes through ``%`` formatting.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar


class Text(str):
    """English text that knows how to be said again in another language.

    ``params`` values are numbers, plain strings, other ``Text`` (translated in turn) or tuples
    of them (joined with ", ")."""

    msgid: str
    plural: str | None
    n: int
    params: Mapping[str, object]
    lowered: bool

    def lower_first(self, *, english: bool = True) -> Text:
        """The same text starting with a small letter, inside a longer sentence
        (``english=False``: only once translated, as for "IMGs are...")."""
        text = _make(self.msgid, self.plural, self.n, self.params, lower=english)
        text.lowered = True
        return text


def _english(value: object) -> str:
    if isinstance(value, tuple):
        return ", ".join(_english(item) for item in value)
    return value if isinstance(value, str) else str(value)


# A batch scored for its numbers only (``score_programs(words=False)``: a what-if reads tiers,
# scores and points, never a sentence) skips the wording, about a third of the scoring's time:
# each message is then its id alone, shared, with no parameters.
_WORDLESS: ContextVar[bool] = ContextVar("wordless", default=False)
_BARE: dict[tuple[str, str | None, bool], Text] = {}


@contextmanager
def wordless() -> Iterator[None]:
    """Messages made inside carry their id only, not their words."""
    token = _WORDLESS.set(True)
    try:
        yield
    finally:
        _WORDLESS.reset(token)


def _bare(msgid: str, plural: str | None, lower: bool) -> Text:
    key = (msgid, plural, lower)
    text = _BARE.get(key)
    if text is None:
        text = _BARE[key] = Text(msgid)
        text.msgid, text.plural, text.n, text.params, text.lowered = msgid, plural, 1, {}, lower
    return text


def _make(msgid: str, plural: str | None, n: int, params: Mapping[str, object], *,
          lower: bool = False) -> Text:
    if _WORDLESS.get():
        return _bare(msgid, plural, lower)
    template = msgid if plural is None or n == 1 else plural
    english = template % {key: _english(value) for key, value in params.items()}
    if lower:
        english = english[:1].lower() + english[1:]
    text = Text(english)
    text.msgid, text.plural, text.n, text.params, text.lowered = msgid, plural, n, params, lower
    return text


def gettext_noop(msgid: str, /, **params: object) -> Text:
    """A message to translate when shown, with its parameters."""
    return _make(msgid, None, 1, params)


def ngettext(singular: str, plural: str, n: int, /, **params: object) -> Text:
    """A message with a singular and a plural form, chosen by ``n`` in each language."""
    return _make(singular, plural, n, params)
