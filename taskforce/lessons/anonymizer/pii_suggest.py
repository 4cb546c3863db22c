"""PURE. A replacement that keeps the author's sentence readable.

Why: a suggestion the author accepts goes into a lesson other partners read. "Officer a person met the
workers" or "known as Tío a person" tells the author the tool is broken and teaches them to ignore it.
So a suggestion reads the words around the finding:

- after a title or a kinship or role word the word stays and only the name goes: "Officer [name]",
  "Tío [name]", "her aunt [name]";
- where the story gave the person a role ("her brother Juan", "Juan, the victim's brother,"), the other
  mentions of that name become the role: "Juan said" -> "her brother said" (a capital at a sentence
  start);
- otherwise a neutral phrase of the kind, capitalized at the start of a sentence ("A person said").
"""

from __future__ import annotations

import re

NAME_SLOT = "[name]"
NEUTRAL = {
    "PERSON": "a person",
    "PHONE": "a phone number",
    "EMAIL": "an email address",
    "ADDRESS": "an address",
    "LOCATION": "a place",
    "DATE": "a date",
    "ID": "an identification number",
    "URL": "a website",
    "IP": "an internet address",
    "HANDLE": "a social media account",
    "PLATE": "a vehicle plate",
}
_TITLE = (r"officer|ofc|det|detective|sgt|sergeant|lt|lieutenant|capt|captain|deputy|agent|trooper|inspector|"
          r"investigator|chief|judge|dr|doctor|nurse|mr|mrs|ms|miss|mx|prof|professor|pastor|father|rev|"
          r"reverend|sister|brother|imam|coach|attorney|counselor|señora?|senora?|doña|dona|don|madam|madame|"
          r"mama|mami|papa|auntie|aunty|uncle|tía|tia|tío|tio|oga|alhaji|alhaja|ama|maame|nana|abuela|abuelo")
_ROLE = (r"aunt|uncle|cousin|sister|brother|mother|father|mom|dad|grandmother|grandfather|son|daughter|niece|"
         r"nephew|wife|husband|boyfriend|girlfriend|partner|friend|neighbou?r|roommate|co-?worker|employer|boss|"
         r"recruiter|trafficker|pimp|madam|sponsor|landlord|landlady|manager|supervisor|driver|client|victim|"
         r"survivor|patient|advocate|caseworker|interpreter|foreman|stepfather|stepmother|godmother|godfather")
_OWNER = r"(?:her|his|their|the\s+victim's|the\s+survivor's|the\s+girl's|the\s+boy's|the\s+woman's|the\s+man's|a|the)"
_TITLE_BEFORE = re.compile(rf"(?i:\b(?:{_TITLE}|{_ROLE}))\.?\s*$")
_ROLE_AFTER = re.compile(rf"^,\s+(?i:{_OWNER}\s+(?:{_ROLE}))\b")
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|\n\s*|[\"“(]\s*)$")


def _roles(text: str, name: str) -> str | None:
    """The role the story gave ``name`` ("her brother Juan", "Juan, the victim's brother,")."""
    quoted = re.escape(name)
    m = re.search(rf"(?i:\b({_OWNER}\s+(?:{_ROLE})))\s+{quoted}\b", text) or re.search(
        rf"\b{quoted},\s+(?i:({_OWNER}\s+(?:{_ROLE})))\b", text)
    if not m:
        return None
    role = " ".join(m.group(1).split()).lower()
    return "the " + role[2:] if role.startswith("a ") else role  # "a friend Juan" … later "the friend"


def _capitalized(phrase: str, text: str, start: int) -> str:
    if _SENTENCE_START.search(text[max(0, start - 3):start]) or start == 0:
        return phrase[:1].upper() + phrase[1:]
    return phrase


def suggest(kind: str, finding_text: str, text: str = "", start: int = 0) -> str:
    """The suggested replacement for one finding, read in its ``text`` at ``start`` (text may be empty)."""
    if kind == "PERSON" and text:
        before = text[max(0, start - 40):start]
        after = text[start + len(finding_text):start + len(finding_text) + 40]
        if _TITLE_BEFORE.search(before) or _ROLE_AFTER.match(after):
            return NAME_SLOT  # "Officer [name]", "Tío [name]", "her aunt [name]", "[name], her brother,"
        role = _roles(text, finding_text)
        if role:
            return _capitalized(role, text, start)
    phrase = NEUTRAL.get(kind, "a detail")
    return _capitalized(phrase, text, start) if text else phrase
