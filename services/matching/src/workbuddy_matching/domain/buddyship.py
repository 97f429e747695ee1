"""The buddyship's life, decided here and only here.

    proposed ──both accept──▶ active ──either ends, a block, support days over──▶ ended
        └──either declines, a block──▶ declined
        └──nobody answers in time, a member leaves──▶ expired

A member who proposes has accepted already; a proposal made by matching (a round, a rematch, a
support buddy) waits for both: double opt-in. Every step is a function that refuses what the
rules do not allow (with a reason a person can act on) or returns a ``Change``: the buddyship
after the step and the events that tell the other services. The repository stores the change
only if the buddyship is still as it was read (so two answers at once cannot both win).

Pure: no I/O here.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from workbuddy_contracts.errors import Conflict, Forbidden, NotFound
from workbuddy_contracts.vocabulary import BY_MATCHING, FORMER_MEMBER, BuddyshipState
from workbuddy_platform.pages import order_key
from workbuddy_readmodels.blocks import pair_key

# A proposal nobody answers does not hold a slot for ever.
PROPOSAL_VALID_FOR = timedelta(days=14)
# A support buddy is needed now: the proposal lapses if not taken within two days...
SUPPORT_PROPOSAL_VALID_FOR = timedelta(days=2)
# ...and a support buddy stays this long, then the buddyship ends by itself.
SUPPORT_LASTS = timedelta(days=7)

PROPOSED, ACTIVE = BuddyshipState.PROPOSED.value, BuddyshipState.ACTIVE.value
ENDED, DECLINED, EXPIRED = (BuddyshipState.ENDED.value, BuddyshipState.DECLINED.value,
                            BuddyshipState.EXPIRED.value)
OPEN = (PROPOSED, ACTIVE)
# Buddyships for a while only, outside the members' capacity: a support buddy after a setback,
# and the helper who said yes to an urgent ask.
TEMPORARY = ("support", "ask")
# Outside both members' capacity: the temporary ones, and a partner for a project idea.
OUTSIDE_CAPACITY = (*TEMPORARY, "project")
# A pair has one proposed or active buddyship at most.
OPEN_PAIR = "these two members already have a proposed or active buddyship"


@dataclass(frozen=True)
class Change:
    buddyship: dict
    events: tuple[tuple[str, dict], ...] = ()


def propose(proposer_id: str, invitee_id: str, now: datetime,
            buddyship_id: str | None = None, *, origin: str = "member",
            reasons: dict | None = None, languages: dict | None = None,
            score: float | None = None, valid_for: timedelta | None = None,
            **more) -> Change:
    """A proposal. A member's own proposal counts as their acceptance; matching's proposals
    (``origin`` in BY_MATCHING) wait for both members. ``reasons`` is, per member id, what that
    member is told, per language: {member_id: {"fr": [...], "en": [...]}}; ``languages`` the
    language each member reads; ``more``: what else the proposal keeps (its round, the moment a
    support buddy answers)."""
    if proposer_id == invitee_id:
        raise Forbidden("a member cannot be their own buddy; choose another member", "buddy_id")
    buddyship_id = buddyship_id or uuid.uuid4().hex
    by_matching = origin in BY_MATCHING
    proposal = {
        "_id": buddyship_id,
        "order": order_key(now, buddyship_id),
        "pair": pair_key(proposer_id, invitee_id),
        "proposer_id": proposer_id,
        "invitee_id": invitee_id,
        "state": PROPOSED,
        "proposed_at": now,
        "expires_at": now + (valid_for or PROPOSAL_VALID_FOR),
        "origin": origin,
        "accepted_by": [] if by_matching else [proposer_id],
        "answers": 0 if by_matching else 1,  # how many accepted: the compare-and-set guard
        "reasons": reasons or {},
        "score": score,
        **({"languages": languages} if languages else {}),
        **more,
    }
    return Change(proposal, (_proposed(proposal),))


def _proposed(proposal: dict) -> tuple[str, dict]:
    """buddyship.proposed: each member gets their reasons in their own language."""
    languages = proposal.get("languages", {})
    return "buddyship.proposed", {
        "buddyship_id": proposal["_id"], "proposer_id": proposal["proposer_id"],
        "invitee_id": proposal["invitee_id"], "proposed_at": proposal["proposed_at"],
        "origin": proposal.get("origin", "member"), "awaiting": awaiting(proposal),
        "expires_at": proposal.get("expires_at"),
        "reasons": {member: by_language.get(languages.get(member, "en"), [])
                    for member, by_language in (proposal.get("reasons") or {}).items()},
    }


def accept(buddyship: dict | None, buddyship_id: str, member_id: str, now: datetime) -> Change:
    """The member says yes; the buddyship starts when nobody else is awaited (a support
    buddyship then has its end date)."""
    _check_answer(buddyship, buddyship_id, member_id)
    accepted = [*buddyship.get("accepted_by", [buddyship["proposer_id"]]), member_id]
    after = buddyship | {"accepted_by": accepted, "answers": len(accepted)}
    if set(accepted) < set(members_of(buddyship)):
        return Change(after)
    after |= {"state": ACTIVE, "started_at": now}
    if buddyship.get("origin") == "support":
        after["ends_at"] = now + SUPPORT_LASTS
    return Change(after, (_started(after),))


def start_for_ask(asker_id: str, helper_id: str, ask_id: str, now: datetime,
                  buddyship_id: str | None = None) -> Change:
    """A helper said yes to an urgent ask: the two can talk at once (the member who asked
    allowed it when asking, the helper by saying yes), for as long as a support buddy stays."""
    buddyship_id = buddyship_id or uuid.uuid4().hex
    started = {
        "_id": buddyship_id, "order": order_key(now, buddyship_id),
        "pair": pair_key(asker_id, helper_id), "proposer_id": asker_id, "invitee_id": helper_id,
        "state": ACTIVE, "proposed_at": now, "started_at": now, "ends_at": now + SUPPORT_LASTS,
        "origin": "ask", "for_moment": ask_id, "accepted_by": [asker_id, helper_id], "answers": 2,
        "reasons": {}, "score": None,
    }
    return Change(started, (_started(started),))


def _started(buddyship: dict) -> tuple[str, dict]:
    return "buddyship.started", {"buddyship_id": buddyship["_id"],
                                 "member_ids": members_of(buddyship),
                                 "started_at": buddyship["started_at"],
                                 "origin": buddyship.get("origin", "member")}


def decline(buddyship: dict | None, buddyship_id: str, member_id: str, now: datetime) -> Change:
    _check_answer(buddyship, buddyship_id, member_id)
    return _closed(buddyship, DECLINED, now)


def end(buddyship: dict | None, buddyship_id: str, member_id: str, now: datetime, *,
        kindly: bool = False) -> Change:
    """Either buddy may end an active buddyship, without giving a reason; ``kindly``: after a
    check-in (or a quiet buddy), so that the other reads a warm word and is proposed someone
    new."""
    _check_member(buddyship, buddyship_id, member_id)
    if buddyship["state"] != ACTIVE:
        raise Conflict("only an active buddyship can be ended; this one is {state}",
                       "buddyship_id", state=buddyship["state"])
    return _closed(buddyship, ENDED, now, kindly=kindly)


def expire(proposal: dict, now: datetime) -> Change | None:
    """A proposal nobody answered in time frees both members' slots; None if it is not due."""
    if not expired(proposal, now):
        return None
    return _closed(proposal, EXPIRED, now)


def end_support(buddyship: dict, now: datetime) -> Change | None:
    """A support (or ask) buddyship ends by itself once its days are over; None if they are
    not."""
    due = buddyship["state"] == ACTIVE and buddyship.get("origin") in TEMPORARY \
        and buddyship.get("ends_at") is not None and buddyship["ends_at"] <= now
    return _closed(buddyship, ENDED, now) if due else None


def close_for_block(buddyship: dict, now: datetime) -> Change:
    """A block closes what is open between the two at once: an active buddyship ends, a
    proposal is declined."""
    return _closed(buddyship, ENDED if buddyship["state"] == ACTIVE else DECLINED, now)


def forget_member(buddyship: dict, member_id: str, now: datetime) -> dict:
    """A member left: an open buddyship of theirs closes, and every one keeps only a nameless
    place for them, so that the other member's history stays whole. No event: member.left has
    told every service already."""
    closing = {}
    if buddyship["state"] == ACTIVE:
        closing = {"state": ENDED, "ended_at": now}
    elif buddyship["state"] == PROPOSED:
        closing = {"state": EXPIRED, "expired_at": now}
    nameless = {role: FORMER_MEMBER for role in ("proposer_id", "invitee_id")
                if buddyship[role] == member_id}
    named = buddyship | nameless
    # The reasons name them (in the other's words), and the bookkeeping holds their id.
    return named | closing | {
        "pair": pair_key(named["proposer_id"], named["invitee_id"]),
        "accepted_by": [FORMER_MEMBER if m == member_id else m
                        for m in buddyship.get("accepted_by", [])],
        "reasons": {}, "languages": {}, "quiet": None}


# How each closing is stamped, and the event that tells it.
_CLOSINGS = {ENDED: ("ended_at", "buddyship.ended"), DECLINED: ("declined_at", "buddyship.declined"),
             EXPIRED: ("expired_at", "buddyship.expired")}


def _closed(buddyship: dict, state: str, now: datetime, *, kindly: bool = False) -> Change:
    stamp, event = _CLOSINGS[state]
    after = buddyship | {"state": state, stamp: now, "closed_at": now, "next_check_in_at": None}
    told = {"buddyship_id": buddyship["_id"], "member_ids": members_of(buddyship), stamp: now}
    if state == ENDED:
        told["kindly"] = kindly
    return Change(after, ((event, told),))


def awaiting(buddyship: dict) -> list[str]:
    """The members whose answer the proposal still waits for."""
    accepted = buddyship.get("accepted_by", [buddyship["proposer_id"]])
    return [m for m in members_of(buddyship) if m not in accepted]


def _check_member(buddyship: dict | None, buddyship_id: str, member_id: str) -> None:
    if buddyship is None or member_id not in members_of(buddyship):
        raise NotFound("member {member_id} has no buddyship {buddyship_id!r}", "buddyship_id",
                       member_id=member_id, buddyship_id=buddyship_id)


def _check_answer(buddyship: dict | None, buddyship_id: str, member_id: str) -> None:
    """A member answers a proposal while it waits for them, and only then."""
    _check_member(buddyship, buddyship_id, member_id)
    by_matching = buddyship.get("origin", "member") in BY_MATCHING
    if not by_matching and member_id == buddyship["proposer_id"]:
        raise Forbidden("only the invited member can answer this proposal; "
                        "wait for your buddy to accept", "member_id")
    if buddyship["state"] != PROPOSED:
        raise Conflict("this buddyship is {state}, not proposed: there is nothing to answer",
                       "buddyship_id", state=buddyship["state"])
    if member_id not in awaiting(buddyship):
        raise Forbidden("you have already accepted this proposal; it starts when your buddy "
                        "accepts too", "member_id")


NOT_QUIET = "your buddy has not gone quiet: there is nothing to choose"


def quiet_buddy_of(buddyship: dict | None, buddyship_id: str, member_id: str,
                   quiet_now: str | None) -> str:
    """The buddy gone quiet on ``member_id`` (flagged by the check-up, or ``quiet_now`` by the
    buddyship's health); a Conflict when there is none, or it is the member themselves."""
    _check_member(buddyship, buddyship_id, member_id)
    quiet = (buddyship.get("quiet") or {}).get("member_id") or quiet_now
    if buddyship["state"] != ACTIVE or quiet is None or quiet == member_id:
        raise Conflict(NOT_QUIET, "buddyship_id")
    return quiet


def wait_for(buddyship: dict, quiet_member_id: str, now: datetime) -> Change:
    """The member keeps the buddyship and waits: said once, not asked again until the buddy
    shows up and goes quiet anew."""
    quiet = buddyship.get("quiet") or {"member_id": quiet_member_id, "at": now}
    return Change(buddyship | {"quiet": quiet | {"waiting_since": now}})


def check_member(buddyship: dict | None, buddyship_id: str, member_id: str) -> dict:
    """The buddyship, when ``member_id`` is one of its two members; else not found for them."""
    _check_member(buddyship, buddyship_id, member_id)
    return buddyship


def expired(buddyship: dict, now: datetime) -> bool:
    deadline = buddyship.get("expires_at") or buddyship["proposed_at"] + PROPOSAL_VALID_FOR
    return buddyship["state"] == PROPOSED and now >= deadline


def is_open(buddyship: dict) -> bool:
    return buddyship["state"] in OPEN


def members_of(buddyship: dict) -> list[str]:
    return [buddyship["proposer_id"], buddyship["invitee_id"]]


def other_member(buddyship: dict, member_id: str) -> str:
    return buddyship["invitee_id"] if buddyship["proposer_id"] == member_id else buddyship["proposer_id"]


def view(doc: dict) -> dict:
    return {
        "id": doc["_id"],
        "proposer_id": doc["proposer_id"],
        "invitee_id": doc["invitee_id"],
        "state": doc["state"],
        "origin": doc.get("origin", "member"),
        "awaiting": awaiting(doc) if doc["state"] == PROPOSED else [],
        "proposed_at": doc["proposed_at"].isoformat(),
        "expires_at": _iso(doc.get("expires_at")) if doc["state"] == PROPOSED else None,
        "started_at": _iso(doc.get("started_at")),
        "ends_at": _iso(doc.get("ends_at")),
        # How the two work together, and when they are next asked how it goes.
        "mode": doc.get("mode"),
        "trial_ends_at": _iso(doc.get("trial_ends_at")),
        "confirmed_at": _iso(doc.get("confirmed_at")),
        "next_check_in_at": _iso(doc.get("next_check_in_at")) if doc["state"] == ACTIVE else None,
        "check_in_id": doc.get("check_in_id") if doc["state"] == ACTIVE else None,
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
