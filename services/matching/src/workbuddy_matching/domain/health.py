"""How a buddyship is doing, learnt from moments and reactions.

A buddyship lives on its buddies showing up for each other: cheering a win, a word after a lost
client. From the moments each buddy logged while the buddyship was active and the other's
reactions to them, we learn:

- each member's *responsiveness*: the share of their buddies' moments they reacted to, and the
  median time they took; it feeds the compatibility score (``showing_up``, ``fast answers``);
- each buddyship's *health*: reciprocity (both sides show up, or one carries it), reaction times,
  the ratings given when it ended, and whether one buddy has gone quiet: several of the other's
  moments, old enough to have been seen, and not one reaction. The one left alone is offered a
  rematch.

Pure: the caller gathers moments, reactions and ratings.
"""

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

# Moments this recent are not yet counted as unanswered: a buddy may not have seen them
# (BUDDY_QUIET_GRACE_HOURS; a demo shortens it to minutes).
GRACE = timedelta(hours=48)
# How far back health and responsiveness look.
WINDOW = timedelta(days=30)
# This many unanswered moments in the window, and no reaction at all: the buddy has gone quiet.
QUIET_AFTER = 3


@dataclass(frozen=True)
class Moment:
    moment_id: str
    author_id: str
    logged_at: datetime


@dataclass(frozen=True)
class Reaction:
    moment_id: str
    reactor_id: str
    reacted_at: datetime


@dataclass(frozen=True)
class Side:
    """How one member shows up for the other's moments."""

    member_id: str
    moments_seen: int  # the other's moments old enough to count
    reacted: int
    median_minutes: float | None

    @property
    def share(self) -> float | None:
        return None if self.moments_seen == 0 else self.reacted / self.moments_seen


@dataclass(frozen=True)
class Health:
    sides: tuple[Side, Side]
    ratings: tuple[int, ...]
    quiet_member: str | None  # the buddy who has gone quiet, if one has

    @property
    def reciprocity(self) -> float | None:
        """1 when both show up as much as each other, 0 when one carries it all; None: no data."""
        shares = [s.share for s in self.sides]
        if any(share is None for share in shares):
            return None
        high = max(shares)
        return 1.0 if high == 0 else min(shares) / high


def side(member_id: str, others_moments: list[Moment], reactions: list[Reaction],
         now: datetime, grace: timedelta = GRACE) -> Side:
    """How ``member_id`` answered ``others_moments`` (moments of their buddies)."""
    counted = [m for m in others_moments if m.author_id != member_id and now - m.logged_at >= grace]
    first: dict[str, datetime] = {}
    for r in reactions:
        if r.reactor_id == member_id and (r.moment_id not in first or r.reacted_at < first[r.moment_id]):
            first[r.moment_id] = r.reacted_at
    delays = [(first[m.moment_id] - m.logged_at).total_seconds() / 60
              for m in counted if m.moment_id in first]
    return Side(member_id, len(counted), len(delays),
                statistics.median(delays) if delays else None)


def responsiveness(member_id: str, buddies_moments: list[Moment], reactions: list[Reaction],
                   now: datetime) -> tuple[float | None, float | None]:
    """(share of their buddies' moments the member reacted to, median minutes), None if unknown."""
    found = side(member_id, buddies_moments, reactions, now)
    return found.share, found.median_minutes


def health(a: str, b: str, moments: list[Moment], reactions: list[Reaction],
           ratings: list[int], now: datetime, grace: timedelta = GRACE) -> Health:
    """The health of the buddyship of ``a`` and ``b`` from the moments each logged while it was
    active (the caller filters them) and the reactions to them."""
    sides = (side(a, [m for m in moments if m.author_id == b], reactions, now, grace),
             side(b, [m for m in moments if m.author_id == a], reactions, now, grace))
    quiet = next((s.member_id for s in sides if s.moments_seen >= QUIET_AFTER and s.reacted == 0),
                 None)
    return Health(sides, tuple(ratings), quiet)


def view(found: Health) -> dict:
    return {
        "reciprocity": None if found.reciprocity is None else round(found.reciprocity, 2),
        "sides": [{"member_id": s.member_id, "moments_seen": s.moments_seen, "reacted": s.reacted,
                   "median_reaction_minutes": None if s.median_minutes is None
                   else round(s.median_minutes)} for s in found.sides],
        "ratings": list(found.ratings),
        "quiet_member_id": found.quiet_member,
    }
