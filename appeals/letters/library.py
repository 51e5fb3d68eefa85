"""The only tags and filters a letter template may use, and the work budget
every render of one is held to.

Letter templates are written by staff, so the engine offers an allow-list
instead of Django's built-ins: what the shipped templates use (``if``,
``for``, ``date``, ``join``, ``linebreaksbr``, ``lower``) and a few more that
neither turn escaping off, reach outside the template nor print anything of
their own.  Left out, so a
template that names one does not compile: ``autoescape``, ``safe`` and
``safeseq`` (they print staff or patient text as HTML), ``filter`` (it would
apply those), ``debug`` (it prints the whole context), ``load``, ``include``
and ``extends`` (other templates), ``url``, ``csrf_token``, ``querystring``,
the filters that make text longer on request (``ljust``, ``center``,
``stringformat``, ``add`` …), which can blow a letter up, and the tags that
print values outside the output count (``cycle``, ``firstof``, ``now``,
``verbatim``).

The budget: a template can still loop, and loops nest (over a list, over
the characters of a text), so a few lines can ask for billions of steps.
Every loop iteration and every filter call is charged to the render's
budget, which also holds a deadline, and every piece of text the template
prints is counted; past any of them the render stops with a
LetterTemplateError.  Counting in the template's own steps works in any
thread (a worker, a web request), unlike a signal-based timeout, and stops
the render within one step of the limit.  A filter's result is also capped
in length (``join`` before it joins), so nesting filters through ``with``
cannot grow a value exponentially between two steps.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Iterator
from time import monotonic

from django.template import Library, Template, defaultfilters, defaulttags
from django.template.base import TextNode, VariableNode

register = Library()

# Tags that print nothing of their own: all output comes from the template's
# text and its {{ variables }}, which is what the output budget counts.
ALLOWED_TAGS = ("comment", "for", "if", "ifchanged", "spaceless", "with")
# The words that close or continue an allowed tag: not tags of their own.
INNER_WORDS = ("else", "elif", "empty")
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

# A shipped letter for a sample case takes some 25 steps and prints some
# 5,000 characters; every wizard list at its longest adds a few hundred steps.
# The limits are far above that and far below what hurts a worker.
MAX_STEPS = 20_000
MAX_SECONDS = 2.0
MAX_VALUE_CHARS = 100_000
MAX_OUTPUT_CHARS = 2_000_000


class RenderBudgetExceeded(Exception):
    """Raised inside a render; the engine turns it into a LetterTemplateError."""


class RenderBudget:
    def __init__(self, steps: int = MAX_STEPS, seconds: float = MAX_SECONDS, output_chars: int = MAX_OUTPUT_CHARS):
        self.steps_left = steps
        self.output_left = output_chars
        self.deadline = monotonic() + seconds

    def print(self, chars: int) -> None:
        self.output_left -= chars
        if self.output_left < 0:
            raise RenderBudgetExceeded(f"This template prints more than {MAX_OUTPUT_CHARS:,} characters and was stopped.")

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


def _printed(text: str) -> str:
    budget = _BUDGET.get()
    if budget is not None:
        budget.print(len(text))
    return text


class _PrintedText(TextNode):
    # TextNode skips render() for render_annotated(): both are counted.
    def render(self, context):
        return _printed(super().render(context))

    def render_annotated(self, context):
        return _printed(self.s)


class _PrintedVariable(VariableNode):
    def render(self, context):
        return _printed(super().render(context))


def count_output(template: Template) -> Template:
    """Make every piece of the compiled template's output count against the
    render's budget.  With ALLOWED_TAGS all output is text or a variable,
    so this bounds a render's memory whatever the loops."""
    for node in template.nodelist.get_nodes_by_type(TextNode):
        node.__class__ = _PrintedText
    for node in template.nodelist.get_nodes_by_type(VariableNode):
        node.__class__ = _PrintedVariable
    return template


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


def _join_within_limit(function):
    # The one allowed filter whose result can be the product of two lengths
    # (a separator repeated between many items): refused before it is made.
    @functools.wraps(function)
    def join(value, arg, autoescape=True):
        try:
            items = len(value)
            size = sum(len(str(item)) for item in value) + len(str(arg)) * max(items - 1, 0)
        except TypeError:
            size = 0
        if size > MAX_VALUE_CHARS:
            raise RenderBudgetExceeded(f"A filter made a value longer than {MAX_VALUE_CHARS:,} characters.")
        return function(value, arg, autoescape=autoescape)

    return join


for _name in ALLOWED_FILTERS:
    _function = defaultfilters.register.filters[_name]
    if _name == "join":
        _function = _join_within_limit(_function)
    register.filter(_name, _charged_filter(_function))
