"""Partner-map factories: organizations by sector, referral rows written straight to the database (setup),
and a coordinator / member pair, so tests drive the pages, JSON and services through the user's path."""
from datetime import date

import pytest

from taskforce.auth.models import Role, Sector
from taskforce.extensions import db
from taskforce.network import analytics
from taskforce.network.models import Referral
from tests.directory.conftest import make_service  # noqa: F401  (fixture)


@pytest.fixture(autouse=True)
def _fresh_figure_cache():
    """The figure store is per process; each test starts without another test's figures."""
    analytics.FIGURES.clear()
    analytics.LAYOUTS.clear()
    analytics.READINGS.clear()
    analytics.OUTPUTS.clear()
    yield


@pytest.fixture
def this_month():
    from taskforce.network.services import today
    return today().replace(day=1)


@pytest.fixture
def orgs(make_organization):
    """police → ngo → legal, clinic → ngo; social refers to nobody."""
    return {
        "police": make_organization("Harbor Police", sector=Sector.LAW_ENFORCEMENT),
        "ngo": make_organization("Bridge NGO", sector=Sector.VICTIM_SERVICES_NGO),
        "legal": make_organization("Lantern Legal", sector=Sector.VICTIM_SERVICES_NGO),
        "clinic": make_organization("Valley Clinic", sector=Sector.HEALTHCARE),
        "social": make_organization("County Social", sector=Sector.SOCIAL_SERVICES),
    }


@pytest.fixture
def add_referral(app, this_month):
    def add(source, target, count, month=None, category="case_management", **outcomes):
        referral = Referral(from_organization_id=source.id, to_organization_id=target.id, category=category,
                            month=month or this_month, count=count, **outcomes)
        db.session.add(referral)
        db.session.commit()
        return referral
    return add


@pytest.fixture
def network_coordinator(make_user, orgs):
    return make_user(Role.COORDINATOR, organization=orgs["social"])


@pytest.fixture
def police_member(make_user, orgs):
    return make_user(Role.MEMBER, organization=orgs["police"])


@pytest.fixture
def clinic_member(make_user, orgs):
    return make_user(Role.MEMBER, organization=orgs["clinic"])


def referral_rows():
    return db.session.query(Referral).order_by(Referral.id).all()


def month_text(day: date) -> str:
    return day.isoformat()[:7]
