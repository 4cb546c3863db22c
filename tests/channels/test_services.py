"""Channel and message rules, called the way views and socket events call them (the actor handed in)."""
import pytest
from sqlalchemy import func, select

from taskforce.audit import AuditEvent
from taskforce.auth.models import Role, Sector
from taskforce.channels import catch_up, message_edits, message_search, posting, services
from taskforce.channels.models import ChannelKind, ChannelMembership, Mention, Message, MessageRevision, Reaction
from taskforce.errors import Conflict, NotFound, PermissionDenied, ValidationError
from taskforce.extensions import db


def message_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Message))


@pytest.fixture
def people(make_user, make_organization):
    clinic = make_organization("Valle Verde Clinic", Sector.HEALTHCARE)
    police = make_organization("Harbor PD", Sector.LAW_ENFORCEMENT)
    return {
        "nurse": make_user(Role.MEMBER, clinic, display_name="Nadia Nurse"),
        "doctor": make_user(Role.MEMBER, clinic, display_name="Dev Doctor"),
        "detective": make_user(Role.MEMBER, police, display_name="Dana Detective"),
        "coordinator": make_user(Role.COORDINATOR, police, display_name="Cora Coordinator"),
    }


def test_who_reads_which_channel(people, make_channel):
    everyone = make_channel(ChannelKind.TASK_FORCE)
    health = make_channel(ChannelKind.SECTOR, sector="healthcare")
    private = make_channel(ChannelKind.PRIVATE, creator=people["nurse"], members=[people["nurse"], people["detective"]])
    readable = lambda who: {c.id for c in services.readable_channels(people[who])}
    assert readable("nurse") == {everyone.id, health.id, private.id}
    assert readable("doctor") == {everyone.id, health.id}
    assert readable("detective") == {everyone.id, private.id}
    assert readable("coordinator") == {everyone.id, health.id}  # sector channels yes, private ones no


def test_forged_or_foreign_channel_ids_answer_not_found(people, make_channel):
    health = make_channel(ChannelKind.SECTOR, sector="healthcare")
    private = make_channel(ChannelKind.PRIVATE, members=[people["nurse"]])
    for channel_id in (health.id, private.id, 999_999):
        with pytest.raises(NotFound) as error:
            posting.post_message(people["detective"], channel_id, "hello", f"c-{channel_id}")
        assert "does not exist or you are not a member" in error.value.message
    for bad in ("abc", None, [1], {"id": 1}, True, -3, 2**40):
        with pytest.raises(ValidationError):
            posting.post_message(people["detective"], bad, "hello", "c-bad")
    assert message_count() == 0


def test_post_is_idempotent_on_client_id(people, make_channel):
    channel = make_channel()
    first = posting.post_message(people["nurse"], channel.id, "Shelter beds open tonight?", "abc-1")
    retry = posting.post_message(people["nurse"], channel.id, "Shelter beds open tonight?", "abc-1")
    assert first.created and not retry.created and retry.message.id == first.message.id
    other_author = posting.post_message(people["doctor"], channel.id, "Same client id, other author", "abc-1")
    assert other_author.created
    assert message_count() == 2


@pytest.mark.parametrize("body,expected", [
    ("", "empty"), ("   \n ", "empty"), (None, "must be text"), (12, "must be text"), (["a"], "must be text"),
    ("x" * 10_001, "too long: 10,001 characters; the limit is 10,000"), ("y" * 20_000, "too long"),
])
def test_bad_bodies_are_refused_with_a_clear_error_and_nothing_stored(people, make_channel, body, expected):
    channel = make_channel()
    with pytest.raises(ValidationError) as error:
        posting.post_message(people["nurse"], channel.id, body, "c-1")
    assert expected in error.value.message
    assert message_count() == 0


def test_exactly_ten_thousand_characters_is_accepted(people, make_channel):
    channel = make_channel()
    posted = posting.post_message(people["nurse"], channel.id, "z" * 10_000, "c-1")
    assert len(posted.message.body) == 10_000


@pytest.mark.parametrize("client_id", [None, "", 5, "x" * 65, ["a"]])
def test_client_id_must_be_short_text(people, make_channel, client_id):
    channel = make_channel()
    with pytest.raises(ValidationError):
        posting.post_message(people["nurse"], channel.id, "hello", client_id)


def test_archived_channel_is_read_only(people, make_channel):
    channel = make_channel(archived=True)
    with pytest.raises(PermissionDenied, match="archived"):
        posting.post_message(people["nurse"], channel.id, "hello", "c-1")
    assert services.readable_channels(people["nurse"])[0].id == channel.id


def test_only_coordinators_open_shared_channels_anyone_opens_private(people):
    with pytest.raises(PermissionDenied):
        services.create_channel(people["nurse"], "All hands", "task_force")
    with pytest.raises(PermissionDenied):
        services.create_channel(people["nurse"], "Health", "sector", sector="healthcare")
    private = services.create_channel(people["nurse"], "Referral huddle", "private", members=[people["detective"].id])
    assert {m.user_id for m in db.session.scalars(select(ChannelMembership).where(
        ChannelMembership.channel_id == private.id))} == {people["nurse"].id, people["detective"].id}
    shared = services.create_channel(people["coordinator"], "Health", "sector", sector="healthcare")
    assert shared.sector == "healthcare"
    with pytest.raises(ValidationError):
        services.create_channel(people["coordinator"], "Bad", "sector", sector="astrology")
    with pytest.raises(ValidationError):
        services.create_channel(people["coordinator"], "", "private")
    with pytest.raises(ValidationError):
        services.create_channel(people["coordinator"], "X", "nonsense")
    with pytest.raises(PermissionDenied):
        services.create_channel(people["coordinator"], "Training", "training")


def test_rename_topic_archive_rules(people, make_channel):
    shared = make_channel()
    with pytest.raises(PermissionDenied):
        services.update_channel(people["nurse"], shared.id, "Renamed", "")
    services.update_channel(people["coordinator"], shared.id, "General", "Everything task-force wide")
    assert (shared.name, shared.topic) == ("General", "Everything task-force wide")
    private = services.create_channel(people["nurse"], "Huddle", "private", members=[people["detective"].id])
    with pytest.raises(PermissionDenied):
        services.archive(people["detective"], private.id)  # a member, not the creator
    services.archive(people["nurse"], private.id)
    with pytest.raises(Conflict):
        services.archive(people["nurse"], private.id)
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"channel.created", "channel.renamed", "channel.archived"} <= actions


def test_invite_and_remove_in_private_channels(people):
    private = services.create_channel(people["nurse"], "Huddle", "private")
    with pytest.raises(NotFound):  # not yet a member: cannot even see it
        services.invite_member(people["detective"], private.id, people["doctor"].id)
    services.invite_member(people["nurse"], private.id, people["detective"].id)
    with pytest.raises(Conflict):
        services.invite_member(people["nurse"], private.id, people["detective"].id)
    with pytest.raises(NotFound):
        services.invite_member(people["nurse"], private.id, 424242)
    with pytest.raises(PermissionDenied):
        services.remove_member(people["detective"], private.id, people["nurse"].id)
    services.remove_member(people["nurse"], private.id, people["detective"].id)
    with pytest.raises(NotFound):
        posting.post_message(people["detective"], private.id, "still here?", "c-1")


def test_edit_keeps_revisions_visible_to_coordinators_only(people, make_channel):
    channel = make_channel()
    message = posting.post_message(people["nurse"], channel.id, "Meeting at 3", "c-1").message
    with pytest.raises(PermissionDenied):
        message_edits.edit_message(people["doctor"], message.id, "hijacked")
    message_edits.edit_message(people["nurse"], message.id, "Meeting at 4")
    assert message.edited_at is not None and message.body == "Meeting at 4"
    assert [r.body for r in message_edits.message_revisions(people["coordinator"], message.id)] == ["Meeting at 3"]
    with pytest.raises(PermissionDenied):
        message_edits.message_revisions(people["nurse"], message.id)
    assert db.session.scalar(select(func.count()).select_from(MessageRevision)) == 1


def test_soft_delete_by_author_or_coordinator(people, make_channel):
    channel = make_channel()
    message = posting.post_message(people["nurse"], channel.id, "Oops", "c-1").message
    with pytest.raises(PermissionDenied):
        message_edits.delete_message(people["doctor"], message.id)
    message_edits.delete_message(people["coordinator"], message.id)
    assert db.session.get(Message, message.id).deleted_at is not None
    with pytest.raises(ValidationError):
        message_edits.edit_message(people["nurse"], message.id, "back")
    assert message_search.search_messages(people["nurse"], "Oops") == []


def test_reactions_from_the_small_set_once_per_person(people, make_channel):
    channel = make_channel()
    message = posting.post_message(people["nurse"], channel.id, "Bed found", "c-1").message
    message_edits.react(people["doctor"], message.id, "👍")
    message_edits.react(people["doctor"], message.id, "👍")
    assert db.session.scalar(select(func.count()).select_from(Reaction)) == 1
    with pytest.raises(ValidationError):
        message_edits.react(people["doctor"], message.id, "💩")
    message_edits.react(people["doctor"], message.id, "👍", on=False)
    assert db.session.scalar(select(func.count()).select_from(Reaction)) == 0


def test_mentions_notify_readers_only(people, make_channel):
    health = make_channel(ChannelKind.SECTOR, sector="healthcare")
    posted = posting.post_message(people["nurse"], health.id, "@**Dev Doctor** and @**Dana Detective** see this",
                                  "c-1")
    assert [u.id for u in posted.mentioned] == [people["doctor"].id]  # the detective cannot read the channel
    assert db.session.scalar(select(Mention.user_id)) == people["doctor"].id


def test_replies_stay_in_the_channel_and_threads_are_one_level(people, make_channel):
    one, two = make_channel(name="one"), make_channel(name="two")
    root = posting.post_message(people["nurse"], one.id, "Question", "c-1").message
    reply = posting.post_message(people["doctor"], one.id, "Answer", "c-2", parent_id=root.id).message
    nested = posting.post_message(people["nurse"], one.id, "Thanks", "c-3", parent_id=reply.id).message
    assert reply.parent_id == root.id and nested.parent_id == root.id
    with pytest.raises(ValidationError):
        posting.post_message(people["nurse"], two.id, "Wrong place", "c-4", parent_id=root.id)


def test_pii_warning_stores_nothing_and_audits_without_text(people, make_channel):
    channel = make_channel()
    body = "Call her at (555) 201-4477 or mail jane.roe@example.org"
    with pytest.raises(posting.PiiWarning) as warning:
        posting.post_message(people["nurse"], channel.id, body, "c-1")
    kinds = {f["kind"] for f in warning.value.findings}
    assert {"PHONE", "EMAIL"} <= kinds
    assert message_count() == 0
    confirmed = posting.post_message(people["nurse"], channel.id, body, "c-1", confirm_pii=True)
    assert confirmed.created
    rows = db.session.execute(select(AuditEvent.action, AuditEvent.outcome, AuditEvent.target_id)).all()
    assert ("channel.pii_warning", "warned", str(channel.id)) in rows
    assert ("channel.pii_warning", "confirmed", str(channel.id)) in rows
    # The stored columns only (an object's own repr holds a memory address, which may contain any digits);
    # the phone as written or as digits, and the e-mail, are what must not be there.
    for row in db.session.execute(select(AuditEvent.__table__)).all():
        stored = " ".join(str(value) for value in row)
        assert not any(secret in stored for secret in ("201-4477", "2014477", "jane.roe"))


def test_messages_since_pages_in_id_order_with_has_more(people, make_channel):
    one, two = make_channel(name="one"), make_channel(name="two")
    for n in range(5):
        posting.post_message(people["nurse"], one.id, f"one {n}", f"a{n}")
        posting.post_message(people["doctor"], two.id, f"two {n}", f"b{n}")
    first, more = catch_up.messages_since(people["detective"], {one.id: 0, str(two.id): 0}, limit=6)
    assert more and [m.id for m in first] == sorted(m.id for m in first) and len(first) == 6
    since = {one.id: max([m.id for m in first if m.channel_id == one.id]),
             two.id: max([m.id for m in first if m.channel_id == two.id])}
    rest, more = catch_up.messages_since(people["detective"], since, limit=6)
    assert not more and len(rest) == 4
    assert {m.id for m in first} | {m.id for m in rest} == set(db.session.scalars(select(Message.id)))
    with pytest.raises(ValidationError):
        catch_up.messages_since(people["detective"], {one.id: "x"})
    with pytest.raises(ValidationError):
        catch_up.messages_since(people["detective"], [1, 2])


def test_messages_since_refuses_a_channel_the_member_cannot_read(people, make_channel):
    health = make_channel(ChannelKind.SECTOR, sector="healthcare")
    posting.post_message(people["nurse"], health.id, "clinic only", "c-1")
    with pytest.raises(NotFound):
        catch_up.messages_since(people["detective"], {health.id: 0})


def test_search_covers_readable_channels_only(people, make_channel):
    everyone = make_channel()
    health = make_channel(ChannelKind.SECTOR, sector="healthcare")
    posting.post_message(people["nurse"], everyone.id, "Forensic exam slots on Friday", "c-1")
    posting.post_message(people["nurse"], health.id, "Forensic nurse rota", "c-2")
    assert len(message_search.search_messages(people["doctor"], "forensic")) == 2
    found = message_search.search_messages(people["detective"], "FORENSIC")
    assert [m.body for m in found] == ["Forensic exam slots on Friday"]
    assert message_search.search_messages(people["detective"], "100%_") == []
    for bad in ("", "   ", None, "x" * 201):
        with pytest.raises(ValidationError):
            message_search.search_messages(people["detective"], bad)


def test_unread_counts_mark_read_and_mute(people, make_channel):
    channel = make_channel()
    ids = [posting.post_message(people["nurse"], channel.id, f"m{n}", f"c{n}").message.id for n in range(3)]
    posting.post_message(people["doctor"], channel.id, "mine", "own")
    assert services.unread_counts(people["doctor"])[channel.id]["unread"] == 3  # own message not counted
    services.mark_read(people["doctor"], channel.id, ids[1])
    assert services.unread_counts(people["doctor"])[channel.id]["unread"] == 1
    services.mark_read(people["doctor"], channel.id, ids[0])  # never moves back
    assert services.unread_counts(people["doctor"])[channel.id]["last_read"] == ids[1]
    services.mark_read(people["doctor"], channel.id, 10**9)  # clamped to the newest message
    assert services.unread_counts(people["doctor"])[channel.id]["last_read"] == max(ids) + 1
    assert services.set_muted(people["doctor"], channel.id, True)
    assert services.unread_counts(people["doctor"])[channel.id]["muted"] is True
