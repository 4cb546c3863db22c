"""PURE: find @mentions in a message body.

A mention is written `@**Display Name**` (what the composer's autocomplete inserts; Markdown then shows the
name in bold) or `@first.last` / `@name` for a one-word handle matched against display names without
spaces. Matching to people happens in the service, against the members who can read the channel.
"""
import re

_BRACKETED = re.compile(r"@\*\*([^*\n]{1,120})\*\*")
_BARE = re.compile(r"(?<![\w@.])@([A-Za-z][\w.\-]{0,60}[\w])")


def mentioned_spellings(body: str) -> set[str]:
    """The names mentioned in `body` as written (display names, or dotted handles turned into names)."""
    names = {match.group(1).strip() for match in _BRACKETED.finditer(body or "")}
    without_bracketed = _BRACKETED.sub(" ", body or "")
    for match in _BARE.finditer(without_bracketed):
        names.add(match.group(1).replace(".", " ").replace("_", " "))
    return {name for name in names if name}

