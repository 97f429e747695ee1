"""The sector taxonomy: well-formed codes, real French labels, and an adjacency matching can trust."""

import dataclasses
import itertools
import re
from collections import Counter

import pytest

from workbuddy_contracts import sectors
from workbuddy_contracts.sectors import (
    ADJACENT_PAIRS,
    CODES,
    FAMILIES,
    SECTORS,
    Relation,
    adjacent,
    label,
    relation,
    sector,
)

SNAKE_CASE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")
ACCENTED = set("àâäçéèêëîïôöùûüÿœæÀÂÇÉÈÊËÎÏÔÙÛÜŒÆ")

# --- codes and labels ----------------------------------------------------------------------


def test_declared_codes_are_unique():
    # SECTORS is a dict: a code declared twice would silently replace the first declaration
    declared = [code for rows in sectors._DECLARED.values() for code, _fr, _en in rows]
    assert [code for code, n in Counter(declared).items() if n > 1] == []
    assert len(SECTORS) == len(declared)


def test_codes_are_stable_snake_case_ascii():
    bad = [code for code in CODES if not (code.isascii() and SNAKE_CASE.fullmatch(code))]
    assert bad == []


def test_codes_are_the_keys_of_sectors_and_each_sector_knows_its_code():
    assert CODES == tuple(SECTORS)
    assert all(s.code == code for code, s in SECTORS.items())


def test_the_taxonomy_is_broad_enough():
    assert len(SECTORS) >= 45


@pytest.mark.parametrize("code", CODES)
def test_every_sector_has_exactly_a_french_and_an_english_label(code):
    labels = SECTORS[code].labels
    assert set(labels) == {"fr", "en"}
    assert labels["fr"].strip() and labels["en"].strip()
    assert labels["fr"] == labels["fr"].strip() and labels["en"] == labels["en"].strip()


def test_french_labels_are_french_not_copies_of_the_english_ones():
    translated = [s for s in SECTORS.values() if s.labels["fr"] != s.labels["en"]]
    assert len(translated) > len(SECTORS) // 2


def test_french_labels_are_accented():
    accented = [s.code for s in SECTORS.values() if ACCENTED & set(s.labels["fr"])]
    assert len(accented) >= 10


@pytest.mark.parametrize(
    ("code", "fr", "en"),
    [
        ("ux_design", "Design UX", "UX design"),
        ("frontend_development", "Développement front-end", "Front-end development"),
        ("cybersecurity", "Cybersécurité", "Cybersecurity"),
        ("event_planning", "Organisation d'événements", "Event planning"),
        ("performing_arts", "Spectacle vivant", "Performing arts"),
        ("accounting", "Comptabilité", "Accounting & bookkeeping"),
    ],
)
def test_known_labels(code, fr, en):
    assert label(code, "fr") == fr
    assert label(code, "en") == en


def test_label_refuses_an_unknown_language():
    with pytest.raises(ValueError, match="'de'"):
        label("ux_design", "de")


def test_label_of_an_unknown_sector_names_the_code():
    with pytest.raises(KeyError, match="nope"):
        label("nope", "fr")


# --- families ------------------------------------------------------------------------------


def test_every_family_in_use_has_french_and_english_labels():
    used = {s.family for s in SECTORS.values()}
    assert used <= set(FAMILIES)
    for family in used:
        assert set(FAMILIES[family]) == {"fr", "en"}
        assert FAMILIES[family]["fr"].strip() and FAMILIES[family]["en"].strip()


def test_no_family_is_declared_without_sectors():
    assert {s.family for s in SECTORS.values()} == set(FAMILIES)


def test_sectors_are_ordered_by_family_then_french_label():
    families = list(FAMILIES)
    positions = [families.index(s.family) for s in SECTORS.values()]
    assert positions == sorted(positions)
    for _family, group in itertools.groupby(SECTORS.values(), key=lambda s: s.family):
        keys = [sectors._alphabetical(s.labels["fr"]) for s in group]
        assert keys == sorted(keys)


def test_alphabetical_order_ignores_accents_and_case():
    assert sectors._alphabetical("Écriture") < sectors._alphabetical("Zumba")
    assert sectors._alphabetical("Éa") == sectors._alphabetical("ea")


# --- the sector value ----------------------------------------------------------------------


def test_sectors_are_frozen_and_hashable():
    s = sector("ux_design")
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.family = "tech"  # type: ignore[misc]
    with pytest.raises(TypeError):
        s.labels["fr"] = "Autre chose"  # type: ignore[index]
    assert {s, sector("ux_design")} == {s}


def test_a_sector_needs_both_labels():
    with pytest.raises(ValueError, match="labels"):
        sectors.Sector("knitting", {"fr": "Tricot"}, "craft")


def test_sector_lookup():
    assert sector("seo").family == "marketing"


def test_unknown_sector_raises_a_key_error_naming_the_code_and_not_the_whole_list():
    with pytest.raises(KeyError) as raised:
        sector("nope")
    message = str(raised.value)
    assert "'nope'" in message
    assert "workbuddy_contracts.sectors.SECTORS" in message
    assert "ux_design" not in message


# --- adjacency -----------------------------------------------------------------------------


def test_declared_pairs_are_stated_once_in_either_orientation():
    counts = Counter(frozenset(pair) for pair in ADJACENT_PAIRS)
    assert [sorted(pair) for pair, n in counts.items() if n > 1] == []


def test_declared_pairs_join_two_known_and_different_sectors():
    assert [p for p in ADJACENT_PAIRS if p[0] not in SECTORS or p[1] not in SECTORS] == []
    assert [p for p in ADJACENT_PAIRS if p[0] == p[1]] == []


@pytest.mark.parametrize("code", CODES)
def test_adjacency_is_symmetric_known_and_never_self(code):
    neighbours = adjacent(code)
    assert isinstance(neighbours, frozenset)
    assert code not in neighbours
    assert neighbours <= set(SECTORS)
    assert all(code in adjacent(other) for other in neighbours)


@pytest.mark.parametrize("code", CODES)
def test_every_sector_has_between_two_and_eight_neighbours(code):
    assert 2 <= len(adjacent(code)) <= 8


def test_adjacency_is_exactly_the_declared_pairs():
    edges = {frozenset((code, other)) for code in CODES for other in adjacent(code)}
    assert edges == {frozenset(pair) for pair in ADJACENT_PAIRS}


@pytest.mark.parametrize("family", list(FAMILIES))
def test_no_family_is_an_island(family):
    crossing = [
        (s.code, other)
        for s in SECTORS.values()
        if s.family == family
        for other in adjacent(s.code)
        if SECTORS[other].family != family
    ]
    assert crossing, f"family {family!r} has no adjacency to another family"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("frontend_development", "ux_design"),
        ("ux_design", "ui_design"),
        ("copywriting", "seo"),
        ("seo", "content_strategy"),
        ("accounting", "finance_consulting"),
        ("coaching", "training"),
        ("training", "hr_consulting"),
    ],
)
def test_adjacencies_a_person_would_expect(a, b):
    assert b in adjacent(a)


def test_adjacent_of_an_unknown_sector_raises():
    with pytest.raises(KeyError, match="nope"):
        adjacent("nope")


# --- relation ------------------------------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_a_sector_is_the_same_as_itself(code):
    assert relation(code, code) is Relation.SAME


@pytest.mark.parametrize(("a", "b"), ADJACENT_PAIRS)
def test_declared_pairs_are_adjacent_in_both_orders(a, b):
    assert relation(a, b) is Relation.ADJACENT
    assert relation(b, a) is Relation.ADJACENT


def test_everything_else_is_different():
    declared = {frozenset(pair) for pair in ADJACENT_PAIRS}
    for a, b in itertools.permutations(CODES, 2):
        expected = Relation.ADJACENT if frozenset((a, b)) in declared else Relation.DIFFERENT
        assert relation(a, b) is expected, (a, b)


@pytest.mark.parametrize(("a", "b"), [("backend_development", "yoga_wellbeing"), ("accounting", "music")])
def test_distant_trades_are_different(a, b):
    assert relation(a, b) is Relation.DIFFERENT


@pytest.mark.parametrize(("a", "b"), [("nope", "seo"), ("seo", "nope"), ("nope", "nope")])
def test_relation_refuses_unknown_sectors(a, b):
    with pytest.raises(KeyError, match="nope"):
        relation(a, b)


def test_relation_values_travel_as_plain_strings():
    assert [r.value for r in Relation] == ["same", "adjacent", "different"]
    assert Relation.ADJACENT == "adjacent"
