"""The b-matching as it was first written, in plain Python over ids: the oracle that
``assignment.assign`` (numpy and numba over rows) must agree with, edge for edge."""

import math
from collections.abc import Iterable, Mapping

from workbuddy_matching.domain.assignment import _MIN_GAIN, Edge


def assign(capacity: Mapping[str, int], edges: Iterable[Edge], improve_passes: int = 3) -> list[Edge]:
    """What ``assignment.assign`` promises, by dicts of ids and sorted lists."""
    weights = _usable(capacity, edges)
    order = sorted(weights.items(), key=lambda item: (-item[1], item[0]))
    left = {member: int(c) for member, c in capacity.items() if c > 0}
    chosen: dict[tuple[str, str], float] = {}
    _greedy(order, left, chosen)
    if improve_passes > 0 and order:
        for _ in range(improve_passes):
            if not _swap_pass(order, left, chosen):
                break
        _greedy(order, left, chosen)
    return sorted(((a, b, w) for (a, b), w in chosen.items()), key=lambda e: (-e[2], e[0], e[1]))


def _usable(capacity: Mapping[str, int], edges: Iterable[Edge]) -> dict[tuple[str, str], float]:
    best: dict[tuple[str, str], float] = {}
    get = capacity.get
    for a, b, w in edges:
        if a == b or not w > 0 or not math.isfinite(w) or not get(a, 0) > 0 or not get(b, 0) > 0:
            continue
        key = (a, b) if a < b else (b, a)
        if w > best.get(key, 0.0):
            best[key] = float(w)
    return best


def _greedy(order: list[tuple[tuple[str, str], float]], left: dict[str, int],
            chosen: dict[tuple[str, str], float]) -> None:
    for key, w in order:
        a, b = key
        if left[a] and left[b] and key not in chosen:
            chosen[key] = w
            left[a] -= 1
            left[b] -= 1


def _free_partners(spare_adjacency: dict[str, list[tuple[float, str]]], member: str, avoid: str,
                   left: dict[str, int], chosen: dict[tuple[str, str], float]) -> list[tuple[float, str]]:
    """The (at most two) heaviest unchosen pairs from ``member`` to someone with spare capacity."""
    found: list[tuple[float, str]] = []
    for w, other in spare_adjacency.get(member, ()):
        if other != avoid and left[other] > 0:
            key = (member, other) if member < other else (other, member)
            if key not in chosen:
                found.append((w, other))
                if len(found) == 2:
                    break
    return found


def _swap_pass(order: list[tuple[tuple[str, str], float]], left: dict[str, int],
               chosen: dict[tuple[str, str], float]) -> bool:
    """Replace a chosen pair (v, w) by (u, v) and (w, x), or by one of them, when the total rises.

    Augmenting paths of length at most three, lightest chosen pairs first; returns whether any
    swap was made. Only pairs towards members with spare capacity can take part, so only those
    are indexed (heaviest first).
    """
    spare_adjacency: dict[str, list[tuple[float, str]]] = {}
    for (a, b), w in order:
        if left[b]:
            spare_adjacency.setdefault(a, []).append((w, b))
        if left[a]:
            spare_adjacency.setdefault(b, []).append((w, a))
    if not spare_adjacency:
        return False
    improved = False
    for key, c in sorted(chosen.items(), key=lambda item: (item[1], item[0])):
        v, w = key
        if chosen.get(key) != c or (v not in spare_adjacency and w not in spare_adjacency):
            continue  # swapped out earlier in this pass, or nobody with spare capacity nearby
        at_v = _free_partners(spare_adjacency, v, w, left, chosen)
        at_w = _free_partners(spare_adjacency, w, v, left, chosen)
        best_gain, best_new = _MIN_GAIN, None
        for a, u in at_v:
            if a - c > best_gain:
                best_gain, best_new = a - c, [(u, v, a)]
            for b, x in at_w:
                if u == x and left[u] < 2:
                    continue
                if a + b - c > best_gain:
                    best_gain, best_new = a + b - c, [(u, v, a), (w, x, b)]
        for b, x in at_w:
            if b - c > best_gain:
                best_gain, best_new = b - c, [(w, x, b)]
        if best_new is None:
            continue
        del chosen[key]
        left[v] += 1
        left[w] += 1
        for p, q, weight in best_new:
            chosen[(p, q) if p < q else (q, p)] = weight
            left[p] -= 1
            left[q] -= 1
        improved = True
    return improved
