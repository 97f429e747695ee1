"""The buddyship's life: proposed, then active once both members have accepted, or declined.

A member who proposes has accepted already; a proposal made by matching (a round, a rematch, a
support buddy) waits for both. Either awaited member may decline.

Pure rules; the repository applies them atomically with the outbox.
"""

import uuid
from datetime import datetime, timedelta

from workbuddy_contracts.errors import Forbidden, Invalid, NotFound
from workbuddy_contracts.vocabulary import BY_MATCHING, BuddyshipState
from workbuddy_platform.blocks import pair_key
from workbuddy_platform.pages import order_key

# A proposal nobody answers does not hold a slot for ever.
PROPOSAL_VALID_FOR = timedelta(days=14)


def propose(proposer_id: str, invitee_id: str, now: datetime,
            buddyship_id: str | None = None, *, origin: str = "member",
            reasons: dict | None = None, score: float | None = None,
            valid_for: timedelta | None = None) -> dict:
    """A proposal. A member's own proposal counts as their acceptance; matching's proposals
    (``origin`` in BY_MATCHING) wait for both members: double opt-in. ``reasons`` is, per
    member id, what that member is told, per language: {member_id: {"fr": [...], "en": [...]}}."""
    if proposer_id == invitee_id:
        raise Invalid("a member cannot be their own buddy; choose another member", "buddy_id")
    buddyship_id = buddyship_id or uuid.uuid4().hex
    return {
        "_id": buddyship_id,
        "order": order_key(now, buddyship_id),
        "pair": pair_key(proposer_id, invitee_id),
        "proposer_id": proposer_id,
        "invitee_id": invitee_id,
        "state": BuddyshipState.PROPOSED.value,
        "proposed_at": now,
        "expires_at": now + (valid_for or PROPOSAL_VALID_FOR),
        "origin": origin,
        "accepted_by": [] if origin in BY_MATCHING else [proposer_id],
        "answers": 0 if origin in BY_MATCHING else 1,  # how many accepted: the CAS guard
        "reasons": reasons or {},
        "score": score,
    }


def awaiting(buddyship: dict) -> list[str]:
    """The members whose answer the proposal still waits for."""
    accepted = buddyship.get("accepted_by", [buddyship["proposer_id"]])
    return [m for m in members_of(buddyship) if m not in accepted]


def check_answer(buddyship: dict | None, buddyship_id: str, member_id: str) -> dict:
    """A member answers a proposal while it waits for them, and only then."""
    if buddyship is None or member_id not in (buddyship["proposer_id"], buddyship["invitee_id"]):
        raise NotFound("member {member_id} has no buddyship {buddyship_id!r}", "buddyship_id",
                       member_id=member_id, buddyship_id=buddyship_id)
    by_matching = buddyship.get("origin", "member") in BY_MATCHING
    if not by_matching and member_id == buddyship["proposer_id"]:
        raise Forbidden("only the invited member can answer this proposal; "
                        "wait for your buddy to accept", "member_id")
    if buddyship["state"] != BuddyshipState.PROPOSED:
        raise Invalid("this buddyship is {state}, not proposed: there is nothing to answer",
                      "buddyship_id", state=buddyship["state"])
    if member_id not in awaiting(buddyship):
        raise Forbidden("you have already accepted this proposal; it starts when your buddy "
                        "accepts too", "member_id")
    return buddyship


def check_end(buddyship: dict | None, buddyship_id: str, member_id: str) -> dict:
    """Either buddy may end an active buddyship, without giving a reason."""
    if buddyship is None or member_id not in (buddyship["proposer_id"], buddyship["invitee_id"]):
        raise NotFound("member {member_id} has no buddyship {buddyship_id!r}", "buddyship_id",
                       member_id=member_id, buddyship_id=buddyship_id)
    if buddyship["state"] != BuddyshipState.ACTIVE:
        raise Invalid("only an active buddyship can be ended; this one is {state}",
                      "buddyship_id", state=buddyship["state"])
    return buddyship


def expired(buddyship: dict, now: datetime) -> bool:
    deadline = buddyship.get("expires_at") or buddyship["proposed_at"] + PROPOSAL_VALID_FOR
    return buddyship["state"] == BuddyshipState.PROPOSED and now >= deadline


def members_of(buddyship: dict) -> list[str]:
    return [buddyship["proposer_id"], buddyship["invitee_id"]]


def view(doc: dict) -> dict:
    return {
        "id": doc["_id"],
        "proposer_id": doc["proposer_id"],
        "invitee_id": doc["invitee_id"],
        "state": doc["state"],
        "origin": doc.get("origin", "member"),
        "awaiting": awaiting(doc) if doc["state"] == BuddyshipState.PROPOSED else [],
        "proposed_at": doc["proposed_at"].isoformat(),
        "expires_at": _iso(doc.get("expires_at")) if doc["state"] == BuddyshipState.PROPOSED else None,
        "started_at": _iso(doc.get("started_at")),
        "ends_at": _iso(doc.get("ends_at")),
        "reasons": [],
    }


def view_for(doc: dict, viewer: str, language: str) -> dict:
    """What ``viewer`` sees, with the reasons told to them, in ``language``."""
    seen = view(doc)
    told = (doc.get("reasons") or {}).get(viewer) or {}
    seen["reasons"] = told.get(language) or told.get("en") or []
    return seen


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
