"""What the anonymizer finds in a sentence, as the name tests ask it: the texts it calls a person."""

from taskforce.lessons.anonymizer import scan


def people(text: str) -> set[str]:
    return {f.text for f in scan(text) if f.kind == "PERSON"}
