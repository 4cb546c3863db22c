"""Factories for training tests: `training_form` is what the schedule form posts; `make_training` schedules
one through the service, as a trainer would."""
from datetime import datetime, timedelta, timezone

import pytest

from taskforce.auth.models import Role, Sector
from taskforce.training import scheduling


def local(days: int, hour: int = 9, minute: int = 0, tz: str = "America/New_York") -> str:
    """A datetime-local value `days` from now in the given zone (what a browser's picker sends)."""
    from zoneinfo import ZoneInfo
    moment = (datetime.now(timezone.utc) + timedelta(days=days)).astimezone(ZoneInfo(tz))
    return moment.replace(hour=hour, minute=minute, second=0, microsecond=0, tzinfo=None).isoformat(timespec="minutes")


def training_form(**overrides) -> dict:
    data = {"title": "Indicators of labor trafficking for first responders",
            "description": "Joint session for police, clinics and NGOs.", "format": "in_person",
            "place": "County training center, room 2", "link": "", "tz": "America/New_York",
            "starts_at": local(30, 9), "ends_at": local(30, 12), "capacity": "20", "topics": ["indicators"],
            "audience": "all", "repeat": "none", "reservation_release_days": "7", "offer_hours": "48"}
    data.update(overrides)
    return data


@pytest.fixture
def trainer(make_user, make_organization):
    return make_user(Role.TRAINER, organization=make_organization(sector=Sector.VICTIM_SERVICES_NGO))


@pytest.fixture
def make_training(app, trainer):
    def make(actor=None, **overrides):
        return scheduling.create_training(actor or trainer, training_form(**overrides))
    return make
