"""What each organization offers, read for the partner map (network sits above the directory and asks here
rather than reading the directory's tables itself): categories per organization and a service's own facts.
Only listed services count, and nothing about a site's address is read."""
from collections import defaultdict

from sqlalchemy import func, select

from taskforce.directory.finder import LISTED_STATUSES
from taskforce.directory.models import Service, ServiceCategory
from taskforce.extensions import db


def categories_by_organization() -> dict[int, set[str]]:
    """{organization id: category slugs of its listed services}."""
    rows = db.session.execute(select(Service.organization_id, ServiceCategory.category)
                              .join(ServiceCategory, ServiceCategory.service_id == Service.id)
                              .where(Service.status.in_(LISTED_STATUSES)).distinct()).all()
    offered = defaultdict(set)
    for organization_id, category in rows:
        offered[organization_id].add(category)
    return dict(offered)


def services_of(organization_id: int) -> list[dict]:
    """An organization's listed services as the map's side panel shows them: name, categories, languages,
    24/7 and capacity — never a location."""
    services = db.session.scalars(select(Service).where(Service.organization_id == organization_id,
                                                        Service.status.in_(LISTED_STATUSES))
                                  .order_by(Service.name)).all()
    return [brief(s) for s in services]


def brief(service: Service) -> dict:
    return {"id": service.id, "name": service.name, "organization_id": service.organization_id,
            "categories": service.category_slugs, "languages": service.language_codes,
            "open_24_7": service.open_24_7,
            "capacity": None if service.capacity_total is None else
            {"available": service.capacity_available, "total": service.capacity_total}}


def service_names() -> dict:
    """{(organization id, service name lower-case): service id}, for matching a spreadsheet's service column."""
    rows = db.session.execute(select(Service.organization_id, Service.name, Service.id)).all()
    return {(organization_id, name.lower()): service_id for organization_id, name, service_id in rows}


def version() -> tuple:
    """Changes whenever a service is added, edited or removed (the coverage figures depend on it)."""
    return tuple(db.session.execute(select(func.count(Service.id), func.max(Service.updated_at))).one())
