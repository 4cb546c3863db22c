"""JSON responses encoded by orjson: a page of the directory API is ~33 KB of JSON, and the standard
library's encoder took ~8 % of such a request's CPU.

The output is what Flask's default provider writes, byte for byte on the types the app sends (the test
compares them): dates and datetimes go to Flask's `default` (HTTP dates), as do dataclasses, decimals and
objects with `__html__`; keys stay in the order written and text is UTF-8 as is. Any other form asked for
(debug mode's indented responses, sorting, spaced separators) is the standard library's.

Request bodies are read by orjson too, for safety more than speed: the standard library's parser recurses,
so `[[[[…]]]]` 5,000 deep raised RecursionError (not a ValueError: it escaped `get_json(silent=True)` as a
500), and it accepts lone surrogates and NaN, which no database column stores. orjson refuses all of these
with a `JSONDecodeError` (a ValueError: Flask answers 400, `silent=True` reads None).
"""
import json

import orjson
from flask.json.provider import DefaultJSONProvider

_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_NON_STR_KEYS


class OrjsonProvider(DefaultJSONProvider):
    sort_keys = False  # keys in the order the code writes them
    ensure_ascii = False  # UTF-8 as is

    def dumps(self, obj, **kwargs) -> str:
        """orjson for the compact form responses use; anything else (indent, sorting, ASCII escaping, the
        standard library's spaced separators) is the standard library's, unchanged."""
        options = {key: value for key, value in kwargs.items() if key not in ("separators", "default")}
        if kwargs.get("separators") != (",", ":") or any(options.values()):
            return super().dumps(obj, **kwargs)
        return orjson.dumps(obj, default=kwargs.get("default", self.default), option=_OPTIONS).decode()

    def loads(self, s, **kwargs):
        """orjson's reader (see the module); with options only the standard library knows, that one, its
        recursion limit turned into the ValueError every caller expects of bad JSON."""
        if not kwargs:
            return orjson.loads(s)
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise json.JSONDecodeError("JSON nested too deeply", str(s)[:40], 0) from None

