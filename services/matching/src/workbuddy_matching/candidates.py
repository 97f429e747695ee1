"""Candidate pairs for a matching round without scoring all pairs.

Members are vectors (L2-normalised features; the dot product is their affinity) with a bitmask of
the languages they speak. Hard rules block first: two members are candidates only if they share
a language (search happens inside each language group) and neither blocked the other; nobody is
their own candidate. Inside a group, a small group is searched exactly (row blocks x group, so
memory stays bounded); a large one through an inverted file: spherical k-means cells, each
member filed in its nearest cell, searching the ``probes`` cells nearest to it. The shortlist keeps
each member's top-k; the exact score (compatibility.py) then only needs to look at those pairs.

``best_for`` is the incremental rematch of one member against the whole population: one
matrix-vector product, exact.
"""

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

LANGUAGES = ("fr", "en", "es", "de", "ar", "it", "pt", "nl")

# Groups up to this size are searched exactly; above it, through the inverted file.
EXACT_UP_TO = 6000
# Entries of one similarity block (rows x columns): 4M float32 = 16 MB.
BLOCK_ENTRIES = 1 << 22


@dataclass(eq=False)
class Population:
    ids: list[str]
    language_mask: np.ndarray  # (n,) uint8, bit b set when the member speaks LANGUAGES[b]
    vectors: np.ndarray  # (n, d) float32, rows of unit length
    capacity: np.ndarray  # (n,) int, buddies wanted (0-5)
    blocked: set[frozenset[str]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.language_mask = np.ascontiguousarray(self.language_mask, dtype=np.uint8)
        self.vectors = np.ascontiguousarray(self.vectors, dtype=np.float32)
        self.capacity = np.asarray(self.capacity, dtype=np.int64)
        n = len(self.ids)
        if self.language_mask.shape != (n,) or self.vectors.shape[0] != n or self.capacity.shape != (n,):
            raise ValueError("ids, language_mask, vectors and capacity must describe the same members")

    def __len__(self) -> int:
        return len(self.ids)

    @cached_property
    def index_of(self) -> dict[str, int]:
        return {member: i for i, member in enumerate(self.ids)}

    @cached_property
    def blocked_keys(self) -> np.ndarray:
        """Blocked pairs of indices as sorted keys ``i * n + j``, both orientations."""
        n, index = len(self.ids), self.index_of
        keys = []
        for pair in self.blocked:
            if len(pair) != 2:
                continue
            a, b = (index.get(m) for m in pair)
            if a is not None and b is not None:
                keys += [a * n + b, b * n + a]
        return np.unique(np.asarray(keys, dtype=np.int64))

    @cached_property
    def blocked_partners(self) -> dict[int, np.ndarray]:
        n = len(self.ids)
        keys = self.blocked_keys
        rows, cols = keys // n, keys % n
        cut = np.flatnonzero(np.diff(rows)) + 1
        return {int(r[0]): c for r, c in zip(np.split(rows, cut), np.split(cols, cut), strict=True) if len(r)}

    @cached_property
    def most_blocked(self) -> int:
        return max((len(c) for c in self.blocked_partners.values()), default=0)

    def capacities(self) -> dict[str, int]:
        return dict(zip(self.ids, self.capacity.tolist(), strict=True))


def weight_of(similarity: np.ndarray) -> np.ndarray:
    """Cosine similarity in [-1, 1] mapped to a weight in (0, 1]."""
    return np.clip((1.0 + similarity.astype(np.float64)) / 2.0, 1e-6, 1.0)


def shortlist(pop: Population, k: int, probes: int = 8, seed: int = 0) -> list[tuple[int, int, float]]:
    """Candidate edges ``(i, j, weight)`` with ``i < j``: each member's top-k most similar members
    among those sharing a language, minus self and blocked pairs (a pair appears once even when
    both found each other, or met in two languages)."""
    q, c, s = _top_k(pop, k, probes, seed)
    lo, hi = np.minimum(q, c), np.maximum(q, c)
    n = max(len(pop), 1)
    keys, first = np.unique(lo * n + hi, return_index=True)
    weights = weight_of(s[first])
    return list(zip((keys // n).tolist(), (keys % n).tolist(), weights.tolist(), strict=True))


def id_edges(pop: Population, edges: list[tuple[int, int, float]]) -> list[tuple[str, str, float]]:
    ids = pop.ids
    return [(ids[i], ids[j], w) for i, j, w in edges]


def best_for(pop: Population, index: int, k: int) -> list[tuple[int, float]]:
    """One member's top-k candidates ``(j, weight)`` against the whole population, heaviest first:
    exact, sharing a language, not blocked, not themselves."""
    similarity = pop.vectors @ pop.vectors[index]
    allowed = (pop.language_mask & pop.language_mask[index]) != 0
    allowed[index] = False
    blocked = pop.blocked_partners.get(index)
    if blocked is not None:
        allowed[blocked] = False
    # Gather the allowed ones rather than masking with -inf: argpartition slows down badly on
    # hundreds of thousands of equal values.
    pool = np.flatnonzero(allowed)
    scores = similarity[pool]
    count = min(k, len(pool))
    if count <= 0:
        return []
    top = np.argpartition(scores, -count)[-count:] if count < len(pool) else np.arange(count)
    top = top[np.lexsort((pool[top], -scores[top]))]
    return list(zip(pool[top].tolist(), weight_of(scores[top]).tolist(), strict=True))


def _top_k(pop: Population, k: int, probes: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Directed candidates (query, candidate, similarity): at most k per query, best first."""
    empty = (np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float32))
    if k <= 0 or len(pop) < 2:
        return empty
    rng = np.random.default_rng(seed)
    # Fetch a few spare candidates per query so that dropping blocked ones still leaves k.
    fetch = k + pop.most_blocked
    parts = []
    for bit in range(8):
        group = np.flatnonzero(pop.language_mask & (1 << bit))
        if len(group) < 2:
            continue
        vectors = pop.vectors[group]
        if len(group) <= EXACT_UP_TO:
            parts.append(_search_cell(group, vectors, np.arange(len(group)), np.arange(len(group)), fetch))
        else:
            parts.extend(_search_inverted(group, vectors, fetch, probes, rng))
    if not parts:
        return empty
    q = np.concatenate([p[0] for p in parts])
    c = np.concatenate([p[1] for p in parts])
    s = np.concatenate([p[2] for p in parts])
    n = len(pop)
    keys = q * n + c
    keep = (q != c) & ~np.isin(keys, pop.blocked_keys)
    q, c, s, keys = q[keep], c[keep], s[keep], keys[keep]
    # Best first per query, ties by candidate index; a pair met in two language groups once.
    order = np.lexsort((c, -s, q))
    q, c, s, keys = q[order], c[order], s[order], keys[order]
    _, first = np.unique(keys, return_index=True)
    first.sort()
    q, c, s = q[first], c[first], s[first]
    starts = np.flatnonzero(np.r_[True, q[1:] != q[:-1]])
    rank = np.arange(len(q)) - np.repeat(starts, np.diff(np.r_[starts, len(q)]))
    keep = rank < k
    return q[keep], c[keep], s[keep]


def _search_cell(group: np.ndarray, vectors: np.ndarray, queries: np.ndarray, members: np.ndarray,
                 fetch: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Top ``fetch`` of ``members`` for each of ``queries`` (positions in ``group``), in row blocks."""
    targets = vectors[members]
    width = len(members)
    take = min(fetch + 1, width)  # +1: the query itself is usually among the members
    rows = max(1, BLOCK_ENTRIES // max(width, 1))
    out_q, out_c, out_s = [], [], []
    for start in range(0, len(queries), rows):
        block = queries[start:start + rows]
        sims = vectors[block] @ targets.T
        if take < width:
            top = np.argpartition(sims, -take, axis=1)[:, -take:]
        else:
            top = np.broadcast_to(np.arange(width), (len(block), width))
        out_q.append(np.repeat(group[block], top.shape[1]))
        out_c.append(group[members[top]].ravel())
        out_s.append(np.take_along_axis(sims, top, axis=1).ravel())
    return np.concatenate(out_q), np.concatenate(out_c), np.concatenate(out_s)


def _search_inverted(group: np.ndarray, vectors: np.ndarray, fetch: int, probes: int,
                     rng: np.random.Generator) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    size = len(group)
    cells = max(2, int(np.sqrt(size) / 2))
    centroids = _spherical_kmeans(vectors, cells, rng)
    probes = min(probes, cells)
    nearest = np.empty((size, probes), dtype=np.int64)
    rows = max(1, BLOCK_ENTRIES // cells)
    for start in range(0, size, rows):
        sims = vectors[start:start + rows] @ centroids.T
        top = np.argpartition(sims, -probes, axis=1)[:, -probes:] if probes < cells else \
            np.broadcast_to(np.arange(cells), (len(sims), cells))
        best = np.take_along_axis(sims, top, axis=1)
        nearest[start:start + rows] = np.take_along_axis(top, np.argsort(-best, axis=1), axis=1)
    # Members filed in their nearest cell; each query searches its probed cells, writing that
    # cell's best into its own slot of a (size, probes * take) table.
    members_by_cell = _positions_by(nearest[:, 0], cells)
    slots_by_cell = _positions_by(nearest.ravel(), cells)
    take = fetch + 1  # +1: a query is filed in its own nearest cell
    found = np.full((size, probes * take), -1, dtype=np.int64)
    score = np.full((size, probes * take), -np.inf, dtype=np.float32)

    def search(cell: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
        members, flat = members_by_cell[cell], slots_by_cell[cell]
        if not len(members) or not len(flat):
            return None
        queries, slots = flat // probes, flat % probes
        q, c, sim = _search_cell(np.arange(size), vectors, queries, members, take - 1)
        width = min(take, len(members))
        return queries, slots, c.reshape(-1, width), sim.reshape(-1, width)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        for result in pool.map(search, range(cells)):
            if result is None:
                continue
            queries, slots, c, sim = result
            columns = slots[:, None] * take + np.arange(c.shape[1])
            found[queries[:, None], columns] = c
            score[queries[:, None], columns] = sim
    score[found == np.arange(size)[:, None]] = -np.inf  # not themselves
    keep = min(fetch, score.shape[1])
    top = np.argpartition(score, -keep, axis=1)[:, -keep:]
    c = np.take_along_axis(found, top, axis=1).ravel()
    sim = np.take_along_axis(score, top, axis=1).ravel()
    q = np.repeat(group, keep)
    real = (c >= 0) & np.isfinite(sim)
    return [(q[real], group[c[real]], sim[real])]


def _positions_by(labels: np.ndarray, count: int, values: np.ndarray | None = None) -> list[np.ndarray]:
    values = np.arange(len(labels)) if values is None else values
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(count + 1))
    ordered = values[order]
    return [ordered[bounds[i]:bounds[i + 1]] for i in range(count)]


def _spherical_kmeans(vectors: np.ndarray, cells: int, rng: np.random.Generator,
                      sample: int = 32768, rounds: int = 8) -> np.ndarray:
    data = vectors[rng.choice(len(vectors), size=min(sample, len(vectors)), replace=False)]
    centroids = data[rng.choice(len(data), size=cells, replace=False)].copy()
    for _ in range(rounds):
        label = np.argmax(data @ centroids.T, axis=1)
        sums = np.zeros_like(centroids)
        np.add.at(sums, label, data)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        empty = norms[:, 0] == 0
        centroids = np.where(empty[:, None], centroids, sums / np.where(norms == 0, 1, norms))
    return centroids.astype(np.float32)


def synthetic(n: int, d: int = 32, seed: int = 0) -> Population:
    """A made-up but plausible population: ~85 % French, ~40 % English (many both), a few other
    languages; affinity vectors around sector/affinity clusters plus noise; capacities 1-5, mostly
    1-2; about one member in a hundred has blocked someone close to them."""
    rng = np.random.default_rng(seed)
    french = rng.random(n) < 0.85
    # English is commoner among those without French, so that nobody is left without a language.
    english = np.where(french, rng.random(n) < 0.32, rng.random(n) < 0.85)
    mask = french.astype(np.uint8) | (english.astype(np.uint8) << 1)
    for bit, share in ((2, 0.05), (3, 0.03), (4, 0.03), (5, 0.02), (6, 0.02), (7, 0.01)):
        mask |= (rng.random(n) < share).astype(np.uint8) << bit
    speechless = mask == 0
    mask[speechless] = 1 << 2  # a Spanish-only minority

    clusters = 24
    centres = rng.standard_normal((clusters, d)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    popularity = rng.dirichlet(np.full(clusters, 2.0))
    label = rng.choice(clusters, size=n, p=popularity)
    second = rng.choice(clusters, size=n, p=popularity)  # a secondary affinity
    vectors = (centres[label] + 0.35 * centres[second]
               + rng.standard_normal((n, d), dtype=np.float32) * (0.9 / np.sqrt(d))).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)

    capacity = rng.choice(np.arange(1, 6), size=n, p=[0.45, 0.3, 0.12, 0.08, 0.05])
    ids = [f"m{i:07d}" for i in range(n)]

    # Blocks happen between people who met: pick partners in the same cluster.
    blocked: set[frozenset[str]] = set()
    blockers = rng.choice(n, size=max(1, n // 100), replace=False) if n >= 2 else np.empty(0, int)
    by_label = _positions_by(label, clusters)
    for a in blockers.tolist():
        peers = by_label[label[a]]
        b = int(peers[rng.integers(len(peers))])
        if b != a:
            blocked.add(frozenset((ids[a], ids[b])))
    return Population(ids, mask, vectors, capacity, blocked)
