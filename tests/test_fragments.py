"""Fragments rendered once per content (taskforce.fragments): the menu and the quick-need chips are the same
HTML as the templates give, per member and page — a cached fragment never shows one member's or one page's
menu to another."""
import re

from taskforce.fragments import fragment
from tests.conftest import CsrfClient


def menu(html: str) -> str:
    return html.split('id="main-nav"', 1)[1].split("</ul>", 1)[0]


def test_the_menu_marks_the_current_section_only(client, login, member):
    login(member)
    directory = menu(client.get("/directory/").get_data(as_text=True))
    assert re.search(r'href="/directory/"\s+aria-current="page"', directory)
    assert directory.count("aria-current") == 1
    lessons = menu(client.get("/lessons/").get_data(as_text=True))
    assert re.search(r'href="/lessons/"\s+aria-current="page"', lessons) and lessons.count("aria-current") == 1
    assert "aria-current" not in menu(client.get("/").get_data(as_text=True))  # home is no section


def test_each_member_gets_the_menu_of_their_role(app, client, login, member, coordinator):
    login(coordinator)
    assert "Audit log" in menu(client.get("/directory/").get_data(as_text=True))
    other = CsrfClient(app.test_client())
    login(member, the_client=other)
    shown = menu(other.get("/directory/").get_data(as_text=True))  # same page, same process, right after
    assert "Audit log" not in shown and "Directory" in shown


def test_the_chip_of_the_current_search_is_marked(client, login, member):
    login(member)
    page = client.get("/directory/", query_string={"category": "interpretation"}).get_data(as_text=True)
    chips = page.split('class="chips"', 1)[1].split("</nav>", 1)[0]
    assert re.search(r'class="chip is-active" href="/directory/\?category=interpretation"\s+aria-current="true">'
                     r"Interpreter</a>", chips)
    assert chips.count("is-active") == 1
    plain = client.get("/directory/").get_data(as_text=True).split('class="chips"', 1)[1].split("</nav>", 1)[0]
    assert "is-active" not in plain and plain.count('class="chip"') == 7


def test_a_fragment_is_escaped_and_rendered_anew_while_templates_reload(app):
    items = (("/x?a=1&b=2", "<b>Shelter</b>", False),)
    with app.test_request_context("/"):
        html = fragment("directory/_chips.html", "chips", items)
        assert "&lt;b&gt;Shelter&lt;/b&gt;" in html and "/x?a=1&amp;b=2" in html
        assert fragment("directory/_chips.html", "chips", items) is html  # remembered
        app.jinja_env.auto_reload = True
        try:
            assert fragment("directory/_chips.html", "chips", items) is not html
        finally:
            app.jinja_env.auto_reload = False
