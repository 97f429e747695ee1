"""Moments a member logs in their journal, and the reactions (cheers, support) of their
buddies. Pure: no I/O here."""

import uuid
from datetime import datetime

from workbuddy_contracts.commands import LogMoment, React, load_or_refuse
from workbuddy_platform.pages import order_key


def new_moment(member: dict, request: dict, now: datetime, moment_id: str | None = None) -> dict:
    data = load_or_refuse(LogMoment(), request)
    note = (data["note"] or "").strip() or None
    moment_id = moment_id or uuid.uuid4().hex
    return {
        "_id": moment_id,
        "member_id": member["_id"],
        "kind": data["kind"],
        "note": note,
        "widen": data["widen"],
        "seeking_partner": data["seeking_partner"],
        "skills_wanted": data["skills_wanted"],
        "logged_at": now,
        "order": order_key(now, moment_id),
    }


def moment_view(doc: dict) -> dict:
    return {
        "id": doc["_id"],
        "member_id": doc["member_id"],
        "kind": doc["kind"],
        "note": doc["note"],
        "widen": doc.get("widen", False),
        "seeking_partner": doc.get("seeking_partner", False),
        "skills_wanted": doc.get("skills_wanted", []),
        "logged_at": doc["logged_at"].isoformat(),
    }


def same_moment(stored: dict, retried: dict) -> bool:
    """A retry carries the same kind, note and widening as the moment its key created."""
    return (stored["kind"], stored["note"], stored.get("widen", False),
            stored.get("seeking_partner", False), stored.get("skills_wanted", [])) == (
        retried["kind"], retried["note"], retried["widen"], retried["seeking_partner"],
        retried["skills_wanted"])


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


def logged(moment: dict) -> tuple[str, dict]:
    return "moment.logged", {"moment_id": moment["_id"], "member_id": moment["member_id"],
                             "kind": moment["kind"], "note": moment["note"],
                             "widen": moment.get("widen", False),
                             "seeking_partner": moment.get("seeking_partner", False),
                             "skills_wanted": moment.get("skills_wanted", []),
                             "logged_at": moment["logged_at"]}


def reacted(reaction: dict) -> tuple[str, dict]:
    return "moment.reacted", {
        "reaction_id": reaction["_id"], "moment_id": reaction["moment_id"],
        "author_id": reaction["author_id"], "reactor_id": reaction["reactor_id"],
        "kind": reaction["kind"], "message": reaction["message"],
        "reacted_at": reaction["reacted_at"]}
