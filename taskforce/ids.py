"""PURE: record ids, read positions and page numbers from what a person sends (forms, query strings, JSON,
socket payloads).

Every id column is an INTEGER, which on PostgreSQL holds at most 2**31-1: a bigger number sent by a client
must become "no such record" (404/400), never a driver overflow (a 500). `str.isdigit` is not enough
("²".isdigit() is True but int("²") raises; int("٣") is 3), and `True` is the int 1 in Python: only ASCII
digits and real ints pass.
"""

MAX_ID = 2**31 - 1
_MAX_DIGITS = 12  # longer digit strings are never a valid id; don't make int() read them


def _whole_number(value) -> int | None:
    """An int (not a bool) or a string of ASCII digits, as an int; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = value.strip()
        if 0 < len(text) <= _MAX_DIGITS and text.isascii() and text.isdigit():
            return int(text)
    return None


def record_id(value) -> int | None:
    """The id of a stored record (1..2**31-1) from client input; None when it cannot name a record, so the
    caller answers "no such …" instead of handing the database a number it cannot hold."""
    number = _whole_number(value)
    return number if number is not None and 1 <= number <= MAX_ID else None


def position(value) -> int | None:
    """A position in a sequence of ids (a last-seen message id, a change number): 0 for "none yet" or a
    record id; None otherwise."""
    number = _whole_number(value)
    return number if number is not None and 0 <= number <= MAX_ID else None


def page_number(value, maximum: int = 10_000) -> int | None:
    """A page of a list (1..maximum); nothing sent means the first page; None for anything else, so the
    caller refuses it rather than asking the database for an offset it cannot hold."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 1
    number = _whole_number(value)
    return number if number is not None and 1 <= number <= maximum else None
