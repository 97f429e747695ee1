"""Shortlisting a large round from member profiles: the embedding, the exact rescoring, the rules."""

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.synthetic import synthetic_members
from workbuddy_matching.domain import candidates, embedding
from workbuddy_matching.domain.compatibility import refusal, score
from workbuddy_matching.domain.pair_scores import Scorer

from . import strategies

ZONES = ("Europe/Paris", "Europe/London", "America/Montreal", "Africa/Dakar", "Indian/Reunion",
         "Pacific/Tahiti", "Asia/Tokyo", "Asia/Kolkata", "UTC", "Not/AZone")
CITIES = ("Lyon", "lyon", "Saint-Étienne", "saint etienne", "Montréal", "Montreal", "Nantes", "-", "",
          "Villeurbanne", "Grenoble")

members_strategy = strategies.candidates(
    member_ids=["ana", "bob", "chloé", "dan", "eve"], display_names=[""],
    spoken=["fr", "en", "es", "wo", "xx"], max_languages=4, zones=ZONES, cities=CITIES)


@settings(max_examples=60, deadline=None)
@given(st.lists(members_strategy, min_size=1, max_size=8))
def test_rescore_is_the_exact_compatibility_score_and_skips_what_the_rules_refuse(members):
    pairs = [(i, j) for i in range(len(members)) for j in range(len(members))]
    scored = {(i, j): value for i, j, value in embedding.rescore(members, pairs)}
    for i, j in pairs:
        a, b = members[i], members[j]
        refused = refusal(a, b, open_slots_a=1, open_slots_b=1) is not None
        assert ((i, j) not in scored) == refused
        if not refused:
            assert scored[(i, j)] == score(a, b).score  # the same float, not an approximation


@pytest.fixture(scope="module")
def thousand():
    """1,000 synthetic members, the exact score of every pair the rules allow (-1 elsewhere), and
    their embedding."""
    members = synthetic_members(1000, seed=1)
    table = Scorer(members)
    a, b = np.triu_indices(len(members), 1)
    allowed = table.allowed(a, b)
    a, b = a[allowed], b[allowed]
    exact = np.full((len(members), len(members)), -1.0)
    exact[a, b] = exact[b, a] = table.score(a, b)
    return members, exact, embedding.embed(members)


def test_the_shortlist_holds_most_of_each_members_ten_best_partners_by_the_exact_score(thousand):
    """Measured: 82.8 % on this population (82-83 % on other seeds at 1,000 members, 81-82 % at
    1,500-2,000); the same search with plain cosines (no query vectors) reaches 37 %, random
    vectors 1 %. Larger populations have closer scores at the top, so a lower recall (see
    bench/README.md), yet the assignment on the shortlist stays near the optimum over all pairs."""
    members, exact, _ = thousand
    pairs = set(embedding.shortlist_pairs(members, 10))
    recalls = []
    for i, row in enumerate(exact):
        tenth = np.sort(row[row >= 0])[-10]  # ties with the tenth count as top-10 too
        best = np.flatnonzero(row >= tenth)
        recalls.append(min(10, sum((min(i, j), max(i, j)) in pairs for j in best.tolist())) / 10)
    recall = float(np.mean(recalls))
    print(f"recall of the exact top-10 with k=10: {100 * recall:.1f} %")
    assert recall >= 0.75


def test_the_dot_products_follow_the_exact_score(thousand):
    _, exact, pop = thousand
    a, b = np.nonzero(np.triu(exact >= 0))
    a, b = a[::10], b[::10]
    dots = np.einsum("ij,ij->i", pop.queries[a], pop.vectors[b])
    assert np.corrcoef(dots, exact[a, b])[0, 1] >= 0.9  # measured 0.947 over all pairs


def test_the_shortlist_never_breaks_a_hard_rule():
    members = synthetic_members(300, seed=4)
    members[7] = dataclasses.replace(members[7], active=False)
    members[8] = dataclasses.replace(members[8], languages=frozenset({"ja"}), language="en")
    found = embedding.shortlist_pairs(members, 8)
    # Block pairs the shortlist did find, so that blocking them is what removes them.
    blocked = {frozenset((members[i].member_id, members[j].member_id)) for i, j in found[::30]}
    blocked.add(frozenset(("m0000001", "someone-else")))
    pairs = embedding.shortlist_pairs(members, 8, blocked)
    assert pairs and pairs == sorted(set(pairs))
    for i, j in pairs:
        a, b = members[i], members[j]
        assert i < j and a.member_id != b.member_id
        assert a.languages & b.languages and a.active and b.active
        assert frozenset((a.member_id, b.member_id)) not in blocked
    assert not {7} & {m for pair in pairs for m in pair}


def test_past_64_languages_the_rarest_share_a_bit_and_no_pair_lacks_a_shared_language():
    codes = [a + b for a in "abcdefghij" for b in "abcdefghij"][:70]
    spoken = [{"fr"}] * 5 + [{code} for code in codes for _ in range(2)]
    table, masks = candidates.language_table(spoken)
    assert len(table) == 71 and table[0] == "fr"
    assert masks[0] == 1 and len({int(m) for m in masks}) == candidates.LANGUAGE_BITS
    assert (masks[-14:] == np.uint64(1 << 63)).all()  # the last seven languages share bit 63

    base = synthetic_members(1, seed=0)[0]
    members = [dataclasses.replace(base, member_id=f"m{i}", languages=frozenset(s))
               for i, s in enumerate(spoken)]
    pairs = embedding.shortlist_pairs(members, 20)
    assert all(members[i].languages & members[j].languages for i, j in pairs)
    # The two speakers of each language find each other, the shared bit included.
    assert {(5 + 2 * n, 6 + 2 * n) for n in range(70)} <= set(pairs)


def test_a_member_embedded_alone_like_the_population_gets_the_same_vectors(thousand):
    members, _, pop = thousand
    alone = embedding.embed([members[42]], like=pop)
    assert alone.languages == pop.languages and alone.language_mask[0] == pop.language_mask[42]
    assert np.allclose(alone.vectors[0], pop.vectors[42], atol=1e-5)
    assert np.allclose(alone.queries[0], pop.queries[42], atol=1e-5)
    assert np.allclose(np.linalg.norm(pop.vectors, axis=1), 1, atol=1e-5)


def test_the_synthetic_members_are_seeded_and_plausible():
    members = synthetic_members(2000, seed=9)
    assert members == synthetic_members(2000, seed=9)
    assert members != synthetic_members(2000, seed=10)
    french = sum(m.language == "fr" for m in members) / len(members)
    assert 0.8 < french < 0.9
    assert all(m.language in m.languages for m in members)
    assert sum(m.capacity <= 2 for m in members) / len(members) > 0.65
    assert {m.capacity for m in members} == {1, 2, 3, 4, 5}
    assert len({m.time_zone for m in members}) > 10 and len({m.sector for m in members}) > 40
