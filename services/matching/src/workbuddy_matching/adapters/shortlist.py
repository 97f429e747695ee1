"""The pool as vectors, kept by each matching process, to shortlist one member's candidates
whatever the pool's size: what rounds do for everyone (domain/embedding.py), for one member
after an event (slots opened, suggestions asked for, a setback).

Each process fits the embedding on the whole pool when it starts (service.py's timer) or first
needs it, and again after ``REFIT_AFTER``, then keeps it fresh from the store, not from the
events it handled itself: two replicas consume events competitively, so a member another
replica learnt of must be found here too. Every change to a pool document stamps it
(``changed``: seconds since the epoch, indexed; a number, as the embedded store compares dates
to the second only), and each use first reads the documents stamped since the last read, less
``OVERLAP`` for a write stamped just before that read and stored just after it, and embeds them
like the pool.

What the vectors know is only a shortlist: the use cases read the shortlisted members'
documents again and apply the exact score and every hard rule (capacity, pauses, blocks,
reachability, members who left since) to them. So a stale vector costs, at worst, a candidate
that fits less well; never a proposal the rules refuse.
"""

import threading
import time
import weakref
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import eventlet
import numpy as np
from eventlet import tpool

from ..domain import asks, candidates, embedding, introductions

if TYPE_CHECKING:  # the unit of work imports the repositories, which stamp through this module
    from ..unit_of_work import MatchingUnitOfWork

# A write is stamped, then stored a few milliseconds later: reading again this far back catches
# one stored after a read it was stamped before (and clocks of replicas a little apart).
OVERLAP = 1.0
# Refit on the pool as it is now, and drop the members who left meanwhile (their rows only
# cost a place in a shortlist until then: the use cases find no document for them).
REFIT_AFTER = 24 * 3600.0

# ``lived``: any setback at all.
ANY_SETBACK = "*"

# The pool documents matching may draw from (as Pool.sample): address proven, registered.
SEARCHABLE = {"email_verified": {"$ne": False}, "language": {"$exists": True}}


def stamp(changes: dict) -> dict:
    """``changes`` to a pool document, stamped so that every process's shortlist sees them."""
    return changes | {"changed": time.time()}


@dataclass
class _Index:
    """One store's pool as vectors; rows are never removed until the next refit."""

    population: embedding.Embedded | None = None
    rows: dict[str, int] = field(default_factory=dict)
    revisions: list[int] = field(default_factory=list)
    answered: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    supporting: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    setbacks: dict[int, frozenset[str]] = field(default_factory=dict)
    # Supporters by the skills they named (as asks.plain writes them), for urgent asks.
    skilled: dict[str, set[int]] = field(default_factory=dict)
    skills: dict[int, frozenset[str]] = field(default_factory=dict)
    longest_skill: int = 0  # in words
    read_until: float = 0.0
    fitted_at: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)  # searching and catching up
    refitting: threading.Lock = field(default_factory=threading.Lock)  # one fit at a time


# One index per store a process uses (the service has one; tests make one per test), by the
# database object's identity: databases compare by name, and two clients' stores differ.
_indexes: dict[int, tuple[weakref.ref, _Index]] = {}
_guard = threading.Lock()


def _index_of(db) -> _Index:
    with _guard:
        found = _indexes.get(id(db))
        if found is not None and found[0]() is db:
            return found[1]
        for key in [key for key, (ref, _) in _indexes.items() if ref() is None]:
            del _indexes[key]
        index = _Index()
        _indexes[id(db)] = (weakref.ref(db), index)
        return index


def nearest(uow: "MatchingUnitOfWork", member: dict, k: int, *, answered: bool = False,
            supporting: bool = False, lived: str | None = None,
            skilled: Collection[str] | None = None) -> list[str]:
    """The ids of ``member``'s top-k candidates by the embedding (never themselves), best first:
    among those who answered the onboarding questions (``answered``), who offered support
    (``supporting``), who lived that setback (``lived``, a moment's kind, or ANY_SETBACK), who
    offered support with one of these skills (``skilled``, from ``skills_named``)."""
    index = _index_of(uow.db)
    _refit_if_due(uow, index, only_first=True)  # the daily refit is the timer's (``size``)
    with index.lock:
        _catch_up(uow, index)
        population = index.population
        if population is None or not len(population):
            return []
        row = index.rows.get(member["_id"])
        if row is None:  # not searchable yet (say, a document made by one event of several)
            alone = embedding.embed([introductions.candidate_of(member, uow.now())], like=population)
            query, mask = alone.queries[0], int(alone.language_mask[0])
        else:
            query, mask = population.queries[row], int(population.language_mask[row])
        among = np.ones(len(population), bool)
        if answered:
            among &= index.answered
        if supporting:
            among &= index.supporting
        if lived is not None:
            lived_it = np.zeros(len(population), bool)
            lived_it[[r for r, kinds in index.setbacks.items()
                      if lived == ANY_SETBACK or lived in kinds]] = True
            among &= lived_it
        if skilled is not None:
            with_skill = np.zeros(len(population), bool)
            with_skill[sorted(set().union(*(index.skilled.get(x, ()) for x in skilled)))] = True
            among &= with_skill
        if row is not None:
            among[row] = False
        found = candidates.nearest(population, query, mask, k, among=among)
        return [population.ids[r] for r in found]


def skills_named(uow: "MatchingUnitOfWork", note: str | None) -> list[str]:
    """The skills supporters named that the note names (as asks.plain writes them): one look-up
    per run of the note's words, whatever the number of supporters."""
    index = _index_of(uow.db)
    _refit_if_due(uow, index, only_first=True)
    with index.lock:
        _catch_up(uow, index)
        return sorted(phrase for phrase in asks.phrases_of(note, index.longest_skill)
                      if phrase in index.skilled)


def size(uow: "MatchingUnitOfWork") -> int:
    """How many members the shortlist searches (after reading what changed, and refitting when
    the last fit is a day old)."""
    index = _index_of(uow.db)
    _refit_if_due(uow, index)
    with index.lock:
        _catch_up(uow, index)
        return 0 if index.population is None else len(index.population)


def _refit_if_due(uow: "MatchingUnitOfWork", index: _Index, only_first: bool = False) -> None:
    """Fit the vectors on the whole pool when none was fitted yet, when there was nobody to fit
    on, or (unless ``only_first``) when the last fit is ``REFIT_AFTER`` old. The new index is
    built aside, without the index's lock: events go on searching the one in place meanwhile
    (the fit reads the whole pool: tens of seconds at 100,000 members); it takes the place of
    the old one at once, then reads what changed while it was built."""
    def due() -> bool:
        return index.population is None or index.population.projection is None \
            or (not only_first and time.time() - index.fitted_at > REFIT_AFTER)

    if not due():
        return
    with index.refitting:  # one fit at a time; one waiting for another's finds it done
        if not due():
            return
        fresh = _fitted(uow)
        with index.lock:
            index.__dict__.update({k: v for k, v in fresh.__dict__.items()
                                   if k not in ("lock", "refitting")})


def _fitted(uow: "MatchingUnitOfWork") -> _Index:
    """A new index of the whole pool, fitted on it."""
    started = time.time()
    # What the index keeps of each document, and no more: a million documents at once would
    # not fit beside the vectors.
    fresh = _Index()
    members, answered, supporting = [], [], []
    now = uow.now()
    for row, doc in enumerate(uow.db.pool.find(SEARCHABLE)):
        members.append(introductions.candidate_of(doc, now))
        fresh.rows[doc["_id"]] = row
        fresh.revisions.append(doc.get("_rev", 0))
        answered.append(_answered(doc))
        supporting.append(_offers_support(doc))
        if doc.get("setbacks"):
            fresh.setbacks[row] = frozenset(doc["setbacks"])
        _set_skills(fresh, row, doc)
        if row % 1000 == 999:
            eventlet.sleep(0)  # the worker's other green threads (and heartbeats) go on
    fresh.population = tpool.execute(embedding.embed, members)
    fresh.answered = np.array(answered, bool)
    fresh.supporting = np.array(supporting, bool)
    # What was written while the pool was read is read again after the swap.
    fresh.read_until, fresh.fitted_at = started - OVERLAP, started
    return fresh


def _catch_up(uow: "MatchingUnitOfWork", index: _Index) -> None:
    """Embed the pool documents stamped since the last read (under the index's lock)."""
    if index.population is None:
        return
    started = time.time()
    changed = [doc for doc in uow.db.pool.find({"changed": {"$gte": index.read_until}} | SEARCHABLE)
               if doc["_id"] not in index.rows
               or index.revisions[index.rows[doc["_id"]]] != doc.get("_rev", 0)]
    index.read_until = started - OVERLAP
    if changed:
        _embed_into(uow, index, changed)


def _embed_into(uow: "MatchingUnitOfWork", index: _Index, docs: list[dict]) -> None:
    """Put the members of ``docs`` in the index like the pool: in their rows, or appended."""
    population = index.population
    made = embedding.embed([introductions.candidate_of(doc, uow.now()) for doc in docs],
                           like=population)
    answered, supporting = _flags(docs)
    new = [i for i, doc in enumerate(docs) if doc["_id"] not in index.rows]
    for i, doc in enumerate(docs):
        row = index.rows.get(doc["_id"])
        if row is None:
            continue
        population.vectors[row], population.queries[row] = made.vectors[i], made.queries[i]
        population.language_mask[row] = made.language_mask[i]
        population.capacity[row] = made.capacity[i]
        index.revisions[row] = doc.get("_rev", 0)
        index.answered[row], index.supporting[row] = answered[i], supporting[i]
        _set_setbacks(index, row, doc)
        _set_skills(index, row, doc)
    if not new:
        return
    start = len(population)
    index.population = replace(
        population, ids=population.ids + [docs[i]["_id"] for i in new],
        language_mask=np.concatenate([population.language_mask, made.language_mask[new]]),
        vectors=np.concatenate([population.vectors, made.vectors[new]]),
        capacity=np.concatenate([population.capacity, made.capacity[new]]),
        queries=np.concatenate([population.queries, made.queries[new]]))
    index.answered = np.concatenate([index.answered, answered[new]])
    index.supporting = np.concatenate([index.supporting, supporting[new]])
    for offset, i in enumerate(new):
        index.rows[docs[i]["_id"]] = start + offset
        index.revisions.append(docs[i].get("_rev", 0))
        _set_setbacks(index, start + offset, docs[i])
        _set_skills(index, start + offset, docs[i])


def _set_setbacks(index: _Index, row: int, doc: dict) -> None:
    if doc.get("setbacks"):
        index.setbacks[row] = frozenset(doc["setbacks"])
    else:
        index.setbacks.pop(row, None)


def _set_skills(index: _Index, row: int, doc: dict) -> None:
    """The row under each skill its member named, if they offer support (and under no other)."""
    for skill in index.skills.pop(row, ()):
        index.skilled[skill].discard(row)
    named = frozenset(asks.plain(x) for x in (doc.get("profile") or {}).get("skills") or ()
                      if asks.plain(x)) if _offers_support(doc) else frozenset()
    if named:
        index.skills[row] = named
        for skill in named:
            index.skilled.setdefault(skill, set()).add(row)
            index.longest_skill = max(index.longest_skill, skill.count(" ") + 1)


def _answered(doc: dict) -> bool:
    return doc.get("revision", 0) >= 1


def _offers_support(doc: dict) -> bool:
    return (doc.get("profile") or {}).get("offers_support") is True


def _flags(docs: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    """Who answered the questions, and who offers support, of ``docs``."""
    return (np.fromiter(map(_answered, docs), bool, len(docs)),
            np.fromiter(map(_offers_support, docs), bool, len(docs)))
