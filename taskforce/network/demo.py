"""Fictional demo partner map: twelve months of referral counts between the demo organizations, shaped so
every view has something to find.

- hubs: the Harbor City Police vice unit refers most; Safe Passage Survivor Network receives most;
- the broker: Safe Passage links the law-enforcement side to the legal and immigration partners;
- an isolated clinic: Valle Verde Community Clinic has no referral either way;
- a sector with no path to immigration legal help: social services refer only within the child-welfare
  partners (Children's Hospital, Open Roads Youth), which refer nowhere else;
- a partner whose loss disconnects the network: St. Brigid Medical Center is the only link into that group;
- Casa Esperanza turns people away for lack of capacity (a hot spot); agreements style some links.
"""
from datetime import date

from taskforce.extensions import db
from taskforce.network.models import Partnership, Referral
from taskforce.network.reading import months_back
from taskforce.network.services import today

# (from name prefix, to name prefix, mean people a month, category)
EDGES = [
    ("Harbor City Police", "Safe Passage", 6, "victim_advocacy"), ("Riverside County Sheriff", "Safe Passage", 4, "victim_advocacy"),
    ("State Highway Patrol", "Safe Passage", 2, "victim_advocacy"), ("Harbor City Police", "Casa Esperanza", 5, "emergency_shelter"),
    ("Riverside County Sheriff", "Casa Esperanza", 3, "emergency_shelter"), ("Harbor City Police", "St. Brigid", 4, "forensic_exam"),
    ("Riverside County Sheriff", "Office of the District Attorney", 3, "legal_aid"),
    ("Harbor City Police", "Office of the District Attorney", 5, "legal_aid"), ("State Highway Patrol", "Harbor City Police", 2, "law_enforcement_liaison"),
    ("Office of the District Attorney", "Harbor City Police", 1, "law_enforcement_liaison"),
    ("Harbor City Police", "Riverside County Sheriff", 1, "law_enforcement_liaison"),
    ("Safe Passage", "Lantern Legal", 5, "legal_aid"), ("Safe Passage", "Mayor's Office of Immigrant Affairs", 4, "immigration_legal"),
    ("Safe Passage", "Interfaith Refugee", 3, "immigration_legal"), ("Safe Passage", "State Department of Labor", 2, "labor_rights"),
    ("Safe Passage", "St. Brigid", 3, "medical_care"), ("Safe Passage", "Casa Esperanza", 4, "emergency_shelter"),
    ("Casa Esperanza", "Safe Passage", 3, "case_management"),
    ("Lantern Legal", "Mayor's Office of Immigrant Affairs", 3, "immigration_legal"),
    ("Mayor's Office of Immigrant Affairs", "Interfaith Refugee", 2, "housing"), ("Interfaith Refugee", "Lantern Legal", 2, "legal_aid"),
    ("State Department of Labor", "Lantern Legal", 2, "legal_aid"), ("U.S. Attorney", "Lantern Legal", 1, "immigration_legal"),
    ("Office of the District Attorney", "U.S. Attorney", 2, "legal_aid"), ("Lantern Legal", "Safe Passage", 1, "case_management"),
    ("State Department of Labor", "U.S. Attorney", 1, "legal_aid"),
    ("St. Brigid", "Harbor City Children's Hospital", 3, "medical_care"), ("St. Brigid", "Safe Passage", 2, "victim_advocacy"),
    ("Casa Esperanza", "St. Brigid", 2, "medical_care"),
    ("Harbor City Children's Hospital", "Riverside County Department of Social Services", 3, "case_management"),
    ("Riverside County Department of Social Services", "Harbor City Family", 2, "youth_shelter"),
    ("Harbor City Family", "Open Roads", 3, "basic_needs"), ("Open Roads", "Harbor City Family", 2, "youth_shelter"),
    ("Riverside County Department of Social Services", "Open Roads", 1, "basic_needs"),
    ("Harbor City Family", "Harbor City Children's Hospital", 1, "medical_care"),
]
PARTNERSHIPS = [("Safe Passage", "Harbor City Police", "mou"), ("Safe Passage", "Casa Esperanza", "co_location"),
                ("Safe Passage", "Mayor's Office of Immigrant Affairs", "data_sharing"),
                ("St. Brigid", "Harbor City Children's Hospital", "cross_training")]
CAPACITY_HOT_SPOT = "Casa Esperanza"


def _find(organizations, prefix: str):
    return next(o for o in organizations if o.name.startswith(prefix))


def _service_for(services, organization, category):
    return next((s for s in services if s.organization_id == organization.id and category in s.category_slugs), None)


def _count(rng, mean: int, month_index: int) -> int:
    """A month's count around `mean`, a little busier in summer; sometimes a quiet month with none."""
    season = 1.25 if month_index % 12 in (5, 6, 7) else 1.0
    return max(0, round(rng.gauss(mean * season, max(1.0, mean / 3))))


def seed(rng, context: dict) -> dict:
    """Add the demo referrals and agreements (the caller commits)."""
    organizations = context["organizations"]
    services = context.get("services", [])
    last = today().replace(day=1)
    referrals = []
    for source_prefix, target_prefix, mean, category in EDGES:
        source, target = _find(organizations, source_prefix), _find(organizations, target_prefix)
        service = _service_for(services, target, category)
        for back in range(12):
            month = months_back(last, back)
            count = _count(rng, mean, month.month)
            if count == 0:
                continue
            declined_capacity = round(count * rng.uniform(0.25, 0.45)) if target.name.startswith(CAPACITY_HOT_SPOT) else 0
            declined_other = min(count - declined_capacity, rng.randint(0, 1))
            accepted = count - declined_capacity - declined_other
            referrals.append(Referral(
                from_organization_id=source.id, to_organization_id=target.id,
                to_service_id=service.id if service is not None else None, category=category, month=month,
                count=count, accepted=accepted, declined_no_capacity=declined_capacity,
                declined_not_eligible=declined_other, completed=max(0, accepted - rng.randint(0, 2)),
                source="import"))
    start = months_back(last, 18)
    partnerships = [Partnership(organization_a_id=_find(organizations, a).id, organization_b_id=_find(organizations, b).id,
                                kind=kind, starts_on=start) for a, b, kind in PARTNERSHIPS]
    partnerships.append(Partnership(organization_a_id=_find(organizations, "Office of the District Attorney").id,
                                    organization_b_id=_find(organizations, "Harbor City Police").id, kind="mou",
                                    starts_on=date(start.year - 2, 1, 1), ends_on=date(start.year, 1, 1)))
    db.session.add_all(referrals + partnerships)
    db.session.flush()
    context["referrals"] = referrals
    return context
