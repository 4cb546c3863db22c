"""Parts of pages rendered once per content: a template macro is a pure function of its arguments, so the
HTML of the same main menu, the same quick-need chips, the same filter options or the same result card is
rendered once per process and then looked up. The menu is on every page and a search page shows 25 cards.
Measured against rendering each time (issue 16; `bench/directory.py --variants app,no-fragment-cache`, and in
process on the same data, 10,000 services on SQLite, CPU time per search page, median of 6 rounds): 16.2 ms
rendered each time, 14.0 ms kept — 16 % more without it: it pays, so it stays. Shared by the server's threads: functools'
cache stays coherent under concurrent calls (a fragment may be rendered twice, the same HTML either way).

The key is the macro, its arguments and the mount point the app is served under (links a macro builds with
`url_for` start with it). Arguments must be hashable and hold everything the macro reads; a dict goes in as
`ByContent`. When templates auto-reload (development), everything is rendered anew.
"""
from functools import lru_cache

import orjson
from flask import current_app, get_template_attribute, has_request_context, request
from markupsafe import Markup

MAX_REMEMBERED = 4096


class ByContent:
    """An unhashable argument (a presented service's dict) as part of a key: hashed and compared by its JSON
    serialization, which holds everything a macro can read of it. The macro receives the value itself."""

    __slots__ = ("key", "value")

    def __init__(self, value):
        self.key, self.value = orjson.dumps(value), value

    def __hash__(self):
        return hash(self.key)

    def __eq__(self, other):
        return isinstance(other, ByContent) and self.key == other.key


def fragment(template: str, macro: str, *args) -> Markup:
    """`macro` of `template` called with `args`, as HTML, rendered once per key (see the module)."""
    return each(template, macro, [args])[0]


def each(template: str, macro: str, calls: list[tuple]) -> list[Markup]:
    """`fragment` for several calls of one macro (a page's cards): the mount point and the reload setting
    are read once."""
    if current_app.jinja_env.auto_reload:
        return [_render(template, macro, args) for args in calls]
    script_root = request.script_root if has_request_context() else ""
    return [_remembered(script_root, template, macro, args) for args in calls]


@lru_cache(maxsize=MAX_REMEMBERED)
def _remembered(_script_root: str, template: str, macro: str, args: tuple) -> Markup:
    return _render(template, macro, args)


def _render(template: str, macro: str, args: tuple) -> Markup:
    values = [arg.value if isinstance(arg, ByContent) else arg for arg in args]
    return Markup(get_template_attribute(template, macro)(*values))
