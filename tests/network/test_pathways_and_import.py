"""Pathway questions answered through the directory's own search, coverage gaps, the referral-history
spreadsheet through the directory's import machinery, and the live push when a referral is logged."""
import time

import pytest

from taskforce.directory.exchange import csv_jobs
from taskforce.extensions import db, socketio
from taskforce.network import history
from tests.conftest import CsrfClient
from tests.network.conftest import month_text, referral_rows


@pytest.fixture
def pathway_map(mapped_services):
    return mapped_services


@pytest.fixture
def mapped_services(orgs, add_referral, make_service):
    """police → ngo → legal (Vietnamese, 24/7 immigration help); clinic → ngo; social refers nowhere."""
    add_referral(orgs["police"], orgs["ngo"], 6)
    add_referral(orgs["ngo"], orgs["legal"], 2)
    add_referral(orgs["clinic"], orgs["ngo"], 8)
    vietnamese = make_service(orgs["legal"], "Immigration Legal Night Line", categories=("immigration_legal",),
                              languages=("vi", "en"), open_24_7=True, capacity=(3, 10), confidential=True,
                              address="4417 Hidden Orchard Lane")
    make_service(orgs["legal"], "Spanish Immigration Desk", categories=("immigration_legal",), languages=("es",))
    make_service(orgs["ngo"], "Bridge Shelter", categories=("emergency_shelter",))
    make_service(orgs["social"], "Family case management", categories=("case_management",))
    return {**orgs, "service": vietnamese}


QUESTION = "from_sector=law_enforcement&category=immigration_legal&language=vi&always_open=1"


def test_pathway_question_finds_the_route_and_the_services_with_live_capacity(client, login, pathway_map,
                                                                              police_member):
    login(police_member)
    body = client.get(f"/network/pathways?{QUESTION}", headers={"Accept": "application/json"}).get_json()
    [route] = body["routes"]
    assert [s["name"] for s in route["steps"]] == ["Harbor Police", "Bridge NGO", "Lantern Legal"]
    assert route["steps"][1]["referred"] == 6 and route["steps"][2]["referred"] == "1–4"  # not police's edge
    assert [s["name"] for s in route["services"]] == ["Immigration Legal Night Line"]
    assert route["services"][0]["capacity"] == {"available": 3, "total": 10}
    assert "Hidden Orchard" not in str(body)
    page = client.get(f"/network/pathways?{QUESTION}").get_data(as_text=True)
    assert "Immigration Legal Night Line" in page and "3 of 10 free" in page


def test_no_pathway_from_a_sector_that_refers_nowhere_says_so(client, login, pathway_map, police_member):
    login(police_member)
    page = client.get("/network/pathways?from_sector=social_services&category=immigration_legal").get_data(as_text=True)
    assert "No referral pathway reaches a matching service" in page and "The help exists" in page


def test_pathway_question_errors_are_clear(client, login, pathway_map, police_member):
    login(police_member)
    for bad in ("from_sector=pirates&category=immigration_legal", "from_sector=law_enforcement",
                "from_sector=law_enforcement&category=nope", "from_organization=abc&category=hotline",
                "from_organization=999999&category=hotline", "from_sector=law_enforcement&category=hotline&language=zz9"):
        response = client.get(f"/network/pathways?{bad}", headers={"Accept": "application/json"})
        assert response.status_code == 400, bad
        assert response.get_json()["error"]


def test_coverage_gaps_and_single_points_of_failure_page(client, login, pathway_map, network_coordinator):
    login(network_coordinator)
    page = client.get("/network/gaps").get_data(as_text=True)
    assert "Kinds of help each sector has no referral path to" in page
    # social services reaches only its own case management: no shelter, no immigration legal help
    social_row = page.split("Social services</th>")[1].split("</tr>")[0]
    assert "Immigration legal services" in social_row and "Emergency shelter" in social_row
    police_row = page.split("Law enforcement</th>")[1].split("</tr>")[0]
    assert "Immigration legal services" not in police_row
    points = page.split("Single points of failure")[1]
    assert "Bridge NGO" in points and "Lantern Legal" in points
    assert "If this partner left" in page


HEADER = "from,to,service,category,month,count,accepted,declined_no_capacity,declined_not_eligible,declined_no_response,completed,notes\n"


def test_history_import_previews_every_row_error_then_imports_with_progress_and_twice_changes_nothing(
        client, login, pathway_map, police_member, this_month):
    from taskforce.network.reading import months_back
    march = month_text(months_back(this_month, 2))
    rows = (f"Harbor Police,Bridge NGO,,emergency_shelter,{march},4,3,1,0,0,2,\n"
            f"Harbor Police,Lantern Legal,Immigration Legal Night Line,Immigration legal services,{march},2,2,0,0,0,0,\n"
            f"Harbor Police,Harbor Police,,hotline,{march},1,0,0,0,0,0,\n"
            f"Harbor Police,Nowhere Org,,hotline,{march},1,0,0,0,0,0,\n"
            f"Harbor Police,Bridge NGO,,hotline,2999-01,1,0,0,0,0,0,\n"
            f"Harbor Police,Bridge NGO,,hotline,{march},-1,0,0,0,0,0,\n"
            f"Valley Clinic,Bridge NGO,,hotline,{march},1,0,0,0,0,0,\n"
            f"Harbor Police,Bridge NGO,,hotline,{march},2,0,0,0,0,0,Maria Gonzalez 206-555-0143\n")
    login(police_member)
    before = len(referral_rows())
    response = client.post("/network/import/", data={"file": (__import__("io").BytesIO((HEADER + rows).encode()),
                                                               "history.csv")}, content_type="multipart/form-data")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2</strong> rows ready" in page and "6</strong> with problems" in page
    for words in ("does not refer to itself", "“Nowhere Org” is not an organization", "has not happened yet",
                  "cannot be negative", "your own organization", "must not identify anyone"):
        assert words in page, words
    assert len(referral_rows()) == before  # a preview writes nothing
    job_id = int(response.headers["Location"].split("/jobs/")[1].split("/")[0])
    started = client.post(f"/network/import/jobs/{job_id}/start", data={}, headers={"Accept": "application/json"})
    assert started.status_code == 202
    status = _wait_done(client, job_id)
    assert (status["created"], status["percent"]) == (2, 100)
    imported = [r for r in referral_rows() if r.source == "import"]
    assert sorted((r.count, r.category, r.to_service_id is not None) for r in imported) == \
        [(2, "immigration_legal", True), (4, "emergency_shelter", False)]
    assert client.post(f"/network/import/jobs/{job_id}/start", data={}).status_code == 400  # not twice
    again = client.post("/network/import/", data={"file": (__import__("io").BytesIO((HEADER + rows).encode()),
                                                            "history.csv")}, content_type="multipart/form-data")
    job_two = int(again.headers["Location"].split("/jobs/")[1].split("/")[0])
    client.post(f"/network/import/jobs/{job_two}/start", data={})
    assert _wait_done(client, job_two)["created"] == 0
    assert len([r for r in referral_rows() if r.source == "import"]) == 2


def _wait_done(client, job_id):
    for _ in range(100):
        status = client.get(f"/network/import/jobs/{job_id}").get_json()
        if status["status"] in ("done", "failed"):
            return status
        time.sleep(0.05)
    raise AssertionError("import did not finish")


def test_malformed_history_files_are_refused_whole(client, login, pathway_map, police_member):
    login(police_member)
    for content, words in ((b"", "empty"), (b"from,to\nA,B\n", "lacks the column"), (b"\xff\xfe\x00bad", "UTF-8"),
                           (HEADER.encode(), "no rows")):
        response = client.post("/network/import/", data={"file": (__import__("io").BytesIO(content), "x.csv")},
                               content_type="multipart/form-data")
        assert response.status_code == 400 and words in response.get_data(as_text=True), words


def test_history_jobs_and_directory_jobs_stay_apart(client, login, pathway_map, network_coordinator, police_member):
    login(police_member)
    response = client.post("/network/import/", data={"file": (__import__("io").BytesIO(
        (HEADER + "Harbor Police,Bridge NGO,,hotline,2026-01,1,0,0,0,0,0,\n").encode()), "h.csv")},
        content_type="multipart/form-data")
    job_id = int(response.headers["Location"].split("/jobs/")[1].split("/")[0])
    assert client.get(f"/directory/exchange/jobs/{job_id}").status_code in (403, 404)
    client.post("/auth/logout", data={})
    login(network_coordinator)
    assert client.get(f"/network/import/jobs/{job_id}").status_code == 404  # another member's import
    assert csv_jobs.KINDS[history.KIND].__class__.__name__ == "ReferralRows"


def test_logging_a_referral_pushes_to_coordinators_and_both_organizations(app, client, login, pathway_map,
                                                                         police_member, monkeypatch):
    pushed = []
    monkeypatch.setattr(socketio, "emit", lambda event, payload, to=None, namespace=None, **_:
                        pushed.append((event, payload, tuple(to) if isinstance(to, list) else to, namespace)))
    login(police_member)
    shelter = next(s for s in db.session.query(type(pathway_map["service"])).all() if s.name == "Bridge Shelter")
    client.post(f"/network/log/{shelter.id}", data={})
    [(event, payload, rooms, namespace)] = [p for p in pushed if p[0] == "network_changed"]
    assert rooms == ("coordinators", f"org:{pathway_map['police'].id}", f"org:{pathway_map['ngo'].id}")
    assert payload == {"kind": "referral", "from": pathway_map["police"].id, "to": pathway_map["ngo"].id}
    assert namespace == "/live"  # the live layer's namespace (issue 14 §1)


@pytest.mark.parametrize("via_ngo, via_legal", [(1, 4), (4, 1)])
def test_route_order_never_tells_a_member_which_hidden_count_is_larger(app, login, orgs, add_referral, make_service,
                                                                      make_organization, make_user, police_member,
                                                                      network_coordinator, via_ngo, via_legal):
    """Two equally long routes whose last hand-offs are hidden from police ("1–4" each): police sees them in
    the same order whichever hidden count is larger; a coordinator sees the busier one first."""
    from taskforce.auth.models import Sector
    shelter = make_organization("Dawn Shelter", sector=Sector.VICTIM_SERVICES_NGO)
    add_referral(orgs["police"], orgs["ngo"], 6)
    add_referral(orgs["police"], orgs["legal"], 6)
    add_referral(orgs["ngo"], shelter, via_ngo)
    add_referral(orgs["legal"], shelter, via_legal)
    make_service(shelter, "Dawn Night Beds", categories=("emergency_shelter",))
    question = f"from_organization={orgs['police'].id}&category=emergency_shelter"

    def middles(user):
        browser = CsrfClient(app.test_client())
        login(user, the_client=browser)
        body = browser.get(f"/network/pathways?{question}", headers={"Accept": "application/json"}).get_json()
        return [route["steps"][1]["name"] for route in body["routes"]]
    assert middles(police_member) == ["Bridge NGO", "Lantern Legal"]  # by name/id, never by the hidden counts
    busier_first = ["Bridge NGO", "Lantern Legal"] if via_ngo > via_legal else ["Lantern Legal", "Bridge NGO"]
    assert middles(network_coordinator) == busier_first


def test_history_import_worker_gets_the_job_id_only_and_finishes_after_the_request_ended(
        client, login, pathway_map, police_member, this_month, monkeypatch):
    """The worker thread is started only once the request is over (its session closed): it must hold no ORM
    object of the request (only the id) and still complete the job, seen through the status route."""
    import threading
    from sqlalchemy import inspect as orm_inspect
    from sqlalchemy.exc import NoInspectionAvailable
    from taskforce.network.reading import months_back
    deferred = []

    class Deferred(threading.Thread):
        def start(self):
            deferred.append(self)
    monkeypatch.setattr(threading, "Thread", Deferred)
    march = month_text(months_back(this_month, 2))
    login(police_member)
    response = client.post("/network/import/", data={"file": (__import__("io").BytesIO(
        (HEADER + f"Harbor Police,Bridge NGO,,emergency_shelter,{march},4,3,1,0,0,2,\n").encode()), "history.csv")},
        content_type="multipart/form-data")
    job_id = int(response.headers["Location"].split("/jobs/")[1].split("/")[0])
    assert client.post(f"/network/import/jobs/{job_id}/start", data={},
                       headers={"Accept": "application/json"}).status_code == 202
    [worker] = deferred
    held = [cell.cell_contents for cell in (worker._target.__closure__ or ())]
    for value in held:
        try:
            orm_inspect(value)
            mapped = hasattr(orm_inspect(value), "mapper")
        except NoInspectionAvailable:
            mapped = False
        assert not mapped, f"the worker holds the request's {type(value).__name__}"
    monkeypatch.undo()
    threading.Thread.start(worker)
    worker.join(10)
    assert _wait_done(client, job_id)["created"] == 1


def test_a_failed_figure_computation_is_a_503_that_says_so_then_retried(client, login, pathway_map,
                                                                       network_coordinator, monkeypatch):
    from taskforce.network import mapping, pathways as pathway_core

    def broken(*_args, **_kwargs):
        raise ValueError("boom")
    login(network_coordinator)
    monkeypatch.setattr(mapping, "_metrics", broken)
    for url in ("/api/network/metrics", "/network/table"):
        response = client.get(url, headers={"Accept": "application/json"})
        assert response.status_code == 503, url
        assert "could not be computed just now" in response.get_json()["error"]
    monkeypatch.undo()
    monkeypatch.setattr(pathway_core, "coverage_gaps", broken)
    page = client.get("/network/gaps")
    assert page.status_code == 503 and "could not be computed just now" in page.get_data(as_text=True)
    monkeypatch.undo()  # the failure was not kept: the next request computes afresh
    assert client.get("/network/gaps").status_code == 200
    assert client.get("/api/network/metrics").status_code == 200
