"""Directory factories: `make_service(...)` writes a service straight to the database (the setup), so tests
exercise the pages, API and services through the user's path."""
import itertools
import uuid

import pytest

from taskforce.dbtypes import utcnow
from taskforce.directory.models import Location, Service, ServiceCategory, ServiceHours, ServiceLanguage
from taskforce.extensions import db

CONFIDENTIAL_STREET = "4417 Hidden Orchard Lane"
CONFIDENTIAL_POSTAL = "90077"


@pytest.fixture
def make_service(app, make_organization):
    counter = itertools.count(1)

    def make(organization=None, name=None, *, categories=("emergency_shelter",), languages=("en",), hours=(),
             confidential=False, address="12 Open Door Street", city="Harbor City", postal_code="94601",
             capacity=None, last_verified_at="now", **fields):
        organization = organization or make_organization()
        number = next(counter)
        location = Location(uuid=str(uuid.uuid4()), organization_id=organization.id, name=f"Site {number}",
                            address_1=address, city=city, postal_code=postal_code, state_province="CA",
                            latitude=34.05, longitude=-118.25, is_confidential=confidential)
        service = Service(uuid=str(uuid.uuid4()), organization_id=organization.id, organization=organization,
                          name=name or f"Service {number}", location=location,
                          last_verified_at=utcnow() if last_verified_at == "now" else last_verified_at,
                          phone=fields.pop("phone", "+12135550142"), **fields)
        service.categories = [ServiceCategory(category=c) for c in categories]
        service.languages = [ServiceLanguage(code=c) for c in languages]
        service.hours = [ServiceHours(weekday=d, opens_at=o, closes_at=c) for d, o, c in hours]
        if capacity is not None:
            service.capacity_available, service.capacity_total = capacity
            service.capacity_updated_at = utcnow()
        db.session.add(service)
        db.session.commit()
        return service
    return make


def names(response) -> list[str]:
    """Service names of an API list response, in order."""
    return [s["name"] for s in response.get_json()["services"]]
