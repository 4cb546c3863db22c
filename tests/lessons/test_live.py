"""A released lesson reaches its readers live: `notification {kind: "lesson", text, url}` on /live,
to the whole task force or only the author's sector."""
import pytest

from taskforce.auth.models import Role, Sector
from taskforce.lessons.models import Status

NS = "/live"


def lesson_notifications(sio) -> list[dict]:
    return [p["args"][0] for p in sio.get_received(NS) if p["name"] == "notification"
            and p["args"][0].get("kind") == "lesson"]


def test_published_lesson_is_announced_to_the_task_force(client, login, make_lesson, make_user, coordinator,
                                                         socket_for):
    lesson = make_lesson(status=Status.IN_REVIEW, title="Ask who holds the documents")
    reader = socket_for(make_user(Role.MEMBER))
    login(coordinator)
    assert client.post(f"/lessons/{lesson.id}/publish", data={"visibility": "task_force"}).status_code == 302
    assert lesson_notifications(reader) == [
        {"kind": "lesson", "text": "New lesson: Ask who holds the documents", "url": f"/lessons/{lesson.id}"}]


def test_sector_only_lesson_is_announced_to_that_sector_only(client, login, make_lesson, make_user,
                                                             make_organization, coordinator, socket_for):
    author = make_user(Role.MEMBER, organization=make_organization(sector=Sector.HEALTHCARE))
    lesson = make_lesson(author=author, status=Status.IN_REVIEW)
    nurse = socket_for(make_user(Role.MEMBER, organization=make_organization(sector=Sector.HEALTHCARE)))
    officer = socket_for(make_user(Role.MEMBER, organization=make_organization(sector=Sector.LAW_ENFORCEMENT)))
    login(coordinator)
    client.post(f"/lessons/{lesson.id}/publish", data={"visibility": "sector"})
    assert len(lesson_notifications(nurse)) == 1
    assert lesson_notifications(officer) == []


def test_no_announcement_when_publishing_fails(client, login, make_lesson, make_user, coordinator, socket_for):
    lesson = make_lesson(author=coordinator, status=Status.IN_REVIEW)
    reader = socket_for(make_user(Role.MEMBER))
    login(coordinator)
    assert client.post(f"/lessons/{lesson.id}/publish", data={"visibility": "task_force"}).status_code == 403
    assert lesson_notifications(reader) == []
