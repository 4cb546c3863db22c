"""Cross-domain reactions (DESIGN §2): the emitting domain declares a blinker signal in its own module,
and the listener is connected here, in `create_app`, so the middle domains never import each other."""


def connect_signals(app) -> None:
    """Connect every cross-domain listener. Each block names who emits and who reacts."""
