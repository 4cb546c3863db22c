"""JSON responses are encoded by orjson but read exactly as Flask's default provider wrote them."""
import dataclasses
import decimal
import enum
import json
import uuid
from datetime import date, datetime, timezone

from flask.json.provider import DefaultJSONProvider
from markupsafe import Markup


class Colour(str, enum.Enum):
    RED = "red"


@dataclasses.dataclass
class Point:
    x: int
    label: str


SAMPLE = {"text": "Refugio para mujeres — ñandú 中文 \u2028", "int": 12, "float": 0.1, "big": 2 ** 53,
          "none": None, "bools": [True, False], "nested": {"b": 1, "a": [1, {"z": "y"}]},
          "when": datetime(2026, 11, 28, 21, 5, 7, tzinfo=timezone.utc), "day": date(2026, 11, 28),
          "id": uuid.UUID("12345678-1234-5678-1234-567812345678"), "amount": decimal.Decimal("1.50"),
          "markup": Markup("<b>safe</b>"), "colour": Colour.RED, "point": Point(3, "p"), 7: "int key"}


def test_responses_equal_the_default_providers(app):
    default = DefaultJSONProvider(app)
    default.sort_keys, default.ensure_ascii = False, False
    assert app.json.dumps(SAMPLE, separators=(",", ":")) == default.dumps(SAMPLE, separators=(",", ":"))
    with app.test_request_context():
        body = app.json.response(SAMPLE).get_data(as_text=True)
    assert json.loads(body) == json.loads(default.dumps(SAMPLE))
    assert "ñandú" in body and "\\u" not in body.replace("\\u2028", "")  # UTF-8 as is, keys in written order
    assert body.index('"text"') < body.index('"int"') < body.index('"nested"')


def test_pretty_printing_falls_back_to_the_standard_library(app):
    assert app.json.dumps({"b": 1, "a": 2}, indent=2) == '{\n  "b": 1,\n  "a": 2\n}'
    assert app.json.dumps({"b": 1, "a": 2}, sort_keys=True, separators=(",", ":")) == '{"a":2,"b":1}'


def test_the_spaced_default_form_is_the_standard_librarys(app):
    assert app.json.dumps({"b": [1, 2]}) == '{"b": [1, 2]}'
