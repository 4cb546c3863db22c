"""PURE: the short knowledge quiz (Kirkpatrick level 2) and the evaluation's scales.

The same five statements before and after a training; the score is the percent answered right. Pre and
post scores are compared per training at group level (mean and spread), never per person: pairing them
would need something that links two answers of one person.
"""
from statistics import mean, pstdev

from taskforce.errors import ValidationError

QUESTIONS = (
    ("q1", "Trafficking requires moving a person across a border.", False),
    ("q2", "A person can be trafficked by a family member or partner.", True),
    ("q3", "Under the TVPA, a minor in commercial sex is a trafficking victim without proof of force, fraud or coercion.", True),
    ("q4", "If someone agreed to the job at first, it cannot be labor trafficking.", False),
    ("q5", "Interviewing a possible victim with their employer present is acceptable when no interpreter is available.", False),
)
SCALE = (1, 2, 3, 4, 5)
MIN_RESULTS = 5  # fewer responses would identify people: nothing is shown below this


def score(answers: dict) -> int:
    """Percent right; every question must be answered true or false."""
    right = 0
    for key, _text, truth in QUESTIONS:
        value = answers.get(key)
        if value not in ("true", "false"):
            raise ValidationError("Answer every quiz statement (true or false).", field=key)
        right += (value == "true") == truth
    return round(100 * right / len(QUESTIONS))


def rating(value, field: str, label: str, required: bool = True) -> int | None:
    if value in (None, "") and not required:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value in SCALE:
        return value
    if isinstance(value, str) and value.strip() in {str(n) for n in SCALE}:
        return int(value.strip())
    raise ValidationError(f"{label}: choose 1 to 5.", field=field)


def summary(values) -> dict | None:
    """Mean and spread (population standard deviation) of numbers, or None when there are none."""
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"mean": round(mean(values), 2), "spread": round(pstdev(values), 2), "n": len(values)}
