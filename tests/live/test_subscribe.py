"""`subscribe {room}` joins a per-object room only when the object's domain allows it (`live.allow`); any
other room — undeclared kinds, home rooms, malformed names, a failing check — is refused and never joined."""
import pytest

from taskforce import live
from taskforce.live import access
from taskforce.live.namespace import MAX_SUBSCRIPTIONS
from tests.channels.multiprocess_helpers import wait_for
from tests.live.conftest import settle


@pytest.fixture
def trainings(make_organization):
    """A declared kind: a member may follow the trainings their own organization hosts."""
    hosts = {}

    def check(user, training_id):
        if training_id == 666:
            raise RuntimeError("a bug in the domain's check")
        return hosts.get(training_id) == user.organization_id

    access.allow("training", check)
    yield hosts
    access.forget("training")


def test_subscribe_is_refused_without_permission_and_nothing_arrives(open_page, make_user, make_organization,
                                                                     trainings):
    host, other = make_organization("Host NGO"), make_organization("Other NGO")
    trainings[12] = host.id
    trainer, outsider = make_user(organization=host), make_user(organization=other)
    trainer_page, outsider_page = open_page(trainer), open_page(outsider)

    assert trainer_page.call("subscribe", {"room": "training:12"}) == {"ok": True, "room": "training:12"}
    assert "error" in outsider_page.call("subscribe", {"room": "training:12"})

    live.push(live.object_room("training", 12), "seats_changed", {"training_id": 12, "seats_left": 3})
    wait_for(lambda: trainer_page.received("seats_changed"), timeout=5, what="the subscriber's push")
    settle()
    assert outsider_page.received("seats_changed") == []


BAD = [{"room": "user:1"}, {"room": "org:1"}, {"room": "session:1"}, {"room": "task_force"}, {"room": "channel:1"},
       {"room": "lesson:1"}, {"room": "training:666"}, {"room": "training:\x00"}, {"room": ["training:12"]},
       {"room": None}, {}, "training:12", None, {"room": "training:" + "9" * 500}]


def test_other_rooms_and_bad_input_are_refused(open_page, member, trainings):
    trainings[12] = member.organization_id
    page = open_page(member)
    for data in BAD:
        answer = page.call("subscribe", data)
        assert set(answer) == {"error"} and answer["error"], data
    assert page.is_connected()  # a refusal is an answer, not a crash
    live.push(live.user_room(member.id), "still_here", {})
    wait_for(lambda: page.received("still_here"), timeout=5, what="the page to still receive its own pushes")


def test_one_page_cannot_follow_thousands_of_objects(open_page, member, trainings):
    for training_id in range(MAX_SUBSCRIPTIONS + 1):
        trainings[training_id] = member.organization_id
    page = open_page(member)
    answers = [page.call("subscribe", {"room": f"training:{n}"}) for n in range(MAX_SUBSCRIPTIONS + 1)]
    assert all(a.get("ok") for a in answers[:MAX_SUBSCRIPTIONS])
    assert "error" in answers[-1]


def test_unknown_events_get_an_error_answer(open_page, member):
    page = open_page(member)
    assert "error" in page.call("send", {"channel_id": 1, "body": "hello"})
    assert page.is_connected()
