"""URLs for templates, remembered: a directory search page builds ~31 links (menu, chips, paging, static
files) and werkzeug's builder is slow for links with query strings (the chips, the pages). A relative URL
depends only on the endpoint, its values and the script root the app is mounted at, so each one is built
once per app and then looked up.

Measured against Flask's own `url_for` (issue 16; `bench/directory.py --variants app,flask-url-for`, and in
process on the same data, 10,000 services on SQLite, CPU time per search page, median of 6 rounds): 15.1 ms
with Flask's `url_for`, 14.0 ms with this cache — 8 % more without it (noisy: 3 of the 6 rounds differed by
under 3 %); one `url_for` with a query string cost 70 µs, a looked-up one 15 µs (a loaded 2-core machine),
and a page builds ~16 such links. Kept for that; at a few percent it would not be worth a layer.
Shared by the server's threads: each step is one dict operation (atomic under the GIL); two threads may build
the same URL once each, and a full cache starts over.
"""
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, url_for

MAX_REMEMBERED = 4096  # service links vary with the results; the cache starts over rather than grow


def remembered_url_for(endpoint: str, **values) -> str:
    """`url_for` for relative URLs, from a per-app cache. Blueprint-relative endpoints (".name"), special
    arguments (`_external`, `_anchor`…) and templates rendered outside a request depend on more than the
    key, and list values are unhashable: those are built each time."""
    return _remembered(current_app.extensions["taskforce.urls"], endpoint, values)


def _remembered(cache: dict, endpoint: str, values: dict) -> str:
    if endpoint.startswith(".") or any(name.startswith("_") for name in values) or not has_request_context():
        return url_for(endpoint, **values)
    try:
        typed = tuple((name, type(value), value) for name, value in sorted(values.items()))  # True is not 1
        key = (request.script_root, endpoint, typed)
        url = cache.get(key)
    except TypeError:
        return url_for(endpoint, **values)
    if url is None:
        url = url_for(endpoint, **values)
        if len(cache) >= MAX_REMEMBERED:
            cache.clear()
        cache[key] = url
    return url


def local_path(target, fallback: str, prefix: str = "/") -> str:
    """`target` when it is a path of this site under `prefix`, else `fallback`: every redirect to a place the
    request named (`next`, a form's return address) goes through here. An open redirect would help phishing;
    browsers drop tabs and newlines from URLs and read a backslash as a slash, and a CR/LF would be refused
    by werkzeug as a header (a 500), so any control character, space, backslash, scheme or host falls back."""
    if (isinstance(target, str) and target.startswith(prefix) and target.startswith("/")
            and not target.startswith("//") and not any(ch <= " " or ch in "\\\x7f" for ch in target)):
        try:
            parts = urlsplit(target)
        except ValueError:
            return fallback
        if not parts.scheme and not parts.netloc:
            return target
    return fallback


def register(app) -> None:
    cache = app.extensions["taskforce.urls"] = {}

    def template_url_for(endpoint: str, **values) -> str:
        """Templates' `url_for`: this app's cache without looking the app up on every link."""
        return _remembered(cache, endpoint, values)
    app.jinja_env.globals["url_for"] = template_url_for
