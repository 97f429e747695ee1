"""A partner for a project idea: beyond the member's buddies, members who said they are open to
projects and have the skills the idea needs.

A freelancer with a project bigger than their own trade (a designer who needs a developer for a
client's app) logs a project idea with the skills wanted; matching proposes the members whose
skills answer it best (double opt-in, like every proposal of matching), with the reasons told
to each: the skills that match, then how well the two would get on.

Pure: the use case gathers the pool documents.
"""

from dataclasses import dataclass

from .asks import skills_named
from .compatibility import Candidate, Reason, may_meet, score

# How many partners one project idea is proposed at most.
PARTNERS_PER_IDEA = 2


@dataclass(frozen=True)
class Open:
    """A member open to projects, with the skills they gave."""

    candidate: Candidate
    skills: tuple[str, ...]


@dataclass(frozen=True)
class Partner:
    candidate: Candidate
    rank: float
    reasons_for_member: tuple[Reason, ...]  # told to the member with the idea
    reasons_for_partner: tuple[Reason, ...]  # told to the partner


def wanted_among(wanted: list[str], skills: tuple[str, ...]) -> list[str]:
    """The skills wanted that the member has, as the idea names them (case and accents aside)."""
    return [w for w in wanted if skills_named(w, skills)]


def choose(member: Candidate, wanted: list[str], open_members: list[Open], *,
           excluded: set[str], count: int = PARTNERS_PER_IDEA) -> list[Partner]:
    """The best partners, best first: the more skills wanted they have, the better; then how
    well the two would get on. Nobody without one of the skills wanted."""
    ranked = []
    for found in open_members:
        other = found.candidate
        if not may_meet(member, other, excluded):
            continue
        matched = wanted_among(wanted, found.skills)
        if not matched:
            continue
        fit = score(member, other)
        rank = len(matched) / len(wanted) + fit.score / 2
        skills = (("skills", ", ".join(matched)),)
        ranked.append((-rank, other.member_id, Partner(
            other, rank, (Reason("has_skills_wanted", skills), *fit.reasons[:2]),
            (Reason("your_skills_wanted", skills), *score(other, member).reasons[:2]))))
    # Ties go to the smaller id, so that a redelivered event makes the same choice.
    return [partner for *_, partner in sorted(ranked, key=lambda r: r[:2])[:count]]
