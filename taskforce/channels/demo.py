"""Demo channels: a task-force room, sector rooms and private huddles with a fictional conversation.

Nobody in these conversations is a real person, and no survivor is ever identified: partners talk about
capacity, procedures and trainings, the way the privacy rule asks them to.
"""
from datetime import timedelta

from taskforce.auth.models import Role, Sector
from taskforce.channels.models import Channel, ChannelKind, ChannelMembership, Mention, Message, Reaction
from taskforce.dbtypes import utcnow
from taskforce.extensions import db

# (speaker key, text, reply-to index or None, reactions)
GENERAL = [
    ("coordinator", "Welcome to the task-force channel. Reminder: **no survivor names, contacts, birth dates or case "
                    "numbers here** — talk about capacity, procedures and pathways.", None, ["👍", "✅"]),
    ("ngo", "Our shelter has two emergency beds open tonight for adult women; intake line staffed until 23:00.",
     None, ["🙏", "❤️"]),
    ("police", "Thanks. Our unit may need one of them after an operation this evening — we'll call intake first.", 1, []),
    ("health", "Our forensic nurse examiner is on call all weekend. Ask the ED charge nurse for the SANE.",
     None, ["👍"]),
    ("legal", "Lantern Legal can do T-visa screenings at the shelter on Thursday morning. @**{ngo}** does 10:00 work?",
     None, []),
    ("ngo", "10:00 works. We'll book the quiet room and an interpreter for Spanish and Tagalog.", 4, ["🎉"]),
    ("labor", "Wage & Hour is planning joint inspections of two agricultural labor contractors next month. "
              "Partners who want to be on call for referrals, reply in the thread.", None, ["👀"]),
    ("social", "We can have an on-call child-welfare worker for any minors encountered.", 6, ["🙏"]),
    ("health", "Our clinic can see walk-ins the same afternoon, no ID required.", 6, ["👍"]),
]
HEALTH = [
    ("health", "Updated trauma-informed intake checklist for EDs is in the shared drive (v3).", None, ["👍"]),
    ("health2", "Can we add the interpreter-line number to the triage card? Night shift keeps asking.", 0, []),
    ("health", "Good idea — I'll add the hospital's language-line extension, not a personal number.", 1, ["✅"]),
]
NGO = [
    ("ngo", "Shelter capacity this week: 3 of 12 beds free, family room occupied until Monday.", None, ["🙏"]),
    ("ngo2", "Our outreach van runs Tuesday and Friday nights near the bus terminal.", None, ["👍"]),
]
POLICE = [
    ("police", "Reminder: victim-centered interview refresher is on the training calendar for the 14th.", None, ["✅"]),
]
HUDDLE = [
    ("member", "Starting this huddle so shelter, clinic and police can line up transport for late-night referrals.",
     None, ["👍"]),
    ("health", "Clinic can hold a slot until 19:00 on weekdays if you message here first.", 0, []),
    ("police", "We can escort to the shelter on request; dispatch knows to page the duty sergeant.", 0, ["🙏"]),
    ("member", "@**{health}** @**{police}** thanks — I'll write this up as our evening pathway.", None, ["❤️"]),
]
LABOR = [
    ("labor", "Working group for the agricultural inspections. Agenda: roles, interpreters, after-care.", None, []),
    ("legal", "We'll bring two attorneys for on-site screenings and a know-your-rights sheet in five languages.", 0,
     ["👍"]),
    ("police", "Our officers will stay out of sight unless the inspectors ask for support.", 0, ["✅"]),
]


def _pick(users, sector, rng, exclude, taken):
    """A generated person of `sector`, not one of the fixed accounts and not already speaking."""
    candidates = [u for u in users if u.organization.sector is sector and u.email not in exclude and u.id not in taken]
    person = rng.choice(candidates) if candidates else users[0]
    taken.add(person.id)
    return person


def _post(channel, script, speakers, start, users_by_key):
    messages = []
    for index, (speaker, text, reply_to, reactions) in enumerate(script):
        author = speakers[speaker]
        body = text.format(**{k: u.display_name for k, u in speakers.items()})
        message = Message(channel_id=channel.id, author_id=author.id, body=body, client_id=f"demo-{channel.id}-{index}",
                          parent_id=messages[reply_to].id if reply_to is not None else None,
                          created_at=start + timedelta(minutes=7 * index))
        db.session.add(message)
        db.session.flush()
        messages.append(message)
        for emoji, reactor in zip(reactions, [u for u in users_by_key if u.id != author.id]):
            db.session.add(Reaction(message_id=message.id, user_id=reactor.id, emoji=emoji))
        mentioned = {p.id for p in speakers.values() if f"@**{p.display_name}**" in body and p.id != author.id}
        for person_id in sorted(mentioned):
            db.session.add(Mention(message_id=message.id, user_id=person_id))
    return messages


def seed(rng, context: dict) -> dict:
    """Create the demo channels and conversations (the caller commits)."""
    users = context["users"]
    by_email = {u.email: u for u in users}
    fixed = {"member@taskforce.demo", "trainer@taskforce.demo", "coordinator@taskforce.demo", "admin@taskforce.demo"}
    coordinator = by_email.get("coordinator@taskforce.demo") or next(u for u in users if u.role is Role.COORDINATOR)
    member = by_email.get("member@taskforce.demo") or users[0]
    taken = {coordinator.id, member.id}
    legal = next((u for u in users if "Lantern" in u.organization.name and u.email not in fixed), member)
    taken.add(legal.id)
    speakers = {
        "coordinator": coordinator, "member": member, "legal": legal,
        "ngo": _pick(users, Sector.VICTIM_SERVICES_NGO, rng, fixed, taken),
        "ngo2": _pick(users, Sector.VICTIM_SERVICES_NGO, rng, fixed, taken),
        "police": _pick(users, Sector.LAW_ENFORCEMENT, rng, fixed, taken),
        "health": _pick(users, Sector.HEALTHCARE, rng, fixed, taken),
        "health2": _pick(users, Sector.HEALTHCARE, rng, fixed, taken),
        "labor": _pick(users, Sector.GOVERNMENT, rng, fixed, taken),
        "social": _pick(users, Sector.SOCIAL_SERVICES, rng, fixed, taken),
    }
    now = utcnow()

    def channel(name, kind, topic, sector=None, members=()):
        row = Channel(name=name, kind=kind, topic=topic, sector=sector, created_by_id=coordinator.id,
                      created_at=now - timedelta(days=3))
        db.session.add(row)
        db.session.flush()
        for person in {m.id: m for m in members}.values():
            db.session.add(ChannelMembership(channel_id=row.id, user_id=person.id))
        return row

    general = channel("Task force general", ChannelKind.TASK_FORCE, "Capacity, pathways and news for every partner")
    health = channel("Health partners", ChannelKind.SECTOR, "Hospitals and clinics", sector=Sector.HEALTHCARE.value)
    ngo = channel("Victim services", ChannelKind.SECTOR, "Shelters, outreach and advocates",
                  sector=Sector.VICTIM_SERVICES_NGO.value)
    police = channel("Law enforcement", ChannelKind.SECTOR, "Investigators across agencies",
                     sector=Sector.LAW_ENFORCEMENT.value)
    huddle = channel("Evening referral huddle", ChannelKind.PRIVATE, "Late-night transport and intake",
                     members=[member, speakers["health"], speakers["police"], coordinator])
    labor = channel("Labor inspections working group", ChannelKind.PRIVATE, "Joint inspections next month",
                    members=[speakers["labor"], speakers["legal"], speakers["police"], coordinator])
    reactors = [u for u in users if u.active]
    _post(general, GENERAL, speakers, now - timedelta(hours=6), reactors)
    _post(health, HEALTH, speakers, now - timedelta(hours=5), [u for u in reactors if u.organization.sector is Sector.HEALTHCARE])
    _post(ngo, NGO, speakers, now - timedelta(hours=4), [u for u in reactors if u.organization.sector is Sector.VICTIM_SERVICES_NGO])
    _post(police, POLICE, speakers, now - timedelta(hours=3), [u for u in reactors if u.organization.sector is Sector.LAW_ENFORCEMENT])
    _post(huddle, HUDDLE, speakers, now - timedelta(hours=2), [member, speakers["health"], speakers["police"]])
    _post(labor, LABOR, speakers, now - timedelta(hours=1), [speakers["labor"], speakers["legal"], coordinator])
    context["channels"] = [general, health, ngo, police, huddle, labor]
    return context
