"""In Chromium at 390 px (a common phone): no page of the app scrolls sideways, on a demo-like database that
includes a long unbroken channel name (a pasted URL or tag), and a channel's message box is on the first
screen."""
import pytest
from sqlalchemy import select

from taskforce.auth.models import Organization, Role
from taskforce.channels.models import Channel, ChannelKind, ChannelMembership
from taskforce.cli import seed_demo_data
from taskforce.directory.models import Service
from taskforce.extensions import db
from taskforce.lessons.models import Lesson, Status
from tests.conftest import TEST_PASSWORD, totp_code
from tests.e2e.conftest import sign_in

PHONE = {"width": 390, "height": 844}
LONG_NAME = "harbor-night-shift-coordination-" + "x" * 47  # 80 characters, no space to break at


@pytest.fixture
def demo(app, make_user):
    seed_demo_data(7, "demo-password-1")
    casa = db.session.scalar(select(Organization).where(Organization.name.startswith("Casa Esperanza")))
    coordinator = make_user(Role.COORDINATOR, organization=casa, display_name="Phone Sweep Coordinator")
    channel = Channel(name=LONG_NAME, topic="t" * 60 + " night shift handover", kind=ChannelKind.TASK_FORCE,
                      created_by_id=coordinator.id)
    db.session.add(channel)
    db.session.flush()
    db.session.add(ChannelMembership(channel_id=channel.id, user_id=coordinator.id))
    db.session.commit()
    lesson = db.session.scalar(select(Lesson).where(Lesson.status == Status.PUBLISHED).limit(1))
    service = db.session.scalar(select(Service).where(Service.organization_id == casa.id).limit(1))
    return {"coordinator": coordinator, "channel": channel.id, "lesson": lesson.id, "service": service.id,
            "organization": casa.id}


def sweep(demo, app) -> list[str]:
    pages = ["/", "/channels/", f"/channels/{demo['channel']}", "/lessons/", f"/lessons/{demo['lesson']}",
             "/lessons/new", "/directory/", "/directory/?language=es&category=emergency_shelter&open_now=1",
             f"/directory/services/{demo['service']}", f"/directory/services/{demo['service']}/edit",
             "/directory/exchange/", "/auth/account", "/partners/", f"/partners/{demo['organization']}",
             "/partners/invitations", "/partners/audit", "/notifications/", "/notifications/preferences"]
    prefixes = {rule.rule for rule in app.url_map.iter_rules()}
    pages += [path for path in ("/training/", "/network/", "/network/table", "/network/gaps") if path in prefixes]
    return pages


# The innermost elements reaching past the viewport, to say in a failure what widens the page.
WIDE_ELEMENTS = """(width) => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > width + 1 && ![...e.children].some(
      c => c.getBoundingClientRect().right > width + 1))
  .slice(0, 4).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : '')
      + ' ' + Math.round(e.getBoundingClientRect().right))"""


def test_no_page_of_the_sweep_scrolls_sideways_on_a_390px_phone(new_page, demo, app):
    page = new_page(viewport=PHONE)
    sign_in(page, demo["coordinator"].email, TEST_PASSWORD, totp_code(demo["coordinator"]))
    page.wait_for_url("**/")
    widths = {}
    for path in sweep(demo, app):
        response = page.goto(path)
        assert response.status == 200, path
        page.wait_for_load_state("load")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            widths[path] = (width, page.evaluate(WIDE_ELEMENTS, PHONE["width"]))
    assert widths == {}, "\n".join(f"{p}: {w}" for p, w in widths.items())


def test_the_message_box_of_a_channel_is_on_the_first_phone_screen(new_page, demo):
    page = new_page(viewport=PHONE)
    sign_in(page, demo["coordinator"].email, TEST_PASSWORD, totp_code(demo["coordinator"]))
    page.wait_for_url("**/")
    page.goto(f"/channels/{demo['channel']}")
    box = page.locator("textarea").first.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"], box
