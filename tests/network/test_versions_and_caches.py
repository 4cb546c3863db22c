"""What the cached map is keyed by and how its stores behave: any change to what the map shows changes the
data version (a rename of equal length, two organizations swapping sectors), and the per-process stores
shared by request threads give every viewer their own right answer under many threads, stay within their
bound, and start empty in a forked worker."""
import multiprocessing
import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from taskforce.auth.models import Sector
from taskforce.network import analytics, graph as graphs
from tests.conftest import CsrfClient


@pytest.fixture
def mapped(orgs, add_referral):
    add_referral(orgs["police"], orgs["ngo"], 3)
    add_referral(orgs["ngo"], orgs["legal"], 7)
    add_referral(orgs["ngo"], orgs["legal"], 2, category="legal_aid")
    add_referral(orgs["clinic"], orgs["ngo"], 12, declined_no_capacity=4)
    return orgs


def node(body, organization, key="nodes"):
    return next(n for n in body[key] if n["id"] == organization.id)


def test_a_rename_to_a_name_of_equal_length_shows_on_the_map_at_once(client, login, mapped, network_coordinator):
    login(network_coordinator)
    before = client.get("/network/graph.json").get_json()
    metrics = client.get("/api/network/metrics").get_json()
    assert node(before, mapped["ngo"])["name"] == "Bridge NGO"
    assert node(metrics, mapped["ngo"], "organizations")["name"] == "Bridge NGO"
    response = client.post(f"/partners/{mapped['ngo'].id}", data={"name": "Bridge ONG", "sector": "victim_services_ngo",
                                                                   "jurisdiction": ""})
    assert response.status_code == 302
    after = client.get("/network/graph.json").get_json()
    assert after["version"] != before["version"]
    assert node(after, mapped["ngo"])["name"] == "Bridge ONG"
    assert node(client.get("/api/network/metrics").get_json(), mapped["ngo"], "organizations")["name"] == "Bridge ONG"
    assert "Bridge ONG" in client.get("/network/table").get_data(as_text=True)


def test_two_organizations_swapping_sectors_show_their_new_sectors(client, login, mapped, network_coordinator):
    login(network_coordinator)
    before = client.get("/network/graph.json").get_json()
    assert node(before, mapped["police"])["sector"] == "law_enforcement"
    for organization, sector in ((mapped["police"], "healthcare"), (mapped["clinic"], "law_enforcement")):
        response = client.post(f"/partners/{organization.id}", data={"name": organization.name, "sector": sector,
                                                                      "jurisdiction": ""})
        assert response.status_code == 302
    after = client.get("/network/graph.json").get_json()
    assert after["version"] != before["version"]
    assert (node(after, mapped["police"])["sector"], node(after, mapped["clinic"])["sector"]) == (
        "healthcare", "law_enforcement")
    only = client.get("/network/graph.json?sector=law_enforcement").get_json()
    assert [n["id"] for n in only["nodes"]] == [mapped["clinic"].id]


URLS = ("/network/graph.json", "/api/network/metrics", "/network/graph.json?category=legal_aid",
        "/network/graph.json?sector=victim_services_ngo", "/api/network/metrics?category=case_management")


def without_timing(body: dict) -> dict:
    """A recomputed answer differs only in how long its figures took."""
    return {**body, "figures": {k: v for k, v in body["figures"].items() if k != "seconds"}}


def without_positions(body: dict) -> dict:
    """The layout starts from the last positions known, so a recomputed one is nudged: compare the rest."""
    body = without_timing(body)
    return {**body, "nodes": [{k: v for k, v in n.items() if k not in ("x", "y")} for n in body["nodes"]]} \
        if "nodes" in body else body


def _signed_in(app, login, user):
    client = CsrfClient(app.test_client())
    login(user, the_client=client)
    return client


def test_many_request_threads_each_get_their_own_answer_each_computed_once(app, login, mapped, network_coordinator,
                                                                           police_member, clinic_member, monkeypatch):
    clients = {user.id: _signed_in(app, login, user) for user in (network_coordinator, police_member, clinic_member)}
    expected = {(user_id, url): client.get(url).get_json() for user_id, client in clients.items() for url in URLS}
    assert expected[(police_member.id, URLS[0])] != expected[(clinic_member.id, URLS[0])]  # suppressed differently
    for store in (analytics.FIGURES, analytics.LAYOUTS, analytics.READINGS, analytics.OUTPUTS):
        store.clear()
    analysed, real = [], graphs.analyse

    def counted(graph, progress=None):
        analysed.append(graph.number_of_edges())
        return real(graph, progress)
    monkeypatch.setattr(analytics.graphs, "analyse", counted)
    work = [key for key in expected for _ in range(3)]
    random.Random(4).shuffle(work)

    def fetch(key):
        user_id, url = key
        response = clients[user_id].get(url)
        return key, response.status_code, response.get_json()
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(fetch, work))
    assert all(status == 200 for _, status, _ in results)
    assert all(without_positions(body) == without_positions(expected[key]) for key, _, body in results)
    assert all(body == next(b for k, _, b in results if k == key) for key, _, body in results)  # one layout each
    assert len(analysed) == 3  # the coordinator's figures once per view: all categories, legal aid, case management


def test_the_stores_stay_within_their_bound_under_many_threads(app, login, mapped, network_coordinator, monkeypatch,
                                                               this_month):
    from taskforce.network.reading import months_back
    client = _signed_in(app, login, network_coordinator)
    for store in (analytics.FIGURES, analytics.READINGS, analytics.OUTPUTS):
        monkeypatch.setattr(store, "_keep", 3)
    windows = [f"/api/network/metrics?start={months_back(this_month, back).isoformat()[:7]}" for back in range(12)]
    expected = {url: client.get(url).get_json() for url in windows}
    with ThreadPoolExecutor(8) as pool:
        bodies = list(pool.map(lambda url: (url, client.get(url).get_json()), windows * 4))
    assert all(without_timing(body) == without_timing(expected[url]) for url, body in bodies)
    assert len(analytics.FIGURES) <= 3 and len(analytics.READINGS) <= 3 and len(analytics.OUTPUTS) <= 3


def _child_reads_the_store(connection):
    entry = analytics.FIGURES.get(("figures", "forked"), lambda progress: "fresh")
    connection.send((entry.status, entry.result))
    connection.close()


def test_a_forked_worker_starts_with_its_own_empty_stores():
    """Forked while a figure was being computed in the parent (its thread is not copied), the child would
    wait for it forever; it computes its own instead."""
    release = threading.Event()
    analytics.FIGURES.get(("figures", "forked"), lambda progress: release.wait(10) and "parent", background=True)
    context = multiprocessing.get_context("fork")
    mine, theirs = context.Pipe()
    child = context.Process(target=_child_reads_the_store, args=(theirs,))
    child.start()
    try:
        assert mine.poll(10), "the forked child never answered"
        assert mine.recv() == ("ready", "fresh")
    finally:
        release.set()
        child.join(10)
        if child.is_alive():  # a child stuck on the parent's copied entry: do not leave it behind
            child.terminate()
            child.join(5)
    assert child.exitcode == 0
    entry = analytics.FIGURES.get(("figures", "forked"), lambda progress: "again")
    entry.ready.wait(10)
    assert entry.result == "parent"  # the parent's own store was left as it was
