"""Members and their moments, as plain data. No I/O here."""

import uuid
from datetime import datetime

from workbuddy_contracts.commands import LogMoment, SignUp, load_or_refuse


def normalise_email(email: str) -> str:
    # The domain part is case-insensitive by standard; the local part is in practice too.
    return email.strip().lower()


def new_member(request: dict, now: datetime) -> tuple[dict, str]:
    """The member to store, and the password to hash (never stored as given)."""
    data = load_or_refuse(SignUp(), request)
    member = {
        "_id": uuid.uuid4().hex,
        "email": normalise_email(data["email"]),
        "display_name": data["display_name"].strip(),
        "language": data["language"],
        "registered_at": now,
    }
    return member, data["password"]


def new_moment(member: dict, request: dict, now: datetime) -> dict:
    data = load_or_refuse(LogMoment(), request)
    note = (data["note"] or "").strip() or None
    return {
        "_id": uuid.uuid4().hex,
        "member_id": member["_id"],
        "kind": data["kind"],
        "note": note,
        "logged_at": now,
    }


def member_view(doc: dict) -> dict:
    return {
        "id": doc["_id"],
        "email": doc["email"],
        "display_name": doc["display_name"],
        "language": doc["language"],
        "registered_at": doc["registered_at"].isoformat(),
    }


def moment_view(doc: dict) -> dict:
    return {
        "id": doc["_id"],
        "member_id": doc["member_id"],
        "kind": doc["kind"],
        "note": doc["note"],
        "logged_at": doc["logged_at"].isoformat(),
    }
