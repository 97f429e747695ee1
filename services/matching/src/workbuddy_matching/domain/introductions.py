"""How matching introduces two members: each seen as a candidate (with how they show up), what
each is told about the other in both languages, and the proposal that carries it.

Every proposal matching makes waits for both members (double opt-in) and carries, for each of
them, the reasons to meet told in French and in English, so that the member reads them in
whichever language they use when they look.

Pure: the use cases gather the pool documents.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from workbuddy_contracts.vocabulary import LANGUAGES

from . import buddyship, compatibility, reachability, reasons
from .compatibility import Candidate, Reason

# How long a pair whose buddyship ended, or was declined, is not proposed again.
COOLING_OFF = timedelta(days=30)


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


def between(a: Candidate, b: Candidate) -> dict:
    """What a member's own proposal to another carries when matching knows both: the reasons
    each is told, the languages they read, the score."""
    fit = compatibility.score(a, b)
    return {"reasons": told(a, b, fit.reasons, compatibility.reasons(b, a)),
            "languages": {a.member_id: a.language, b.member_id: b.language},
            "score": round(fit.score, 4)}


def proposal(a: Candidate, b: Candidate, reasons_a: Iterable[Reason], reasons_b: Iterable[Reason],
             now: datetime, origin: str, *, score: float | None = None,
             valid_for: timedelta | None = None, **more) -> buddyship.Change:
    """Matching's own proposal of ``a`` to ``b`` (a round, a rematch, a support buddy)."""
    return buddyship.propose(
        a.member_id, b.member_id, now, origin=origin, reasons=told(a, b, reasons_a, reasons_b),
        languages={a.member_id: a.language, b.member_id: b.language},
        score=None if score is None else round(score, 4), valid_for=valid_for, **more)
