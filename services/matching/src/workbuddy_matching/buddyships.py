"""The buddyship's life: proposed, then active once the invitee accepts, or declined.

Pure rules; the repository applies them atomically with the outbox.
"""

import uuid
from datetime import datetime, timedelta

from workbuddy_contracts.errors import Forbidden, Invalid, NotFound
from workbuddy_contracts.vocabulary import BuddyshipState
from workbuddy_platform.blocks import pair_key
from workbuddy_platform.pages import order_key


def propose(proposer_id: str, invitee_id: str, now: datetime,
            buddyship_id: str | None = None) -> dict:
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
    }


def check_answer(buddyship: dict | None, buddyship_id: str, member_id: str) -> dict:
    """Only the invitee answers a proposal, and only while it is still proposed."""
    if buddyship is None or member_id not in (buddyship["proposer_id"], buddyship["invitee_id"]):
        raise NotFound("member {member_id} has no buddyship {buddyship_id!r}", "buddyship_id",
                       member_id=member_id, buddyship_id=buddyship_id)
    if member_id != buddyship["invitee_id"]:
        raise Forbidden("only the invited member can answer this proposal; "
                        "wait for your buddy to accept", "member_id")
    if buddyship["state"] != BuddyshipState.PROPOSED:
        raise Invalid("this buddyship is {state}, not proposed: there is nothing to answer",
                      "buddyship_id", state=buddyship["state"])
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


def expired(buddyship: dict, now: datetime, valid_for: timedelta) -> bool:
    return buddyship["state"] == BuddyshipState.PROPOSED and \
        now - buddyship["proposed_at"] >= valid_for


def members_of(buddyship: dict) -> list[str]:
    return [buddyship["proposer_id"], buddyship["invitee_id"]]


def view(doc: dict) -> dict:
    return {
        "id": doc["_id"],
        "proposer_id": doc["proposer_id"],
        "invitee_id": doc["invitee_id"],
        "state": doc["state"],
        "proposed_at": doc["proposed_at"].isoformat(),
        "started_at": doc["started_at"].isoformat() if doc.get("started_at") else None,
    }
