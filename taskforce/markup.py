"""PURE: the one way user text becomes HTML.

Markdown is parsed first, then bleach keeps a small allowlist, so whatever the parser lets through
(raw HTML, odd links) is cleaned after it. Links get rel="nofollow noopener noreferrer".
"""
import bleach
import markdown
from functools import partial

from bleach.linkifier import LinkifyFilter

ALLOWED_TAGS = frozenset(
    {"p", "a", "em", "strong", "ul", "ol", "li", "code", "pre", "blockquote", "h3", "h4", "br"}
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
MAX_INPUT = 100_000



def _set_rel(attrs, new=False):
    attrs[(None, "rel")] = "nofollow noopener noreferrer"
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, protocols=ALLOWED_PROTOCOLS, strip=True,
    strip_comments=True,
    filters=[partial(LinkifyFilter, callbacks=[_set_rel], skip_tags={"pre", "code"})],
)


def render_markdown(text: str) -> str:
    """Render user Markdown to safe HTML (allowlisted tags, http/https/mailto links only)."""
    if not text:
        return ""
    text = str(text)[:MAX_INPUT]
    html = markdown.markdown(text, extensions=["sane_lists", "fenced_code"], output_format="html")
    return _cleaner.clean(html)


def render_plain(text: str) -> str:
    """Escape plain text for HTML (titles, names) — never interpreted as markup."""
    return bleach.clean(str(text or ""), tags=set(), strip=True)
