"""Letter templates are staff-written Django templates, rendered by an engine
of their own: autoescaping on, no template loaders (so no include or extends
of project files), no tag libraries beyond the built-ins, and a marker for
every variable that does not exist, so a misspelt name is caught before a
template is saved instead of printing nothing in a patient's letter."""

from __future__ import annotations

import functools
import re

from django.template import Context, Engine, Template, TemplateDoesNotExist, TemplateSyntaxError

_UNKNOWN_NAMED = re.compile(r"\x00unknown-variable:(.*?)\x00")

ENGINE = Engine(dirs=[], app_dirs=False, libraries={}, autoescape=True, string_if_invalid="\x00unknown-variable:%s\x00")


class LetterTemplateError(Exception):
    pass


@functools.lru_cache(maxsize=128)
def _compiled(body: str) -> Template:
    # A worker renders the same few templates over and over (the PDF and the
    # Word file each render the letter); a compiled template renders any
    # context and is never changed by rendering, so it can be kept.  A staff
    # edit is a different body, so a new entry.
    return ENGINE.from_string(body)


def render_letter(body: str, context: dict) -> str:
    """The letter as HTML; raises LetterTemplateError for a syntax error or an unknown variable."""
    try:
        html = _compiled(body).render(Context(context, autoescape=True))
    except TemplateSyntaxError as exc:
        raise LetterTemplateError(f"Template syntax error: {exc}") from exc
    except TemplateDoesNotExist as exc:
        raise LetterTemplateError(f"Letter templates cannot include other templates ({exc}).") from exc
    unknown = sorted(set(_UNKNOWN_NAMED.findall(html)))
    if unknown:
        raise LetterTemplateError(
            "Unknown variable" + ("s" if len(unknown) > 1 else "") + ": " + ", ".join(unknown)
            + ". See the list of variables under the body."
        )  # fmt: skip
    return html
