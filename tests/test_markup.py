"""Every payload of the XSS corpus (../shared/xss) goes through `render_markdown` and nothing executable
survives: no script, no event handler attribute, no javascript:/data: URL, no dangerous element."""
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from taskforce.markup import render_markdown, render_plain

XSS_DIR = Path(os.environ.get("TASKFORCE_XSS_DIR", Path(__file__).resolve().parents[2] / "shared" / "xss"))
ALLOWED = {"p": set(), "a": {"href", "title", "rel"}, "em": set(), "strong": set(), "ul": set(), "ol": set(),
           "li": set(), "code": set(), "pre": set(), "blockquote": set(), "h3": set(), "h4": set(), "br": set()}
SAFE_SCHEMES = ("http", "https", "mailto")


class _Inspector(HTMLParser):
    """Parses the rendered HTML as a browser would and lists everything outside the allowlist."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED:
            self.problems.append(f"tag <{tag}>")
            return
        for name, value in attrs:
            if name not in ALLOWED[tag] or name.startswith("on"):
                self.problems.append(f"attribute {name} on <{tag}>")
            if name == "href" and value:
                compact = re.sub(r"[\x00-\x20]", "", value).lower()
                scheme = re.match(r"([a-z][a-z0-9+.\-]*):", compact)  # as a browser's URL parser reads it
                if scheme and scheme.group(1) not in SAFE_SCHEMES:
                    self.problems.append(f"href scheme {scheme.group(1)}")

    handle_startendtag = handle_starttag


def corpus() -> list[str]:
    if not XSS_DIR.is_dir():
        return []
    payloads = []
    for path in sorted(XSS_DIR.glob("*.txt")):
        payloads.extend(line for line in path.read_text(errors="replace").splitlines() if line.strip())
    return payloads


PAYLOADS = corpus()


def assert_safe(html: str) -> None:
    inspector = _Inspector()
    inspector.feed(html)
    inspector.close()
    assert not inspector.problems, f"{inspector.problems} in {html!r}"


def test_corpus_is_present_and_large():
    if not XSS_DIR.is_dir():
        pytest.skip(f"XSS corpus not found at {XSS_DIR}")
    assert len(PAYLOADS) > 1000


def test_every_corpus_payload_renders_safely():
    if not PAYLOADS:
        pytest.skip(f"XSS corpus not found at {XSS_DIR}")
    failures = []
    for payload in PAYLOADS:
        for text in (payload, f"Lesson note: {payload}\n\n- item {payload}", f"[link]({payload})", f"`{payload}`"):
            html = render_markdown(text)
            try:
                assert_safe(html)
            except AssertionError:
                failures.append((payload, html))
    assert not failures, f"{len(failures)} unsafe renderings, first: {failures[0]}"


@pytest.mark.parametrize("payload", [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))", "[x](data:text/html;base64,PHNjcmlwdD4=)", "<svg onload=alert(1)>",
    "<a href=\"javascript&#58;alert(1)\">x</a>", "<iframe src=//evil>", "<style>*{}</style>", "<base href=//evil>",
    "<object data=x>", "<embed src=x>", "![x](javascript:alert(1))", "<a href=\"http://ok\" onclick=\"x()\">a</a>",
])
def test_classic_payloads(payload):
    assert_safe(render_markdown(payload))


def test_allowed_markdown_survives():
    html = render_markdown("**bold** _em_ `code`\n\n> quote\n\n- a\n- b\n\n### Head\n\n[site](https://example.org)")
    for fragment in ("<strong>bold</strong>", "<em>em</em>", "<code>code</code>", "<blockquote>", "<ul>",
                     "<h3>Head</h3>", 'href="https://example.org"', 'rel="nofollow noopener noreferrer"'):
        assert fragment in html


def test_plain_text_is_escaped_and_empty_is_empty():
    assert render_markdown("") == "" and render_markdown(None) == ""
    assert render_plain("<b>x</b>") == "x"  # a tag is dropped, its text kept
    assert render_plain('a < b & c "q"') == 'a &lt; b &amp; c "q"'  # what remains is escaped
    assert render_plain(None) == ""
    assert len(render_markdown("a" * 500_000)) < 200_000


@pytest.mark.parametrize("unsafe", ['<script>x</script>', '<a href="javascript:x">a</a>', '<p onclick="x">a</p>',
                                    '<a href=" JAVA\tSCRIPT:x">a</a>', '<img src=x>'])
def test_the_inspector_itself_flags_unsafe_html(unsafe):
    with pytest.raises(AssertionError):
        assert_safe(unsafe)
