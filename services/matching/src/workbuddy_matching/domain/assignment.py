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

import numpy as np

Edge = tuple[str, str, float]

# A swap must gain at least this much, so rounding noise never makes the passes cycle.
_MIN_GAIN = 1e-12
# Edges looked at together by the greedy: those with a full member are dropped at once.
_CHUNK = 1 << 15


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
    a, b, w = _usable(np.asarray(capacity), np.asarray(a, np.int64), np.asarray(b, np.int64),
                      np.asarray(w, np.float64))
    left = np.maximum(np.asarray(capacity, dtype=np.int64), 0).tolist()
    chosen: dict[tuple[int, int], float] = {}
    _greedy(a, b, w, left, chosen)
    if improve_passes > 0 and len(w):
        for _ in range(improve_passes):
            if not _swap_pass(a, b, w, left, chosen):
                break
        _greedy(a, b, w, left, chosen)
    found = np.array(list(chosen), dtype=np.int64).reshape(-1, 2)
    weights = np.fromiter(chosen.values(), np.float64, len(chosen))
    order = np.lexsort((found[:, 1], found[:, 0], -weights))
    return found[order, 0], found[order, 1], weights[order]


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
    # Heaviest first, ties by rows; the first of each pair is its heaviest.
    order = np.lexsort((hi, lo, -w))
    lo, hi, w = lo[order], hi[order], w[order]
    _, first = np.unique(lo * max(len(capacity), 1) + hi, return_index=True)
    first.sort()
    return lo[first], hi[first], w[first]


def _greedy(a: np.ndarray, b: np.ndarray, w: np.ndarray, left: list[int],
            chosen: dict[tuple[int, int], float]) -> None:
    room = np.array(left, dtype=np.int64)
    for start in range(0, len(w), _CHUNK):
        # Capacity only falls during the greedy: an edge with a full member now stays unusable.
        ca, cb = a[start:start + _CHUNK], b[start:start + _CHUNK]
        open_ = np.flatnonzero((room[ca] > 0) & (room[cb] > 0))
        if not len(open_):
            continue
        took = []
        edges = zip(ca[open_].tolist(), cb[open_].tolist(), w[start + open_].tolist(), strict=True)
        for x, y, weight in edges:
            if left[x] and left[y] and (x, y) not in chosen:
                chosen[(x, y)] = weight
                left[x] -= 1
                left[y] -= 1
                took += (x, y)
        if took:
            room[took] = [left[member] for member in took]


def _free_partners(spare: dict[int, tuple[int, int]], others: list[int], weights: list[float], member: int,
                   avoid: int, left: list[int],
                   chosen: dict[tuple[int, int], float]) -> list[tuple[float, int]]:
    """The (at most two) heaviest unchosen pairs from ``member`` to someone with spare capacity."""
    found: list[tuple[float, int]] = []
    start, end = spare.get(member, (0, 0))
    for i in range(start, end):
        other = others[i]
        if other != avoid and left[other] > 0:
            key = (member, other) if member < other else (other, member)
            if key not in chosen:
                found.append((weights[i], other))
                if len(found) == 2:
                    break
    return found


def _spare_adjacency(a: np.ndarray, b: np.ndarray, w: np.ndarray,
                     left: list[int]) -> tuple[dict[int, tuple[int, int]], list[int], list[float]]:
    """For each member, the edges towards members with spare capacity, heaviest first: member ->
    (start, end) into the two lists of the other members and the weights."""
    spare = np.array(left, dtype=np.int64) > 0
    towards_b, towards_a = np.flatnonzero(spare[b]), np.flatnonzero(spare[a])
    member = np.concatenate([a[towards_b], b[towards_a]])
    other = np.concatenate([b[towards_b], a[towards_a]])
    position = np.concatenate([towards_b, towards_a])
    order = np.lexsort((position, member))  # per member, in the greedy's order: heaviest first
    member, other, weights = member[order], other[order], w[position[order]]
    if not len(member):
        return {}, [], []
    starts = np.flatnonzero(np.r_[True, member[1:] != member[:-1]])
    ends = np.r_[starts[1:], len(member)]
    ranges = dict(zip(member[starts].tolist(), zip(starts.tolist(), ends.tolist(), strict=True), strict=True))
    return ranges, other.tolist(), weights.tolist()


def _swap_pass(a: np.ndarray, b: np.ndarray, w: np.ndarray, left: list[int],
               chosen: dict[tuple[int, int], float]) -> bool:
    """Replace a chosen pair (v, y) by (u, v) and (y, x), or by one of them, when the total rises.

    Augmenting paths of length at most three, lightest chosen pairs first; returns whether any
    swap was made. Only pairs towards members with spare capacity can take part, so only those
    are indexed (heaviest first).
    """
    spare, others, weights = _spare_adjacency(a, b, w, left)
    if not spare:
        return False
    improved = False
    for key, c in sorted(chosen.items(), key=lambda item: (item[1], item[0])):
        v, y = key
        if chosen.get(key) != c or (v not in spare and y not in spare):
            continue  # swapped out earlier in this pass, or nobody with spare capacity nearby
        at_v = _free_partners(spare, others, weights, v, y, left, chosen)
        at_y = _free_partners(spare, others, weights, y, v, left, chosen)
        best_gain, best_new = _MIN_GAIN, None
        for uv, u in at_v:
            if uv - c > best_gain:
                best_gain, best_new = uv - c, [(u, v, uv)]
            for yx, x in at_y:
                if u == x and left[u] < 2:
                    continue
                if uv + yx - c > best_gain:
                    best_gain, best_new = uv + yx - c, [(u, v, uv), (y, x, yx)]
        for yx, x in at_y:
            if yx - c > best_gain:
                best_gain, best_new = yx - c, [(y, x, yx)]
        if best_new is None:
            continue
        del chosen[key]
        left[v] += 1
        left[y] += 1
        for p, q, weight in best_new:
            chosen[(p, q) if p < q else (q, p)] = weight
            left[p] -= 1
            left[q] -= 1
        improved = True
    return improved
