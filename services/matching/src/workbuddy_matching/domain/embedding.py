"""Members as vectors whose dot products follow their compatibility, to shortlist a large round.

``compatibility.score`` is exact but costs one Python call per pair; a round over 100,000 members
cannot look at five billion pairs. ``embed`` turns each member into two vectors -- what others
find them by, and what they search with -- so that the dot product of a's query with b's vector
ranks b roughly as the score would; ``shortlist_pairs`` keeps each member's best candidates by
that dot product (candidates.py), and ``rescore`` gives the exact score of those pairs.

How the vectors are made
------------------------

A side of the score (how well b answers a) is a weighted mean of components. Leaving aside the
geometric mean of the two sides (ranking by their sum is nearly the same), the score is about

    side(a, b) + side(b, a),   side(a, b) = s_a * sum over components c of w_c * f_c(a, b)

where f_c(a, b) is component c told from a's side and ``s_a`` is one over the total weight of what
a answered (a member who answered little has each answer count more). Every f_c is a product of
something about a and something about b: ``f_c(a, b) = psi_c(a) . chi_c(b)``:

* support: psi = a's wishes / how many, chi = b's wishes (the share of a's wishes b shares);
* sector: chi = b's sector (one-hot), psi = for a's preference, how well each sector answers it
  (same / adjacent / different, from the sector table and its adjacency), 0.5 when either member
  gave no sector;
* commitment: a thermometer code (momentary < regular < projects), so the dot product is
  1 - gap / 2; time zone: the offset on the reference day as a point on a circle, with the first
  harmonics of the overlap of working hours (a triangle in the offset) as Fourier features;
* fit: per trait a thermometer code of the 1-5 answer, flipped for complementarity, so the dot
  product is 1 - gap or the gap; bond: the table of bonds; city: a pseudo-random unit vector per
  city (its plain spelling hashed), so two members of one city meet at 1, others at 0 give or
  take 0.35 (8 dimensions: a small weight does not deserve more);
* the partner's reactions (showing up, and speed for those who want urgent advice): psi is 1 or the
  wish, chi the value.

Components that do not apply to a pair leave the mean (compatibility.py); here a component the
partner did not answer (no city, no commitment) counts as ``ABSENT`` = 0.9 of its weight: about
what the other components of a well-matched pair are worth, so that an unanswered question
neither sinks nor lifts a candidate near the top (0.8 and 1.0 ranked slightly worse on synthetic
populations). Languages shared beyond the first one (weight 0.5) are left out.

Then ``s_a psi(a) . chi(b) + s_b psi(b) . chi(a)`` is one symmetric bilinear form of
``x = [s psi, chi]``; written in the basis where it is diagonal, it is ``y_a . (g * y_b)`` with
``y = [s psi + chi, s psi - chi] / sqrt(2)`` and ``g`` = +1 on the first half, -1 on the second
(a pseudo-Euclidean space: not a cosine, hence the query vectors). That is about 300 numbers per
member; ``DIMENSIONS - 1`` of them are kept by the best low-rank approximation of the form over a
sample of the population (eigenvectors of the form in the span of the sample, largest first;
the same projection then serves every member). Last, one "slack" coordinate brings every member's
vector to the same length (queries have 0 there), so vectors are unit length and each query
ranks them as before: candidates.py's inverted file can search them.

What it gives (tests/unit/test_embedding.py, bench/matching_round.py): with 10 candidates per
member, the shortlist holds 83 % of each member's ten best partners by the exact score among
1,000 members, 63 % among 100,000 (where many score within a few thousandths of each other),
and each member's best shortlisted partner scores within 0.3 % of their best possible one. It is
a shortlist, never a decision: pairs are always rescored exactly.
"""

import dataclasses
import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import numpy as np

from workbuddy_contracts import sectors
from workbuddy_contracts.vocabulary import SUPPORT, TRAITS

from . import candidates
from .compatibility import (
    BOND_OPEN,
    BOND_OTHER,
    BOND_SAME,
    NEUTRAL,
    REFERENCE_DAY,
    WEIGHTS,
    WORK_HOURS,
    WORK_START,
    Candidate,
    _zone,
)
from .pair_scores import _RELATION, _SECTOR_FIT, Scorer

__all__ = ["DIMENSIONS", "Projection", "Embedded", "embed", "shortlist_pairs", "shortlist_rows", "rescore"]

# Vector length, slack coordinate included. Recall grows with it (each member's exact top-10
# among their own top-10 by the embedding, 30,000 members: 59 % at 64, 68 % at 96, 71 % at 128),
# and so does cost: the rematch against a million members is a matrix-vector product over it,
# and 96 keeps it under 100 ms on 2 cores.
DIMENSIONS = 96
# What a component the partner left unanswered is worth on a's side (of its weight).
ABSENT = 0.9
TIME_ZONE_HARMONICS = 4
CITY_DIMENSIONS = 8
# Members the projection is fitted on (seeded sample): enough to see every common answer.
FIT_SAMPLE = 20_000
# Members turned into features at once, so memory stays bounded for a million.
CHUNK = 1 << 16
# Pairs scored at once by rescore.
SCORE_CHUNK = 1 << 18


@dataclass(frozen=True)
class Projection:
    """From the ~300 features of a member to ``DIMENSIONS - 1`` numbers, and back to unit length."""

    matrix: np.ndarray  # (features, r)
    signs: np.ndarray  # (r,) +1 / -1: the query is the vector times these
    radius: float  # the longest projected vector of the population: the slack fills up to it


@dataclass(eq=False)
class Embedded(candidates.Population):
    """A population from ``embed``, keeping how its vectors were made, to embed more members alike."""

    projection: Projection | None = None


def embed(members: Sequence[Candidate], like: Embedded | None = None) -> Embedded:
    """Unit vectors, query vectors and language masks for ``members`` (in their order).

    With ``like``, its language table and projection are reused, so that the vectors can be
    compared with its own (a member's updated profile, rematched against the population).
    Inactive members speak no language here: no shortlist proposes them.
    """
    n = len(members)
    if like is not None:
        projection = like.projection
        table, mask = candidates.language_table([m.languages for m in members], like.languages)
    else:
        table, mask = candidates.language_table([m.languages for m in members])
        projection = _fit(members) if n else None
    mask[np.fromiter((not m.active for m in members), bool, n)] = 0
    if projection is None:
        empty = np.zeros((n, 0), dtype=np.float32)
        return Embedded([m.member_id for m in members], mask, empty, np.zeros(n), languages=table,
                        queries=empty, projection=None)
    projected = np.concatenate([_features(members[start:start + CHUNK]) @ projection.matrix
                                for start in range(0, n, CHUNK)]).astype(np.float32)
    if like is None:
        radius = float(np.sqrt((projected.astype(np.float64) ** 2).sum(axis=1).max(initial=0.0)))
        projection = Projection(projection.matrix, projection.signs, radius)
    vectors, queries = _unit(projected, projection)
    return Embedded([m.member_id for m in members], mask, vectors, [m.capacity for m in members],
                    languages=table, queries=queries, projection=projection)


def shortlist_pairs(members: Sequence[Candidate], k: int, blocked: Collection[frozenset[str]] = frozenset(),
                    *, population: Embedded | None = None) -> list[tuple[int, int]]:
    """Candidate pairs ``(i, j)``, ``i < j`` indices into ``members``, sorted: each member's top-k by
    the embedding among the members sharing a language with them; never themselves, never a
    blocked pair (pairs of member ids; ids not in ``members`` are ignored), never an inactive
    member. A pair appears once even when both members found each other.

    ``population``: ``embed(members)`` when the caller already has it (its blocked set is left
    alone)."""
    i, j = shortlist_rows(members, k, blocked, population=population)
    return list(zip(i.tolist(), j.tolist(), strict=True))


def shortlist_rows(members: Sequence[Candidate], k: int, blocked: Collection[frozenset[str]] = frozenset(),
                   *, population: Embedded | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``shortlist_pairs`` as two arrays of indices, sorted by pair."""
    if k <= 0 or len(members) < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    pop = dataclasses.replace(population or embed(members), blocked={p for p in blocked if len(p) == 2})
    i, j, _ = candidates.shortlist_arrays(pop, k)
    if pop.shared_last_bit:
        # Languages past the 63 most spoken share a bit: check the languages themselves.
        share = np.fromiter((bool(members[x].languages & members[y].languages)
                             for x, y in zip(i.tolist(), j.tolist(), strict=True)), bool, len(i))
        i, j = i[share], j[share]
    return i, j


def rescore(members: Sequence[Candidate], pairs: Sequence[tuple[int, int]]) -> list[tuple[int, int, float]]:
    """``(i, j, compatibility.score(members[i], members[j]).score)`` for each pair the hard rules
    allow without knowing capacities or history (not the same member, both active, a shared
    language); the others are left out. Exact (pair_scores.py), in the order of ``pairs``."""
    found = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    values = _scores(members, found)
    keep = ~np.isnan(values)
    return list(zip(found[keep, 0].tolist(), found[keep, 1].tolist(), values[keep].tolist(), strict=True))


def _scores(members: Sequence[Candidate], pairs: np.ndarray) -> np.ndarray:
    """Exact score of each pair; NaN where the hard rules refuse it."""
    if not len(pairs):
        return np.empty(0)
    # Only the members the pairs name are tabulated (a rematch names 51 of a million).
    used, local = np.unique(pairs, return_inverse=True)
    local = local.reshape(-1, 2)
    scorer = Scorer([members[i] for i in used.tolist()])
    values = np.full(len(pairs), np.nan)
    for start in range(0, len(pairs), SCORE_CHUNK):
        a, b = local[start:start + SCORE_CHUNK, 0], local[start:start + SCORE_CHUNK, 1]
        allowed = scorer.allowed(a, b)
        values[start:start + SCORE_CHUNK][allowed] = scorer.score(a[allowed], b[allowed])
    return values


# --- the features -----------------------------------------------------------------------------


def _fit(members: Sequence[Candidate]) -> Projection:
    """The best low-rank approximation of the pair form over a sample of ``members``."""
    rng = np.random.default_rng(0)
    sample = np.sort(rng.choice(len(members), size=min(FIT_SAMPLE, len(members)), replace=False))
    features = _features([members[i] for i in sample.tolist()])
    signs = _signs(features.shape[1] // 2)
    # features = U S Wt (Wt from the small Gram matrix, far cheaper than an SVD of the sample);
    # the form over the sample is then U (S Wt G W S) U^t: diagonalise the middle.
    gram, basis = np.linalg.eigh(features.T @ features)
    keep = gram > 1e-12 * gram.max(initial=0.0)
    strength, basis = np.sqrt(gram[keep]), basis[:, keep].T
    middle = (strength[:, None] * basis) @ (signs[:, None] * (basis.T * strength))
    eigen, vectors = np.linalg.eigh(middle)
    top = np.argsort(-np.abs(eigen), kind="stable")[:DIMENSIONS - 1]
    eigen, vectors = eigen[top], vectors[:, top]
    matrix = basis.T @ (vectors / strength[:, None]) * np.sqrt(np.abs(eigen))
    return Projection(matrix, np.where(eigen < 0, -1.0, 1.0), radius=0.0)


def _signs(half: int) -> np.ndarray:
    return np.concatenate([np.ones(half), -np.ones(half)])


def _unit(projected: np.ndarray, projection: Projection) -> tuple[np.ndarray, np.ndarray]:
    """Vectors of unit length (a slack coordinate fills each up to the radius) and unit queries."""
    squared = (projected.astype(np.float64) ** 2).sum(axis=1)
    radius = max(projection.radius, float(np.sqrt(squared.max(initial=0.0))), 1e-12)
    slack = np.sqrt(np.maximum(radius ** 2 - squared, 0.0))
    vectors = np.concatenate([projected, slack[:, None].astype(np.float32)], axis=1) / np.float32(radius)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    queries = np.concatenate([projected * projection.signs.astype(np.float32),
                              np.zeros((len(projected), 1), np.float32)], axis=1)
    queries /= np.maximum(np.linalg.norm(queries, axis=1, keepdims=True), 1e-12)
    return vectors, queries


def _features(members: Sequence[Candidate]) -> np.ndarray:
    """``y = [s psi + chi, s psi - chi] / sqrt(2)`` for each member (module docstring)."""
    table = Scorer(members)
    n = len(members)
    psi: list[np.ndarray] = []
    chi: list[np.ndarray] = []

    def component(name: str, wish: np.ndarray, answer: np.ndarray) -> None:
        psi.append(WEIGHTS[name] * wish.reshape(n, -1))
        chi.append(answer.reshape(n, -1))

    ones = np.ones(n)
    harmonics = _time_zone_features(table)
    component("time_zone", harmonics, harmonics)

    has_city = table.city >= 0
    city = _city_vectors(table.cities)[np.maximum(table.city, 0)] * has_city[:, None]
    component("city", np.c_[city, ABSENT * has_city], np.c_[city, ~has_city])

    known = (table.commitment >= 0)[:, None]
    steps = np.c_[table.commitment > 0, table.commitment > 1].astype(float)
    component("commitment", known * np.c_[steps, 1 - steps, ABSENT * ones],
              np.c_[known * steps / 2, known * (1 - steps) / 2, ~known[:, 0]])

    wishes = ((table.support[:, :1] >> np.arange(len(SUPPORT), dtype=np.uint64)) & np.uint64(1)).astype(float)
    component("support", wishes / np.maximum(table.support_count, 1)[:, None], wishes)
    component("urgent", table.urgent_wish * 1.0, table.urgent)
    component("showing_up", ones, table.showing_up)
    component("sector", *_sector_features(table))
    for trait in range(len(TRAITS)):
        wish, answer = _trait_features(table, trait)
        psi.append(WEIGHTS["fit"] / len(TRAITS) * wish)
        chi.append(answer)
    bond_fit = np.array([[BOND_SAME, BOND_OTHER, BOND_OPEN, BOND_OTHER],
                         [BOND_OTHER, BOND_SAME, BOND_OPEN, BOND_OTHER], [0.0] * 4, [0.0] * 4])
    component("bond", bond_fit[table.bond], np.eye(4)[table.bond])

    answered = (WEIGHTS["time_zone"] + WEIGHTS["showing_up"] + WEIGHTS["city"] * has_city
                + WEIGHTS["commitment"] * known[:, 0] + WEIGHTS["support"] * (table.support_count > 0)
                + WEIGHTS["sector"] * (table.preference >= 0) + WEIGHTS["fit"] * (table.fit >= 0)
                + WEIGHTS["bond"] * (table.bond < 2) + WEIGHTS["urgent"] * table.urgent_wish)
    wish, answer = np.concatenate(psi, axis=1) / answered[:, None], np.concatenate(chi, axis=1)
    return np.concatenate([wish + answer, wish - answer], axis=1) / np.sqrt(2)


@lru_cache(maxsize=1024)
def _offset_hours(zone: str) -> float:
    """Hours ahead of UTC at the start of the working day on compatibility's reference day."""
    return datetime.combine(REFERENCE_DAY, WORK_START, _zone(zone)).utcoffset().total_seconds() / 3600


@lru_cache(maxsize=1)
def _overlap_harmonics() -> np.ndarray:
    """Fourier coefficients of the shared working hours as a function of the offset gap: a
    triangle, WORK_HOURS wide at the base on each side, periodic over a day (non-negative, so the
    features are real)."""
    gap = (np.arange(24 * 64) + 0.5) / 64 - 12
    triangle = np.maximum(0.0, 1.0 - np.abs(gap) / WORK_HOURS)
    return np.array([np.mean(triangle * np.cos(2 * np.pi * h * gap / 24))
                     for h in range(TIME_ZONE_HARMONICS + 1)])


def _time_zone_features(table: Scorer) -> np.ndarray:
    angle = np.array([_offset_hours(zone) for zone in table.zones]) * (2 * np.pi / 24)
    coefficient = _overlap_harmonics()
    columns = [np.full(len(angle), np.sqrt(coefficient[0]))]
    for h in range(1, TIME_ZONE_HARMONICS + 1):
        amplitude = np.sqrt(2 * coefficient[h])
        columns += [amplitude * np.cos(h * angle), amplitude * np.sin(h * angle)]
    return np.stack(columns, axis=1)[table.zone]


def _city_vectors(cities: list[str]) -> np.ndarray:
    """A pseudo-random unit vector per city, the same in every population (hashed spelling)."""
    found = np.zeros((max(len(cities), 1), CITY_DIMENSIONS))
    for i, city in enumerate(cities):
        seed = int.from_bytes(hashlib.blake2b(city.encode(), digest_size=8).digest(), "little")
        vector = np.random.default_rng(seed).standard_normal(CITY_DIMENSIONS)
        found[i] = vector / np.linalg.norm(vector)
    return found


@lru_cache(maxsize=1)
def _adjacency() -> np.ndarray:
    return (_RELATION == 1).astype(float)


def _sector_features(table: Scorer) -> tuple[np.ndarray, np.ndarray]:
    """psi . chi = how well b's sector answers a's preference (0.5 when a sector is missing)."""
    n, count = len(table.sector), len(sectors.CODES)
    known = table.sector >= 0
    one_hot = np.zeros((n, count))
    one_hot[known, table.sector[known]] = 1.0
    wishing = table.preference >= 0
    same, adjacent, different = (np.where(wishing, _SECTOR_FIT[np.maximum(table.preference, 0), r], 0.0)
                                 for r in range(3))
    neutral = NEUTRAL * wishing
    wish = np.c_[np.where(known, different, neutral), np.where(known, neutral - different, 0.0),
                 known[:, None] * ((same - different)[:, None] * one_hot
                                   + (adjacent - different)[:, None] * (one_hot @ _adjacency()))]
    return wish, np.c_[np.ones(n), ~known, one_hot]


def _trait_features(table: Scorer, trait: int) -> tuple[np.ndarray, np.ndarray]:
    """psi . chi = 1 - gap (affinity) or gap (complementarity) on one trait; 0.5 when unanswered."""
    value, has = table.traits[:, trait], table.assessed[:, trait] * 1.0
    steps = np.stack([value > 1, value > 2, value > 3, value > 4], axis=1).astype(float)
    mine = np.where((table.fit == 0)[:, None], np.c_[steps, 1 - steps], np.c_[1 - steps, steps]) / 4
    fitted = (table.fit >= 0)[:, None]
    wish = fitted * np.c_[has[:, None] * mine, (1 - has) * NEUTRAL, has * NEUTRAL]
    answer = np.c_[has[:, None] * np.c_[steps, 1 - steps], np.ones(len(has)), 1 - has]
    return wish, answer
