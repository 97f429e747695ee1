"""Members and their moments, as plain data. No I/O here."""

import uuid
from collections.abc import Callable
from datetime import datetime

from workbuddy_contracts.commands import LogMoment, React, SignUp, load_or_refuse
from workbuddy_contracts.profile import Profile, ProfileChange, default_profile
from workbuddy_platform.pages import order_key


def normalise_email(email: str) -> str:
    # The domain part is case-insensitive by standard; the local part is in practice too.
    return email.strip().lower()


def new_member(request: dict, now: datetime,
               member_id: Callable[[str], str] | None = None) -> tuple[dict, str]:
    """The member to store, and the password to hash (never stored as given).

    ``member_id`` derives the id from the normalised email (for an idempotent sign-up)."""
    data = load_or_refuse(SignUp(), request)
    email = normalise_email(data["email"])
    member = {
        "_id": member_id(email) if member_id else uuid.uuid4().hex,
        "email": email,
        "display_name": data["display_name"].strip(),
        "language": data["language"],
        "registered_at": now,
        "profile": default_profile(data["language"]),
        "revision": 1,
        "updated_at": now,
    }
    return member, data["password"]


def change_profile(member: dict, request: dict, now: datetime) -> dict | None:
    """The member after the change, or None when the request changes nothing.

    Lists and traits are replaced as a whole; availability changes key by key, so that
    turning focus mode on does not forget the quiet hours.
    """
    changes = load_or_refuse(ProfileChange(), request)
    updated = {**member, "profile": dict(profile_of(member))}
    for key in ("display_name", "language"):
        if key in changes:
            updated[key] = changes.pop(key)
    if "availability" in changes:
        updated["profile"]["availability"] = {**updated["profile"]["availability"],
                                              **changes.pop("availability")}
    updated["profile"].update(changes)
    if updated == {**member, "profile": profile_of(member)}:
        return None
    return updated | {"revision": revision_of(member) + 1, "updated_at": now}


def profile_of(member: dict) -> dict:
    # Members registered before profiles existed start from the defaults.
    return member.get("profile") or default_profile(member["language"])


def revision_of(member: dict) -> int:
    return member.get("revision", 1)


def updated_payload(member: dict) -> dict:
    """member.updated: what other services may know (no email, no credentials)."""
    return {"member_id": member["_id"], "revision": member["revision"],
            "display_name": member["display_name"], "language": member["language"],
            "profile": member["profile"], "updated_at": member["updated_at"]}


def new_moment(member: dict, request: dict, now: datetime, moment_id: str | None = None) -> dict:
    data = load_or_refuse(LogMoment(), request)
    note = (data["note"] or "").strip() or None
    moment_id = moment_id or uuid.uuid4().hex
    return {
        "_id": moment_id,
        "member_id": member["_id"],
        "kind": data["kind"],
        "note": note,
        "logged_at": now,
        "order": order_key(now, moment_id),
    }


def member_view(doc: dict) -> dict:
    return {
        "id": doc["_id"],
        "email": doc["email"],
        "display_name": doc["display_name"],
        "language": doc["language"],
        "registered_at": doc["registered_at"].isoformat(),
        "profile": Profile().dump(profile_of(doc)),
        "revision": revision_of(doc),
    }


def moment_view(doc: dict) -> dict:
    return {
        "id": doc["_id"],
        "member_id": doc["member_id"],
        "kind": doc["kind"],
        "note": doc["note"],
        "logged_at": doc["logged_at"].isoformat(),
    }


def same_moment(stored: dict, retried: dict) -> bool:
    """A retry carries the same kind and note as the moment its key created."""
    return (stored["kind"], stored["note"]) == (retried["kind"], retried["note"])


def new_reaction(moment: dict, reactor_id: str, request: dict, now: datetime,
                 reaction_id: str | None = None) -> dict:
    data = load_or_refuse(React(), request)
    reaction_id = reaction_id or uuid.uuid4().hex
    return {
        "_id": reaction_id,
        "moment_id": moment["_id"],
        "author_id": moment["member_id"],
        "reactor_id": reactor_id,
        "kind": data["kind"],
        "message": data["message"] or None,
        "reacted_at": now,
        "order": order_key(now, reaction_id),
    }


def same_reaction(stored: dict, retried: dict) -> bool:
    return (stored["moment_id"], stored["kind"], stored["message"]) == (
        retried["moment_id"], retried["kind"], retried["message"])


def reaction_view(doc: dict) -> dict:
    return {
        "id": doc["_id"],
        "moment_id": doc["moment_id"],
        "reactor_id": doc["reactor_id"],
        "kind": doc["kind"],
        "message": doc["message"],
        "reacted_at": doc["reacted_at"].isoformat(),
    }


def reacted_payload(reaction: dict) -> dict:
    return {"reaction_id": reaction["_id"], "moment_id": reaction["moment_id"],
            "author_id": reaction["author_id"], "reactor_id": reaction["reactor_id"],
            "kind": reaction["kind"], "message": reaction["message"],
            "reacted_at": reaction["reacted_at"]}
