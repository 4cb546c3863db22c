"""Parts of pages rendered once per content: a template macro is a pure function of its arguments, so the
HTML of the same navigation, the same quick-need chips or the same result card is rendered once per process
and then looked up. The main menu is on every page and a search page showed 25 cards; rendering them each
time was a large share of a page's CPU.

Arguments are the cache key, so they must be hashable and hold everything the macro reads (the links inside
them carry the app's mount point). When templates auto-reload (development), everything is rendered anew.
"""
from functools import lru_cache

from flask import current_app, get_template_attribute
from markupsafe import Markup

MAX_REMEMBERED = 4096


def fragment(template: str, macro: str, *args) -> Markup:
    """`macro` of `template` called with `args`, as HTML, rendered once per (template, macro, args)."""
    if current_app.jinja_env.auto_reload:
        return render_macro(template, macro, *args)
    return _remembered(template, macro, args)


def render_macro(template: str, macro: str, *args) -> Markup:
    return Markup(get_template_attribute(template, macro)(*args))


@lru_cache(maxsize=MAX_REMEMBERED)
def _remembered(template: str, macro: str, args: tuple) -> Markup:
    return render_macro(template, macro, *args)
