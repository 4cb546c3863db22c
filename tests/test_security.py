"""Security headers, cookies, CSRF on every POST route, and pages that a strict CSP can run unchanged."""
from html.parser import HTMLParser

import pytest

from tests.conftest import TEST_PASSWORD, session_cookie
from tests.test_authorization_matrix import (  # noqa: F401  (the `world` fixture: demo task force + actors)
    UNCOUNTED, _diff, row_counts, rules, signed_in_client, variants, world,
)


@pytest.fixture(params=["sqlite"])
def backend(request):
    """Headers, cookies and templates do not depend on the database; one backend keeps this quick."""
    return request.param


def csp_directives(response) -> dict:
    policy = response.headers["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_security_headers(response):
    csp = csp_directives(response)
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin-when-cross-origin")
    assert response.headers["X-Frame-Options"] == "DENY"


def test_security_headers_on_pages_json_and_error_pages(client, login, member):
    for response in (client.get("/auth/login"), client.get("/healthz"), client.get("/api/session"),
                     client.get("/no-such-page"), client.get("/api/no-such-thing"), client.get("/auth/logout"),
                     client.post("/auth/login", data={}, csrf=False)):
        assert_security_headers(response)
    login(member)
    for response in (client.get("/"), client.get("/partners/"), client.get("/partners/audit"),
                     client.get("/partners/999999"), client.get("/static/css/app.css")):
        assert_security_headers(response)


def test_signed_in_pages_are_not_cached(client, login, member):
    login(member)
    for path in ("/", "/partners/", "/auth/account", "/api/session", "/partners/999999"):
        assert "no-store" in client.get(path).headers.get("Cache-Control", ""), path


def test_session_cookie_is_httponly_and_samesite_lax(client, member):
    client.post("/auth/login", data={"email": member.email, "password": TEST_PASSWORD})
    cookie = client.raw().get_cookie("taskforce_session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax" and not cookie.secure


def test_session_cookie_attributes_in_the_set_cookie_header(app, client, member):
    response = client.post("/auth/login", data={"email": member.email, "password": TEST_PASSWORD})
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("taskforce_session="))
    attributes = {part.strip().split("=")[0].lower() for part in header.split(";")}
    assert "httponly" in attributes and "samesite=lax" in header.lower() and "secure" not in attributes


def test_session_cookie_is_secure_when_configured(app, client, member):
    app.config["SESSION_COOKIE_SECURE"] = True
    token = client.get("/api/session", base_url="https://localhost").get_json()["csrf_token"]
    response = client.post("/auth/login", data={"email": member.email, "password": TEST_PASSWORD,
                                                "csrf_token": token}, base_url="https://localhost", csrf=False,
                           headers={"Referer": "https://localhost/auth/login"})  # HTTPS: CSRF checks the referrer
    assert response.status_code == 302
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("taskforce_session="))
    attributes = {part.strip().split("=")[0].lower() for part in header.split(";")}
    assert {"secure", "httponly"} <= attributes and "samesite=lax" in header.lower()
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_every_post_route_refuses_a_request_without_csrf_token(app, login, world):
    """Walk every POST rule of every registered domain, signed in as an admin: no token, no effect."""
    admin_client, _token = signed_in_client(app, login, world.actors["admin"])
    problems = []
    for rule in rules(app, "POST"):
        for url in variants(rule, world):
            for body in ({"data": {"name": "x", "body": "x"}}, {"json": {"name": "x", "body": "x"}}):
                before = row_counts(exclude=UNCOUNTED)
                response = admin_client.post(url, csrf=False, **body)
                after = row_counts(exclude=UNCOUNTED)
                if response.status_code != 400:
                    problems.append(f"POST {url} ({rule.endpoint}) without CSRF token: {response.status_code}")
                if after != before:
                    problems.append(f"POST {url} ({rule.endpoint}) without CSRF token wrote {_diff(before, after)}")
    assert admin_client.get("/api/session").get_json()["user"] is not None  # still signed in: nothing happened
    assert not problems, "\n".join(problems)


def test_a_token_from_another_session_is_refused(app, client, login, member, make_user):
    login(member)
    foreign_client, foreign_token = signed_in_client(app, login, make_user())
    response = client.post("/auth/logout", data={"csrf_token": foreign_token}, csrf=False)
    assert response.status_code == 400 and client.get("/api/session").get_json()["user"] is not None


class _InlineCode(HTMLParser):
    """Finds what a strict CSP would block: inline scripts and styles, event-handler attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        names = {name.lower(): value for name, value in attrs}
        if tag == "script" and "src" not in names and names.get("type") not in ("application/json",):
            self.problems.append("inline <script>")
        if tag == "style":
            self.problems.append("inline <style>")
        for name, value in names.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name == "style":
                self.problems.append(f"<{tag} style=…>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:…>")

    handle_startendtag = handle_starttag


def inline_code(html: str) -> list[str]:
    parser = _InlineCode()
    parser.feed(html)
    return parser.problems


def test_inline_code_detector_catches_what_the_csp_blocks():
    assert sorted(inline_code('<p style="color:red" onclick="x()">')) == ["<p onclick=…>", "<p style=…>"]
    assert inline_code("<script>alert(1)</script><style>p{}</style>") == ["inline <script>", "inline <style>"]
    assert inline_code('<script src="/static/js/app.js" defer></script><a href="javascript:x">') == [
        "<a href=javascript:…>"]


@pytest.mark.parametrize("actor", ["anonymous", "member", "admin"])
def test_no_page_has_inline_script_style_or_handlers(app, login, world, actor):
    """Every GET page of every registered domain, with real and forged ids, as the CSP will see it."""
    the_client, _token = signed_in_client(app, login, world.actors.get(actor))
    problems, pages = [], 0
    for rule in rules(app, "GET"):
        if rule.endpoint == "static":
            continue
        for url in variants(rule, world):
            response = the_client.get(url)
            if response.mimetype != "text/html":
                continue
            pages += 1
            for problem in inline_code(response.get_data(as_text=True)):
                problems.append(f"{url} ({rule.endpoint}, {response.status_code}): {problem}")
    assert pages >= 5
    assert not problems, "\n".join(problems)


def test_error_pages_render_inside_the_layout(client, login, member):
    not_found = client.get("/no-such-page")
    wrong_method = client.get("/auth/logout")
    no_token = client.post("/auth/login", data={"email": "a@b.org"}, csrf=False)
    for response, status in ((not_found, 404), (wrong_method, 405), (no_token, 400)):
        html = response.get_data(as_text=True)
        assert response.status_code == status and response.mimetype == "text/html"
        assert '<header class="topbar">' in html and '<main id="main"' in html and f"Error {status}" in html
        assert "app.css" in html and not inline_code(html)
    login(member)
    html = client.get("/partners/999999").get_data(as_text=True)
    assert "Not found" in html and "main-nav" in html  # signed in: the navigation is there


def test_api_paths_answer_errors_in_json(client, login, member):
    missing = client.get("/api/no-such-thing")
    assert missing.status_code == 404 and missing.is_json and missing.get_json()["error"]
    wrong_method = client.delete("/api/session")
    assert wrong_method.status_code == 405 and wrong_method.get_json()["error"]
    login(member)
    no_token = client.post("/auth/logout", json={}, csrf=False)  # a JSON request gets a JSON error
    assert no_token.status_code == 400 and "form expired" in no_token.get_json()["error"]
    asked = client.get("/partners/999999", headers={"Accept": "application/json"})
    assert asked.status_code == 404 and asked.get_json() == {"error": "No such organization."}


def test_api_paths_ask_anonymous_callers_to_sign_in_with_401(client, app):
    for rule in rules(app, "GET"):
        if rule.rule.startswith("/api/") and rule.endpoint != "web.session_info" and not rule.arguments:
            response = client.get(rule.rule)
            assert response.status_code == 401 and response.is_json, rule.rule


def test_sign_out_cookie_cannot_be_replayed_after_logout(client, app, member):
    client.post("/auth/login", data={"email": member.email, "password": TEST_PASSWORD})
    stolen = session_cookie(client)
    client.post("/auth/logout")
    thief = app.test_client()
    thief.set_cookie("taskforce_session", stolen)
    assert thief.get("/api/session").get_json()["user"] is None
