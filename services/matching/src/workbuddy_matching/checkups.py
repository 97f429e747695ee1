"""The regular check-up of every active buddyship: who shows up for whom.

Each member's responsiveness (share of their buddies' moments they reacted to, median minutes)
is refreshed in the pool, where the compatibility score reads it; a buddyship where one buddy
has gone quiet is flagged once (until they show up again), and the other member is told
(``buddyship.quiet``) so that they can end it, no fault, and get a new buddy.
"""

from datetime import datetime

from pymongo.database import Database

from workbuddy_platform.logs import get_logger
from workbuddy_platform.store import in_transaction, transition

from . import buddyships, health, repository

log = get_logger(__name__)


def health_of(db: Database, buddyship: dict, now: datetime) -> health.Health:
    a, b = buddyships.members_of(buddyship)
    since = max(buddyship.get("started_at") or buddyship["proposed_at"], now - health.WINDOW)
    until = buddyship.get("ended_at") or now
    moments = [health.Moment(m["_id"], m["author_id"], m["logged_at"])
               for m in repository.moments_of(db, [a, b], since) if m["logged_at"] <= until]
    reactions = [health.Reaction(r["moment_id"], r["reactor_id"], r["reacted_at"])
                 for r in repository.reactions_to(db, [m.moment_id for m in moments])]
    return health.health(a, b, moments, reactions, repository.ratings_of(db, buddyship["_id"]), now)


def check_up(db: Database, outbox, now: datetime) -> dict:
    seen: dict[str, list[health.Side]] = {}
    flagged = 0
    for buddyship in repository.active_buddyships(db):
        found = health_of(db, buddyship, now)
        for side in found.sides:
            seen.setdefault(side.member_id, []).append(side)
        if found.quiet_member and not buddyship.get("quiet"):
            flagged += _flag(db, outbox, buddyship, found, now)
        elif buddyship.get("quiet") and not found.quiet_member:
            # They showed up again: a later silence is news again.
            transition(db.buddyships, {"_id": buddyship["_id"], "state": "active"}, {"quiet": None})
    for member_id, sides in seen.items():
        moments = sum(s.moments_seen for s in sides)
        reacted = sum(s.reacted for s in sides)
        minutes = sorted(s.median_minutes for s in sides if s.median_minutes is not None)
        repository.save_responsiveness(db, member_id, reacted / moments if moments else None,
                                       minutes[len(minutes) // 2] if minutes else None)
    log.info("matching.check_up", members=len(seen), flagged=flagged)
    return {"members": len(seen), "flagged": flagged}


def _flag(db: Database, outbox, buddyship: dict, found: health.Health, now: datetime) -> int:
    quiet = found.quiet_member
    unanswered = next(s.moments_seen for s in found.sides if s.member_id == quiet)

    def save(session):
        marked = transition(db.buddyships, {"_id": buddyship["_id"], "state": "active"},
                            {"quiet": {"member_id": quiet, "at": now}}, session=session)
        if marked is not None:
            outbox.stage("buddyship.quiet", {
                "buddyship_id": buddyship["_id"], "member_ids": buddyships.members_of(buddyship),
                "quiet_member_id": quiet, "unanswered": unanswered, "at": now}, session)
        return marked

    return 1 if in_transaction(db, save) is not None else 0
