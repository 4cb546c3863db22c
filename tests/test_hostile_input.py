"""Every write route × hostile bodies × anonymous, member and coordinator: never a 5xx, nothing written.

The routes come from `app.url_map` when the test runs, so a route another domain adds later is walked too.
URL parameters are filled with an id of the actor's own organization's record, one of another organization,
and a missing one. Bodies are what an attacker or a broken client sends: empty, wrong types, JSON nested 5,000
deep, 1 MB (and, on a few routes, 20 MB), NUL bytes, lone surrogates, CR/LF (a `next` address among them),
negative and 2**63 integers, other organizations' ids. Every request carries a valid CSRF token (so it reaches
the view) and an off-site Referer (which must never become the redirect). A refused request (4xx) leaves every
table's row count as it was (the audit log and sessions excepted: a refused sign-in is rightly audited).
"""
import json
import re
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from sqlalchemy import event, func, select, text
from werkzeug.routing.converters import NumberConverter

from taskforce.auth.models import User
from taskforce.extensions import db
from tests.test_authorization_matrix import (  # noqa: F401  (`world`: the demo task force and its actors)
    FORGED_ID, UNCOUNTED, World, fill, form_field_names, signed_in_client, world,
)

WRITES = ("POST", "PUT", "PATCH", "DELETE")
EVIL = "https://evil.example/phish"
TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
# The 20 MB body is sent only to these (each costs ~0.3 s to build and parse); every route gets the 1 MB ones.
HUGE_BODY_ENDPOINTS = {"auth.login", "channels.create", "lessons.new", "directory.create"}
DEEP_JSON = "[" * 5000 + "]" * 5000


def field_names() -> list[str]:
    """Every field a form of the app may send: the FlaskForm classes' fields and every `name=` in templates
    (hand-written forms and JSON APIs use the same names)."""
    names = form_field_names() | {"name", "title", "body", "email", "password", "next", "channel_id", "user_id",
                                  "member_id", "client_id", "decisions", "visibility", "kind", "sector"}
    for template in TEMPLATES.rglob("*.html"):
        names.update(re.findall(r'name="([a-z_][a-z0-9_]*)"', template.read_text(encoding="utf-8")))
    return sorted(names - {"csrf_token"})


class Ids:
    """Ids of real records as seen from one actor: their own organization's, another's, or missing."""

    def __init__(self, world: World, actor: User | None):
        self.world, self.actor = world, actor
        self.tables = {t.name: t for t in db.metadata.sorted_tables}

    def table_for(self, name: str):
        stem = name[:-3] if name.endswith("_id") else name
        candidates = [stem + "s", stem + "es", stem[:-1] + "ies", stem]
        candidates += sorted((n for n in self.tables if n.endswith(("_" + stem + "s", "_" + stem + "es"))), key=len)
        return next((self.tables[c] for c in candidates if c in self.tables and "id" in self.tables[c].c), None)

    def other_organization(self, name: str) -> int | None:
        """An id of a record that belongs to an organization other than the actor's (or the actor's own
        organization when none is known to belong elsewhere)."""
        table = self.table_for(name)
        if table is None:
            return None
        own = self.actor.organization_id if self.actor is not None else self.world.ids.get("organization_id")
        if table.name == "organizations":
            return db.session.scalar(select(func.max(table.c.id)).where(table.c.id != own))
        if "organization_id" in table.c:
            return db.session.scalar(select(func.max(table.c.id)).where(table.c.organization_id != own))
        users = self.tables["users"]
        for column in ("author_id", "user_id", "created_by_id", "invited_by_id"):
            if column in table.c:
                return db.session.scalar(select(func.max(table.c.id)).join(users, users.c.id == table.c[column])
                                         .where(users.c.organization_id != own))
        return db.session.scalar(select(func.max(table.c.id)))


def urls(rule, ids: Ids) -> list[str]:
    """The rule with its own organization's ids, another organization's, and missing ones (and, for text
    parameters, a NUL and a CR/LF)."""
    filled = [fill(rule, ids.world, forged=False)]
    if not rule.arguments:
        return filled
    filled.append(fill(rule, ids.world, forged=True))
    numbers = {name for name, converter in rule._converters.items() if isinstance(converter, NumberConverter)}
    others = {name: ids.other_organization(name) for name in numbers}
    if numbers and all(others.values()):
        own = fill(rule, ids.world, forged=False)
        parts = re.split(r"(<(?:[^:<>]+:)?[^<>]+>)", rule.rule)
        built = "".join(str(others[m.group(1)]) if (m := re.fullmatch(r"<(?:[^:<>]+:)?([^<>]+)>", part))
                        and m.group(1) in others else part for part in parts)
        if "<" not in built and built != own:
            filled.append(built)
    texts = [name for name in rule.arguments if name not in numbers]
    if texts:
        for hostile in ("a\x00b", "a\r\nb"):
            url = rule.rule
            for name in texts:
                url = re.sub(rf"<(?:[^:<>]+:)?{name}>", quote(hostile, safe=""), url)
            filled.append(url)
    return list(dict.fromkeys(filled))


def bodies(names: list[str], ids: Ids, endpoint: str) -> list[tuple[str, dict]]:
    """(label, keyword arguments of the test client's `open`) of every hostile body for one route."""
    def form(value_of):
        return {name: value_of(name) for name in names}

    def other_id(name):
        found = ids.other_organization(name) if name.endswith("_id") else None
        return str(found if found is not None else 1)

    def raw_json(payload: str):
        return {"data": payload.encode("utf-8", "surrogatepass"), "content_type": "application/json"}

    share = 1_000_000 // len(names)
    cases = [  # the first four are also sent to the URLs with another organization's and missing ids
        ("empty form", {"data": {}}),
        ("NUL in every field", {"data": form(lambda n: "Harbor\x00clinic")}),
        ("-1 and 2**63 in every field", {"data": {n: ("-1" if i % 2 else str(2**63)) for i, n in enumerate(names)}}),
        ("other organizations' ids", {"data": form(other_id)}),
        ("CR/LF in every field, an off-site next", {"data": form(
            lambda n: "//evil.example/x\r\n" if n == "next" else "/directory/\r\nSet-Cookie: taken=1")}),
        ("lone surrogate in every field", {"data": "&".join(f"{n}=%ED%A0%80" for n in names),
                                           "content_type": "application/x-www-form-urlencoded"}),
        ("1 MB form", {"data": form(lambda n: "x" * share)}),
        # Deep enough to exhaust Python's recursion (1,000 frames), small enough to send in every field.
        ("JSON nested 1,500 deep in every field", {"data": form(lambda n: DEEP_JSON[3500:-3500])}),
        ("empty JSON object", {"json": {}}),
        ("JSON of the wrong types", {"json": {n: (12345, {"x": [1, None]}, [1, "two"])[i % 3]
                                              for i, n in enumerate(names)}}),
        ("JSON array", {"json": [1, "two", None]}),
        ("JSON -1 and 2**63", {"json": {n: (-1 if i % 2 else 2**63) for i, n in enumerate(names)}}),
        ("JSON NUL", {"json": form(lambda n: "a\x00b")}),
        ("JSON lone surrogate", raw_json(json.dumps({n: "\ud800" for n in names}, ensure_ascii=True))),
        ("JSON nested 5,000 deep", raw_json(DEEP_JSON)),
        ("1 MB JSON", {"json": {"body": "x" * 1_000_000, "name": "y" * 1000}}),
    ]
    if endpoint in HUGE_BODY_ENDPOINTS:
        cases += [("20 MB form", {"data": {"body": "x" * 20_000_000}}),
                  ("20 MB JSON", {"json": {"body": "x" * 20_000_000}})]
    return cases


def count_rows() -> dict:
    """Rows per table in one statement."""
    tables = [t for t in db.metadata.sorted_tables if t.name not in UNCOUNTED]
    statement = " UNION ALL ".join(f"SELECT '{t.name}', COUNT(*) FROM \"{t.name}\"" for t in tables)
    counts = dict(db.session.execute(text(statement)).all())
    db.session.commit()  # no snapshot held between requests
    return counts


class CommittedRowChanges:
    """Tables whose rows a committed transaction inserted or deleted, read from the statements the engine runs
    (no query of its own: counting every table after each of ~3,000 requests was most of the walk's time).
    A statement counts once its transaction commits; a rolled-back one is forgotten."""

    _WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)

    def __init__(self, engine):
        self.engine, self.pending, self.committed = engine, {}, set()
        event.listen(engine, "after_cursor_execute", self._executed)
        event.listen(engine, "commit", self._commit)
        event.listen(engine, "rollback", self._rollback)

    def _executed(self, connection, _cursor, statement, *_args):
        match = self._WRITE.match(statement)
        if match and match.group(1) not in UNCOUNTED:
            self.pending.setdefault(id(connection.connection.dbapi_connection), set()).add(match.group(1))

    def _commit(self, connection):
        self.committed |= self.pending.pop(id(connection.connection.dbapi_connection), set())

    def _rollback(self, connection):
        self.pending.pop(id(connection.connection.dbapi_connection), None)

    def take(self) -> set[str]:
        committed, self.committed = self.committed, set()
        return committed

    def close(self):
        for name, listener in (("after_cursor_execute", self._executed), ("commit", self._commit),
                               ("rollback", self._rollback)):
            event.remove(self.engine, name, listener)


class HostileWalk:
    def __init__(self, app, login, world, actor_name: str):
        self.app, self.login, self.world = app, login, world
        self.user = world.actors.get(actor_name)
        self.actor_name = actor_name
        self.client, self.token = signed_in_client(app, login, self.user)
        self.ids = Ids(world, self.user)
        self.names = field_names()
        self.problems: list[str] = []
        self.requests = 0
        self.changes = CommittedRowChanges(db.engine)

    def send(self, method: str, rule, url: str, label: str, kwargs: dict) -> None:
        kwargs = dict(kwargs)
        headers = {"X-CSRFToken": self.token, "Referer": EVIL}
        if isinstance(kwargs.get("data"), dict):
            kwargs["data"] = dict(kwargs["data"], csrf_token=self.token)
        elif isinstance(kwargs.get("data"), str):
            kwargs["data"] += f"&csrf_token={self.token}"
        where = f"{self.actor_name} {method} {url[:80]!r} ({rule.endpoint}) with {label}"
        self.changes.take()  # what the walk itself wrote (a sign-in) is not the request's
        try:
            response = self.client.raw().open(url, method=method, headers=headers, **kwargs)
        except Exception as error:  # noqa: BLE001 — an exception here is a 500 in production
            db.session.rollback()
            self.problems.append(f"{where}: {type(error).__name__}: {str(error)[:200]}")
            return
        self.requests += 1
        status = response.status_code
        if status >= 500:
            self.problems.append(f"{where}: {status}")
        location = response.headers.get("Location", "")
        if location and (urlsplit(location).netloc not in ("", "localhost") or "evil" in location):
            self.problems.append(f"{where}: redirected off-site to {location}")
        written = self.changes.take()
        if 400 <= status < 500 and written:
            self.problems.append(f"{where}: refused with {status} but wrote rows of {sorted(written)}")
        elif self.user is not None:
            self._stay_signed_in(rule)

    def _stay_signed_in(self, rule) -> None:
        """A request that went through may have changed who is signed in (a sign-out, a deactivation):
        sign in again so the rest of the walk still runs as this actor."""
        if self.client.get("/api/session").get_json()["user"] is not None:
            return
        db.session.refresh(self.user)
        if not self.user.active or self.user.locked_until is not None:
            self.user.active, self.user.locked_until, self.user.failed_logins = True, None, 0
        self.user.totp_last_step = None
        db.session.commit()
        self.login(self.user, the_client=self.client)
        self.token = self.client.csrf_token()

    def walk(self) -> "HostileWalk":
        write_rules = sorted((r for r in self.app.url_map.iter_rules() if set(r.methods) & set(WRITES)),
                             key=lambda r: ("logout" in r.endpoint, r.rule))  # sign-out last
        for rule in write_rules:
            for method in sorted(set(rule.methods) & set(WRITES)):
                all_bodies = bodies(self.names, self.ids, rule.endpoint)
                for index, url in enumerate(urls(rule, self.ids)):
                    for label, kwargs in all_bodies if index == 0 else all_bodies[:4]:
                        self.send(method, rule, url, label, kwargs)
        self.changes.close()
        return self


@pytest.mark.parametrize("actor", ["anonymous", "member", "coordinator"])
def test_hostile_bodies_on_every_write_route_get_a_clear_refusal(app, login, world, actor):
    before = count_rows()
    walk = HostileWalk(app, login, world, actor).walk()
    assert walk.requests > 500  # the walk really ran (39 write routes on main)
    if actor == "anonymous":  # nothing an anonymous visitor sends is stored (a backstop for the recorder)
        assert count_rows() == before
    assert not walk.problems, f"{len(walk.problems)} problems:\n" + "\n".join(walk.problems[:40])
