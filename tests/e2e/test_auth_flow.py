"""In a real browser: sign in, invite, accept the invitation, sign out, and a replayed cookie fails."""
import pyotp

from taskforce.auth.models import Role, User
from taskforce.extensions import db
from tests.conftest import TEST_PASSWORD, totp_code
from tests.e2e.conftest import sign_in


def test_coordinator_invites_a_member_who_joins_sets_up_totp_and_signs_out(new_page, make_user, make_organization):
    shelter = make_organization("Casa Aurora Shelter")
    coordinator = make_user(Role.COORDINATOR)
    page = new_page()
    sign_in(page, coordinator.email, TEST_PASSWORD, totp_code(coordinator))
    page.wait_for_url("**/")
    page.get_by_role("link", name="Partners", exact=True).click()
    page.wait_for_url("**/partners/")
    page.goto("/partners/invitations")
    page.fill("input[name=email]", "new.advocate@example.org")
    page.fill("input[name=display_name]", "Rosa Advocate")
    page.select_option("select[name=organization_id]", label="Casa Aurora Shelter")
    page.click("button:has-text('Create invitation')")
    link = page.input_value("#invitation-link")
    assert "/auth/invite/" in link
    assert page.errors == []

    newcomer = new_page()
    newcomer.goto(link)
    assert "Join Casa Aurora Shelter" in newcomer.content()
    newcomer.fill("input[name=password]", "short")
    newcomer.click("button:has-text('Create my account')")
    assert "at least 12 characters" in newcomer.content()
    newcomer.fill("input[name=password]", "quiet-meadow-lantern-river")
    newcomer.click("button:has-text('Create my account')")
    newcomer.wait_for_url("**/")
    assert "Welcome, Rosa Advocate" in newcomer.content()

    # Turn on two-factor, sign out, sign in again with a code.
    newcomer.goto("/auth/mfa")
    secret = newcomer.inner_text("[data-testid=totp-secret]")
    newcomer.fill("input[name=code]", pyotp.TOTP(secret).now())
    newcomer.click("button:has-text('Turn on')")
    newcomer.wait_for_url("**/")
    newcomer.click("button:has-text('Sign out')")
    newcomer.wait_for_url("**/auth/login")
    user = db.session.query(User).filter_by(email="new.advocate@example.org").one()
    sign_in(newcomer, user.email, "quiet-meadow-lantern-river", totp_code(user))
    newcomer.wait_for_url("**/")
    assert "Rosa Advocate" in newcomer.content()
    assert newcomer.errors == []


def test_cookie_copied_before_logout_is_dead_after_it(new_page, member):
    page = new_page()
    sign_in(page, member.email, TEST_PASSWORD)
    page.wait_for_url("**/")
    cookies = page.context.cookies()
    session_cookie = next(c for c in cookies if c["name"] == "taskforce_session")
    assert session_cookie["httpOnly"] and session_cookie["sameSite"] == "Lax"

    thief = new_page()
    thief.context.add_cookies([session_cookie])
    thief.goto("/")
    assert member.display_name in thief.content()

    page.click("button:has-text('Sign out')")
    page.wait_for_url("**/auth/login")
    thief.goto("/")
    assert "/auth/login" in thief.url


def test_phone_width_menu_and_no_console_errors(new_page, member):
    page = new_page(viewport={"width": 375, "height": 740})
    sign_in(page, member.email, TEST_PASSWORD)
    page.wait_for_url("**/")
    assert not page.is_visible("#main-nav")
    page.click(".nav-toggle")
    assert page.is_visible("#main-nav")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    assert page.errors == []
