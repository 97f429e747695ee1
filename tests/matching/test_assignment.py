"""Matching rounds: the hard rules hold on every output of the shortlist and the assignment.

No blocked pair, no pair without a shared language, nobody matched with themselves, nobody over
capacity, no pair twice; the greedy keeps its 1/2-approximation of the exact optimum.
"""

import random
from collections import Counter

import networkx as nx
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbuddy_matching.domain import candidates
from workbuddy_matching.domain.assignment import assign, total_weight, unmatched

from . import assignment_reference as reference

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

member_ids = st.integers(min_value=0, max_value=29).map(lambda i: f"m{i:02d}")
weights = st.one_of(st.floats(min_value=-1.0, max_value=1.0, allow_nan=False), st.sampled_from([0.5, 1.0]))
graphs = st.tuples(
    st.dictionaries(member_ids, st.integers(min_value=0, max_value=5), max_size=30),
    st.lists(st.tuples(member_ids, member_ids, weights), max_size=150),
)


def check_rules(capacity, edges, chosen):
    given_pairs: dict[frozenset, set[float]] = {}
    for a, b, w in edges:
        given_pairs.setdefault(frozenset((a, b)), set()).add(w)
    pairs = [frozenset((a, b)) for a, b, _ in chosen]
    assert all(len(pair) == 2 for pair in pairs), "a member matched with themselves"
    assert len(set(pairs)) == len(pairs), "a pair chosen twice"
    for (a, b, w), pair in zip(chosen, pairs, strict=True):
        assert w > 0 and w in given_pairs.get(pair, ()), f"{a}-{b} was not an input edge"
    load = Counter(m for a, b, _ in chosen for m in (a, b))
    for member, count in load.items():
        assert count <= capacity.get(member, 0), f"{member} over capacity"


@FAST
@given(graphs)
def test_assign_respects_capacity_and_never_invents_pairs(graph):
    capacity, edges = graph
    chosen = assign(capacity, edges)
    check_rules(capacity, edges, chosen)
    left_out = unmatched(capacity, chosen)
    assert all(capacity[m] > 0 for m in left_out)
    assert left_out.isdisjoint({m for a, b, _ in chosen for m in (a, b)})


@FAST
@given(graphs, st.randoms(use_true_random=False))
def test_assign_is_deterministic_whatever_the_input_order(graph, rnd):
    capacity, edges = graph
    shuffled = list(edges)
    rnd.shuffle(shuffled)
    assert assign(capacity, edges) == assign(dict(reversed(list(capacity.items()))), shuffled)


@FAST
@given(st.integers(min_value=2, max_value=16), st.integers(min_value=0, max_value=2**32 - 1))
def test_with_one_buddy_each_assign_keeps_half_of_the_exact_optimum(size, seed):
    rnd = random.Random(seed)
    ids = [f"m{i:02d}" for i in range(size)]
    edges = [(a, b, rnd.choice([rnd.random(), 0.5])) for i, a in enumerate(ids) for b in ids[i + 1:]
             if rnd.random() < 0.5]
    chosen = assign(dict.fromkeys(ids, 1), edges)
    graph = nx.Graph()
    graph.add_weighted_edges_from(edges)
    exact = sum(graph[a][b]["weight"] for a, b in nx.max_weight_matching(graph))
    assert total_weight(chosen) >= 0.5 * exact - 1e-9
    assert total_weight(chosen) <= exact + 1e-9


def test_a_swap_uses_spare_capacity_the_greedy_leaves():
    # Greedy takes b-c (3) and leaves a and d alone; a-b + c-d (2 + 2) is better.
    chosen = assign({"a": 1, "b": 1, "c": 1, "d": 1}, [("b", "c", 3.0), ("a", "b", 2.0), ("c", "d", 2.0)])
    assert chosen == [("a", "b", 2.0), ("c", "d", 2.0)]


def test_unmatched_lists_members_who_wanted_a_buddy_and_got_none():
    chosen = assign({"a": 1, "b": 2, "c": 1, "z": 0}, [("a", "b", 0.9), ("b", "b", 1.0)])
    assert unmatched({"a": 1, "b": 2, "c": 1, "z": 0}, chosen) == {"c"}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=2, max_value=120), st.integers(min_value=0, max_value=10_000),
       st.integers(min_value=1, max_value=8))
def test_the_round_never_breaks_a_hard_rule(size, seed, k):
    pop = candidates.synthetic(size, d=8, seed=seed)
    rng = np.random.default_rng(seed)
    # More blocks than the generator makes, and a few members with nobody to talk to.
    for _ in range(size // 3):
        a, b = rng.choice(size, 2, replace=False).tolist()
        pop.blocked.add(frozenset((pop.ids[a], pop.ids[b])))
    pop.capacity[rng.random(size) < 0.1] = 0
    pop.capacity[rng.random(size) < 0.1] = 5
    pop = candidates.Population(pop.ids, pop.language_mask, pop.vectors, pop.capacity, pop.blocked)
    edges = candidates.id_edges(pop, candidates.shortlist(pop, k))
    capacity = pop.capacities()
    chosen = assign(capacity, edges)
    check_rules(capacity, edges, chosen)
    index = pop.index_of
    for a, b, _ in chosen + edges:
        assert a != b
        assert frozenset((a, b)) not in pop.blocked, f"blocked pair {a}-{b}"
        assert pop.language_mask[index[a]] & pop.language_mask[index[b]], f"{a}-{b} share no language"
    for i in rng.choice(size, min(size, 5), replace=False).tolist():
        for j, w in candidates.best_for(pop, i, k):
            assert j != i and 0 < w <= 1
            assert frozenset((pop.ids[i], pop.ids[j])) not in pop.blocked
            assert pop.language_mask[i] & pop.language_mask[j]


def test_the_shortlist_is_each_members_exact_top_k_in_a_small_population():
    pop = candidates.synthetic(300, seed=3)
    edges = candidates.shortlist(pop, 5)
    pairs = {(i, j) for i, j, _ in edges}
    for i in range(0, 300, 7):
        for j, _ in candidates.best_for(pop, i, 5):
            assert (min(i, j), max(i, j)) in pairs


def test_a_large_language_group_goes_through_the_inverted_file_and_still_keeps_the_rules(monkeypatch):
    monkeypatch.setattr(candidates, "EXACT_UP_TO", 50)
    pop = candidates.synthetic(1500, d=16, seed=5)
    edges = candidates.shortlist(pop, 6)
    for i, j, w in edges:
        assert i < j and 0 < w <= 1
        assert pop.language_mask[i] & pop.language_mask[j]
        assert frozenset((pop.ids[i], pop.ids[j])) not in pop.blocked
    found = Counter(m for i, j, _ in edges for m in (i, j))
    exact_hits = sum(
        (min(i, j), max(i, j)) in {(a, b) for a, b, _ in edges}
        for i in range(0, 1500, 50) for j, _ in candidates.best_for(pop, i, 6))
    assert exact_hits >= 0.8 * 30 * 6  # recall of the approximate search
    assert len(found) > 1400


@FAST
@given(st.integers(1, 40), st.integers(1, 60), st.integers(1, 15), st.integers(0, 2**32 - 1))
def test_the_compiled_top_of_each_row_is_the_sorted_top(rows, width, take, seed):
    """candidates._best_columns: the largest values first, the first column among equal ones
    (values drawn from a few levels, so ties are common), and -inf at column -1 where a row has
    fewer values above -inf than asked."""
    rng = np.random.default_rng(seed)
    sims = rng.integers(-3, 4, size=(rows, width)).astype(np.float32)
    sims[rng.random((rows, width)) < 0.2] = -np.inf
    columns, values = candidates._best_columns(sims, take)
    for row in range(rows):
        expected = sorted((c for c in range(width) if sims[row, c] > -np.inf),
                          key=lambda c: (-sims[row, c], c))[:take]
        assert columns[row, :len(expected)].tolist() == expected
        assert values[row, :len(expected)].tolist() == [sims[row, c] for c in expected]
        assert (columns[row, len(expected):] == -1).all()
        assert (values[row, len(expected):] == -np.inf).all()


@FAST
@given(graphs)
def test_assign_chooses_what_the_plain_python_greedy_and_swaps_choose(graph):
    capacity, edges = graph
    assert assign(capacity, edges) == reference.assign(capacity, edges)


@FAST
@given(st.integers(0, 2**32 - 1))
def test_assign_agrees_with_the_plain_python_one_on_large_graphs_with_ties(seed):
    rnd = random.Random(seed)
    ids = [f"m{i:04d}" for i in range(rnd.randint(50, 400))]
    capacity = {m: rnd.choice([0, 1, 1, 2, 3, 5]) for m in ids}
    edges = [(rnd.choice(ids), rnd.choice(ids), rnd.choice([rnd.random(), 0.5, 1.0]))
             for _ in range(rnd.randint(0, 4000))]
    assert assign(capacity, edges) == reference.assign(capacity, edges)
