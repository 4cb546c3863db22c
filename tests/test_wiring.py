"""Making another app (every test does, a worker may) connects no listener twice: a listener connected once
per app ever made ran once per app on each signal, and the demo seed inside the test suite took minutes."""
import importlib
import pkgutil

from blinker import Signal

import taskforce
from taskforce import create_app


def domain_signals() -> dict[str, Signal]:
    found = {}
    for module_info in pkgutil.walk_packages(taskforce.__path__, "taskforce."):
        if module_info.name.endswith(".signals"):
            module = importlib.import_module(module_info.name)
            found.update({f"{module_info.name}.{name}": value for name, value in vars(module).items()
                          if isinstance(value, Signal)})
    return found


def make_app(tmp_path, number):
    return create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / f'{number}.db'}",
                       "SECRET_KEY": "t", "INSTANCE_DIR": str(tmp_path / "instance")})


def test_a_second_and_third_app_add_no_receivers_to_any_domain_signal(tmp_path):
    make_app(tmp_path, 1)
    signals = domain_signals()
    assert "taskforce.training.signals.registration_changed" in signals
    before = {name: len(signal.receivers) for name, signal in signals.items()}
    assert any(before.values())
    make_app(tmp_path, 2)
    make_app(tmp_path, 3)
    assert {name: len(signal.receivers) for name, signal in signals.items()} == before
