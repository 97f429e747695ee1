"""A member's open slots (buddy capacity less their proposed and active buddyships): who to
suggest to them, and matching's own proposals to fill the slots that opened (profile
answered, a buddyship over, a win with room for more).

Scoring is CPU work: it runs in a real thread, so that the worker's green threads (and its
broker heartbeats) carry on meanwhile.
"""

from collections.abc import Callable, Iterator
from datetime import datetime

from eventlet import tpool

from workbuddy_platform.logs import get_logger

from ..adapters import shortlist
from ..domain import compatibility, introductions, ranking, reachability, reasons
from ..domain.buddyship import other_member
from ..domain.compatibility import Candidate
from ..unit_of_work import MatchingUnitOfWork
from . import proposals, turns

log = get_logger(__name__)

# A pool this small is scored whole, exactly; a larger one through the embedding's shortlist
# (adapters/shortlist.py), so that a call's work does not grow with the pool.
SCORE_WHOLE_POOL_UP_TO = 1000
# Candidates shortlisted at first, and at most: when the hard rules (capacity above all: in a
# mature pool most members are full) leave too few of them, the shortlist is widened fourfold.
SHORTLIST_FIRST, SHORTLIST_MAX = 50, 3200


def supporters_near(uow: MatchingUnitOfWork, first: int,
                    search: Callable[[int], list[str]]) -> Iterator[list[dict]]:
    """Members who offered support and can be reached, each list wider than the last: all who
    offered, in a pool small enough to score whole; else those ``search(k)`` names (the ids of
    the member's nearest ``k`` by the embedding, of each kind the caller wants), ``k`` growing
    fourfold from ``first`` until the shortlist stops growing. The caller stops once a list
    holds enough."""
    if uow.pool.size() <= SCORE_WHOLE_POOL_UP_TO:
        yield uow.pool.offering_support()
        return
    k, tried = first, 0
    while True:
        ids = list(dict.fromkeys(search(k)))
        yield [doc for doc in uow.pool.members(ids)
               if (doc.get("profile") or {}).get("offers_support") is True
               and reachability.proven(doc)]
        if len(ids) == tried or k >= SHORTLIST_MAX:
            return
        k, tried = k * 4, len(ids)


def open_slots(uow: MatchingUnitOfWork, members: list[dict], *,
               everyone: bool = False) -> dict[str, int]:
    """Each member's buddy capacity less their proposed and active buddyships. ``everyone``:
    ``members`` is the whole pool (a round), read in one pass rather than member by member."""
    taken = uow.buddyships.slots_taken(None if everyone else [m["_id"] for m in members])
    return {m["_id"]: (m.get("profile") or {}).get("buddy_capacity", 2) - taken.get(m["_id"], 0)
            for m in members}


def pairs_not_to_propose(uow: MatchingUnitOfWork, member_id: str, now: datetime) -> dict:
    """The hard rules' inputs about one member: who they blocked or were blocked by, who they
    ended with lately, and who they are proposed or paired to now."""
    open_now, closed = uow.buddyships.split(member_id, now - introductions.COOLING_OFF)
    return {"blocked": uow.blocks.others_of(member_id),
            "cooling_off": {other_member(b, member_id) for b in closed},
            "already": {other_member(b, member_id) for b in open_now}}


def best_partners(uow: MatchingUnitOfWork, mine: dict, pool: list[dict], slots: dict[str, int],
                  limit: int) -> tuple[Candidate, list]:
    """The member as a candidate, and the members of ``pool`` the hard rules allow with them,
    best first: [(candidate, compatibility)]."""
    now = uow.now()
    me = introductions.candidate_of(mine, now)
    found = tpool.execute(
        ranking.suggest, me, [introductions.candidate_of(doc, now) for doc in pool],
        open_slots=slots, limit=limit, **pairs_not_to_propose(uow, me.member_id, now))
    return me, found


def keep_shortlist(uow: MatchingUnitOfWork) -> None:
    """Fit the pool's vectors now if the pool is large enough to need them (at start-up, so
    that no event waits for it), or read what changed since."""
    if uow.pool.size() > SCORE_WHOLE_POOL_UP_TO:
        shortlist.size(uow)


def candidates_for(uow: MatchingUnitOfWork, mine: dict, wanted: int, *,
                   answered: bool) -> Iterator[list[dict]]:
    """Pools to pick ``wanted`` partners of the member from, each wider than the last, always
    holding the member: the whole pool when it is small, else the member's shortlist by the
    embedding (``answered``: only members who answered the questions). The caller stops as
    soon as one gives enough partners."""
    if uow.pool.size() <= SCORE_WHOLE_POOL_UP_TO:
        yield uow.pool.sample(SCORE_WHOLE_POOL_UP_TO + 1, mine)
        return
    k, tried = max(SHORTLIST_FIRST, 4 * wanted), 0
    while True:
        ids = shortlist.nearest(uow, mine, k, answered=answered)
        yield uow.pool.members(ids) + [mine]
        if len(ids) < k or k >= SHORTLIST_MAX or len(ids) == tried:
            return
        k, tried = k * 4, len(ids)


def suggestions_for(uow: MatchingUnitOfWork, *, member_id: str, limit: int = 10) -> dict:
    """The members to suggest now, best first, with the reasons told in the member's own
    language: {"items": [...], "next": None}. Empty until matching knows the member."""
    mine = uow.pool.member(member_id)
    if mine is None or not reachability.proven(mine):  # nobody is proposed to an unproven address
        return {"items": [], "next": None}
    if open_slots(uow, [mine]).get(member_id, 0) <= 0:  # the hard rules refuse everyone
        return {"items": [], "next": None}
    wanted = max(1, min(int(limit), 50))
    for pool in candidates_for(uow, mine, wanted, answered=False):
        # Members who paused are not suggested to others (the member themselves may be paused).
        pool = [doc for doc in pool
                if doc["_id"] == member_id or reachability.paused_until(doc, uow.now()) is None]
        me, found = best_partners(uow, mine, pool, open_slots(uow, pool), wanted)
        if len(found) >= wanted:
            break
    return {"items": [{
        "member_id": other.member_id, "display_name": other.display_name,
        "score": round(fit.score, 3),
        "reasons": [reasons.explain(r, me.language, other=other) for r in fit.reasons],
    } for other, fit in found], "next": None}


def want_filled(uow: MatchingUnitOfWork, member_id: str, *, automatic: bool) -> None:
    """Ask for the member's open slots to be filled, a second or so from now, by whichever
    replica holds the proposing lease (nothing when matching does not propose on its own)."""
    if automatic and uow.pool.member(member_id) is not None:
        uow.rounds.want_slots_filled(member_id, uow.now())


def fill_wanted(uow: MatchingUnitOfWork) -> None:
    """Serve the members waiting for their slots to be filled, if it is this worker's turn."""
    with turns.proposing(uow) as allowed:
        if not allowed:
            return
        for request in uow.rounds.wanting_slots_filled(uow.now()):
            mine = uow.pool.member(request["_id"])
            until = reachability.paused_until(mine, uow.now())
            if until is not None:  # served when the pause ends (asked again: new token)
                uow.rounds.want_slots_filled(request["_id"], until)
                continue
            fill(uow, request["_id"], mine=mine)
            uow.rounds.slots_filled(request)


_UNREAD = object()


def fill(uow: MatchingUnitOfWork, member_id: str, *, mine: dict | None | object = _UNREAD) -> list[dict]:
    """Propose the best members the hard rules allow, one per open slot of the member, in one
    transaction. Nothing for a member who has not answered the onboarding questions yet:
    proposals come from answers. ``mine``: the member's pool document, if just read."""
    now = uow.now()
    if mine is _UNREAD:
        mine = uow.pool.member(member_id)
    if mine is None or mine.get("revision", 0) < 1 or not reachability.proven(mine) \
            or reachability.paused_until(mine, now):
        return []
    wanted = open_slots(uow, [mine]).get(member_id, 0)
    if wanted <= 0:
        return []
    for pool in candidates_for(uow, mine, wanted, answered=True):
        pool = [doc for doc in reachability.not_paused(pool, now) if doc.get("revision", 0) >= 1]
        held = uow.buddyships.slot_numbers([doc["_id"] for doc in pool])
        room = {doc["_id"]: (doc.get("profile") or {}).get("buddy_capacity", 2)
                - len(held.get(doc["_id"], ())) for doc in pool}
        me, found = best_partners(uow, mine, pool, room, wanted)
        if len(found) >= wanted:
            break
    # The ranking applied the hard rules, blocks and open pairs included, from what was just
    # read: the proposals are written on those reads (the store still refuses a pair or a slot
    # another proposal took meanwhile).
    made = proposals.save_all_if_allowed(uow, [
        introductions.proposal(me, other, fit.reasons, compatibility.score(other, me).reasons,
                               now, "rematch", score=fit.score) for other, fit in found],
        {doc["_id"]: doc for doc in pool}, held=held, pairs_checked=True)
    log.info("matching.slots_filled", member_id=member_id, wanted=wanted, proposed=len(made))
    return made
