"""A support buddy after a setback: when none of the member's buddies can be reached now
(focus, quiet hours, gone quiet, or no buddy yet), matching proposes, for a few days, a member
who offered to support others, can be reached now and, best of all, lived the same setback."""

from eventlet import tpool

from workbuddy_platform.logs import get_logger

from ..domain import buddyship, introductions, reachability, supporters
from ..domain.buddyship import other_member
from ..unit_of_work import MatchingUnitOfWork
from . import proposals
from .slots import pairs_not_to_propose

log = get_logger(__name__)


def offer_support(uow: MatchingUnitOfWork, *, moment: dict) -> dict | None:
    """The proposal made, or None when the member needs none (or nobody fits)."""
    member_id, now = moment["member_id"], uow.now()
    mine = uow.pool.member(member_id)
    if mine is None or _has_support(uow, member_id) or reachability.paused_until(mine, now):
        # Unknown here yet, already has a support buddy (proposed or active), or paused.
        return None
    buddies = [other_member(b, member_id) for b in uow.buddyships.open_of(member_id)
               if b["state"] == buddyship.ACTIVE]
    docs = {doc["_id"]: doc for doc in uow.pool.members(buddies)}
    why_not = [reachability.unreachable_because(docs[b], now) if b in docs else reachability.INACTIVE
               for b in buddies]
    if not supporters.needs_support(why_not):
        return None
    willing = [supporters.Supporter(introductions.candidate_of(doc, now),
                                    frozenset(doc.get("setbacks", [])))
               for doc in reachability.not_paused(uow.pool.offering_support(), now)
               if doc["_id"] != member_id and reachability.unreachable_because(doc, now) is None
               and not _has_support(uow, doc["_id"])]  # one member at a time
    excluded = set().union(*pairs_not_to_propose(uow, member_id, now).values())
    me = introductions.candidate_of(mine, now)
    choice = tpool.execute(supporters.choose, me, moment["kind"], willing, excluded=excluded)
    if choice is None:
        log.info("matching.no_support_buddy", member_id=member_id, candidates=len(willing))
        return None
    change = introductions.proposal(me, choice.supporter, choice.reasons_for_member,
                                    choice.reasons_for_supporter, now, "support",
                                    valid_for=buddyship.SUPPORT_PROPOSAL_VALID_FOR,
                                    for_moment=moment["moment_id"])
    made = proposals.save_if_allowed(uow, change)
    log.info("matching.support_proposed", member_id=member_id,
             supporter_id=choice.supporter.member_id, buddies_away=why_not)
    return change.buddyship if made else None


def _has_support(uow: MatchingUnitOfWork, member_id: str) -> bool:
    return any(b.get("origin") == "support" for b in uow.buddyships.open_of(member_id))
