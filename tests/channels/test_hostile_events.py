"""Every Socket.IO event of `/channels` × hostile payloads: an error answer to the sender, nothing written,
the socket still up. The events come from the namespace as registered (a new `on_…` handler is covered
automatically), their field names from the handlers' source.

Deep nesting, broken JSON and lone surrogates cannot be built by a client library (its own encoder refuses
or recurses), so those go over a real WebSocket as raw Socket.IO packets."""
import inspect
import json
import re
import threading

import pytest

from taskforce.auth.models import Role
from taskforce.channels import posting
from taskforce.channels.models import ChannelKind
from taskforce.extensions import db, socketio
from tests.channels.conftest import NS
from tests.channels.test_real_client import Listener, sign_in_cookie
from tests.test_hostile_input import count_rows


def namespace():
    return socketio.server.namespace_handlers[NS]


def event_names() -> list[str]:
    handler = namespace()
    names = [n[3:] for n in dir(handler) if n.startswith("on_") and n not in ("on_connect", "on_disconnect")]
    return sorted(names) + ["no_such_event"]


def field_names() -> list[str]:
    source = inspect.getsource(type(namespace()))
    return sorted(set(re.findall(r'data(?:\.get\(|\[)"(\w+)"', source)))


@pytest.fixture
def stage(make_user, make_channel, make_organization):
    """A member and a coordinator of one organization, a channel they read, and a private channel (with a
    message) of two people of another organization."""
    home, other = make_organization(), make_organization()
    member, coordinator = make_user(Role.MEMBER, organization=home), make_user(Role.COORDINATOR, organization=home)
    insiders = [make_user(organization=other), make_user(organization=other)]
    general = make_channel(ChannelKind.TASK_FORCE, name="general")
    sealed = make_channel(ChannelKind.PRIVATE, name="case conference", creator=insiders[0], members=insiders)
    posted = posting.post_message(insiders[0], sealed.id, "not for outsiders", "sealed-1").message
    mine = posting.post_message(member, general.id, "hello all", "mine-1").message
    db.session.commit()
    return {"member": member, "coordinator": coordinator, "general": general.id, "sealed": sealed.id,
            "sealed_message": posted.id, "mine": mine.id}


def payloads(stage: dict) -> list[tuple[str, tuple]]:
    """(label, emit arguments) of every hostile payload; fields named like ids get ids of a private channel
    (and its message) the actor may not read."""
    names = field_names()

    def each(value_of):
        return ({name: value_of(name) for name in names},)

    def forbidden(name):
        if name == "since" or name == "changes_since":
            return {str(stage["sealed"]): 0} if name == "since" else 0
        return stage["sealed_message"] if name.startswith(("message", "parent")) else stage["sealed"]

    return [
        ("nothing", ()),
        ("null", (None,)),
        ("a list", ([1, 2, 3],)),
        ("text", ("channel_id",)),
        ("an empty object", ({},)),
        ("NUL in every field", each(lambda n: "Harbor\x00clinic")),
        ("NUL in a key", ({"since": {"1\x00": 0}, "channel_id": stage["general"], "body": "x", "client_id": "c"},)),
        ("lone surrogate", each(lambda n: "\ud800")),
        ("CR/LF in every field", each(lambda n: "a\r\nb")),
        ("-1 in every field", each(lambda n: -1)),
        ("2**63 in every field", each(lambda n: 2**63)),
        ("wrong types", each(lambda n: {"x": [1, None]})),
        ("another organization's private channel", each(forbidden)),
        ("1 MB in every field", each(lambda n: "x" * (1_000_000 // len(names)))),
    ]


@pytest.mark.parametrize("role", ["member", "coordinator"])
def test_every_event_answers_hostile_payloads_with_an_error_and_writes_nothing(app, signed_in_socket, stage,
                                                                              generous_send_limit, role):
    sock = signed_in_socket(stage[role])
    assert sock.connected()
    sock.events()
    before = count_rows()
    problems, sent = [], 0
    for event in event_names():
        for label, args in payloads(stage):
            try:
                ack = sock.emit(event, *args)
            except Exception as error:  # noqa: BLE001 — an exception escaping a handler
                problems.append(f"{event} with {label}: {type(error).__name__}: {error}")
                continue
            sent += 1
            errors = [e for e in sock.events("error")]
            if not (isinstance(ack, dict) and isinstance(ack.get("error"), str) and ack["error"]):
                problems.append(f"{event} with {label}: answered {str(ack)[:120]}")
            elif "wrong on our side" in ack["error"]:
                problems.append(f"{event} with {label}: a server error ({ack['error']})")
            if not errors:
                problems.append(f"{event} with {label}: no error event")
            if not sock.connected():
                problems.append(f"{event} with {label}: the socket was dropped")
                break
    assert sent >= len(event_names()) * 10
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])
    assert count_rows() == before  # nothing written, not even half
    sync = sock.emit("sync", {"since": {str(stage["general"]): 0}})  # and the socket still works
    assert [m["id"] for m in sync["messages"]] == [stage["mine"]]


def test_unreadable_packets_over_a_real_socket_get_an_error_answer(live_server, stage):
    """Raw packets: JSON nested 5,000 deep, JSON cut off, a lone surrogate escape. The answer is an `error`
    event (and the ack) for each, and the connection survives to answer a normal sync."""
    listener = Listener()
    errors, arrived = [], threading.Condition()

    def on_error(payload):
        with arrived:
            errors.append(payload)
            arrived.notify_all()

    listener.client.on("error", on_error, namespace=NS)
    listener.connect(live_server.url, sign_in_cookie(live_server.url, stage["member"].email))
    before = count_rows()
    try:
        raws = ["[" * 5000 + "]" * 5000, '{"channel_id": 1, "body": "cut', json.dumps({"body": "\ud800"})]
        sent = 0
        for event in event_names():
            for index, raw in enumerate(raws):
                sent += 1
                listener.client.eio.send(f'2{NS},{900 + sent}["{event}",{raw}]')
        with arrived:
            arrived.wait_for(lambda: len(errors) >= sent, timeout=20)
        assert len(errors) == sent, f"{len(errors)} error answers for {sent} unreadable packets"
        assert {e["event"] for e in errors} <= set(event_names()) | {"malformed", "unknown"}
        answer = listener.call("sync", {"since": {str(stage["general"]): 0}})
        assert [m["id"] for m in answer["messages"]] == [stage["mine"]]
        assert count_rows() == before  # while still connected: the socket's own registry row stays
    finally:
        listener.client.disconnect()
