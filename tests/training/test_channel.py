"""Each training has a training channel whose members are the people holding a seat (wiring: training
signals → channels.training_channels), kept in sync as seats change hands."""
from sqlalchemy import select

from taskforce.auth.models import Role
from taskforce.channels import access
from taskforce.channels.models import Channel, ChannelKind, ChannelMembership
from taskforce.extensions import db
from taskforce.training import offers, registration


def members_of(training_id) -> set[int]:
    db.session.expire_all()
    channel = db.session.scalar(select(Channel).where(Channel.training_id == training_id))
    return set(db.session.scalars(select(ChannelMembership.user_id).where(ChannelMembership.channel_id == channel.id)))


def test_channel_follows_the_seats(client, login, trainer, make_training, make_user):
    training = make_training(capacity="1")
    channel = db.session.scalar(select(Channel).where(Channel.training_id == training.id))
    assert channel.kind is ChannelKind.TRAINING and "training:" in channel.name
    first, second = make_user(Role.MEMBER), make_user(Role.MEMBER)
    login(first)
    client.post(f"/training/{training.id}/register")
    registration.register(second, training.id)  # waitlisted: not in the channel
    assert members_of(training.id) == {trainer.id, first.id}
    assert access.can_read(first, channel) and not access.can_read(second, channel)
    registration.cancel(first, training.id)
    assert members_of(training.id) == {trainer.id, second.id}  # the offered seat counts as held
    offers.accept_offer(second, training.id)
    assert members_of(training.id) == {trainer.id, second.id}
    api = client.get("/api/channels").get_json()
    assert all(c.get("id") != channel.id for c in (api if isinstance(api, list) else api.get("channels", [])))


def test_a_failing_channel_sync_or_live_push_still_answers_the_registration_with_success(
        client, login, make_training, make_user, monkeypatch, caplog):
    """The seat is committed before the listeners run: their failure is logged and rolled back, never a 500."""
    from taskforce.channels import training_channels
    from taskforce.training import live as training_live
    from taskforce.training.models import Registration, RegistrationState as R

    def broken(*_args, **_kwargs):
        raise RuntimeError("channel store unavailable")
    training = make_training(capacity="2")
    member = make_user(Role.MEMBER)
    monkeypatch.setattr(training_channels, "sync_training_members", broken)
    monkeypatch.setattr(training_live.live, "push", broken)
    login(member)
    response = client.post(f"/training/{training.id}/register")
    assert response.status_code == 302
    db.session.expire_all()
    seat = db.session.scalar(select(Registration).where(Registration.training_id == training.id,
                                                        Registration.user_id == member.id))
    assert seat is not None and seat.state is R.CONFIRMED
    assert "on_training_registrations_changed failed" in caplog.text  # logged by name
