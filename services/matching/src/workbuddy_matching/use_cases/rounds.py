"""The periodic round over the whole answered pool: proposals for the pairs chosen
(domain/round_plan.py decides), and a word to each member left out (why, and when the next
round is). Members left out by the previous round are served first."""

import time
import uuid
from collections.abc import Callable
from datetime import timedelta

from eventlet import tpool

from workbuddy_contracts.errors import Conflict
from workbuddy_platform.exports import exported
from workbuddy_platform.logs import get_logger
from workbuddy_platform.pages import order_key

from .. import metrics
from ..domain import compatibility, introductions, reachability, reasons, round_plan
from ..domain.compatibility import Candidate
from ..unit_of_work import MatchingUnitOfWork
from . import proposals, turns
from .slots import open_slots

log = get_logger(__name__)

# A round writes this many proposals at a time, renewing its lease before each batch.
RENEW_EVERY = 200


def run_if_due(uow: MatchingUnitOfWork, *, every: timedelta, force: bool = False) -> dict | None:
    """A round, when one is due (``every`` since the last; zero: only when ``force``d) and it is
    this worker's turn to propose; its summary, else None."""
    with turns.proposing(uow) as allowed:
        if not allowed:
            return None
        last = uow.rounds.last()
        if not force and (every <= timedelta(0) or
                          (last is not None and last["started_at"] + every > uow.now())):
            return None
        return exported(run(uow, every=every, still_ours=lambda: turns.still_ours(uow)))


def run_now(uow: MatchingUnitOfWork, *, every: timedelta) -> dict:
    """A full round now (operators, tests); refused while another replica is proposing."""
    summary = run_if_due(uow, every=every, force=True)
    if summary is None:
        raise Conflict("matching is busy proposing in another replica; try again in a minute",
                       "round")
    return summary


def run(uow: MatchingUnitOfWork, *, every: timedelta,
        still_ours: Callable[[], bool] = lambda: True) -> dict:
    """One round; the next one is ``every`` after it starts (none planned for zero).
    ``still_ours`` renews the proposing lease now and then while the proposals are written (a
    large round writes for minutes); once it is lost, the round stops writing."""
    now, timer = uow.now(), time.perf_counter()
    next_round_at = now + every if every > timedelta(0) else None
    previous = uow.rounds.last()
    pool = reachability.not_paused(uow.pool.answered(), now)  # a pause: nobody new
    slots = open_slots(uow, pool, everyone=True)
    left_out_before = {doc["_id"] for doc in pool if previous is not None
                       and (doc.get("left_out") or {}).get("round_id") == previous["_id"]}
    members = [introductions.candidate_of(doc, now) for doc in pool]
    blocked = uow.blocks.all_pairs()
    cooling = uow.buddyships.pairs_closed_since(now - introductions.COOLING_OFF)
    plan = tpool.execute(round_plan.plan_round, members, open_slots=slots, blocked=blocked,
                         cooling_off=cooling, open_pairs=uow.buddyships.all_open_pairs(),
                         left_out_before=left_out_before)
    round_id = uuid.uuid4().hex
    by_id = {m.member_id: m for m in members}
    docs = {doc["_id"]: doc for doc in pool}
    proposed = 0
    # Written a batch at a time, each batch in one transaction (a large round writes hundreds of
    # thousands of proposals: one at a time, each with its own reads and transaction, took an
    # hour of the store's time at a million members), the lease renewed before each.
    for start in range(0, len(plan.pairings), RENEW_EVERY):
        if not still_ours():
            log.warning("matching.round_interrupted", written=start, planned=len(plan.pairings))
            break
        made = proposals.save_all_if_allowed(uow, [
            introductions.proposal(by_id[pairing.a], by_id[pairing.b], pairing.reasons_a,
                                   pairing.reasons_b, now, "round", score=pairing.score,
                                   round_id=round_id)
            for pairing in plan.pairings[start:start + RENEW_EVERY]], docs)
        proposed += len(made)
        for member in (m for made_one in made for m in (made_one["proposer_id"],
                                                        made_one["invitee_id"])):
            if docs[member].get("left_out") is not None:  # what the last round told them
                uow.pool.mark_left_out(member, None)
    full = _full_by_language(members, slots)
    for left in plan.left_out:
        reason = left.reason
        if reason == round_plan.NO_COMPATIBLE_MEMBER and _someone_full_would_fit(
                by_id[left.member_id], full, blocked, cooling):
            reason = round_plan.COMPATIBLE_MEMBERS_TAKEN  # they exist, but have no room left
        uow.pool.mark_left_out(left.member_id, {
            "round_id": round_id, "reason": reason, "at": now, "compatible": left.compatible,
            "next_round_at": next_round_at})
        uow.record(("member.unmatched", {"member_id": left.member_id, "round_id": round_id,
                                         "reason": reason, "next_round_at": next_round_at,
                                         "at": now}))
        uow.commit()
    summary = {"_id": round_id, "order": order_key(now, round_id), "started_at": now,
               "next_round_at": next_round_at, "participants": sum(1 for v in slots.values() if v > 0),
               "proposed": proposed, "left_out": len(plan.left_out),
               "left_out_twice": len({x.member_id for x in plan.left_out} & left_out_before),
               "pairs_scored": plan.pairs_scored}
    uow.rounds.record(summary)
    metrics.ROUND_UNMATCHED.set(summary["left_out"])
    metrics.ROUND_SECONDS.set(time.perf_counter() - timer)
    metrics.ROUND_FINISHED.set_to_current_time()
    log.info("matching.round", **{k: v for k, v in summary.items() if k not in ("_id", "order")},
             round_id=round_id)
    return summary


def status(uow: MatchingUnitOfWork, *, member_id: str, every: timedelta) -> dict:
    """Where the member stands: open slots, what the last round told them, the next round."""
    mine = uow.pool.member(member_id)
    last = uow.rounds.last()
    left_out = (mine or {}).get("left_out")
    slots = open_slots(uow, [mine]).get(member_id, 0) if mine else 0
    next_round = last["started_at"] + every if last and every > timedelta(0) else None
    return {
        "answered": bool(mine and mine.get("revision", 0) >= 1),
        "paused_until": _iso(reachability.paused_until(mine, uow.now())),
        "open_slots": max(0, slots),
        "left_out": None if not left_out else {
            "reason": left_out["reason"], "at": left_out["at"].isoformat(),
            "explanation": reasons.left_out(left_out["reason"],
                                            proposals.reads(uow, member_id))},
        "last_round_at": last["started_at"].isoformat() if last else None,
        "next_round_at": next_round.isoformat() if next_round else None,
    }


def _full_by_language(members: list[Candidate], slots: dict[str, int]) -> dict[str, list[Candidate]]:
    full: dict[str, list[Candidate]] = {}
    for member in members:
        if slots.get(member.member_id, 0) <= 0:
            for language in member.languages:
                full.setdefault(language, []).append(member)
    return full


def _someone_full_would_fit(member: Candidate, full: dict[str, list[Candidate]],
                            blocked: set[frozenset[str]], cooling: set[frozenset[str]]) -> bool:
    """Whether a member with no room left would pass the hard rules with ``member``: then the
    member is told the ones who suit them are taken, not to widen their wishes."""
    for language in sorted(member.languages):
        for other in full.get(language, ()):
            pair = frozenset((member.member_id, other.member_id))
            if other.member_id != member.member_id and compatibility.refusal(
                    member, other, open_slots_a=1, open_slots_b=1, blocked=pair in blocked,
                    cooling_off=pair in cooling) is None:
                return True
    return False


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None
