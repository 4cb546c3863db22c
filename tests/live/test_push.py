"""A push reaches exactly the rooms it names: real Socket.IO clients on `/live`, signed in over HTTP."""
from taskforce import live
from taskforce.auth.models import Role, Sector
from tests.channels.multiprocess_helpers import sign_in, wait_for
from tests.conftest import TEST_PASSWORD, totp_code
from tests.live.conftest import settle


def test_an_organization_push_reaches_its_members_only(open_page, make_user, make_organization):
    police = make_organization("Harbor City Police", Sector.LAW_ENFORCEMENT)
    clinic = make_organization("Eastside Clinic", Sector.HEALTHCARE)
    officer, nurse = make_user(organization=police), make_user(organization=clinic)
    officer_page, nurse_page = open_page(officer), open_page(nurse)

    live.push(live.org_room(police.id), "roster_changed", {"organization_id": police.id})

    wait_for(lambda: officer_page.received("roster_changed"), timeout=5, what="the officer's push")
    settle()
    assert officer_page.received("roster_changed") == [{"organization_id": police.id}]
    assert nurse_page.received("roster_changed") == []


def test_user_sector_task_force_and_coordinator_rooms(open_page, live_server, make_user, make_organization):
    clinic = make_organization("Eastside Clinic", Sector.HEALTHCARE)
    shelter = make_organization("Safe Harbor Shelter", Sector.VICTIM_SERVICES_NGO)
    nurse, advocate = make_user(organization=clinic), make_user(organization=shelter)
    coordinator = make_user(Role.COORDINATOR, organization=shelter)
    nurse_page, advocate_page = open_page(nurse), open_page(advocate)
    cookie = sign_in(live_server.url, coordinator.email, TEST_PASSWORD, totp=totp_code(coordinator))
    coordinator_page = open_page(coordinator, cookie=cookie)

    live.push(live.user_room(nurse.id), "just_you", {"n": 1})
    live.push(live.sector_room(Sector.HEALTHCARE), "healthcare", {"n": 2})
    live.push(live.COORDINATORS, "for_coordinators", {"n": 3})
    live.push(live.TASK_FORCE, "everyone", {"n": 4})

    wait_for(lambda: all(p.received("everyone") for p in (nurse_page, advocate_page, coordinator_page)),
             timeout=5, what="the task-force push on every page")
    settle()
    got = {name: [event for event in ("just_you", "healthcare", "for_coordinators") if page.received(event)]
           for name, page in (("nurse", nurse_page), ("advocate", advocate_page), ("coordinator", coordinator_page))}
    assert got == {"nurse": ["just_you", "healthcare"], "advocate": [], "coordinator": ["for_coordinators"]}


def test_a_signed_out_visitor_gets_no_live_socket(live_server):
    import socketio
    client = socketio.Client(reconnection=False)
    try:
        client.connect(live_server.url, namespaces=[live.NAMESPACE], transports=["websocket"], wait_timeout=5)
    except socketio.exceptions.ConnectionError:
        refused = True
    else:
        refused = live.NAMESPACE not in client.namespaces
    finally:
        client.disconnect()
    assert refused
