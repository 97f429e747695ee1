"""A support buddy after a setback: when none of the member's buddies can be reached now
(focus, quiet hours, gone quiet, reading their news in a daily digest only, or no buddy yet),
matching proposes, for a few days, a member who offered to support others, can be reached now
and, best of all, lived the same setback.

Nobody is left without an answer: when no supporter can be reached either, the member is told
so honestly (why their buddies are away, when the first is back, when matching looks again),
and matching looks again when the first buddy or supporter can be reached. An urgent ask
whose author did not let it go wider gets the same honest word when no buddy is there."""

from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta

from eventlet import tpool

from workbuddy_contracts.availability import DIGEST_AT
from workbuddy_platform.logs import get_logger

from ..adapters import shortlist
from ..adapters.shortlist import ANY_SETBACK
from ..domain import buddyship, introductions, reachability, supporters
from ..domain.buddyship import other_member
from ..unit_of_work import MatchingUnitOfWork
from . import proposals, slots
from .slots import pairs_not_to_propose

log = get_logger(__name__)

# A setback is looked after this long at most: after that, it is no longer "now".
RETRY_FOR = timedelta(hours=24)


def offer_support(uow: MatchingUnitOfWork, *, moment: dict, retry: bool = False) -> dict | None:
    """The proposal made, or None when the member needs none (or nobody fits: then they are
    told, once, and matching looks again later)."""
    member_id, now = moment["member_id"], uow.now()
    mine = uow.pool.member(member_id)
    if mine is None or not reachability.proven(mine) or _has_support(uow, member_id) \
            or reachability.paused_until(mine, now):
        # Unknown here yet, address not proven, already has a support buddy, or paused.
        return None
    buddies, why_not = _buddies_away(uow, member_id, now)
    if not supporters.needs_support(why_not):
        return None
    excluded = set().union(*pairs_not_to_propose(uow, member_id, now).values())
    me = introductions.candidate_of(mine, now)
    for offering in _supporters_for(uow, mine, moment["kind"]):
        offering = [doc for doc in reachability.not_paused(offering, now)
                    if doc["_id"] != member_id]
        supporting = uow.buddyships.supporting_now([doc["_id"] for doc in offering])
        offering = [doc for doc in offering if doc["_id"] not in supporting]  # one at a time
        willing = [supporters.Supporter(introductions.candidate_of(doc, now),
                                        frozenset(doc.get("setbacks", [])))
                   for doc in offering if reachability.unreachable_because(doc, now) is None]
        choice = tpool.execute(supporters.choose, me, moment["kind"], willing, excluded=excluded)
        if choice is not None:
            break
    if choice is None:
        _nobody_now(uow, moment, buddies, why_not, offering, tell=not retry)
        return None
    change = introductions.proposal(me, choice.supporter, choice.reasons_for_member,
                                    choice.reasons_for_supporter, now, "support",
                                    valid_for=buddyship.SUPPORT_PROPOSAL_VALID_FOR,
                                    for_moment=moment["moment_id"])
    made = proposals.save_if_allowed(uow, change)
    log.info("matching.support_proposed", member_id=member_id,
             supporter_id=choice.supporter.member_id, buddies_away=why_not)
    return change.buddyship if made else None


def _supporters_for(uow: MatchingUnitOfWork, mine: dict, setback: str) -> Iterator[list[dict]]:
    """Members who offered support, each list wider than the last: all of them in a small pool;
    else the member's shortlist by the embedding among those who lived this setback, those who
    lived another and all who offered (the choice adds what living it is worth to the score, so
    the best of each kind is looked at). The caller stops once one holds someone to propose."""
    yield from slots.supporters_near(uow, slots.SHORTLIST_FIRST, lambda k: (
        shortlist.nearest(uow, mine, k, supporting=True, lived=setback)
        + shortlist.nearest(uow, mine, k, supporting=True, lived=ANY_SETBACK)
        + shortlist.nearest(uow, mine, k, supporting=True)))


def tell_if_alone(uow: MatchingUnitOfWork, *, moment: dict) -> None:
    """An urgent ask kept among the buddies: if none of them can be reached now, the member is
    told when the first is back (no supporter is asked: the member did not let it go wider)."""
    now = uow.now()
    buddies, why_not = _buddies_away(uow, moment["member_id"], now)
    if supporters.needs_support(why_not):
        _tell(uow, moment, buddies, why_not, _back(buddies, now), retry_at=None)
        uow.commit()


def retry_due(uow: MatchingUnitOfWork) -> int:
    """Setbacks that found nobody: looked at again once someone may be there. Returns how many."""
    looked = 0
    for retry in uow.support_retries.due(uow.now()):
        if uow.support_retries.done(retry):
            offer_support(uow, moment=retry["moment"], retry=True)
            looked += 1
    return looked


def _nobody_now(uow: MatchingUnitOfWork, moment: dict, buddies: list[dict | None],
                why_not: list[str | None], offering: list[dict], *, tell: bool) -> None:
    """Nobody to propose: look again when the first buddy or supporter can be reached (within
    RETRY_FOR of the setback), and tell the member the first time."""
    now = uow.now()
    buddy_back = _back(buddies, now)
    soonest = min((at for at in (buddy_back, _back(offering, now)) if at is not None),
                  default=None)
    retry_at = soonest if soonest is not None and soonest <= moment["logged_at"] + RETRY_FOR \
        else None
    if retry_at is not None:
        uow.support_retries.retry_at(moment, retry_at)
    if tell:
        _tell(uow, moment, buddies, why_not, buddy_back, retry_at)
    uow.commit()
    log.info("matching.no_support_buddy", member_id=moment["member_id"], retry_at=retry_at,
             candidates=len(offering), told=tell)


def _tell(uow: MatchingUnitOfWork, moment: dict, buddies: list[dict | None],
          why_not: list[str | None], reachable_at: datetime | None,
          retry_at: datetime | None) -> None:
    uow.record(("support.unavailable", {
        "moment_id": moment["moment_id"], "member_id": moment["member_id"],
        "kind": moment["kind"], "buddies": len(buddies), "away": dict(Counter(why_not)),
        "reachable_at": reachable_at, "retry_at": retry_at, "at": uow.now(),
        "digest_at": DIGEST_AT if reachability.DIGEST in why_not else None}))


def _back(docs: list[dict | None], now: datetime) -> datetime | None:
    """When the first of these members who are away now can be reached (None: none soon)."""
    return min((at for doc in docs
                if doc and (at := reachability.reachable_from(doc, now)) and at > now),
               default=None)


def _buddies_away(uow: MatchingUnitOfWork, member_id: str,
                  now: datetime) -> tuple[list[dict | None], list[str | None]]:
    """The member's active buddies' pool documents (None for one matching no longer knows), and
    why each cannot be reached now (None when they can)."""
    ids = [other_member(b, member_id) for b in uow.buddyships.open_of(member_id)
           if b["state"] == buddyship.ACTIVE and b.get("origin") not in buddyship.OUTSIDE_CAPACITY]
    docs = {doc["_id"]: doc for doc in uow.pool.members(ids)}
    buddies = [docs.get(i) for i in ids]
    return buddies, [reachability.unreachable_because(doc, now) if doc else reachability.INACTIVE
                     for doc in buddies]


def _has_support(uow: MatchingUnitOfWork, member_id: str) -> bool:
    return bool(uow.buddyships.supporting_now([member_id]))
