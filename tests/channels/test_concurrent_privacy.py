"""Real Socket.IO clients syncing at once over a served app: a private channel's text never reaches a reader
outside it, and no sync fails, while members of that channel sync and post in parallel threads.

This is the path the shared sanitizer broke (issue 12 §1): every message a sync returns is rendered in
the server's request thread, so renders of a private channel ran beside renders for other readers."""
import re
import threading

import socketio as python_socketio

from taskforce.auth.models import Sector
from taskforce.channels import posting
from taskforce.channels.models import ChannelKind, Message
from taskforce.extensions import db
from taskforce.markup import render_markdown
from tests.channels.test_real_client import Listener, sign_in_cookie

SEALED = re.compile(r"Sealed\d+")
ROUNDS = 6


def _body(kind: str, n: int) -> str:
    return (f"**{kind}{n}** is at _room {n}_, see https://{kind.lower()}{n}.example/{kind}{n}\n\n"
            f"- bring {kind}{n} papers <b onclick=x>now</b>\n- `{kind}{n}` stays\n\n> {kind}{n} confirmed")


def _run_clients(url: str, plans: list) -> list[str]:
    """Run each `(listener, cookie, work)` in its own thread; `work(listener)` does the calls. Returns the
    failures (exceptions) seen by any client."""
    failures: list[str] = []
    start = threading.Barrier(len(plans))

    def client(listener, cookie, work):
        try:
            listener.connect(url, cookie)
            start.wait(timeout=30)
            work(listener)
        except Exception as error:  # noqa: BLE001  (reported below as a failed client)
            failures.append(f"{type(error).__name__}: {error}")

    threads = [threading.Thread(target=client, args=plan) for plan in plans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for listener, _, _ in plans:
        listener.client.disconnect()
    return failures


def test_concurrent_syncs_never_hand_out_a_private_channels_text(live_server, make_user, make_organization,
                                                                make_channel):
    clinic = make_organization("St. Brigid Medical Center", Sector.HEALTHCARE)
    shelter = make_organization("Safe Passage Network", Sector.VICTIM_SERVICES_NGO)
    insiders = [make_user(organization=clinic), make_user(organization=shelter)]
    outsiders = [make_user(organization=org) for org in (clinic, shelter, clinic, shelter)]
    general = make_channel(ChannelKind.TASK_FORCE, name="general")
    sealed = make_channel(ChannelKind.PRIVATE, name="case conference", creator=insiders[0], members=insiders)
    for n in range(40):
        posting.post_message(insiders[n % 2], general.id, _body("Open", n), f"open-{n}", confirm_pii=True)
        posting.post_message(insiders[n % 2], sealed.id, _body("Sealed", n), f"sealed-{n}", confirm_pii=True)
    db.session.commit()
    general_id, sealed_id = general.id, sealed.id  # the client threads have no app context to load them in
    cookies = {user.id: sign_in_cookie(live_server.url, user.email) for user in insiders + outsiders}

    answers: dict[int, list] = {user.id: [] for user in insiders + outsiders}
    refused_private: list[dict] = []

    def outsider_work(user_id):
        def work(listener):
            for round_ in range(ROUNDS):
                answers[user_id].append(listener.call("sync", {"since": {str(general_id): 0}}))
                if round_ % 3 == 0:  # asking for the private channel outright is refused, never answered
                    refused_private.append(listener.call("sync", {"since": {str(sealed_id): 0}}))
        return work

    def insider_work(user_id, posts: bool):
        def work(listener):
            for round_ in range(ROUNDS):
                answers[user_id].append(listener.call("sync", {"since": {str(general_id): 0, str(sealed_id): 0}}))
                if posts:  # live broadcasts of private text are rendered meanwhile too
                    ack = listener.call("send", {"channel_id": sealed_id, "body": _body("Sealed", 100 + round_),
                                                 "client_id": f"live-{round_}", "confirm_pii": True})
                    assert "id" in ack, ack
        return work

    listeners = {user.id: Listener() for user in insiders + outsiders}
    plans = [(listeners[u.id], cookies[u.id], outsider_work(u.id)) for u in outsiders]
    plans += [(listeners[u.id], cookies[u.id], insider_work(u.id, posts=i == 0)) for i, u in enumerate(insiders)]
    failures = _run_clients(live_server.url, plans)

    assert not failures, failures
    db.session.expire_all()
    expected = {m.id: render_markdown(m.body) for m in db.session.scalars(db.select(Message))}  # one thread
    for user in insiders + outsiders:
        assert len(answers[user.id]) == ROUNDS
        for answer in answers[user.id]:
            assert "error" not in answer, answer  # no sync failed
            wrong = [m["id"] for m in answer["messages"] if m["body_html"] != expected[m["id"]]]
            assert not wrong, f"{len(wrong)} messages rendered differently under concurrency: {wrong[:5]}"
    for user in outsiders:
        for answer in answers[user.id]:
            assert [m["channel_id"] for m in answer["messages"]] == [general.id] * 40
            assert not SEALED.search(str(answer)), "a private channel's text reached a non-member"
        live = listeners[user.id].posted
        assert not any(SEALED.search(str(payload)) for payload in live), "a private broadcast reached a non-member"
    assert refused_private and all(set(a) == {"error"} for a in refused_private)
    insider_answer = answers[insiders[1].id][-1]
    assert {m["channel_id"] for m in insider_answer["messages"]} == {general.id, sealed.id}  # the channel works
    assert any(SEALED.search(p["body_html"]) for p in listeners[insiders[1].id].posted)  # and broadcasts arrive
