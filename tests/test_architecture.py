"""DESIGN.md §2's import rules, enforced by reading every module's imports (ast, nothing is executed).

Layers inside a domain: view layer (views, events, api, forms, *_views, cli), models, PURE modules (their
docstring starts with "PURE"), and the service layer (everything else). Domain order: auth ← lessons,
directory, training, channels ← network; the middle four never import each other, except a sibling's PURE
module (data in, data out: no cycle, no app state).
"""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "taskforce"
MIDDLE = {"lessons", "directory", "training", "channels"}
RANK = {"auth": 0, "lessons": 1, "directory": 1, "training": 1, "channels": 1, "network": 2}
INFRASTRUCTURE = {"taskforce.auth.session_store"}  # the session interface is the request boundary itself


def modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        if name.endswith(".__init__"):
            name = name[: -len(".__init__")]
        yield name, path, ast.parse(path.read_text(), filename=str(path))


def imported(tree) -> set[str]:
    """Every module name imported, plus `module.name` for each `from module import name`."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def is_pure(tree) -> bool:
    doc = ast.get_docstring(tree) or ""
    return doc.startswith("PURE")


def layer(name: str, tree) -> str:
    leaf = name.rsplit(".", 1)[-1]
    if is_pure(tree):
        return "pure"
    if leaf in ("views", "events", "api", "forms", "cli") or leaf.endswith(("_views", "_cli", "_events")):
        return "view"
    if leaf == "models" or leaf.endswith("_models"):
        return "models"
    return "service"


def domain_of(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 2 and parts[1] in RANK else None


ALL = list(modules())
DOMAIN_MODULES = [(n, p, t) for n, p, t in ALL if domain_of(n)]
PURE_NAMES = {n for n, _p, t in ALL if is_pure(t)}


def test_the_package_has_domains_with_the_same_rooms():
    for domain in ("auth", "channels", "lessons", "directory"):
        if (PACKAGE / domain / "views.py").exists():
            for room in ("models.py", "services.py", "views.py"):
                assert (PACKAGE / domain / room).exists(), f"{domain} lacks {room}"


@pytest.mark.parametrize("name,path,tree", [m for m in ALL if is_pure(m[2])], ids=lambda v: v if isinstance(v, str) else "")
def test_pure_modules_import_no_framework(name, path, tree):
    forbidden = ("flask", "flask_login", "flask_socketio", "sqlalchemy", "taskforce.extensions")
    for module in imported(tree):
        assert not module.startswith(forbidden), f"{name} is PURE but imports {module}"
        assert not (module.startswith("taskforce.") and module.split(".")[-1] == "models"), f"{name} imports {module}"


@pytest.mark.parametrize("name,path,tree", [m for m in DOMAIN_MODULES if layer(m[0], m[2]) == "service"
                                            and m[0] not in INFRASTRUCTURE], ids=lambda v: v if isinstance(v, str) else "")
def test_services_do_not_read_the_request_or_the_signed_in_user(name, path, tree):
    forbidden = {"flask.request", "flask.session", "flask.g", "flask_login.current_user", "flask.render_template",
                 "flask_login", "flask_socketio"}
    for module in imported(tree):
        assert module not in forbidden and not module.startswith("flask_socketio"), f"{name} imports {module}"


@pytest.mark.parametrize("name,path,tree", [m for m in DOMAIN_MODULES if layer(m[0], m[2]) == "view"],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_views_do_not_touch_the_database_session_or_other_domains_models(name, path, tree):
    source = path.read_text()
    assert "db.session" not in source, f"{name} uses db.session; call a service"
    own = domain_of(name)
    for module in imported(tree):
        other = domain_of(module)
        if other and other != own and ".models" in module:
            pytest.fail(f"{name} imports another domain's models: {module}")


@pytest.mark.parametrize("name,path,tree", [m for m in DOMAIN_MODULES if layer(m[0], m[2]) == "models"],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_models_refer_to_other_domains_by_string(name, path, tree):
    own = domain_of(name)
    for module in imported(tree):
        other = domain_of(module)
        assert not (other and other != own), f"{name} imports {module}; refer to other domains' models by string"
        assert not module.startswith(("flask.request", "flask_login.current_user")), f"{name} imports {module}"
        assert not module.endswith((".services", ".views")), f"{name} imports {module}"


@pytest.mark.parametrize("name,path,tree", DOMAIN_MODULES, ids=lambda v: v if isinstance(v, str) else "")
def test_domain_order_has_no_cycles(name, path, tree):
    own = domain_of(name)
    for module in imported(tree):
        other = domain_of(module)
        if not other or other == own:
            continue
        target = module if module in PURE_NAMES else module.rsplit(".", 1)[0]
        if target in PURE_NAMES:
            continue  # a sibling's pure module: data in, data out
        assert RANK[other] < RANK[own], f"{name} ({own}) imports {module} ({other}): wrong direction"


def test_audit_log_is_append_only():
    """Nothing in the application updates or deletes audit rows — except the retention purge, which deletes
    rows past RETENTION_AUDIT_DAYS (taskforce.config refuses less than a year; tests/deploy/test_retention.py)."""
    for name, path, _tree in ALL:
        if name == "taskforce.retention":
            continue
        source = path.read_text()
        for forbidden in ("delete(AuditEvent", "update(AuditEvent", "AuditEvent).delete", "AuditEvent).update"):
            assert forbidden not in source, f"{name} modifies the audit log"


PLATFORM = ("taskforce.notifications", "taskforce.mail", "taskforce.home", "taskforce.live")


@pytest.mark.parametrize("name,path,tree", [m for m in ALL if m[0].startswith(PLATFORM)],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_platform_modules_import_no_domain(name, path, tree):
    """live, notifications, mail and home are used by every domain, so they import none (DESIGN §2):
    domains feed them through signals, listeners and registered home blocks."""
    for module in imported(tree):
        assert not domain_of(module), f"{name} is a platform module but imports {module}"


@pytest.mark.parametrize("name,path,tree", [m for m in ALL if m[0].endswith(".live") and domain_of(m[0])],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_live_listeners_reach_the_database_and_sockets_only_through_services(name, path, tree):
    """A domain's `live.py` turns signals into pushes and notifications (DESIGN §2): facts come from its own
    services, sockets from `taskforce.live`."""
    source = path.read_text()
    assert "db.session" not in source, f"{name} uses db.session; call a service"
    for module in imported(tree):
        assert not module.startswith(("flask_socketio", "taskforce.extensions.socketio")), f"{name} imports {module}"
# -- the live layer (issue 14): only taskforce/live/ emits; domains push through it ---------------------------
SOCKET_NAMESPACE_MODULES = {"taskforce.channels.events"}  # the chat's own Socket.IO namespace class
SOCKET_HOME = {"taskforce.extensions"}                # where the unbound singleton is created


def _owns_sockets(name: str) -> bool:
    return name == "taskforce.live" or name.startswith("taskforce.live.")


def _string_constants(tree):
    """Every string literal, except an HTTP blueprint's `url_prefix=` (a page address, not a namespace)."""
    skipped = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.keyword) and node.arg == "url_prefix"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skipped:
            yield node.value


@pytest.mark.parametrize("name,path,tree", [m for m in ALL if not _owns_sockets(m[0]) and m[0] not in SOCKET_HOME],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_only_the_live_layer_touches_socketio(name, path, tree):
    """Domains push through `taskforce.live` (a blinker signal, then a listener in their live.py): they never
    import Socket.IO or the `socketio` singleton; the chat's namespace class may import flask_socketio (it
    is a Namespace) but still emits, joins and disconnects through its context helpers, not `socketio`."""
    for module in imported(tree):
        if name in SOCKET_NAMESPACE_MODULES and module.startswith("flask_socketio"):
            continue
        assert not module.startswith(("flask_socketio", "socketio", "engineio")), f"{name} imports {module}"
        assert module != "taskforce.extensions.socketio", f"{name} imports the socketio singleton"
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    assert "socketio" not in used, f"{name} touches socketio; push through taskforce.live"


@pytest.mark.parametrize("name,path,tree", [m for m in ALL if not _owns_sockets(m[0])
                                            and m[0] not in SOCKET_NAMESPACE_MODULES],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_namespaces_are_named_by_the_live_layer_only(name, path, tree):
    """`"/channels"` and `"/live"` are spelled in taskforce/live/rooms.py (and the chat namespace module),
    so moving or renaming a namespace is one change; nobody outside calls `socketio.emit`."""
    for value in _string_constants(tree):
        assert value not in ("/channels", "/live"), f"{name} spells the namespace {value!r}; use taskforce.live"
    assert "socketio.emit" not in path.read_text(), f"{name} calls socketio.emit; use taskforce.live.push"


@pytest.mark.parametrize("name,path,tree", [m for m in ALL if _owns_sockets(m[0])],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_the_live_layer_imports_no_domain(name, path, tree):
    """Every domain may use the live layer, so it uses none (DESIGN §2): the session store is handed to it
    in `taskforce.wiring` (`live.watch_sessions`)."""
    for module in imported(tree):
        assert not domain_of(module), f"{name} imports {module}"


@pytest.mark.parametrize("name,path,tree", [m for m in DOMAIN_MODULES if m[0].endswith(".live")],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_domain_live_listeners_push_through_the_live_layer(name, path, tree):
    """A domain's live.py turns its signals into pushes or notifications: it imports `taskforce.live` or
    `taskforce.notifications`, never the database session."""
    assert "db.session" not in path.read_text(), f"{name} uses db.session"
    assert any(m.split(".")[:2] in (["taskforce", "live"], ["taskforce", "notifications"]) for m in imported(tree)), \
        f"{name} neither pushes through taskforce.live nor notifies through taskforce.notifications"
