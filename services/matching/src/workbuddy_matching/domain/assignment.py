"""Choosing buddies from a shortlist of weighted pairs: a b-matching.

Each member m wants up to ``capacity[m]`` buddies; ``assign`` picks pairs so that nobody gets more
than that, nobody is paired with themselves and no pair is chosen twice. It is the greedy by
descending weight (what b-suitor computes, ties broken by ids) -- a 1/2-approximation of the best
total weight -- followed by leftover passes: swapping one chosen pair for two pairs that use
spare capacity when that raises the total, then a second greedy over what capacity is left.

``assign_rows`` is the same over members numbered by rows (numpy arrays of pairs: a round at a
million members weighs tens of millions of them, too many for tuples of ids); ``assign`` numbers
the ids in their sorted order, so both break ties alike.

Deterministic whatever the order of the input edges.
"""

import math
from collections.abc import Iterable, Mapping

import numba
import numpy as np

Edge = tuple[str, str, float]

# A swap must gain at least this much, so rounding noise never makes the passes cycle.
_MIN_GAIN = 1e-12


def assign(capacity: Mapping[str, int], edges: Iterable[Edge], improve_passes: int = 3) -> list[Edge]:
    """The chosen pairs ``(a, b, weight)`` with ``a < b``, heaviest first.

    Input edges may repeat a pair (the heaviest weight counts), join a member to themselves, have a
    weight that is not positive or not finite, or name members without capacity: such edges are
    never chosen.
    """
    ids = sorted(capacity)
    row = {member: i for i, member in enumerate(ids)}
    rows_a, rows_b, weights = [], [], []
    for a, b, w in edges:
        if a in row and b in row:
            rows_a.append(row[a])
            rows_b.append(row[b])
            weights.append(w)
    a, b, w = assign_rows(np.array([capacity[m] for m in ids], dtype=np.int64),
                          np.array(rows_a, dtype=np.int64), np.array(rows_b, dtype=np.int64),
                          np.array(weights, dtype=np.float64), improve_passes)
    return [(ids[x], ids[y], weight) for x, y, weight in zip(a.tolist(), b.tolist(), w.tolist(), strict=True)]


def assign_rows(capacity: np.ndarray, a: np.ndarray, b: np.ndarray, w: np.ndarray,
                improve_passes: int = 3) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``assign`` over rows: ``capacity[row]``, and the edges ``(a[i], b[i], w[i])``. The chosen
    pairs as three arrays, ``a < b``, heaviest first (ties by ``a``, then ``b``)."""
    capacity = np.asarray(capacity, dtype=np.int64)
    a, b, w = _usable(capacity, np.asarray(a, np.int64), np.asarray(b, np.int64), np.asarray(w, np.float64))
    left = np.maximum(capacity, 0)
    chosen = np.zeros(len(w), dtype=bool)  # by edge, in the greedy's order
    _greedy(a, b, left, chosen)
    if improve_passes > 0 and len(w):
        for _ in range(improve_passes):
            if not _swap_pass(a, b, w, left, chosen):
                break
        _greedy(a, b, left, chosen)
    picked = np.flatnonzero(chosen)  # the greedy's order: heaviest first, ties by a, then b
    return a[picked], b[picked], w[picked]


def unmatched(capacity: Mapping[str, int], chosen: Iterable[Edge]) -> set[str]:
    """Members who wanted at least one buddy and got none."""
    matched = set()
    for a, b, _ in chosen:
        matched.add(a)
        matched.add(b)
    return {member for member, c in capacity.items() if c > 0 and member not in matched}


def total_weight(chosen: Iterable[Edge]) -> float:
    return math.fsum(w for _, _, w in chosen)


def _usable(capacity: np.ndarray, a: np.ndarray, b: np.ndarray,
            w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The edges that may be chosen, each pair once with its heaviest weight, smaller row first,
    heaviest first (ties by rows): the greedy's order."""
    keep = (a != b) & (w > 0) & np.isfinite(w)
    keep &= (a >= 0) & (b >= 0) & (a < len(capacity)) & (b < len(capacity))
    a, b, w = a[keep], b[keep], w[keep]
    keep = (capacity[a] > 0) & (capacity[b] > 0)
    lo, hi, w = np.minimum(a, b)[keep], np.maximum(a, b)[keep], w[keep]
    # By pair; a pair given more than once keeps its heaviest weight.
    key = lo * max(len(capacity), 1) + hi
    by_pair = np.argsort(key, kind="stable")
    key, lo, hi, w = key[by_pair], lo[by_pair], hi[by_pair], w[by_pair]
    if len(key) > 1 and (key[1:] == key[:-1]).any():
        heaviest = np.lexsort((-w, key))  # by pair, the heaviest first
        first_of_pair = np.r_[True, key[heaviest][1:] != key[heaviest][:-1]]
        kept = np.sort(heaviest[first_of_pair])
        lo, hi, w = lo[kept], hi[kept], w[kept]
    # Heaviest first, ties by pair (a stable sort of pairs in order).
    order = np.argsort(-w, kind="stable")
    return lo[order], hi[order], w[order]


@numba.njit(nogil=True)
def _greedy(a: np.ndarray, b: np.ndarray, left: np.ndarray, chosen: np.ndarray) -> None:
    """Choose each edge, heaviest first, whose two members still have room."""
    for i in range(len(a)):
        if not chosen[i] and left[a[i]] > 0 and left[b[i]] > 0:
            chosen[i] = True
            left[a[i]] -= 1
            left[b[i]] -= 1


def _swap_pass(a: np.ndarray, b: np.ndarray, w: np.ndarray, left: np.ndarray, chosen: np.ndarray) -> bool:
    """Replace a chosen pair (v, y) by (u, v) and (y, x), or by one of them, when the total rises.

    Augmenting paths of length at most three, lightest chosen pairs first; returns whether any
    swap was made. Only pairs towards members with spare capacity can take part, so only those
    are indexed, per member and heaviest first (the greedy's order).
    """
    spare = left > 0
    towards_b, towards_a = np.flatnonzero(spare[b]), np.flatnonzero(spare[a])
    member = np.concatenate([a[towards_b], b[towards_a]])
    if not len(member):
        return False
    other = np.concatenate([b[towards_b], a[towards_a]])
    position = np.concatenate([towards_b, towards_a])
    order = np.lexsort((position, member))
    member, other, position = member[order], other[order], position[order]
    rows = np.arange(len(left))
    start, end = np.searchsorted(member, rows), np.searchsorted(member, rows, side="right")
    lightest = np.flatnonzero(chosen)
    lightest = lightest[np.lexsort((b[lightest], a[lightest], w[lightest]))]
    return _swaps(a, b, w, left, chosen, start, end, other, position, lightest)


@numba.njit(nogil=True)
def _free_partners(member: int, avoid: int, left: np.ndarray, chosen: np.ndarray, start: np.ndarray,
                   end: np.ndarray, other: np.ndarray, position: np.ndarray) -> tuple[int, int, int]:
    """The (at most two) heaviest unchosen edges from ``member`` to someone with spare capacity:
    how many, and their positions (-1 for none)."""
    found, first, second = 0, -1, -1
    for i in range(start[member], end[member]):
        if other[i] != avoid and left[other[i]] > 0 and not chosen[position[i]]:
            if found == 0:
                first = position[i]
            else:
                second = position[i]
            found += 1
            if found == 2:
                break
    return found, first, second


@numba.njit(nogil=True)
def _swaps(a: np.ndarray, b: np.ndarray, w: np.ndarray, left: np.ndarray, chosen: np.ndarray,
           start: np.ndarray, end: np.ndarray, other: np.ndarray, position: np.ndarray,
           lightest: np.ndarray) -> bool:
    improved = False
    at_v = np.empty(2, np.int64)
    at_y = np.empty(2, np.int64)
    for edge in lightest:
        v, y, c = a[edge], b[edge], w[edge]
        if not chosen[edge] or (start[v] == end[v] and start[y] == end[y]):
            continue  # swapped out earlier in this pass, or nobody with spare capacity nearby
        count_v, at_v[0], at_v[1] = _free_partners(v, y, left, chosen, start, end, other, position)
        count_y, at_y[0], at_y[1] = _free_partners(y, v, left, chosen, start, end, other, position)
        best_gain, best_v, best_y = _MIN_GAIN, -1, -1
        for i in range(count_v):
            uv = w[at_v[i]]
            u = a[at_v[i]] + b[at_v[i]] - v
            if uv - c > best_gain:
                best_gain, best_v, best_y = uv - c, at_v[i], -1
            for j in range(count_y):
                x = a[at_y[j]] + b[at_y[j]] - y
                if u == x and left[u] < 2:
                    continue
                if uv + w[at_y[j]] - c > best_gain:
                    best_gain, best_v, best_y = uv + w[at_y[j]] - c, at_v[i], at_y[j]
        for j in range(count_y):
            if w[at_y[j]] - c > best_gain:
                best_gain, best_v, best_y = w[at_y[j]] - c, -1, at_y[j]
        if best_v < 0 and best_y < 0:
            continue
        chosen[edge] = False
        left[v] += 1
        left[y] += 1
        for new in (best_v, best_y):
            if new >= 0:
                chosen[new] = True
                left[a[new]] -= 1
                left[b[new]] -= 1
        improved = True
    return improved
