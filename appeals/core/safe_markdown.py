"""Staff Markdown to HTML that is safe to put on a public page.

Markdown lets raw HTML through, and staff paste from policy PDFs and web
pages, so the HTML is cleaned with nh3 (ammonia) against an allow-list:
no script or style, no event-handler attributes, and links only to http,
https and mailto addresses.
"""

from __future__ import annotations

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions.toc import TocExtension

ALLOWED_TAGS = {
    "h2", "h3", "h4", "p", "br", "hr", "ul", "ol", "li", "strong", "em", "b", "i", "a", "blockquote",
    "code", "pre", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": {"colspan"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str, *, top_heading_level: int = 2) -> SafeString:
    """Staff write sections as '## '; on a page whose own sections are h2,
    pass top_heading_level=3 and they become h3 (toc's baselevel shifts
    every heading by the same amount)."""
    extensions = ["tables", "sane_lists", TocExtension(baselevel=top_heading_level - 1)]
    html = markdown.markdown(text or "", extensions=extensions, output_format="html")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    )
    return mark_safe(cleaned)
