"""The paused notice in a real browser (static/js/live.js, templates/base.html): a member's open chat page, served
by one of two gunicorn processes sharing a private redis-server, says live updates are paused while Redis is
down and stops saying it once they cross again; and what a member on the other process said meanwhile appears
without a reload (the page's catch-up: on `live_state` back, or its 20 s timer). The server side is proven in
tests/deploy/test_redis_restart.py; this proves the page does its part."""
import pytest

from tests.channels.members import RECOVERY, Member
from tests.channels.multiprocess_helpers import sign_in as sign_in_over_http
from tests.channels.test_multiprocess import redis_binary  # noqa: F401  (fixture)
from tests.conftest import TEST_PASSWORD
from tests.deploy.cluster import gunicorn_cluster
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.slow, pytest.mark.redis]
WAIT_MS = int(RECOVERY * 1000)


def test_the_open_page_says_live_updates_are_paused_until_redis_is_back(browser, redis_binary,  # noqa: F811
                                                                        tmp_path):
    database_url = f"sqlite:///{tmp_path / 'taskforce.db'}"
    with gunicorn_cluster(2, database_url, tmp_path, redis_binary=redis_binary) as cluster:
        channel_id, redis = cluster.seeded["channel_id"], cluster.redis
        alice_server, bob_server = cluster.servers
        bob_cookie = sign_in_over_http(bob_server.url, cluster.seeded["bob"], TEST_PASSWORD)
        bob = Member("bob", cluster.client(bob_server, bob_cookie, "bob"), channel_id)
        bob.client.connect()
        assert bob.client.call("join", {"channel_id": channel_id}).get("ok")
        context = browser.new_context(base_url=alice_server.url)
        context.set_default_timeout(30_000)
        try:
            page = context.new_page()
            errors = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            sign_in(page, cluster.seeded["alice"], TEST_PASSWORD)
            page.wait_for_url("**/")
            page.goto(f"/channels/{channel_id}")
            page.wait_for_selector("html[data-live-updates=live]", state="attached")  # asked on connect
            notice = page.locator("#live-paused")
            assert notice.is_hidden()

            redis.kill()
            notice.wait_for(state="visible", timeout=WAIT_MS)
            assert "Live updates are paused" in notice.inner_text()
            said = "Clinic: two beds free tonight (said while Redis was down)."
            bob.send(said)  # stored; its broadcast cannot cross to alice's process

            redis.start()
            notice.wait_for(state="hidden", timeout=WAIT_MS)
            page.wait_for_selector(f"#messages .message >> text={said}", timeout=WAIT_MS)
            assert errors == []
        finally:
            context.close()
