"""Cross-domain reactions (DESIGN §2): the emitting domain declares a blinker signal in its own module,
and the listener is connected here, in `create_app`, so the middle domains never import each other."""


def connect_signals(app) -> None:
    """Connect every cross-domain listener. Each block names who emits and who reacts."""

    # auth → live layer: a sign-in session ended (logout, deactivation, role change); its sockets on every
    # namespace and process close now. The sweep asks the session store which sessions ended by themselves.
    from taskforce import live
    from taskforce.auth.session_store import ended_sessions
    from taskforce.auth.signals import sessions_revoked
    sessions_revoked.connect(live.on_sessions_revoked, weak=False)
    live.watch_sessions(app, lambda ids: ended_sessions(ids, app.config))

    # lessons → live layer: a lesson was released; its readers get a toast.
    from taskforce.lessons.live import announce_published_lesson
    from taskforce.lessons.signals import lesson_published
    lesson_published.connect(announce_published_lesson, weak=False)

    # domains → notifications (issue 14): each domain's `live.py` turns its signals into notification rows,
    # the bell count and emails. Importing a `live.py` registers its kinds.
    from taskforce.auth import live as auth_live
    from taskforce.auth.signals import invitation_accepted
    invitation_accepted.connect(auth_live.notify_inviter_of_acceptance, weak=False)

    from taskforce.channels import live as channels_live
    from taskforce.channels.signals import channel_read, message_posted
    message_posted.connect(channels_live.notify_mentions_and_thread_replies, weak=False)
    channel_read.connect(channels_live.read_notifications_of_read_messages, weak=False)

    from taskforce.lessons import live as lessons_live
    from taskforce.lessons.signals import lesson_published as published, lesson_sent_back, lesson_submitted
    published.connect(lessons_live.notify_author_of_release, weak=False)
    lesson_sent_back.connect(lessons_live.notify_author_of_send_back, weak=False)
    lesson_submitted.connect(lessons_live.notify_reviewers_of_submission, weak=False)

    from taskforce.directory import live as directory_live
    from taskforce.directory.signals import capacity_changed, entries_went_stale
    capacity_changed.connect(directory_live.notify_followers_of_capacity, weak=False)
    entries_went_stale.connect(directory_live.notify_organization_of_stale_entries, weak=False)
    # training → channels: a training gets its channel; who holds a seat changed, the channel follows.
    from taskforce.channels.training_channels import on_training_changed, on_training_registrations_changed
    from taskforce.training.signals import registration_changed, training_changed
    # Guarded: they run after the registration committed, so a failing channel sync is logged and rolled back,
    # never a 500 for a seat that is stored.
    training_changed.connect(_guarded(on_training_changed), weak=False)
    registration_changed.connect(_guarded(on_training_registrations_changed), weak=False)
    # directory → live layer: a service's capacity changed; every signed-in page sees the new numbers.
    from taskforce.directory.live import announce_capacity
    from taskforce.directory.signals import capacity_changed
    capacity_changed.connect(announce_capacity, weak=False)


_GUARDED = {}


def _guarded(function):
    """The one guarded wrapper of `function` for this process. Blinker tells receivers apart by identity: a
    new wrapper for every app made (the test suite makes thousands) would add a receiver each time, and each
    signal would then run its listener once per app ever created."""
    from taskforce.notifications import listener
    return _GUARDED.setdefault(function, listener(function))
