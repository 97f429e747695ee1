"""Matching's own proposals: filling a member's open slots, a support buddy after a setback, and
the periodic round over the whole pool.

Every proposal made here waits for both members (double opt-in) and carries, for each of them,
the reasons to meet told in French and in English, so that the member reads them in whichever
language they use when they look.

The pure decisions live in suggestions.py, support.py and rounds.py; this module reads the
store, hands the CPU work to a real thread (so the worker's green threads and its broker
heartbeats carry on) and writes each proposal with its event through the outbox.
"""

import time
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from eventlet import tpool
from pymongo.database import Database

from workbuddy_contracts.errors import Conflict
from workbuddy_contracts.vocabulary import LANGUAGES
from workbuddy_platform import blocks, metrics
from workbuddy_platform.logs import get_logger
from workbuddy_platform.pages import order_key
from workbuddy_platform.store import in_transaction

from . import buddyships, compatibility, reachability, reasons, repository, rounds, suggestions, support
from .compatibility import Candidate, Reason

log = get_logger(__name__)

# A round renews its lease after writing this many proposals.
RENEW_EVERY = 200
# A support buddy is needed now: the proposal lapses if not taken within two days.
SUPPORT_PROPOSAL_VALID_FOR = timedelta(days=2)


def candidate_of(doc: dict, now: datetime) -> Candidate:
    """A pool document as a candidate, with what matching learnt of how the member shows up."""
    return compatibility.from_pool(
        doc, active=reachability.unreachable_because(doc, now) != reachability.INACTIVE,
        responsiveness=doc.get("responsiveness"), reaction_minutes=doc.get("reaction_minutes"))


def told(a: Candidate, b: Candidate, reasons_a: Iterable[Reason],
         reasons_b: Iterable[Reason]) -> dict:
    """{member_id: {language: [sentences]}}: what each member is told about the other."""
    return {
        a.member_id: {lang: [reasons.explain(r, lang, other=b) for r in reasons_a] for lang in LANGUAGES},
        b.member_id: {lang: [reasons.explain(r, lang, other=a) for r in reasons_b] for lang in LANGUAGES},
    }


def reasons_between(db: Database, a_id: str, b_id: str, now: datetime) -> dict:
    """{"reasons": ..., "languages": ..., "score": ...} for two members matching knows (a
    member's own proposal); {} when it does not know one of them yet."""
    docs = {doc["_id"]: doc for doc in repository.pool_members(db, [a_id, b_id])}
    if len(docs) < 2:
        return {}
    a, b = candidate_of(docs[a_id], now), candidate_of(docs[b_id], now)
    fit = compatibility.score(a, b)
    return {"reasons": told(a, b, fit.reasons, compatibility.reasons(b, a)),
            "languages": {a_id: a.language, b_id: b.language}, "score": round(fit.score, 4)}


def propose(db: Database, outbox, proposal: dict) -> dict | None:
    """Save a proposal and its event together; None when the pair is blocked or already has an
    open buddyship (both are checked before the transaction so that refusing aborts nothing)."""
    a, b = proposal["proposer_id"], proposal["invitee_id"]
    if blocks.between(db, a, b) is not None:
        return None
    try:
        repository.refuse_open_pair(db, proposal["pair"])

        def save(session):
            repository.add_proposal(db, proposal, session)
            outbox.stage("buddyship.proposed", proposed_event(proposal), session)

        in_transaction(db, save)
    except Conflict:
        return None
    return proposal


def proposed_event(proposal: dict) -> dict:
    """The buddyship.proposed payload: each member gets their reasons in their own language."""
    languages = proposal.get("languages", {})
    return {
        "buddyship_id": proposal["_id"], "proposer_id": proposal["proposer_id"],
        "invitee_id": proposal["invitee_id"], "proposed_at": proposal["proposed_at"],
        "origin": proposal.get("origin", "member"), "awaiting": buddyships.awaiting(proposal),
        "expires_at": proposal.get("expires_at"),
        "reasons": {member: by_language.get(languages.get(member, "en"), [])
                    for member, by_language in (proposal.get("reasons") or {}).items()},
    }


def matching_proposal(a: Candidate, b: Candidate, fit_a, fit_b, now: datetime, origin: str,
                      valid_for: timedelta | None = None, extra: dict | None = None) -> dict:
    proposal = buddyships.propose(a.member_id, b.member_id, now, uuid.uuid4().hex, origin=origin,
                                  reasons=told(a, b, fit_a, fit_b), score=None, valid_for=valid_for)
    proposal["languages"] = {a.member_id: a.language, b.member_id: b.language}
    return proposal | (extra or {})


# --- filling a member's open slots ----------------------------------------------------------


def best_partners(db: Database, mine: dict, pool: list[dict], slots: dict[str, int], now: datetime,
                  limit: int) -> tuple[Candidate, list]:
    """The member as a candidate, and the members of ``pool`` the hard rules allow with them,
    best first: [(candidate, compatibility)]. Scoring is CPU work: in a real thread, so that
    the worker's green threads (and its broker heartbeats) carry on meanwhile."""
    me = candidate_of(mine, now)
    found = tpool.execute(
        suggestions.suggest, me, [candidate_of(doc, now) for doc in pool], open_slots=slots,
        blocked=repository.blocked_with(db, me.member_id),
        cooling_off=repository.cooling_off_with(db, me.member_id, now),
        already=set(repository.partners_of(db, me.member_id)), limit=limit)
    return me, found


def fill_slots(db: Database, outbox, member_id: str, now: datetime) -> list[dict]:
    """Propose the best members the hard rules allow, one per open slot of the member. Nothing
    for a member who has not answered the onboarding questions yet: proposals come from answers."""
    mine = repository.pool_member(db, member_id)
    if mine is None or mine.get("revision", 0) < 1:
        return []
    pool = [doc for doc in repository.pool_sample(db, mine) if doc.get("revision", 0) >= 1]
    slots = repository.open_slots(db, pool)
    wanted = slots.get(member_id, 0)
    if wanted <= 0:
        return []
    me, found = best_partners(db, mine, pool, slots, now, wanted)
    made = []
    for other, fit in found:
        proposal = matching_proposal(me, other, fit.reasons, compatibility.score(other, me).reasons,
                                     now, "rematch")
        proposal["score"] = round(fit.score, 4)
        if propose(db, outbox, proposal) is not None:
            made.append(proposal)
    log.info("matching.slots_filled", member_id=member_id, wanted=wanted, proposed=len(made))
    return made


# --- a support buddy after a setback --------------------------------------------------------


def offer_support(db: Database, outbox, moment: dict, now: datetime) -> dict | None:
    """A setback, and none of the member's buddies can be reached now: propose a support buddy
    who offered to help, can be reached now and, best of all, lived the same setback."""
    member_id = moment["member_id"]
    mine = repository.pool_member(db, member_id)
    if mine is None or repository.open_support_of(db, member_id):
        return None  # unknown here yet, or already has a support buddy (proposed or active)
    buddies = repository.active_buddies_of(db, member_id)
    docs = {doc["_id"]: doc for doc in repository.pool_members(db, buddies)}
    why_not = [reachability.unreachable_because(docs[b], now) if b in docs else reachability.INACTIVE
               for b in buddies]
    if not support.needs_support(why_not):
        return None
    supporters = []
    for doc in repository.offering_support(db):
        if doc["_id"] == member_id or reachability.unreachable_because(doc, now) is not None:
            continue
        if repository.open_support_of(db, doc["_id"]):
            continue  # one member at a time
        supporters.append(support.Supporter(candidate_of(doc, now), frozenset(doc.get("setbacks", []))))
    excluded = (repository.blocked_with(db, member_id) | repository.cooling_off_with(db, member_id, now)
                | set(repository.partners_of(db, member_id)))
    me = candidate_of(mine, now)
    choice = tpool.execute(support.choose, me, moment["kind"], supporters, excluded=excluded)
    if choice is None:
        log.info("matching.no_support_buddy", member_id=member_id, candidates=len(supporters))
        return None
    proposal = matching_proposal(me, choice.supporter, choice.reasons_for_member,
                                 choice.reasons_for_supporter, now, "support",
                                 valid_for=SUPPORT_PROPOSAL_VALID_FOR,
                                 extra={"for_moment": moment["moment_id"]})
    made = propose(db, outbox, proposal)
    log.info("matching.support_proposed", member_id=member_id, supporter_id=choice.supporter.member_id,
             buddies_away=why_not)
    return made


# --- the periodic round ---------------------------------------------------------------------


def run_round(db: Database, outbox, now: datetime, next_round_at: datetime | None,
              still_ours: Callable[[], bool] = lambda: True) -> dict:
    """One round over the whole answered pool: proposals for the pairs chosen, and a word to each
    member left out (why, and when the next round is). Members left out by the previous round
    are served first. ``still_ours`` renews the proposing lease now and then while the proposals
    are written (a large round writes for minutes); once it is lost, the round stops writing."""
    started, timer = now, time.perf_counter()
    previous = repository.last_round(db)
    pool = repository.answered_pool(db)
    slots = repository.open_slots(db, pool)
    left_out_before = {doc["_id"] for doc in pool if previous is not None
                       and (doc.get("left_out") or {}).get("round_id") == previous["_id"]}
    members = [candidate_of(doc, now) for doc in pool]
    blocked, cooling = repository.all_blocked_pairs(db), repository.all_cooling_off_pairs(db, now)
    plan = tpool.execute(rounds.plan_round, members, open_slots=slots, blocked=blocked,
                         cooling_off=cooling, open_pairs=repository.all_open_pairs(db),
                         left_out_before=left_out_before)
    round_id = uuid.uuid4().hex
    by_id = {m.member_id: m for m in members}
    proposed = 0
    for number, pairing in enumerate(plan.pairings):
        if number % RENEW_EVERY == RENEW_EVERY - 1 and not still_ours():
            log.warning("matching.round_interrupted", written=number, planned=len(plan.pairings))
            break
        a, b = by_id[pairing.a], by_id[pairing.b]
        proposal = matching_proposal(a, b, pairing.reasons_a, pairing.reasons_b, now, "round",
                                     extra={"round_id": round_id})
        proposal["score"] = round(pairing.score, 4)
        if propose(db, outbox, proposal) is not None:
            proposed += 1
            for member in (a.member_id, b.member_id):
                repository.mark_left_out(db, member, None)
    full = _full_by_language(members, slots)
    for left in plan.left_out:
        reason = left.reason
        if reason == "no_compatible_member" and _someone_full_would_fit(
                by_id[left.member_id], full, blocked, cooling):
            reason = "compatible_members_taken"  # they exist, but have no room left
        told_them = {"round_id": round_id, "reason": reason, "at": now,
                     "compatible": left.compatible, "next_round_at": next_round_at}
        repository.mark_left_out(db, left.member_id, told_them)
        unmatched = {"member_id": left.member_id, "round_id": round_id, "reason": reason,
                     "next_round_at": next_round_at, "at": now}
        in_transaction(db, lambda session, unmatched=unmatched: outbox.stage(
            "member.unmatched", unmatched, session))
    summary = {"_id": round_id, "order": order_key(started, round_id), "started_at": started,
               "next_round_at": next_round_at, "participants": sum(1 for v in slots.values() if v > 0),
               "proposed": proposed, "left_out": len(plan.left_out),
               "left_out_twice": len({x.member_id for x in plan.left_out} & left_out_before),
               "pairs_scored": plan.pairs_scored}
    repository.record_round(db, summary)
    metrics.ROUND_UNMATCHED.set(summary["left_out"])
    metrics.ROUND_SECONDS.set(time.perf_counter() - timer)
    metrics.ROUND_FINISHED.set_to_current_time()
    log.info("matching.round", **{k: v for k, v in summary.items() if k not in ("_id", "order")},
             round_id=round_id)
    return summary


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
