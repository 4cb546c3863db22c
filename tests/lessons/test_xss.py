"""Every lesson text goes through render_markdown: payloads from the shared XSS corpus render inert."""
import re
from pathlib import Path

import pytest

from taskforce.lessons.models import Status

CORPUS = Path("/work/shared/xss")


def payloads(limit=400) -> list[str]:
    if not CORPUS.exists():
        pytest.skip("XSS corpus not present")
    lines = []
    for path in sorted(CORPUS.glob("*.txt")):
        lines.extend(line for line in path.read_text(errors="ignore").splitlines() if line.strip())
    return lines[:limit]


def test_lesson_page_renders_payloads_inert(client, login, make_lesson, member, coordinator):
    items = payloads()
    chunk = 40
    login(member)
    for start in range(0, len(items), chunk):
        body = "\n\n".join(items[start:start + chunk])
        lesson = make_lesson(status=Status.PUBLISHED, what_happened=body, what_worked=body[:9000],
                             recommendation=body[:9000], summary=body[:2000])
        html = client.get(f"/lessons/{lesson.id}").get_data(as_text=True)
        main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
        assert "<script" not in main.lower()
        assert not re.search(r"<[^>]+\son\w+\s*=", main, re.IGNORECASE)
        assert not re.search(r"""(href|src)\s*=\s*["']?\s*javascript:""", main, re.IGNORECASE)
