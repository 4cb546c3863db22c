"""Reading: visibility everywhere (list, page, search, JSON), filters and paging, comments through the
anonymizer check, helpful marks."""
from sqlalchemy import func, select

from taskforce.auth.models import Role, Sector
from taskforce.extensions import db
from taskforce.lessons.models import LessonComment, LessonHelpfulMark, Status, TraffickingType, Visibility


def titles(client, **params) -> list[str]:
    return [item["title"] for item in client.get("/api/lessons", query_string=params).get_json()["lessons"]]


def test_sector_only_lessons_stay_in_their_sector(client, login, make_lesson, make_user, make_organization,
                                                  coordinator):
    clinic_author = make_user(Role.MEMBER, organization=make_organization(sector=Sector.HEALTHCARE))
    hidden = make_lesson(author=clinic_author, visibility=Visibility.SECTOR, title="Clinic only lesson")
    make_lesson(title="Everyone lesson")
    nurse = make_user(Role.MEMBER, organization=make_organization(sector=Sector.HEALTHCARE))
    officer = make_user(Role.MEMBER, organization=make_organization(sector=Sector.LAW_ENFORCEMENT))

    login(officer)
    assert titles(client) == ["Everyone lesson"]
    assert titles(client, q="only") == []
    assert client.get(f"/lessons/{hidden.id}").status_code == 404
    assert client.get(f"/api/lessons/{hidden.id}").status_code == 404
    assert "Clinic only lesson" not in client.get("/lessons/").get_data(as_text=True)
    assert client.post(f"/lessons/{hidden.id}/helpful", data={}).status_code == 404
    assert client.post(f"/lessons/{hidden.id}/comments", data={"body": "Useful."}).status_code == 404
    client.post("/auth/logout", data={})

    login(nurse)
    assert sorted(titles(client)) == ["Clinic only lesson", "Everyone lesson"]
    assert client.get(f"/lessons/{hidden.id}").status_code == 200
    client.post("/auth/logout", data={})
    login(coordinator)
    assert "Clinic only lesson" in titles(client)


def test_drafts_and_reviews_are_not_listed_and_do_not_exist_for_others(client, login, make_lesson, member):
    draft = make_lesson(status=Status.DRAFT, title="A draft")
    waiting = make_lesson(status=Status.IN_REVIEW, title="Waiting")
    login(member)
    assert titles(client) == []
    assert client.get(f"/lessons/{draft.id}").status_code == 404
    assert client.get(f"/lessons/{waiting.id}").status_code == 404
    assert client.get("/lessons/999999").status_code == 404


def test_filters_by_indicator_sector_type_year_and_text(client, login, make_lesson, member):
    make_lesson(title="Documents kept", indicators=("documents-held",), sectors=(Sector.HEALTHCARE,),
                trafficking_type=TraffickingType.LABOR, case_year=2021)
    make_lesson(title="Quota nightly", indicators=("quota", "debt-bondage"), sectors=(Sector.LAW_ENFORCEMENT,),
                trafficking_type=TraffickingType.SEX, case_year=2023, what_happened="A motel on the highway.")
    login(member)
    assert titles(client, indicator="quota") == ["Quota nightly"]
    assert titles(client, sector="healthcare") == ["Documents kept"]
    assert titles(client, trafficking_type="sex") == ["Quota nightly"]
    assert titles(client, year="2021") == ["Documents kept"]
    assert titles(client, q="motel highway") == ["Quota nightly"]
    assert titles(client, q="100%_") == []
    page = client.get("/lessons/", query_string={"indicator": "quota"}).get_data(as_text=True)
    assert "Quota nightly" in page and "Documents kept" not in page
    for bad in ({"indicator": "nope"}, {"sector": "x"}, {"trafficking_type": "x"}, {"year": "soon"},
                {"page": "two"}, {"q": "x" * 300}):
        assert client.get("/api/lessons", query_string=bad).status_code == 400


def test_paging(client, login, make_lesson, member):
    for n in range(23):
        make_lesson(title=f"Lesson {n:02d}")
    login(member)
    first = client.get("/api/lessons").get_json()
    second = client.get("/api/lessons", query_string={"page": 2}).get_json()
    assert (first["total"], first["pages"], len(first["lessons"]), len(second["lessons"])) == (23, 2, 20, 3)
    assert not {i["id"] for i in first["lessons"]} & {i["id"] for i in second["lessons"]}
    assert "Page 1 of 2" in client.get("/lessons/").get_data(as_text=True)


def test_comment_passes_the_check_or_is_refused_with_findings(client, login, make_lesson, member):
    lesson = make_lesson()
    login(member)
    response = client.post(f"/lessons/{lesson.id}/comments", data={"body": "Call Maria Gonzalez at 555-867-5309."})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "555-867-5309" in page and "could identify someone" in page
    assert db.session.scalar(select(func.count()).select_from(LessonComment)) == 0
    response = client.post(f"/lessons/{lesson.id}/comments", data={"body": "We saw the same pattern at a clinic."})
    assert response.status_code == 302
    assert "We saw the same pattern" in client.get(f"/lessons/{lesson.id}").get_data(as_text=True)
    assert client.post(f"/lessons/{lesson.id}/comments", data={"body": ""}).status_code == 400


def test_comments_only_on_published_lessons(client, login, make_lesson, member):
    lesson = make_lesson(author=member, status=Status.DRAFT)
    login(member)
    assert client.post(f"/lessons/{lesson.id}/comments", data={"body": "Note to self."}).status_code == 409


def test_comment_deleted_by_its_author_only(client, login, make_lesson, make_user, member):
    lesson = make_lesson()
    login(member)
    client.post(f"/lessons/{lesson.id}/comments", data={"body": "A thought."})
    comment_id = db.session.scalar(select(LessonComment.id))
    client.post("/auth/logout", data={})
    login(make_user(Role.MEMBER))
    assert client.post(f"/lessons/comments/{comment_id}/delete", data={}).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(LessonComment)) == 1


def test_helpful_toggles_once_per_person(client, login, make_lesson, member):
    lesson = make_lesson()
    login(member)
    first = client.post(f"/lessons/{lesson.id}/helpful", json={})
    assert first.get_json() == {"marked": True, "count": 1}
    assert client.post(f"/lessons/{lesson.id}/helpful", json={}).get_json() == {"marked": False, "count": 0}
    client.post(f"/lessons/{lesson.id}/helpful", data={})
    assert db.session.scalar(select(func.count()).select_from(LessonHelpfulMark)) == 1
    assert "1 found this helpful" in client.get(f"/lessons/{lesson.id}").get_data(as_text=True)
