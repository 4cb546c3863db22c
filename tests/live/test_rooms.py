"""Room names and the parse of a `subscribe {room}` (pure)."""
import pytest

from taskforce.live import rooms


def test_home_rooms_name_who_where_and_which_session():
    assert rooms.home_rooms(7, 3, "healthcare", False, 41) == ["user:7", "org:3", "sector:healthcare", "task_force",
                                                               "session:41"]
    assert rooms.home_rooms(7, 3, "healthcare", True, 41)[-1] == "coordinators"


@pytest.mark.parametrize("room,parsed", [("training:12", ("training", 12)), ("network:map", ("network", "map")),
                                         ("partner_map:7", ("partner_map", 7))])
def test_object_rooms_parse(room, parsed):
    assert rooms.parse_object_room(room) == parsed


@pytest.mark.parametrize("room", ["user:5", "org:1", "sector:healthcare", "session:3", "channel:2", "task_force",
                                  "coordinators:", "coordinators:x", "training", "training:", ":12", "a b:1",
                                  "training:1\x00", "x" * 200 + ":1", 12, None, ["training:1"], {"room": 1}])
def test_reserved_or_malformed_rooms_are_not_object_rooms(room):
    assert rooms.parse_object_room(room) is None
