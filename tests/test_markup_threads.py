"""`render_markdown` from many request threads at once gives exactly what it gives alone.

The threaded server renders messages, lessons and search results in parallel; a sanitizer or parser shared
between threads mixed one thread's text into another's output (another channel's text reaching a reader)."""
import re
from concurrent.futures import ThreadPoolExecutor

from taskforce.markup import render_markdown


def _texts() -> list[str]:
    """Distinct texts, each carrying its own marker, that exercise every stage: Markdown blocks, raw HTML that
    bleach strips, bare URLs the linkifier turns into links, code the linkifier skips."""
    texts = []
    for i in range(150):
        marker = f"marker{i:04d}"
        texts.append(
            f"### Note {marker}\n\n**{marker}** went to _shelter {i}_, see https://e{i}.org/{marker}\n\n"
            f"- step <b onclick=x>{i}</b> <script>alert({i})</script>\n\n`www.{i}.org`"
        )
    return texts


def _render_or_error(text: str) -> str:
    try:
        return render_markdown(text)
    except Exception as error:  # a crash counts as a wrong output, so the count below is complete
        return f"raised {type(error).__name__}"


def test_rendering_from_many_threads_equals_rendering_alone():
    texts = _texts()
    alone = {text: render_markdown(text) for text in texts}
    for text, html in alone.items():  # the reference is sound: each output holds its own marker only
        assert set(re.findall(r"marker\d{4}", html)) == {text.split()[2]} and "<script" not in html
    work = texts * 20  # 3,000 renders
    with ThreadPoolExecutor(max_workers=12) as pool:
        together = list(pool.map(_render_or_error, work, chunksize=1))
    wrong = [i for i, (text, html) in enumerate(zip(work, together)) if html != alone[text]]
    leaked = [i for i in wrong if set(re.findall(r"marker\d{4}", together[i])) - {work[i].split()[2]}]
    assert not wrong, (f"{len(wrong)} of {len(work)} renders differ from single-threaded output, "
                       f"{len(leaked)} hold another text's marker")
