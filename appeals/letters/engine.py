"""Letter templates are staff-written Django templates, rendered by an engine
of their own: autoescaping on, no template loaders (so no include or extends
of project files), only the tags and filters of ``appeals.letters.library``
(nothing that turns escaping off or prints the context), a work budget on
every render, and a marker for every variable that does not exist, so a
misspelt name is caught before a template is saved instead of printing
nothing in a patient's letter."""

from __future__ import annotations

import functools
import re

from django.template import Context, Engine, Template, TemplateDoesNotExist, TemplateSyntaxError

from appeals.letters.library import (
    ALLOWED_FILTERS,
    ALLOWED_TAGS,
    INNER_WORDS,
    RenderBudgetExceeded,
    count_output,
    render_budget,
)

_UNKNOWN_NAMED = re.compile(r"\x00unknown-variable:(.*?)\x00")
_UNKNOWN_TAG = re.compile(r"Invalid block tag on line (\d+): '([^']+)'")
_UNKNOWN_FILTER = re.compile(r"Invalid filter: '([^']+)'")
_OTHER_TEMPLATES = ("include", "extends", "block", "load")


class LetterEngine(Engine):
    # In place of Django's built-in tags and filters, not beside them.
    default_builtins = ["appeals.letters.library"]


ENGINE = LetterEngine(dirs=[], app_dirs=False, libraries={}, autoescape=True, string_if_invalid="\x00unknown-variable:%s\x00")


class LetterTemplateError(Exception):
    pass


def _syntax_message(exc: TemplateSyntaxError) -> str:
    """Django's message, or for a tag or filter letter templates may not use, one that names it and what is allowed."""
    text = str(exc)
    tag = _UNKNOWN_TAG.search(text)
    if tag:
        line, name = tag.groups()
        if name in _OTHER_TEMPLATES:
            return f"Letter templates cannot include other templates or load tags ({{% {name} %}} on line {line})."
        if name not in INNER_WORDS and not name.startswith("end"):
            return (
                f"Template syntax error: the tag {{% {name} %}} on line {line} is not allowed in letter templates. "
                f"Allowed tags: {', '.join(ALLOWED_TAGS)}."
            )
    found = _UNKNOWN_FILTER.search(text)
    if found:
        return (
            f"Template syntax error: Invalid filter |{found.group(1)}: not allowed in letter templates. "
            f"Allowed filters: {', '.join(ALLOWED_FILTERS)}."
        )
    return f"Template syntax error: {text}"


def compile_letter(body: str) -> Template:
    """The compiled template; raises LetterTemplateError for a syntax error or a tag or filter that is not allowed."""
    try:
        return _compiled(body)
    except TemplateSyntaxError as exc:
        raise LetterTemplateError(_syntax_message(exc)) from exc
    except TemplateDoesNotExist as exc:
        raise LetterTemplateError(f"Letter templates cannot include other templates ({exc}).") from exc


@functools.lru_cache(maxsize=128)
def _compiled(body: str) -> Template:
    # A worker renders the same few templates over and over (the PDF and the
    # Word file each render the letter); a compiled template renders any
    # context and is never changed by rendering, so it can be kept.  A staff
    # edit is a different body, so a new entry.
    return count_output(ENGINE.from_string(body))


def render_letter_body(body: str, context: dict) -> str:
    """The letter as HTML; raises LetterTemplateError for a syntax error, a tag
    or filter that is not allowed, a render over its budget, or an unknown variable."""
    template = compile_letter(body)
    try:
        with render_budget():
            html = template.render(Context(context, autoescape=True))
    except RenderBudgetExceeded as exc:
        raise LetterTemplateError(str(exc)) from exc
    except TemplateSyntaxError as exc:
        raise LetterTemplateError(_syntax_message(exc)) from exc
    except TemplateDoesNotExist as exc:
        raise LetterTemplateError(f"Letter templates cannot include other templates ({exc}).") from exc
    unknown = sorted(set(_UNKNOWN_NAMED.findall(html)))
    if unknown:
        raise LetterTemplateError(
            "Unknown variable" + ("s" if len(unknown) > 1 else "") + ": " + ", ".join(unknown)
            + ". See the list of variables under the body."
        )  # fmt: skip
    return html
