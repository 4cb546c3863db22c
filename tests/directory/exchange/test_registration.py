"""The exchange joins the app through `exchange.register(app)` only: its pages and commands exist in every app
the factory builds, and importing its modules registers nothing (no command sneaks onto a shared group)."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
IMPORT_EVERY_MODULE = """
import importlib, pkgutil
import taskforce.directory.exchange as package
for module in pkgutil.iter_modules(package.__path__):
    importlib.import_module(f"{package.__name__}.{module.name}")
from taskforce.directory.cli import directory
print(",".join(sorted(directory.commands)))
"""


def test_the_app_has_the_exchange_commands_and_pages(app, client, login, coordinator):
    result = app.test_cli_runner().invoke(args=["directory", "--help"])
    assert result.exit_code == 0
    assert "export-hsds" in result.output and "import-hsds" in result.output and "remind-stale" in result.output
    login(coordinator)
    assert client.get("/directory/exchange/").status_code == 200


def test_importing_the_exchange_registers_no_command():
    answer = subprocess.run([sys.executable, "-c", IMPORT_EVERY_MODULE], cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.strip() == "remind-stale"
