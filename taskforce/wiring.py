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

    # directory → live layer: a service's capacity changed; every signed-in page sees the new numbers.
    from taskforce.directory.live import announce_capacity
    from taskforce.directory.signals import capacity_changed
    capacity_changed.connect(announce_capacity, weak=False)
