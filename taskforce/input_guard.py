"""Text no part of the app can store, refused at the door with one clear 400.

PostgreSQL's text types cannot hold the NUL character (psycopg raises `DataError`, a 500), no database takes
a lone surrogate (it cannot be encoded as UTF-8), and no person types either. Rather than every service and
every route checking, each write request's text — path values, query, form fields and file names, and every string
(keys too) of a JSON body — is looked at once, before the view runs; socket events check their payload with
`unstorable` too. JSON that cannot be read at all (malformed, nested past the parser's depth) is the JSON
provider's to refuse (`taskforce.json_provider`): such a body reads as None here.
"""
import re

from flask import request

from taskforce.errors import ValidationError

UNSTORABLE_TEXT = ("Text cannot contain the NUL character (\\0) or broken characters (lone surrogates). "
                   "Remove them and send again.")
_SURROGATE = re.compile("[\ud800-\udfff]")
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def register(app) -> None:
    app.before_request(refuse_unstorable_text)


def refuse_unstorable_text() -> None:
    """Raise a ValidationError (400) when any text of a write request holds a NUL or a lone surrogate (every
    value of a repeated field is looked at, not only the first)."""
    if request.method not in WRITES:  # reads store nothing; their lookups hash or bind what they are given
        return
    texts = [*(request.view_args or {}).values(), *request.args.keys(), *request.args.listvalues()]
    if request.is_json:
        texts.append(request.get_json(silent=True))
    else:
        texts += [*request.form.keys(), *request.form.listvalues()]
        texts += [*request.files.keys(), *(upload.filename for uploads in request.files.listvalues()
                                           for upload in uploads)]
    if unstorable(texts):
        raise ValidationError(UNSTORABLE_TEXT)


def unstorable(value) -> bool:
    """Whether any string inside `value` (lists and dicts walked without recursion) holds a NUL or a lone
    surrogate."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item or _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, (list, tuple)):
            pending.extend(item)
    return False
