"""The only tags and filters a letter template may use, and the work budget
every render of one is held to.

Letter templates are written by staff, so the engine offers an allow-list
instead of Django's built-ins: what the shipped templates use (``if``,
``for``, ``date``, ``join``, ``linebreaksbr``, ``lower``) and a few more that
neither turn escaping off nor reach outside the template.  Left out, so a
template that names one does not compile: ``autoescape``, ``safe`` and
``safeseq`` (they print staff or patient text as HTML), ``filter`` (it would
apply those), ``debug`` (it prints the whole context), ``load``, ``include``
and ``extends`` (other templates), ``url``, ``csrf_token``, ``querystring``,
and the filters that make text longer on request (``ljust``, ``center``,
``stringformat``, ``add`` …), which can blow a letter up.

The budget: a template can still loop, and loops nest (over a list, over
the characters of a text), so a few lines can ask for billions of steps.
Every loop iteration and every filter call is charged to the render's
budget, which also holds a deadline; past either the render stops with a
LetterTemplateError.  Counting in the template's own steps works in any
thread (a worker, a web request), unlike a signal-based timeout, and stops
the render within one step of the limit.  A filter's result is also capped
in length, so nesting filters through ``with`` cannot grow a value
exponentially between two steps.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Iterator
from time import monotonic

from django.template import Library, defaultfilters, defaulttags

register = Library()

ALLOWED_TAGS = ("comment", "cycle", "firstof", "for", "if", "ifchanged", "now", "spaceless", "templatetag", "verbatim", "with")
# The words that close or continue an allowed tag: not tags of their own.
INNER_WORDS = ("else", "elif", "empty", "plural")
ALLOWED_FILTERS = (
    "capfirst",
    "cut",
    "date",
    "default",
    "default_if_none",
    "divisibleby",
    "escape",
    "first",
    "force_escape",
    "join",
    "last",
    "length",
    "linebreaks",
    "linebreaksbr",
    "lower",
    "pluralize",
    "slice",
    "time",
    "title",
    "truncatechars",
    "truncatewords",
    "upper",
    "wordcount",
    "yesno",
)

# A letter with every wizard list at its longest takes a few hundred steps.
MAX_STEPS = 20_000
MAX_SECONDS = 2.0
MAX_VALUE_CHARS = 100_000


class RenderBudgetExceeded(Exception):
    """Raised inside a render; the engine turns it into a LetterTemplateError."""


class RenderBudget:
    def __init__(self, steps: int = MAX_STEPS, seconds: float = MAX_SECONDS):
        self.steps_left = steps
        self.deadline = monotonic() + seconds

    def charge(self, steps: int = 1) -> None:
        self.steps_left -= steps
        if self.steps_left < 0:
            raise RenderBudgetExceeded(
                f"This template does too much work: it was stopped after {MAX_STEPS:,} loop steps and filters "
                "(loops nested in loops?)."
            )
        if monotonic() > self.deadline:
            raise RenderBudgetExceeded(f"This template took longer than {MAX_SECONDS:g} seconds to render and was stopped.")


_BUDGET: contextvars.ContextVar[RenderBudget | None] = contextvars.ContextVar("letter_render_budget", default=None)


@contextlib.contextmanager
def render_budget(budget: RenderBudget | None = None) -> Iterator[RenderBudget]:
    """Hold every render inside the block to one budget."""
    budget = budget or RenderBudget()
    token = _BUDGET.set(budget)
    try:
        yield budget
    finally:
        _BUDGET.reset(token)


def _charge(steps: int = 1) -> None:
    budget = _BUDGET.get()
    if budget is not None:
        budget.charge(steps)


class _ChargedItems(list):
    """A loop's items, each charged to the budget as the loop reaches it."""

    def __iter__(self):
        for item in super().__iter__():
            _charge()
            yield item

    def __reversed__(self):
        for item in super().__reversed__():
            _charge()
            yield item


class _ChargedSequence:
    """Stands in for a for-loop's sequence expression: resolves it, then hands
    the loop items that charge the budget."""

    def __init__(self, sequence):
        self.sequence = sequence

    def resolve(self, context, ignore_failures=False):
        values = self.sequence.resolve(context, ignore_failures=ignore_failures)
        if values is None:
            return None
        return _ChargedItems(values)

    def __str__(self) -> str:
        return str(self.sequence)


@register.tag("for")
def do_for(parser, token):
    node = defaulttags.do_for(parser, token)
    node.sequence = _ChargedSequence(node.sequence)
    return node


for _name in ALLOWED_TAGS:
    if _name != "for":
        register.tag(_name, defaulttags.register.tags[_name])


def _charged_filter(function):
    # functools.wraps keeps the filter's flags (is_safe, needs_autoescape,
    # expects_localtime) and, through __wrapped__, its argument check.
    @functools.wraps(function)
    def charged(*args, **kwargs):
        _charge()
        result = function(*args, **kwargs)
        if isinstance(result, str) and len(result) > MAX_VALUE_CHARS:
            raise RenderBudgetExceeded(f"A filter made a value longer than {MAX_VALUE_CHARS:,} characters.")
        return result

    return charged


for _name in ALLOWED_FILTERS:
    register.filter(_name, _charged_filter(defaultfilters.register.filters[_name]))
