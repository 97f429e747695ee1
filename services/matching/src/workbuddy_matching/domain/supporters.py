"""A temporary support buddy for a member facing a setback while their own buddies are away.

Someone who just lost a client and whose buddies are all in deep focus, asleep in their quiet
hours, long gone quiet, or who has no buddy yet, should not face it alone. Matching then proposes
a *support buddy* for a few days: a member who offered to support others, can be reached now,
and, best of all, lived the same setback (a freelancer who lost a client knows what it is).

Pure: the service decides who is reachable and who offered; this module ranks them.
"""

from dataclasses import dataclass

from .compatibility import Candidate, Reason, may_meet, score

# What having lived the setback adds to the compatibility score when ranking supporters: the
# same setback weighs more than anything the profiles say; another setback, a little.
LIVED_SAME = 0.5
LIVED_OTHER = 0.15


@dataclass(frozen=True)
class Supporter:
    candidate: Candidate
    setbacks_lived: frozenset[str]


@dataclass(frozen=True)
class Choice:
    supporter: Candidate
    rank: float
    reasons_for_member: tuple[Reason, ...]  # told to the member about the supporter
    reasons_for_supporter: tuple[Reason, ...]  # told to the supporter about the member


def needs_support(buddies_unreachable: list[str | None]) -> bool:
    """True when no buddy can be reached now: ``buddies_unreachable`` holds, for each active
    buddy, why they cannot be reached (None when they can). No buddy at all: True."""
    return all(why is not None for why in buddies_unreachable)


def choose(member: Candidate, setback: str, supporters: list[Supporter], *,
           excluded: set[str]) -> Choice | None:
    """The best supporter for ``member`` facing ``setback``, or None when nobody fits.

    ``supporters`` are already reachable and willing; ``excluded`` holds those the member must
    not be proposed (blocked either way, cooling off, already buddies)."""
    ranked = []
    for supporter in supporters:
        other = supporter.candidate
        if not may_meet(member, other, excluded):
            continue
        lived = setback in supporter.setbacks_lived
        bonus = LIVED_SAME if lived else LIVED_OTHER if supporter.setbacks_lived else 0.0
        ranked.append((score(member, other).score + bonus, other, lived))
    if not ranked:
        return None
    # Ties go to the smaller id, so that a redelivered event makes the same choice.
    rank, other, lived = min(ranked, key=lambda found: (-found[0], found[1].member_id))
    first = Reason("lived_same_setback", (("kind", setback),)) if lived else Reason("available_now")
    return Choice(other, rank, (first, *score(member, other).reasons[:2]),
                  score(other, member).reasons)
