"""How big one request may be: small for everything, large only where a file is uploaded.

Every request is capped at MAX_CONTENT_LENGTH (default 2 MB): a lesson at its field limits, written in a
script whose every character a browser sends as nine or twelve bytes (`%E0%B8%81…`), fits with room to
spare, and a body a hundred times any form's is refused before anything reads or checks it. The views that
take file uploads (the directory's HSDS and CSV imports) are marked with `accepts_uploads` and allow
MAX_UPLOAD_LENGTH (default 60 MB; each file is then held to its own limit by the import). A bigger body gets
a readable 413 page or JSON, never a reset connection or a 500.
"""
from flask import current_app, request

MB = 1024 * 1024
DEFAULT_MAX_CONTENT_LENGTH = 2 * MB
DEFAULT_MAX_UPLOAD_LENGTH = 60 * MB


def accepts_uploads(view):
    """Mark a view that takes file uploads: its requests may be as large as MAX_UPLOAD_LENGTH."""
    view.accepts_uploads = True
    return view


def _allow_uploads_where_marked(endpoint, _values) -> None:
    """Runs before every before_request hook — before CSRF protection reads the form — so the right limit is
    in place when the body is first parsed."""
    view = current_app.view_functions.get(endpoint) if endpoint else None
    if getattr(view, "accepts_uploads", False):
        request.max_content_length = current_app.config["MAX_UPLOAD_LENGTH"]


def too_large_message() -> str:
    """What the 413 says: the limit that applied to this request, and what to do."""
    limit = request.max_content_length or current_app.config["MAX_CONTENT_LENGTH"]
    size = f"{limit / MB:.0f} MB" if limit >= MB else f"{limit // 1024} KB"
    if limit >= current_app.config["MAX_UPLOAD_LENGTH"]:
        return f"This upload is larger than the {size} the server accepts at once. Import the files in parts."
    return (f"This request is larger than the {size} the server accepts. Shorten the text; to import a "
            "directory, use the import page (Directory → Exchange).")


def register(app) -> None:
    app.url_value_preprocessor(_allow_uploads_where_marked)
