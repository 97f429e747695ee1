"""Candidate pairs for a matching round without scoring all pairs.

Members are vectors (L2-normalised features; the dot product is their affinity) with a bitmask of
the languages they speak. Hard rules block first: two members are candidates only if they share
a language (search happens inside each language group) and neither blocked the other; nobody is
their own candidate. Inside a group, a small group is searched exactly (row blocks x group, so
memory stays bounded); a large one through an inverted file: spherical k-means cells, each
member filed in its nearest cell, searching the ``probes`` cells nearest to it. The shortlist keeps
each member's top-k; the exact score (compatibility.py) then only needs to look at those pairs.

A member may search with another vector than the one others find them by (``queries``): an
affinity that is not a plain cosine, such as "how well b answers what a asked for", is then the
dot product of a's query with b's vector (embedding.py builds such pairs of vectors).

Languages are bits of a 64-bit mask, numbered by a table that belongs to the population
(``language_table``): the languages its members speak, most spoken first. Past 64 distinct
languages, the rarest ones share the last bit: their speakers are searched together, so no pair
that shares a language is missed, but a pair found through that bit may share none -- callers
that know the members' languages check them (embedding.shortlist_pairs does).

``best_for`` is the incremental rematch of one member against the whole population: one
matrix-vector product, exact.
"""

import dataclasses
import os
from collections import Counter
from collections.abc import Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property

import numba
import numpy as np
from threadpoolctl import threadpool_limits

# The language table of populations made without one (``synthetic``).
LANGUAGES = ("fr", "en", "es", "de", "ar", "it", "pt", "nl")
# Bits of the language mask; the last one is shared by every language past the 63 most spoken.
LANGUAGE_BITS = 64

# Groups up to this size are searched exactly; above it, through the inverted file.
EXACT_UP_TO = 6000
# Cells of the inverted file, per square root of the group's size: fewer, larger cells find more
# of each member's best (recall) for more work per member.
CELLS_PER_ROOT = 0.5
# Entries of one similarity block (rows x columns): 4M float32 = 16 MB.
BLOCK_ENTRIES = 1 << 22


def language_table(spoken: Sequence[Collection[str]],
                   table: Sequence[str] | None = None) -> tuple[tuple[str, ...], np.ndarray]:
    """The languages of a population, most spoken first (then by code), and each member's mask.

    With ``table``, that table is kept (to add members to an existing population): a language
    outside it gets no bit, as nobody already there speaks it.
    """
    if table is None:
        counts = Counter(language for languages in spoken for language in languages)
        table = sorted(counts, key=lambda language: (-counts[language], language))
    bit = {language: 1 << min(i, LANGUAGE_BITS - 1) for i, language in enumerate(table)}
    masks: dict[frozenset[str], int] = {}
    found = []
    for languages in spoken:
        key = frozenset(languages)
        mask = masks.get(key)
        if mask is None:
            mask = masks[key] = sum({bit[x] for x in key if x in bit})
        found.append(mask)
    return tuple(table), np.array(found, dtype=np.uint64)


@dataclass(eq=False)
class Population:
    ids: list[str]
    language_mask: np.ndarray  # (n,) uint64, bit b set when the member speaks languages[b]
    vectors: np.ndarray  # (n, d) float32, rows of unit length: how others find the member
    capacity: np.ndarray  # (n,) int, buddies wanted (0-5)
    blocked: set[frozenset[str]] = field(default_factory=set)
    # Bit b of the mask stands for languages[b]; from bit 63 on, all share bit 63 (language_table).
    languages: tuple[str, ...] = LANGUAGES
    # (n, d) float32: what each member searches with; None: their own vector (plain cosine).
    queries: np.ndarray | None = None

    def __post_init__(self) -> None:
        self.language_mask = np.ascontiguousarray(self.language_mask, dtype=np.uint64)
        self.vectors = np.ascontiguousarray(self.vectors, dtype=np.float32)
        self.capacity = np.asarray(self.capacity, dtype=np.int64)
        if self.queries is not None:
            self.queries = np.ascontiguousarray(self.queries, dtype=np.float32)
        n = len(self.ids)
        if self.language_mask.shape != (n,) or self.vectors.shape[0] != n or self.capacity.shape != (n,):
            raise ValueError("ids, language_mask, vectors and capacity must describe the same members")
        if self.queries is not None and self.queries.shape != self.vectors.shape:
            raise ValueError("queries must have the shape of vectors")

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def searching(self) -> np.ndarray:
        """What each member searches with."""
        return self.vectors if self.queries is None else self.queries

    @property
    def shared_last_bit(self) -> bool:
        """Whether the last language bit stands for several languages (more than 64 spoken)."""
        return len(self.languages) > LANGUAGE_BITS

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

    def only(self, rows: Sequence[int]) -> "Population":
        """The same members' vectors for some of them only (a second pass among those left)."""
        rows = np.asarray(rows, dtype=np.int64)
        return dataclasses.replace(
            self, ids=[self.ids[i] for i in rows.tolist()], language_mask=self.language_mask[rows],
            vectors=self.vectors[rows], capacity=self.capacity[rows],
            queries=None if self.queries is None else self.queries[rows])


def weight_of(similarity: np.ndarray) -> np.ndarray:
    """Cosine similarity in [-1, 1] mapped to a weight in (0, 1]."""
    return np.clip((1.0 + similarity.astype(np.float64)) / 2.0, 1e-6, 1.0)


def shortlist(pop: Population, k: int, probes: int = 8, seed: int = 0) -> list[tuple[int, int, float]]:
    """Candidate edges ``(i, j, weight)`` with ``i < j``: each member's top-k most similar members
    among those sharing a language, minus self and blocked pairs (a pair appears once even when
    both found each other, or met in two languages)."""
    i, j, weights = shortlist_arrays(pop, k, probes, seed)
    return list(zip(i.tolist(), j.tolist(), weights.tolist(), strict=True))


def shortlist_arrays(pop: Population, k: int, probes: int = 8,
                     seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``shortlist`` as three arrays (i, j, weight), sorted by (i, j): a million members' pairs are
    tens of millions of them."""
    q, c, s = _top_k(pop, k, probes, seed)
    lo, hi = np.minimum(q, c), np.maximum(q, c)
    n = max(len(pop), 1)
    keys, first = np.unique(lo * n + hi, return_index=True)
    return keys // n, keys % n, weight_of(s[first])


def id_edges(pop: Population, edges: list[tuple[int, int, float]]) -> list[tuple[str, str, float]]:
    ids = pop.ids
    return [(ids[i], ids[j], w) for i, j, w in edges]


def best_for(pop: Population, index: int, k: int) -> list[tuple[int, float]]:
    """One member's top-k candidates ``(j, weight)`` against the whole population, heaviest first:
    exact, sharing a language, not blocked, not themselves."""
    similarity = pop.vectors @ pop.searching[index]
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


def nearest(pop: Population, query: np.ndarray, language_mask: int, k: int,
            among: np.ndarray | None = None) -> list[int]:
    """The top-k members for a query vector (a member's own, perhaps embedded after the
    population), best first: sharing a language with ``language_mask``, and only the rows
    ``among`` allows (a boolean mask) when given. Exact: one matrix-vector product. The caller
    leaves the member out, and applies the hard rules the vectors do not know."""
    allowed = (pop.language_mask & np.uint64(language_mask)) != 0
    if among is not None:
        allowed &= among
    rows = np.flatnonzero(allowed)
    count = min(k, len(rows))
    if count <= 0:
        return []
    query = np.asarray(query, dtype=np.float32)
    # A few rows (those who offer support, say) are gathered first; most of them, not copied.
    scores = pop.vectors[rows] @ query if len(rows) * 4 < len(pop) else (pop.vectors @ query)[rows]
    top = np.argpartition(scores, -count)[-count:] if count < len(rows) else np.arange(count)
    top = top[np.lexsort((rows[top], -scores[top]))]
    return rows[top].tolist()


def _top_k(pop: Population, k: int, probes: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Directed candidates (query, candidate, similarity): at most k per query, best first."""
    empty = (np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float32))
    if k <= 0 or len(pop) < 2:
        return empty
    rng = np.random.default_rng(seed)
    # Fetch a few spare candidates per query so that dropping blocked ones still leaves k.
    fetch = k + pop.most_blocked
    parts = []
    spoken = int(np.bitwise_or.reduce(pop.language_mask, initial=np.uint64(0)))
    for bit in range(LANGUAGE_BITS):
        if not spoken >> bit & 1:
            continue
        group = np.flatnonzero(pop.language_mask & np.uint64(1 << bit))
        if len(group) < 2:
            continue
        vectors = pop.vectors[group]
        queries = vectors if pop.queries is None else pop.queries[group]
        if len(group) <= EXACT_UP_TO:
            everyone = np.arange(len(group))
            parts.append(_search_cell(group, vectors, queries, everyone, everyone, fetch))
        else:
            parts.extend(_search_inverted(group, vectors, queries, fetch, probes, rng))
    if not parts:
        return empty
    q = np.concatenate([p[0] for p in parts])
    c = np.concatenate([p[1] for p in parts])
    s = np.concatenate([p[2] for p in parts])
    n = len(pop)
    keys = q * n + c
    keep = (q != c) & ~among_sorted(keys, pop.blocked_keys)
    q, c, s, keys = q[keep], c[keep], s[keep], keys[keep]
    # Best first per query, ties by candidate index; a pair met in two language groups once.
    # One sort: by query, then by similarity (its float's bits, made to order as the float does,
    # the best first), then by candidate (a stable sort of the pairs ordered by candidate).
    by_candidate = np.argsort(c, kind="stable")
    q, c, s, keys = q[by_candidate], c[by_candidate], s[by_candidate], keys[by_candidate]
    order = np.argsort((q << 32) | _descending_bits(s), kind="stable")
    q, c, s, keys = q[order], c[order], s[order], keys[order]
    _, first = np.unique(keys, return_index=True)
    first.sort()
    q, c, s = q[first], c[first], s[first]
    starts = np.flatnonzero(np.r_[True, q[1:] != q[:-1]])
    rank = np.arange(len(q)) - np.repeat(starts, np.diff(np.r_[starts, len(q)]))
    keep = rank < k
    return q[keep], c[keep], s[keep]


def locate_sorted(values: np.ndarray, sorted_unique: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each of ``values`` stands in ``sorted_unique`` (sorted, without repeats), and whether
    it is there at all: a binary search each, no sort of both together."""
    if not len(sorted_unique):
        return np.zeros(len(values), dtype=np.int64), np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_unique, values), len(sorted_unique) - 1)
    return at, sorted_unique[at] == values


def among_sorted(values: np.ndarray, sorted_unique: np.ndarray) -> np.ndarray:
    """``np.isin(values, sorted_unique)`` for ``sorted_unique`` sorted without repeats."""
    return locate_sorted(values, sorted_unique)[1]


def _descending_bits(values: np.ndarray) -> np.ndarray:
    """float32 values as int64 in [0, 2**32) ordered the other way round: the largest first."""
    bits = np.ascontiguousarray(values, dtype=np.float32).view(np.uint32).astype(np.int64)
    # IEEE floats order as their bits once the negative ones are flipped whole and the positive
    # ones have their sign bit set; then reversed.
    ascending = np.where(bits >= 1 << 31, bits ^ 0xFFFFFFFF, bits | 1 << 31)
    return 0xFFFFFFFF - ascending


def _search_cell(group: np.ndarray, vectors: np.ndarray, searching: np.ndarray, queries: np.ndarray,
                 members: np.ndarray, fetch: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Top ``fetch`` of ``members`` for each of ``queries`` (positions in ``group``), in row blocks;
    ``searching`` holds the group's query vectors, ``vectors`` the vectors they are compared with."""
    targets = vectors[members]
    width = len(members)
    take = min(fetch + 1, width)  # +1: the query itself is usually among the members
    rows = max(1, BLOCK_ENTRIES // max(width, 1))
    out_q, out_c, out_s = [], [], []
    for start in range(0, len(queries), rows):
        block = queries[start:start + rows]
        sims = searching[block] @ targets.T
        top, best = _best_columns(sims, take)
        out_q.append(np.repeat(group[block], take))
        out_c.append(group[members[top]].ravel())
        out_s.append(best.ravel())
    return np.concatenate(out_q), np.concatenate(out_c), np.concatenate(out_s)


@numba.njit(nogil=True)
def _best_columns(sims: np.ndarray, take: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``take`` largest values of each row and their columns, largest first; of equal values,
    the first columns. A row with fewer than ``take`` values above -inf ends with -inf at column
    -1. Compiled: one pass over each row, most values failing one comparison with
    the smallest kept, where np.argpartition costs three times the product that made the rows.
    Without the GIL, so that the cells' threads search at once."""
    rows, width = sims.shape
    columns = np.full((rows, take), -1, dtype=np.int64)
    values = np.full((rows, take), -np.inf, dtype=sims.dtype)
    for row in range(rows):
        line, best, where = sims[row], values[row], columns[row]
        kept = 0
        lowest = np.float32(-np.inf)  # the smallest value kept, once ``take`` are (rows are float32)
        for column in range(width):
            value = line[column]
            if value <= lowest:
                continue
            if kept == take:
                at = take - 1
            else:
                at = kept
                kept += 1
            # Insert, the larger values first.
            while at > 0 and value > best[at - 1]:
                best[at] = best[at - 1]
                where[at] = where[at - 1]
                at -= 1
            best[at] = value
            where[at] = column
            if kept == take:
                lowest = best[take - 1]
    return columns, values


def _search_inverted(group: np.ndarray, vectors: np.ndarray, searching: np.ndarray, fetch: int, probes: int,
                     rng: np.random.Generator) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    size = len(group)
    cells = max(2, int(np.sqrt(size) * CELLS_PER_ROOT))
    centroids = _spherical_kmeans(vectors, cells, rng)
    probes = min(probes, cells)
    nearest = _nearest_cells(searching, centroids, probes)
    # Members filed in their nearest cell; each query searches its probed cells, writing that
    # cell's best into its own slot of a (size, probes * take) table.
    filed = nearest[:, 0] if searching is vectors else _nearest_cells(vectors, centroids, 1)[:, 0]
    members_by_cell = _positions_by(filed, cells)
    slots_by_cell = _positions_by(nearest.ravel(), cells)
    take = fetch + 1  # +1: a query is filed in its own nearest cell
    found = np.full((size, probes * take), -1, dtype=np.int64)
    score = np.full((size, probes * take), -np.inf, dtype=np.float32)

    def search(cell: int) -> None:
        members, flat = members_by_cell[cell], slots_by_cell[cell]
        if not len(members) or not len(flat):
            return
        queries, slots = flat // probes, flat % probes
        _, c, sim = _search_cell(np.arange(size), vectors, searching, queries, members, take - 1)
        width = min(take, len(members))
        # Each (query, probe) slot belongs to one cell: the threads never write the same entries.
        columns = slots[:, None] * take + np.arange(width)
        found[queries[:, None], columns] = c.reshape(-1, width)
        score[queries[:, None], columns] = sim.reshape(-1, width)

    # One thread per core, each searching its cells with a one-threaded BLAS: the BLAS's own
    # threads on top of these would fight them for the cores (a quarter slower here).
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool, threadpool_limits(1, user_api="blas"):
        for _ in pool.map(search, range(cells)):
            pass
    score[found == np.arange(size)[:, None]] = -np.inf  # not themselves
    keep = min(fetch, score.shape[1])
    top, sim = _best_columns(score, keep)
    c = np.take_along_axis(found, np.maximum(top, 0), axis=1).ravel()  # where top is -1, sim is -inf
    sim = sim.ravel()
    q = np.repeat(group, keep)
    real = (c >= 0) & np.isfinite(sim)
    return [(q[real], group[c[real]], sim[real])]


def _nearest_cells(vectors: np.ndarray, centroids: np.ndarray, probes: int) -> np.ndarray:
    """The ``probes`` cells nearest each vector, nearest first."""
    cells = len(centroids)
    nearest = np.empty((len(vectors), probes), dtype=np.int64)
    rows = max(1, BLOCK_ENTRIES // cells)
    for start in range(0, len(vectors), rows):
        nearest[start:start + rows] = _best_columns(vectors[start:start + rows] @ centroids.T, probes)[0]
    return nearest


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
