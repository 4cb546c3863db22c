"""PURE: what a push or notification about a training says. Short texts with the training's title (a
training title is not case data) and never who else registered."""


def offer_payload(registration) -> dict:
    deadline = registration.offer_expires_at
    until = f" until {deadline:%Y-%m-%d %H:%M} UTC" if deadline else ""
    return {"kind": "training_offer", "training_id": registration.training_id,
            "text": f"A seat is free for you in “{registration.training.title}”: accept it{until}.",
            "url": f"/training/{registration.training_id}",
            "expires_at": deadline.isoformat() if deadline else None}


def confirmed_text(registration) -> str:
    return f"Your seat in “{registration.training.title}” is confirmed."


def lapsed_text(registration) -> str:
    return f"Your offer of a seat in “{registration.training.title}” lapsed and passed to the next in line."


def change_text(training, kind: str) -> str:
    if kind == "cancelled":
        return f"“{training.title}” (or one of its sessions) was cancelled."
    if kind == "moved":
        return f"“{training.title}” moved: check the new time in your calendar."
    return f"“{training.title}” was updated."


def seats_payload(training) -> dict:
    return {"training_id": training.id, "sequence": training.sequence,
            "status": getattr(training.status, "value", training.status)}
