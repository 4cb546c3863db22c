"""Cross-domain reactions (DESIGN §2): the emitting domain declares a blinker signal in its own module,
and the listener is connected here, in `create_app`, so the middle domains never import each other."""


def connect_signals(app) -> None:
    """Connect every cross-domain listener. Each block names who emits and who reacts."""

    # auth → channels: a sign-in session ended (logout, deactivation, role change); its sockets close now.
    from taskforce.auth.signals import sessions_revoked
    from taskforce.channels.room_events import on_sessions_revoked
    sessions_revoked.connect(on_sessions_revoked, weak=False)

    # lessons → live layer: a lesson was released; its readers get a toast on the /channels namespace.
    from taskforce.lessons.events import announce_published_lesson
    from taskforce.lessons.signals import lesson_published
    lesson_published.connect(announce_published_lesson, weak=False)

    # training → channels: a training gets its channel; who holds a seat changed, the channel follows.
    from taskforce.channels.training_channels import on_training_changed, on_training_registrations_changed
    from taskforce.training.signals import registration_changed, training_changed
    training_changed.connect(on_training_changed, weak=False)
    registration_changed.connect(on_training_registrations_changed, weak=False)
