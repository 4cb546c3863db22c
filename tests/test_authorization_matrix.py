"""Every route, every role: walk `app.url_map` as it is when the test runs (all registered domains), as an
anonymous visitor, a member, a trainer, a coordinator, an admin and a member of a foreign organization.

URL parameters are filled with ids of real records (the demo task force, seeded at the start) and with
forged ids. Every GET route is fetched and every POST route is posted with a CSRF token and no data.
Never a 500; anonymous visitors reach only the public routes listed below; coordinator-only routes refuse
members and trainers. The helpers here are shared by `tests/test_security.py`.
"""
import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

import pytest
from sqlalchemy import func, select
from werkzeug.routing.converters import AnyConverter, NumberConverter, PathConverter, UUIDConverter

from taskforce.auth.models import Invitation, Role, User
from taskforce.extensions import db
from taskforce.web import NAV_ITEMS
from tests.conftest import TEST_PASSWORD, CsrfClient

# Anonymous visitors may use these and nothing else. Keep the list explicit and small.
PUBLIC_ENDPOINTS = {"auth.login", "auth.accept_invitation", "web.healthz", "web.readyz", "web.session_info", "static"}
PUBLIC_PATHS = {"/training/feed.ics", "/training/organizations/<organization_id>/feed.ics",  # public feeds
                "/training/feeds/<secret>.ics"}  # a member's feed: the secret in its URL is the key

# Coordinator-only routes of the foundation; plus every area NAV_ITEMS reserves for coordinators.
COORDINATOR_ONLY = {
    "admin.create_organization", "admin.update_organization", "admin.vet_organization", "admin.change_role",
    "admin.set_active", "admin.unlock", "admin.invitations_page", "admin.revoke_invitation", "admin.audit_log",
    "admin.audit_csv",
} | {endpoint for endpoint, _label, _blurb, min_role in NAV_ITEMS if min_role == "coordinator"}

FORGED_ID = 999999
FORGED_TOKEN = "forged-" + "x" * 36
_PLACEHOLDER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def rule_path(rule) -> str:
    """`/lessons/<int:lesson_id>` → `/lessons/<lesson_id>`: how the allowlist names a route."""
    return _PLACEHOLDER.sub(r"<\1>", rule.rule)


def is_public(rule) -> bool:
    return rule.endpoint in PUBLIC_ENDPOINTS or rule_path(rule) in PUBLIC_PATHS


def rules(app, method: str):
    """Rules answering `method`, in a stable order."""
    return sorted((r for r in app.url_map.iter_rules() if method in r.methods), key=lambda r: (r.rule, r.endpoint))


@dataclass
class World:
    """The demo task force plus the handles the walk needs."""

    actors: dict
    ids: dict = field(default_factory=dict)
    invitation_token: str = ""

    def id_for(self, name: str) -> int:
        if name in self.ids:
            return self.ids[name]
        stem = name[:-3] if name.endswith("_id") else name
        tables = {t.name: t for t in db.metadata.sorted_tables}
        candidates = [stem + "s", stem + "es", stem[:-1] + "ies", stem]
        candidates += sorted(n for n in tables if n.endswith(("_" + stem + "s", "_" + stem + "es")))
        for table_name in candidates:
            table = tables.get(table_name)
            if table is not None and "id" in table.c:
                found = db.session.scalar(select(func.min(table.c.id)))
                if found is not None:
                    self.ids[name] = found
                    return found
        self.ids[name] = 1
        return 1


def fill(rule, world: World, forged: bool) -> str:
    """A concrete URL for `rule`: real ids (or forged ones) in every placeholder."""
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, PathConverter):
            values[name] = "css/app.css" if rule.endpoint == "static" else "x"
        elif isinstance(converter, NumberConverter):
            values[name] = FORGED_ID if forged else world.id_for(name)
        elif isinstance(converter, UUIDConverter):
            values[name] = "00000000-0000-4000-8000-000000000000"
        elif isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        elif name == "token" or name.endswith("_token"):
            values[name] = FORGED_TOKEN if forged else world.invitation_token
        else:
            values[name] = "zz-forged" if forged else "1"
    return _PLACEHOLDER.sub(lambda m: quote(str(values[m.group(1)]), safe="/"), rule.rule)


def variants(rule, world: World) -> list[str]:
    urls = [fill(rule, world, forged=False)]
    if rule.arguments:
        urls.append(fill(rule, world, forged=True))
    return urls


@pytest.fixture
def world(app, make_user):
    """The seeded demo task force (every domain's records), one pending invitation, and the actors."""
    from taskforce.auth.invitations import invite_member
    from taskforce.cli import seed_demo_data

    context = seed_demo_data(seed=11, password=TEST_PASSWORD)
    users = {u.email: u for u in context["users"]}
    member = users["member@taskforce.demo"]
    foreign = next(u for u in context["users"] if u.role is Role.MEMBER and u.organization_id != member.organization_id
                   and not u.email.endswith("@taskforce.demo"))
    actors = {"member": member, "trainer": users["trainer@taskforce.demo"],
              "coordinator": users["coordinator@taskforce.demo"], "admin": users["admin@taskforce.demo"],
              "foreign_member": foreign}
    colleagues = [u for u in context["users"] if u.organization_id == member.organization_id and u not in actors.values()]
    target = colleagues[0] if colleagues else make_user(Role.MEMBER, organization=member.organization)
    invitation, token = invite_member(actors["coordinator"], "walk.invitee@example.org", "Walk Invitee",
                                      member.organization_id, "member")
    world = World(actors=actors, invitation_token=token)
    world.ids.update(organization_id=member.organization_id, user_id=target.id, invitation_id=invitation.id,
                     version=1)
    return world


def signed_in_client(app, login, user) -> tuple[CsrfClient, str]:
    the_client = CsrfClient(app.test_client())
    if user is not None:
        login(user, the_client=the_client)
    return the_client, the_client.csrf_token()


# Sessions come and go with every sign-in; a refused attempt may rightly leave an audit row.
UNCOUNTED = ("user_sessions", "audit_events")


def row_counts(exclude=("user_sessions",)) -> dict:
    return {t.name: db.session.scalar(select(func.count()).select_from(t))
            for t in db.metadata.sorted_tables if t.name not in exclude}


class Walk:
    """One actor's walk: every GET and POST route, collecting problems instead of stopping at the first."""

    def __init__(self, app, login, world, actor_name):
        self.app, self.login, self.world, self.actor_name = app, login, world, actor_name
        self.user = world.actors.get(actor_name)
        self.client, self.token = signed_in_client(app, login, self.user)
        self.problems: list[str] = []
        self.responses: list[tuple] = []  # (method, rule, url, response)

    def request(self, method, rule, url):
        before = row_counts(exclude=UNCOUNTED) if method == "POST" else None
        try:
            if method == "GET":
                response = self.client.get(url)
            else:
                response = self.client.post(url, data={"csrf_token": self.token}, csrf=False)
        except Exception as error:  # noqa: BLE001 — any exception is a 500 in production
            db.session.rollback()
            self.problems.append(f"{self.actor_name} {method} {url} ({rule.endpoint}): {type(error).__name__}: {error}")
            return None
        if response.status_code >= 500:
            self.problems.append(f"{self.actor_name} {method} {url} ({rule.endpoint}): {response.status_code}")
        if before is not None and response.status_code >= 400:
            after = row_counts(exclude=UNCOUNTED)
            if after != before:
                self.problems.append(f"{self.actor_name} POST {url} ({rule.endpoint}) was refused with "
                                     f"{response.status_code} but wrote rows: {_diff(before, after)}")
        self.responses.append((method, rule, url, response))
        if method == "POST" and self.user is not None:
            self._stay_signed_in(rule, url)
        return response

    def _stay_signed_in(self, rule, url):
        if self.client.get("/api/session").get_json()["user"] is not None:
            return
        if rule.endpoint != "auth.logout":
            self.problems.append(f"{self.actor_name} POST {url} ({rule.endpoint}) with no data signed them out")
        db.session.refresh(self.user)
        if self.user.active:
            self.login(self.user, the_client=self.client)
            self.token = self.client.csrf_token()

    def walk(self):
        for method in ("GET", "POST"):
            for rule in rules(self.app, method):
                for url in variants(rule, self.world):
                    self.request(method, rule, url)
        return self


def _login_location(response) -> bool:
    return response.status_code == 302 and urlsplit(response.headers.get("Location", "")).path == "/auth/login"


@pytest.fixture(params=["sqlite"])
def backend(request):
    """One backend keeps the walk fast; the database paths are covered by each domain's own tests."""
    return request.param


def test_anonymous_visitors_reach_only_public_routes(app, login, world):
    before = row_counts()
    walk = Walk(app, login, world, "anonymous").walk()
    for method, rule, url, response in walk.responses:
        if is_public(rule):
            continue
        api = url.startswith("/api/")
        ok = response.status_code == 401 if api else (_login_location(response) or response.status_code == 401)
        if not ok:
            walk.problems.append(f"anonymous {method} {url} ({rule.endpoint}) answered {response.status_code} "
                                 f"{response.headers.get('Location', '')} instead of sign-in")
    after = row_counts()
    if after != before:
        walk.problems.append(f"anonymous requests wrote rows: {_diff(before, after)}")
    assert not walk.problems, "\n".join(walk.problems)


@pytest.mark.parametrize("actor", ["member", "trainer", "foreign_member"])
def test_members_and_trainers_never_crash_and_are_refused_coordinator_routes(app, login, world, actor):
    walk = Walk(app, login, world, actor).walk()
    for method, rule, url, response in walk.responses:
        if rule.endpoint not in COORDINATOR_ONLY:
            continue
        forged = str(FORGED_ID) in url
        allowed = {403, 404} if forged else {403}
        if method == "POST":
            allowed |= {400, 404}  # an empty form may be refused before the role is checked; never a success
        if response.status_code not in allowed:
            walk.problems.append(f"{actor} {method} {url} ({rule.endpoint}) answered {response.status_code}, "
                                 f"expected {sorted(allowed)}")
    assert not walk.problems, "\n".join(walk.problems)


@pytest.mark.parametrize("actor", ["coordinator", "admin"])
def test_coordinators_and_admins_never_crash(app, login, world, actor):
    walk = Walk(app, login, world, actor).walk()
    for method, rule, url, response in walk.responses:
        if method == "GET" and rule.endpoint in COORDINATOR_ONLY and str(FORGED_ID) not in url:
            if response.status_code != 200:
                walk.problems.append(f"{actor} GET {url} ({rule.endpoint}) answered {response.status_code}")
    assert not walk.problems, "\n".join(walk.problems)


def form_field_names() -> set[str]:
    """Every field name of every FlaskForm the registered domains define (read from the classes)."""
    from flask_wtf import FlaskForm
    from wtforms.fields.core import UnboundField

    names, pending = set(), [FlaskForm]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        for klass in cls.__mro__:
            names.update(name for name, value in vars(klass).items() if isinstance(value, UnboundField))
    return names


def test_json_bodies_of_the_wrong_shape_are_refused_not_a_crash(app, login, world):
    """Flask-WTF also reads a JSON body as form data: numbers, objects or an array where text is expected
    must be a 4xx (forms deriving from `taskforce.auth.forms.BaseForm` get that for free)."""
    names = form_field_names() | {"name", "title", "body", "email", "password", "role", "sector"}
    walk = Walk(app, login, world, "admin")
    for body in ({name: 12345 for name in names}, {name: {"x": [1]} for name in names}, [1, 2]):
        for rule in rules(app, "POST"):
            if rule.endpoint == "auth.logout":
                continue
            url = fill(rule, world, forged=False)
            try:
                response = walk.client.post(url, json=body, headers={"X-CSRFToken": walk.token}, csrf=False)
            except Exception as error:  # noqa: BLE001 — a 500 in production
                db.session.rollback()
                walk.problems.append(f"POST {url} ({rule.endpoint}) JSON {str(body)[:30]}…: "
                                     f"{type(error).__name__}: {error}")
                continue
            if response.status_code >= 500:
                walk.problems.append(f"POST {url} ({rule.endpoint}) JSON {str(body)[:30]}…: {response.status_code}")
    assert not walk.problems, "\n".join(walk.problems)


def test_the_walk_covers_every_registered_route(app, world):
    """Guard: the walk really reaches every rule (a rule nobody can build would be silently skipped)."""
    for rule in app.url_map.iter_rules():
        for url in variants(rule, world):
            assert "<" not in url and ">" not in url, url
    assert len(list(app.url_map.iter_rules())) >= 20
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 1
    assert db.session.scalar(select(func.count()).select_from(User)) >= 30


def _diff(before: dict, after: dict) -> dict:
    return {name: (before.get(name), count) for name, count in after.items() if before.get(name) != count}
