"""The regular check-up of every active buddyship: who shows up for whom.

Each member's responsiveness (share of their buddies' moments they reacted to, median minutes)
is refreshed in the pool, where the compatibility score reads it; a buddyship where one buddy
has gone quiet is flagged once (until they show up again), and the other member is told
(``buddyship.quiet``) so that they can end it, no fault, and get a new buddy. Check-in answers
count too: a check-in answered is a moment reacted to.
"""

from datetime import timedelta

from workbuddy_contracts.commands import QuietChoice, load_or_refuse
from workbuddy_contracts.errors import Conflict
from workbuddy_platform import lease
from workbuddy_platform.logs import get_logger

from ..domain import buddyship, check_ins, health
from ..unit_of_work import MatchingUnitOfWork
from . import proposals, slots

log = get_logger(__name__)

# Check-in answers count for responsiveness over the same window as reactions.
ANSWERS_COUNTED_FOR = health.WINDOW


def health_of(uow: MatchingUnitOfWork, found: dict,
              grace: timedelta = health.GRACE) -> health.Health:
    now = uow.now()
    a, b = buddyship.members_of(found)
    since = max(found.get("started_at") or found["proposed_at"], now - health.WINDOW)
    until = found.get("ended_at") or now
    moments = [health.Moment(m["_id"], m["author_id"], m["logged_at"])
               for m in uow.pool.moments_of([a, b], since) if m["logged_at"] <= until]
    reactions = [health.Reaction(r["moment_id"], r["reactor_id"], r["reacted_at"])
                 for r in uow.pool.reactions_to([m.moment_id for m in moments])]
    return health.health(a, b, moments, reactions, uow.buddyships.ratings_of(found["_id"]), now,
                         grace)


def buddyship_health(uow: MatchingUnitOfWork, *, buddyship_id: str, member_id: str,
                     grace: timedelta = health.GRACE) -> dict:
    """Reciprocity, reaction times, ratings, and whether a buddy has gone quiet."""
    found = buddyship.check_member(uow.buddyships.get(buddyship_id), buddyship_id, member_id)
    flagged = found.get("quiet") or {}
    seen = health.view(health_of(uow, found, grace))
    waiting = flagged.get("waiting_since")
    # What the check-up told the member stands until the quiet buddy shows up again.
    return seen | {"quiet_member_id": seen["quiet_member_id"] or flagged.get("member_id"),
                   "waiting_since": waiting.isoformat() if waiting else None}


def quiet_choice(uow: MatchingUnitOfWork, *, buddyship_id: str, member_id: str,
                 request: dict, grace: timedelta = health.GRACE) -> dict:
    """A buddy went quiet: the member keeps waiting, or ends it kindly (the other reads only
    that it ended) and is proposed someone new at once (within their capacity)."""
    choice = load_or_refuse(QuietChoice(), request)["choice"]
    current = uow.buddyships.get(buddyship_id)
    computed = health_of(uow, current, grace).quiet_member if current else None
    quiet = buddyship.quiet_buddy_of(current, buddyship_id, member_id, computed)
    now = uow.now()
    change = buddyship.wait_for(current, quiet, now) if choice == "wait" \
        else buddyship.end(current, buddyship_id, member_id, now, kindly=True)
    uow.buddyships.save(change.buddyship, was=current)
    uow.record(*change.events)
    uow.commit()
    language = proposals.reads(uow, member_id)
    proposed = slots.fill(uow, member_id) if choice == "someone_new" else []
    log.info("matching.quiet_choice", member_id=member_id, choice=choice, proposed=len(proposed))
    return {"buddyship": buddyship.view_for(change.buddyship, member_id, language),
            "proposed": [buddyship.view_for(p, member_id, language) for p in proposed]}


def check_up_if_due(uow: MatchingUnitOfWork, *, every,
                    grace: timedelta = health.GRACE) -> dict | None:
    """Once per cluster and per ``every``, by whichever replica asks first."""
    if lease.once_per(uow.db, "matching.check_up", every, now=uow.now()):
        return check_up(uow, grace)
    return None


def check_up(uow: MatchingUnitOfWork, grace: timedelta = health.GRACE) -> dict:
    seen: dict[str, list[health.Side]] = {}
    flagged = 0
    for active in uow.buddyships.active():
        found = health_of(uow, active, grace)
        for side in found.sides:
            seen.setdefault(side.member_id, []).append(side)
        if found.quiet_member and not active.get("quiet"):
            flagged += _flag(uow, active, found)
        elif active.get("quiet") and not found.quiet_member:
            # They showed up again: a later silence is news again.
            uow.buddyships.mark_quiet(active["_id"], None)
            _commit_if_still_active(uow)
    # A check-in answered counts as a moment reacted to, and how soon, like a reaction.
    answers = check_ins.responses(uow.check_ins.opened_since(uow.now() - ANSWERS_COUNTED_FOR),
                                  uow.now())
    for member_id, sides in seen.items():
        asked, answered, answer_minutes = answers.get(member_id, (0, 0, []))
        moments = sum(s.moments_seen for s in sides) + asked
        reacted = sum(s.reacted for s in sides) + answered
        minutes = sorted([s.median_minutes for s in sides if s.median_minutes is not None]
                         + answer_minutes)
        uow.pool.save_responsiveness(member_id, reacted / moments if moments else None,
                                     minutes[len(minutes) // 2] if minutes else None)
    log.info("matching.check_up", members=len(seen), flagged=flagged)
    return {"members": len(seen), "flagged": flagged}


def _flag(uow: MatchingUnitOfWork, active: dict, found: health.Health) -> int:
    quiet = found.quiet_member
    unanswered = next(s.moments_seen for s in found.sides if s.member_id == quiet)
    now = uow.now()
    uow.buddyships.mark_quiet(active["_id"], {"member_id": quiet, "at": now})
    uow.record(("buddyship.quiet", {
        "buddyship_id": active["_id"], "member_ids": buddyship.members_of(active),
        "quiet_member_id": quiet, "unanswered": unanswered, "at": now}))
    return 1 if _commit_if_still_active(uow) else 0


def _commit_if_still_active(uow: MatchingUnitOfWork) -> bool:
    """A buddyship that ended since it was read is left as it is."""
    try:
        uow.commit()
        return True
    except Conflict:
        return False
