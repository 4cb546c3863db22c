"""The directory's block on Home (taskforce/home.py): the member's organization's entries nobody confirmed
for 90 days and its services short of beds — what a provider looks after each morning."""
from flask import url_for

from taskforce import home
from taskforce.dbtypes import utcnow
from taskforce.directory import capacity, finder


def organization_block(user) -> dict:
    items = [{"text": name, "url": url_for("directory.show", service_id=service_id), "meta": "not confirmed for 90 days"}
             for service_id, name in finder.stale_services(user, utcnow(), limit=8)]
    for service in capacity.low_capacity_services(user.organization_id):
        items.append({"text": service.name, "url": url_for("directory.show", service_id=service.id),
                      "meta": f"{service.capacity_available} of {service.capacity_total} available"})
    return {"items": items,
            "empty": "Your organization's entries are confirmed and none is short of capacity. Update beds from a "
                     "service's page when they change; follow a partner's service to hear when its beds free up.",
            "more": {"url": url_for("directory.index"), "label": "Open the directory"}}


def register(app) -> None:
    home.register_block("my_directory", 50, organization_block, title="Your organization in the directory",
                        live_events=("capacity_updated",))
