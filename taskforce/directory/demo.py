"""Fictional demo directory: 80+ services across every demo organization, shaped by each one's sector.

Several shelters are confidential (city and phone only for outsiders), hours vary (some 24/7, some overnight),
languages reflect the region (es, en, vi, zh, pt, ar, tl, ru, ko, fr, hi…), some entries are stale. Casa
Esperanza runs a Spanish-speaking, 24/7 emergency shelter for adult women — the entry the task force's
"find it in two clicks on a phone" check looks for. Every name, address and number is invented (555-01xx).
"""
import re
import uuid
from datetime import timedelta

from taskforce.auth.models import Sector
from taskforce.dbtypes import utcnow
from taskforce.directory.models import Location, Service, ServiceCategory, ServiceHours, ServiceLanguage
from taskforce.extensions import db

CITIES = {"Harbor City": "94601", "Riverside": "92501", "Millbrook": "92880", "Port Alder": "94110",
          "Cedar Falls": "92530", "San Isidro": "92545", "Lakeview": "92567"}
STREETS = ["Alder St", "Mission Rd", "Cypress Ave", "Harbor Blvd", "Juniper Way", "Orchard Ln", "Bayview Dr",
           "Magnolia St", "Sequoia Ct", "Willow Ave", "Canal St", "Pinecrest Rd"]
LANGUAGE_POOL = ["es", "vi", "zh", "pt", "ar", "tl", "ru", "ko", "fr", "hi", "pa", "ht", "uk", "so"]

WEEKDAYS_9_5 = [(d, "09:00", "17:00") for d in range(5)]
LONG_DAYS = [(d, "08:00", "20:00") for d in range(5)] + [(5, "10:00", "14:00")]
EVENINGS = [(d, "18:00", "02:00") for d in range(7)]  # overnight outreach
CLINIC = [(d, "07:30", "19:00") for d in range(6)]

# (name, categories, description, 24/7, hours, (min_age, max_age), genders, capacity total or None, confidential)
TEMPLATES = {
    Sector.VICTIM_SERVICES_NGO: [
        ("Emergency Shelter for Women", ["emergency_shelter", "case_management"],
         "Safe emergency housing for adult women leaving trafficking or exploitation, with meals, clothing and "
         "an advocate on site day and night.", True, [], (18, None), "female", 14, True),
        ("Survivor Advocacy & Case Management", ["victim_advocacy", "case_management"],
         "Trauma-informed advocates help survivors with safety planning, benefits, court accompaniment and "
         "long-term goals.", False, LONG_DAYS, (None, None), "", None, False),
        ("24-Hour Crisis Hotline", ["hotline", "victim_advocacy"],
         "Confidential crisis line for survivors and for officers or nurses who need a placement tonight.",
         True, [], (None, None), "", None, False),
        ("Transitional Housing Program", ["housing", "case_management"],
         "Apartments for up to 18 months for survivors ready to move on from shelter, with rent support.",
         False, WEEKDAYS_9_5, (18, None), "", 10, True),
        ("Street Outreach Team", ["basic_needs", "victim_advocacy", "transportation"],
         "Evening outreach with hygiene kits, food and rides to a safe place; no questions asked.",
         False, EVENINGS, (None, None), "", None, False),
    ],
    Sector.HEALTHCARE: [
        ("Forensic Nurse Examiner Program", ["forensic_exam", "medical_care"],
         "Sexual assault forensic exams by certified nurse examiners, evidence kept even without a police report.",
         True, [], (None, None), "", None, False),
        ("Community Health Clinic", ["medical_care"],
         "Primary care, STI testing, prenatal care and vaccinations regardless of insurance or immigration status.",
         False, CLINIC, (None, None), "", None, False),
        ("Behavioral Health & Trauma Counseling", ["mental_health"],
         "Individual and group therapy for survivors of trafficking; interpreters available by phone.",
         False, LONG_DAYS, (12, None), "", 20, False),
        ("Recovery & Substance Use Services", ["substance_use", "medical_care"],
         "Detox referrals, medication-assisted treatment and peer recovery coaches.", False, WEEKDAYS_9_5,
         (18, None), "", 8, False),
        ("Medical Interpreter Desk", ["interpretation"],
         "In-person and video medical interpreters for exams and appointments.", True, [], (None, None), "", None,
         False),
    ],
    Sector.LAW_ENFORCEMENT: [
        ("Victim Services Liaison", ["law_enforcement_liaison", "victim_advocacy"],
         "A civilian victim specialist who explains rights, T- and U-visa certification and what happens next.",
         False, WEEKDAYS_9_5, (None, None), "", None, False),
        ("Trafficking Tip Line", ["hotline", "law_enforcement_liaison"],
         "Report suspected trafficking; a detective calls back within the hour.", True, [], (None, None), "", None,
         False),
        ("Continued Presence Requests", ["immigration_legal", "law_enforcement_liaison"],
         "Help for foreign-national victims to obtain Continued Presence through federal partners.",
         False, WEEKDAYS_9_5, (None, None), "", None, False),
        ("Language Line for Interviews", ["interpretation"],
         "Certified interpreters for victim interviews, arranged within 30 minutes.", True, [], (None, None), "",
         None, False),
        ("Victim Transport Program", ["transportation"],
         "Unmarked vehicles and civilian drivers take survivors to shelter, exams or court.", False, LONG_DAYS,
         (None, None), "", None, False),
    ],
    Sector.PROSECUTION: [
        ("Victim-Witness Advocacy", ["victim_advocacy", "case_management"],
         "Advocates accompany survivors through court, restitution requests and protective orders.",
         False, WEEKDAYS_9_5, (None, None), "", None, False),
        ("Vacatur & Record Relief Clinic", ["legal_aid"],
         "Help clearing convictions survivors received because of their trafficking.", False,
         [(1, "13:00", "17:00"), (3, "13:00", "17:00")], (18, None), "", None, False),
        ("T-Visa Certification Desk", ["immigration_legal", "law_enforcement_liaison"],
         "Declarations supporting T and U visa applications for cooperating victims.", False, WEEKDAYS_9_5,
         (None, None), "", None, False),
        ("Courthouse Interpreter Scheduling", ["interpretation"],
         "Interpreters for hearings and witness preparation.", False, WEEKDAYS_9_5, (None, None), "", None, False),
        ("Crime Victim Compensation Help", ["case_management", "basic_needs"],
         "Help applying for compensation for medical bills, counseling and relocation.", False, WEEKDAYS_9_5,
         (None, None), "", None, False),
    ],
    Sector.SOCIAL_SERVICES: [
        ("Youth Emergency Shelter", ["youth_shelter", "case_management"],
         "Emergency beds for young people 12–17, including commercially sexually exploited youth.", True, [],
         (12, 17), "", 12, True),
        ("Child Welfare Hotline", ["hotline"],
         "Report a child at risk of exploitation; screeners answer day and night.", True, [], (None, 17), "",
         None, False),
        ("Emergency Benefits & Food Assistance", ["basic_needs", "case_management"],
         "Same-day food benefits, cash aid applications and emergency clothing vouchers.", False, LONG_DAYS,
         (None, None), "", None, False),
        ("Family Reunification Services", ["case_management", "mental_health"],
         "Caseworkers support safe reunification and family counseling.", False, WEEKDAYS_9_5, (None, None), "",
         None, False),
        ("Rapid Re-Housing", ["housing"],
         "Deposits and short-term rent for survivors moving into their own place.", False, WEEKDAYS_9_5,
         (18, None), "", 25, False),
    ],
    Sector.GOVERNMENT: [
        ("Wage Claim Assistance", ["labor_rights", "legal_aid"],
         "Recover unpaid wages and report labor exploitation, whatever your immigration status.", False,
         WEEKDAYS_9_5, (16, None), "", None, False),
        ("Immigrant Legal Services Referral", ["immigration_legal", "legal_aid"],
         "Free consultations with accredited representatives and referrals to pro bono attorneys.", False,
         WEEKDAYS_9_5, (None, None), "", None, False),
        ("Workforce Training for Survivors", ["employment"],
         "Paid job training, resume help and placement with partner employers.", False, WEEKDAYS_9_5, (18, None),
         "", 30, False),
        ("Community Interpreter Bank", ["interpretation"],
         "Volunteer community interpreters in 20+ languages, booked a day ahead.", False, LONG_DAYS, (None, None),
         "", None, False),
        ("Farmworker Outreach", ["labor_rights", "basic_needs"],
         "Outreach workers visit fields and housing camps to explain workers' rights.", False,
         [(d, "05:30", "11:30") for d in range(6)], (None, None), "", None, False),
    ],
    Sector.OTHER: [
        ("Refugee Safe House", ["emergency_shelter", "housing"],
         "Short-term safe housing for refugee and asylum-seeking survivors and their children.", True, [],
         (None, None), "", 16, True),
        ("Faith Community Welcome Pantry", ["basic_needs"],
         "Groceries, diapers and clothing; no documents needed.", False, [(2, "10:00", "13:00"), (5, "09:00", "12:00")],
         (None, None), "", None, False),
        ("Immigration Legal Clinic", ["immigration_legal"],
         "DOJ-accredited representatives help with T visas, asylum and work permits.", False, WEEKDAYS_9_5,
         (None, None), "", None, False),
        ("Peer Support Circles", ["mental_health", "victim_advocacy"],
         "Weekly survivor-led support groups in several languages.", False, [(1, "18:00", "20:00"), (4, "18:00", "20:00")],
         (18, None), "", 15, False),
        ("Resettlement Case Management", ["case_management", "employment"],
         "Caseworkers for newly arrived families: school enrolment, benefits, jobs.", False, WEEKDAYS_9_5,
         (None, None), "", None, False),
    ],
}

FLAGSHIP = ("Refugio Esperanza – Emergency Shelter for Women", ["emergency_shelter", "victim_advocacy", "case_management"],
            "Refugio de emergencia para mujeres adultas. Confidential 24/7 shelter for adult women survivors of sex "
            "or labor trafficking; Spanish-speaking staff on every shift, advocates, meals and a clinic visit each "
            "week. Call first — staff meet you at a safe place.", True, [], (18, None), "female", 18, True)


def _domain(organization) -> str:
    """A valid host label from the organization's first word ("U.S. Attorney" -> "us"): the export must re-import,
    and "intake@u.s..example.org" is no email address."""
    return re.sub(r"[^a-z0-9]", "", organization.name.split()[0].lower()) or "partner"


def _phone(rng) -> str:
    return f"+1{rng.choice(['213', '310', '415', '510', '619', '909'])}5550{rng.randint(100, 199)}"


def _location(rng, organization, confidential: bool, name: str) -> Location:
    city = rng.choice(list(CITIES))
    return Location(uuid=str(uuid.UUID(int=rng.getrandbits(128))), organization_id=organization.id, name=name,
                    address_1=f"{rng.randint(100, 9899)} {rng.choice(STREETS)}", city=city, state_province="CA",
                    postal_code=CITIES[city], country="US", latitude=round(33.9 + rng.random(), 5),
                    longitude=round(-117.9 + rng.random(), 5), is_confidential=confidential)


def _service(rng, organization, template, now, *, languages, stale: bool) -> Service:
    name, categories, description, always, hours, (min_age, max_age), genders, total, confidential = template
    short = organization.name.split(" – ")[0]
    full_name = name if name.startswith("Refugio") else f"{short} {name}"
    verified = now - timedelta(days=rng.randint(100, 240) if stale else rng.randint(0, 60))
    service = Service(
        uuid=str(uuid.UUID(int=rng.getrandbits(128))), organization_id=organization.id, organization=organization,
        name=full_name[:200], description=description, min_age=min_age, max_age=max_age, genders=genders,
        trafficking_types=rng.choice(["", "", "sex", "labor", "both"]),
        eligibility_notes="Call ahead; a referral from a task-force partner speeds intake." if rng.random() < 0.4 else "",
        open_24_7=always, timezone="America/Los_Angeles", service_area=f"{organization.jurisdiction} and nearby",
        phone=_phone(rng), email=f"intake{rng.randint(1, 99)}@{_domain(organization)}.example.org",
        website=f"https://{_domain(organization)}.example.org/services", last_verified_at=verified,
        created_at=verified, updated_at=verified)
    service.location = _location(rng, organization, confidential, f"{short} site")
    service.categories = [ServiceCategory(category=c) for c in categories]
    service.languages = [ServiceLanguage(code=c) for c in languages]
    service.hours = [ServiceHours(weekday=d, opens_at=o, closes_at=c) for d, o, c in hours]
    if total is not None:
        service.capacity_total = total
        service.capacity_available = rng.randint(0, total)
        service.capacity_updated_at = now - timedelta(minutes=rng.randint(5, 60 * 30))
    return service


def seed(rng, context: dict) -> dict:
    """Add the demo directory for the organizations the auth demo created (the caller commits)."""
    now = utcnow()
    created = []
    for organization in context["organizations"]:
        for template in TEMPLATES[organization.sector]:
            languages = ["en"] + rng.sample(LANGUAGE_POOL, rng.randint(0, 3))
            if rng.random() < 0.5 and "es" not in languages:
                languages.append("es")
            created.append(_service(rng, organization, template, now, languages=languages,
                                    stale=rng.random() < 0.1))
    casa = next((o for o in context["organizations"] if o.name.startswith("Casa Esperanza")),
                context["organizations"][0])
    flagship = _service(rng, casa, FLAGSHIP, now, languages=["es", "en", "pt"], stale=False)
    flagship.capacity_available = 4
    flagship.trafficking_types = "both"
    created.append(flagship)
    db.session.add_all(created)
    db.session.flush()
    context["services"] = created
    return context
