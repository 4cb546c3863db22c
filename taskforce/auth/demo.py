"""Fictional demo task force: organizations across every sector and people of every role.

Deterministic for a seed (a `random.Random` is handed in), so a demo and a screenshot can be reproduced.
Every person and organization here is invented.
"""
import base64
import hashlib

from taskforce.auth.models import Organization, Role, Sector, User
from taskforce.auth.passwords import hash_password
from taskforce.dbtypes import utcnow
from taskforce.extensions import db

ORGANIZATIONS = [
    ("Riverside County Sheriff's Office", Sector.LAW_ENFORCEMENT, "Riverside County"),
    ("Harbor City Police Department – Vice & Trafficking Unit", Sector.LAW_ENFORCEMENT, "Harbor City"),
    ("State Highway Patrol – Northern Division", Sector.LAW_ENFORCEMENT, "State"),
    ("Office of the District Attorney, Riverside County", Sector.PROSECUTION, "Riverside County"),
    ("U.S. Attorney's Office – Victim-Witness Program", Sector.PROSECUTION, "Federal district"),
    ("St. Brigid Medical Center", Sector.HEALTHCARE, "Harbor City"),
    ("Valle Verde Community Clinic", Sector.HEALTHCARE, "Riverside County"),
    ("Harbor City Children's Hospital – Child Advocacy Center", Sector.HEALTHCARE, "Harbor City"),
    ("Safe Passage Survivor Network", Sector.VICTIM_SERVICES_NGO, "Regional"),
    ("Casa Esperanza Shelter", Sector.VICTIM_SERVICES_NGO, "Riverside County"),
    ("Lantern Legal Aid Collective", Sector.VICTIM_SERVICES_NGO, "Regional"),
    ("Open Roads Youth Outreach", Sector.VICTIM_SERVICES_NGO, "Harbor City"),
    ("Riverside County Department of Social Services", Sector.SOCIAL_SERVICES, "Riverside County"),
    ("Harbor City Family & Children Services", Sector.SOCIAL_SERVICES, "Harbor City"),
    ("State Department of Labor – Wage & Hour Enforcement", Sector.GOVERNMENT, "State"),
    ("Mayor's Office of Immigrant Affairs", Sector.GOVERNMENT, "Harbor City"),
    ("Interfaith Refugee Resettlement Council", Sector.OTHER, "Regional"),
]

FIRST_NAMES = ["Alex", "Priya", "Tomás", "Grace", "Kwame", "Mei", "Daniel", "Fatima", "Ioana", "Marek", "Ngozi",
               "Hiroshi", "Lucía", "Samuel", "Ayesha", "Tuan", "Rebecca", "Joaquim", "Sari", "Olivia", "Chidi",
               "Hannah", "Rafael", "Nadia", "Victor", "Emily", "Kofi", "Ana", "Jamal", "Sophie"]
LAST_NAMES = ["Okafor", "Ramírez", "Chen", "Kowalski", "Mensah", "Nguyen", "Patel", "Silva", "Popescu", "Tanaka",
              "Walker", "Haddad", "Santoso", "Brennan", "Adeyemi", "Moreno", "Fischer", "Boateng", "Kaur", "Novak"]

FIXED_ACCOUNTS = [  # public contract (DESIGN §5)
    ("member@taskforce.demo", "Morgan Member", Role.MEMBER, 9),
    ("trainer@taskforce.demo", "Taylor Trainer", Role.TRAINER, 5),
    ("coordinator@taskforce.demo", "Casey Coordinator", Role.COORDINATOR, 12),
    ("admin@taskforce.demo", "Avery Admin", Role.ADMIN, 15),
]


def demo_totp_secret(seed: int, email: str) -> str:
    """A stable TOTP secret per demo account, so the printed secret stays valid across re-seeding."""
    digest = hashlib.sha256(f"taskforce-demo:{seed}:{email}".encode()).digest()
    return base64.b32encode(digest[:20]).decode()


def seed(rng, context: dict) -> dict:
    """Create organizations and people; returns the context other domains' seeders build on."""
    password_hash = hash_password(context["password"])  # one hash for every demo account: fast to seed
    now = utcnow()
    organizations = []
    for name, sector, jurisdiction in ORGANIZATIONS:
        vetted = rng.random() < 0.85
        organizations.append(Organization(name=name, sector=sector, jurisdiction=jurisdiction,
                                          vetted_at=now if vetted else None))
    db.session.add_all(organizations)
    db.session.flush()
    accounts = []
    for email, display_name, role, org_index in FIXED_ACCOUNTS:
        secret = demo_totp_secret(context["seed"], email) if role in (Role.COORDINATOR, Role.ADMIN) else None
        accounts.append(User(email=email, display_name=display_name, role=role, password_hash=password_hash,
                             organization_id=organizations[org_index].id, totp_secret=secret))
    roles = [Role.MEMBER] * 5 + [Role.TRAINER] + [Role.COORDINATOR] * (1 if rng.random() < 0.5 else 0)
    used = set()
    for index, organization in enumerate(organizations):
        for _ in range(2 if index % 3 else 3):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            while (first, last) in used:
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            used.add((first, last))
            email = f"{first}.{last}@{_domain(organization.name)}".lower()
            email = email.encode("ascii", "ignore").decode()
            role = rng.choice(roles)
            accounts.append(User(email=email, display_name=f"{first} {last}", role=role, password_hash=password_hash,
                                 organization_id=organization.id,
                                 totp_secret=demo_totp_secret(context["seed"], email) if role is Role.COORDINATOR else None))
    db.session.add_all(accounts)
    db.session.flush()
    context.update(organizations=organizations, users=accounts)
    return context


def _domain(name: str) -> str:
    words = [w for w in name.replace("–", " ").replace("'", "").split() if w[0].isalpha()]
    return "".join(w[0] for w in words[:4]).lower() + ".demo"
