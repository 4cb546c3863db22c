"""Property-based tests (Hypothesis) of the readers hostile text reaches first: `render_markdown`, the HSDS
reader and the CSV reader. Each either answers or raises its own error type, whatever it is given.
(The anonymizer's properties live with the anonymizer, in tests/lessons.)"""
import json

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from taskforce.directory.exchange import csv_import, hsds_read
from taskforce.markup import MAX_INPUT, render_markdown
from tests.directory.exchange.exchange_helpers import EXAMPLES, needs_shared_hsds
from tests.test_markup import assert_safe

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Any code point, lone surrogates included (st.text() leaves them out by default).
ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=()), max_size=400)
# Pieces of Markdown and of the attacks the sanitizer exists for, glued together in any order.
PIECES = st.sampled_from([
    "<script>", "</script>", "<img src=x onerror=alert(1)>", "javascript:", "JaVaScRiPt&#58;", "data:text/html,",
    "[x](", ")", "](", "![i](", "<a href=\"", "\">", "onclick=", "<svg onload=x>", "<iframe", "<!--", "-->",
    "**", "_", "`", "```\n", "\n", "\n\n", "> ", "- ", "1. ", "### ", "&#x6a;", "&lt;", "<", ">", "\"", "'",
    "\t", "\x00", "\u202e", "http://e.org/x?a=<b>", "www.e.org", "mailto:a@e.org", "<style>", "<base href=//e>",
    "vbscript:", "\\", "\r\n", "[a]: javascript:x\n", "[a]",
])
MARKDOWNISH = st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=40).map("".join)


@FAST
@given(st.one_of(ANY_TEXT, MARKDOWNISH))
@example("[x](javascript:alert(1))")
@example("<a href=\"java\tscript:x\">a</a>")
def test_render_markdown_never_raises_and_never_lets_code_through(text):
    html = render_markdown(text)
    assert isinstance(html, str)
    assert_safe(html)
    again = render_markdown(html)  # rendering the output again (a quoted message) is still safe
    assert_safe(again)


def test_render_markdown_is_bounded_for_huge_input():
    html = render_markdown("<b>" + "x" * (MAX_INPUT * 3))
    assert_safe(html) is None and len(html) < MAX_INPUT * 2


# --- the HSDS reader -----------------------------------------------------------------------------------------

JSON_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
                        st.floats(allow_nan=False, allow_infinity=False), ANY_TEXT)
JSON_VALUES = st.recursive(JSON_LEAVES, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=12), inner, max_size=5)), max_leaves=30)
FILE_NAMES = st.sampled_from(["organization.json", "service.json", "location.json", "service_at_location.json",
                              "other.json", "taxonomy.json", "x.zip"])


def _read(files):
    try:
        return hsds_read.read_batch(files)
    except hsds_read.FileRejected as rejected:
        assert rejected.reason  # the module's own refusal, with a reason a person can read
        return None


@FAST
@given(FILE_NAMES, JSON_VALUES)
def test_hsds_reader_takes_any_json_or_refuses_it_with_its_own_error(name, value):
    text = json.dumps(value, ensure_ascii=False)
    _read([(name, text.encode("utf-8", "surrogatepass"))])


@FAST
@given(FILE_NAMES, st.binary(max_size=600))
@example("service.json", b"[" * 5000)
@example("service.json", b"NaN")
@example("x.zip", b"PK\x03\x04garbage")
def test_hsds_reader_takes_any_bytes_or_refuses_them_with_its_own_error(name, content):
    _read([(name, content)])


def _leaves(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, path + (index,))
    yield path


def _replace(value, path, new):
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {k: (_replace(v, rest, new) if k == head else v) for k, v in value.items()}
    return [(_replace(v, rest, new) if i == head else v) for i, v in enumerate(value)]


@needs_shared_hsds
@FAST
@given(st.data())
def test_hsds_reader_survives_any_one_change_to_an_official_example(data):
    """Schema-valid files reach the directory's own reader; one value changed anywhere (a wrong type, a huge
    number, broken text) must give a Problem or be taken, never an exception."""
    path = data.draw(st.sampled_from(sorted(EXAMPLES.glob("*_full.json")) + [EXAMPLES / "location.json"]))
    original = json.loads(path.read_text(encoding="utf-8"))
    where = data.draw(st.sampled_from(list(_leaves(original))))
    changed = _replace(original, where, data.draw(JSON_VALUES))
    _read([(path.name, json.dumps(changed, ensure_ascii=False).encode("utf-8", "surrogatepass"))])


# --- the CSV reader ------------------------------------------------------------------------------------------

def _parse(content: bytes):
    try:
        return csv_import.parse(content)
    except csv_import.CsvRejected as rejected:
        assert str(rejected)
        return None


@FAST
@given(st.binary(max_size=800))
@example(b"\xef\xbb\xbforganization,name\n\"unclosed")
@example(b"organization,name\r\n" + b"a," * 5000)
def test_csv_reader_takes_any_bytes_or_refuses_them_with_its_own_error(content):
    _parse(content)


CELLS = st.one_of(ANY_TEXT.map(lambda t: t[:60]), st.sampled_from(
    ["24/7", "mon-fri 09:00-17:00", "sat 22:00-06:00", "yes", "no", "-1", str(2**63), "1e400", "shelter",
     "es, en", "Europe/Paris", "Mars/Olympus", "=HYPERLINK(\"x\")", "\"", "a;b", "\t"]))


@FAST
@given(st.lists(st.sampled_from(csv_import.COLUMNS + ("", "extra")), min_size=1, max_size=12),
       st.lists(st.lists(CELLS, max_size=14), max_size=8), st.sampled_from([",", ";", "\t"]))
def test_csv_reader_checks_any_rows_under_a_real_header(header, rows, delimiter):
    header = ["organization", "name"] + header
    lines = [delimiter.join(header)] + [delimiter.join(json.dumps(c, ensure_ascii=False) for c in row)
                                        for row in rows]
    result = _parse("\n".join(lines).encode("utf-8", "surrogatepass"))
    if result is not None:
        for _number, record in result.records:
            assert record["organization_name"] and record["name"]
        for error in result.errors:
            assert error["reason"]
