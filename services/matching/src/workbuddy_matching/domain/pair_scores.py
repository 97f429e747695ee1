"""The exact compatibility score of many pairs at once.

``compatibility.score`` answers one pair in about 55 µs of Python; a round over 100,000 members
scores a million pairs or more. Here the same components are computed with numpy over arrays of
pairs, from per-member arrays built once (``Scorer``). The arithmetic follows compatibility.py
operation by operation -- the same component values, added in the same order (a component that
does not apply adds 0.0, which changes nothing), the same divisions, the same square root -- so
each result is the very float ``compatibility.score`` gives, not an approximation. The unit tests
compare the two on random members: a change to compatibility.py must be made here too.

Values that only depend on one member (the speed of their answers) or on a pair of time zones
are computed by compatibility.py's own functions and looked up.
"""

from collections.abc import Hashable, Sequence

import numpy as np

from workbuddy_contracts import places, sectors
from workbuddy_contracts.sectors import Relation
from workbuddy_contracts.vocabulary import COMMITMENTS, SUPPORT, TRAITS

from .compatibility import (
    BOND_OPEN,
    BOND_OTHER,
    BOND_SAME,
    NEUTRAL,
    SECTOR_FIT,
    WEIGHTS,
    WORK_HOURS,
    Candidate,
    _plain,
    _share,
    _speed,
    overlap_hours,
)

_RELATIONS = (Relation.SAME, Relation.ADJACENT, Relation.DIFFERENT)
_PREFERENCES = tuple(SECTOR_FIT)  # sector preferences that count; any other: no sector wish
_FITS = ("affinity", "complementarity")
_BONDS = ("admiration", "conviviality", "any")  # any other value: code 3


def _relation_table() -> np.ndarray:
    """relation code (index in _RELATIONS) of every pair of sector codes."""
    index = {code: i for i, code in enumerate(sectors.CODES)}
    table = np.full((len(index), len(index)), _RELATIONS.index(Relation.DIFFERENT), dtype=np.int8)
    for code, i in index.items():
        table[i, i] = _RELATIONS.index(Relation.SAME)
        for other in sectors.adjacent(code):
            table[i, index[other]] = _RELATIONS.index(Relation.ADJACENT)
    return table


_RELATION = _relation_table()
# fit[preference code, relation code]: how well a sector answers a preference.
_SECTOR_FIT = np.array([[SECTOR_FIT[p][r] for r in _RELATIONS] for p in _PREFERENCES])


def _codes(values: Sequence[str | None], known: Sequence[str]) -> np.ndarray:
    """Index of each value in ``known``; -1 for anything else (None included)."""
    index = {value: i for i, value in enumerate(known)}
    return np.fromiter((index.get(v, -1) if v is not None else -1 for v in values), np.int64, len(values))


def _bits(sets: Sequence[frozenset[str]], first: Sequence[str] = ()) -> tuple[np.ndarray, list[str]]:
    """Each set as a row of uint64 words (as many as the distinct values need), and the values."""
    table = list(dict.fromkeys(list(first) + sorted({v for s in sets for v in s} - set(first))))
    bit = {value: i for i, value in enumerate(table)}
    words = np.zeros((len(sets), max(1, -(-len(table) // 64))), dtype=np.uint64)
    by_set: dict[frozenset[str], np.ndarray] = {}
    for row, values in enumerate(sets):
        found = by_set.get(values)
        if found is None:
            found = np.zeros(words.shape[1], dtype=np.uint64)
            for value in values:
                found[bit[value] // 64] |= np.uint64(1) << np.uint64(bit[value] % 64)
            by_set[values] = found
        words[row] = found
    return words, table


def _shared_count(words: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.bitwise_count(words[a] & words[b]).sum(axis=1, dtype=np.int64)


class Scorer:
    """Per-member arrays for scoring pairs of ``members`` (pairs given as index arrays).

    The arrays are public: embedding.py builds its features from them. Codes are indices into
    the vocabulary's tuples, -1 when unanswered (or not a value that counts)."""

    def __init__(self, members: Sequence[Candidate]) -> None:
        self.members = members
        n = len(members)
        first_index: dict[str, int] = {}
        self.identity = np.fromiter((first_index.setdefault(m.member_id, i) for i, m in enumerate(members)),
                                    np.int64, n)
        self.active = np.fromiter((bool(m.active) for m in members), bool, n)
        self.languages, _ = _bits([m.languages for m in members])
        self.language_count = np.fromiter((len(m.languages) for m in members), np.int64, n)
        # Bits 0-4 are SUPPORT in its order (embedding.py relies on it); other values follow.
        self.support, _ = _bits([m.support for m in members], SUPPORT)
        self.support_count = np.fromiter((len(m.support) for m in members), np.int64, n)
        self.urgent_wish = np.fromiter(("urgent_advice" in m.support for m in members), bool, n)
        self.zone, self.zones = _interned([m.time_zone for m in members])
        spellings = {city: _plain(city) for city in {m.city for m in members if m.city}}  # a few hundred
        self.city, self.cities = _interned([spellings[m.city] if m.city else None for m in members])
        self.commitment = _codes([m.commitment for m in members], COMMITMENTS)
        sector_index = {code: i for i, code in enumerate(sectors.CODES)}
        # An unknown code raises, as sectors.relation does for compatibility.score.
        self.sector = np.fromiter((-1 if m.sector is None else sector_index[sectors.sector(m.sector).code]
                                   for m in members), np.int64, n)
        self.preference = _codes([m.sector_preference for m in members], _PREFERENCES)
        self.fit = _codes([m.fit for m in members], _FITS)
        bond = _codes([m.bond for m in members], _BONDS)
        self.bond = np.where(bond < 0, len(_BONDS), bond)
        # Answers per trait (TRAITS first, in order), filled once per distinct set of answers.
        answers, which = _interned([m.traits for m in members])
        trait_names = list(dict.fromkeys(list(TRAITS) + sorted({t for traits in which for t, _ in traits})))
        column = {name: i for i, name in enumerate(trait_names)}
        values = np.zeros((len(which), len(trait_names)), dtype=np.int64)
        given = np.zeros((len(which), len(trait_names)), dtype=bool)
        for row, traits in enumerate(which):
            for name, value in traits:
                values[row, column[name]] = value
                given[row, column[name]] = True
        self.traits, self.assessed = values[answers], given[answers]
        self.showing_up = np.fromiter((_share(m.responsiveness) for m in members), np.float64, n)
        self.urgent = np.fromiter(((_speed(m.reaction_minutes) + _share(m.responsiveness)) / 2
                                   for m in members), np.float64, n)
        self._overlaps: dict[tuple[int, int], float] = {}
        # Meeting in person: the places are looked up only when somebody asked (the gazetteer
        # loads on first use).
        self.meets = np.fromiter((m.meet_in_person for m in members), bool, n)
        self.within = np.fromiter((m.meet_within_km for m in members), np.float64, n)
        self.anyone_meets = bool(self.meets.any())
        if self.anyone_meets:
            self.place, self.places = _interned([m.place for m in members])
        else:
            self.place, self.places = np.full(n, -1, dtype=np.int64), []
        self._distances: dict[int, float] = {}

    def allowed(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """The hard rules that need no capacity nor history: not the same member, both active,
        a shared language, near enough for whoever wants to meet in person."""
        a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
        return ((self.identity[a] != self.identity[b]) & self.active[a] & self.active[b]
                & (_shared_count(self.languages, a, b) > 0) & ~self.too_far(a, b))

    def too_far(self, a: np.ndarray, b: np.ndarray, apart: np.ndarray | None = None) -> np.ndarray:
        """``compatibility.too_far`` for each pair."""
        if not self.anyone_meets:
            return np.zeros(len(a), dtype=bool)
        apart = self.apart(a, b) if apart is None else apart
        # NaN (a city unknown) compares False: too far, as compatibility.py says.
        return ((self.meets[a] & ~(apart <= self.within[a]))
                | (self.meets[b] & ~(apart <= self.within[b])))

    def apart(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """``compatibility.distance_km`` for each pair where one wants to meet in person (the very
        float: computed once per pair of places by places.distance_km); NaN elsewhere."""
        out = np.full(len(a), np.nan)
        if not self.anyone_meets:
            return out
        place_a, place_b = self.place[a], self.place[b]
        known = (place_a >= 0) & (place_b >= 0) & (self.meets[a] | self.meets[b])
        if not known.any():
            return out
        count = len(self.places)
        keys, inverse = np.unique(place_a[known] * count + place_b[known], return_inverse=True)
        values = np.empty(len(keys))
        for i, key in enumerate(keys.tolist()):
            found = self._distances.get(key)
            if found is None:
                first, second = divmod(key, count)
                found = places.distance_km(self.places[first], self.places[second])
                self._distances[key] = found
            values[i] = found
        out[known] = values[inverse.ravel()]
        return out

    def score(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """``compatibility.score(members[a], members[b]).score`` for each pair, exactly."""
        a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
        shared = _Mean(len(a))
        shared.add("time_zone", True, self._overlap(a, b))
        shared.add("city", (self.city[a] >= 0) & (self.city[b] >= 0), (self.city[a] == self.city[b]) * 1.0)
        count_a, count_b = self.language_count[a], self.language_count[b]
        several = (count_a > 1) & (count_b > 1)
        extra = np.maximum(0, _shared_count(self.languages, a, b) - 1)
        shared.add("languages", several, extra / np.where(several, np.minimum(count_a, count_b) - 1, 1))
        commitment_a, commitment_b = self.commitment[a], self.commitment[b]
        shared.add("commitment", (commitment_a >= 0) & (commitment_b >= 0),
                   1.0 - np.abs(commitment_a - commitment_b) / (len(COMMITMENTS) - 1))
        traits = self._common_traits(a, b)
        apart = self.apart(a, b)
        side_a = self._wishes(a, b, shared.copy(), traits, apart)
        side_b = self._wishes(b, a, shared, traits, apart)
        return np.minimum(1.0, np.maximum(0.0, np.sqrt(side_a * side_b)))

    def _wishes(self, a: np.ndarray, b: np.ndarray, side: "_Mean",
                traits: tuple[np.ndarray, np.ndarray], apart: np.ndarray) -> np.ndarray:
        """How well each b answers what a asked for, added after the shared components."""
        wanted = self.support_count[a]
        side.add("support", wanted > 0, _shared_count(self.support, a, b) / np.where(wanted > 0, wanted, 1))
        preference, sector_a, sector_b = self.preference[a], self.sector[a], self.sector[b]
        relation = _RELATION[np.maximum(sector_a, 0), np.maximum(sector_b, 0)]
        fit = np.where((sector_a >= 0) & (sector_b >= 0), _SECTOR_FIT[np.maximum(preference, 0), relation],
                       NEUTRAL)
        side.add("sector", preference >= 0, fit)
        shape, (count, gap) = self.fit[a], traits
        side.add("fit", shape >= 0, np.where(count > 0, np.where(shape == 0, 1.0 - gap, gap), NEUTRAL))
        bond_a, bond_b = self.bond[a], self.bond[b]
        side.add("bond", bond_a < 2,
                 np.where(bond_b == bond_a, BOND_SAME, np.where(bond_b == 2, BOND_OPEN, BOND_OTHER)))
        side.add("urgent", self.urgent_wish[a], self.urgent[b])
        side.add("showing_up", True, self.showing_up[b])
        nearness = np.maximum(0.0, 1.0 - apart / self.within[a])
        side.add("nearby", self.meets[a], np.where(np.isnan(apart), 0.0, nearness))
        return side.mean()

    def _common_traits(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Traits both assessed, and the mean gap between them (0 .. 1) where there are some."""
        both = self.assessed[a] & self.assessed[b]
        count = both.sum(axis=1)
        gaps = (np.abs(self.traits[a] - self.traits[b]) * both).sum(axis=1)
        return count, gaps / (4 * np.maximum(count, 1))

    def _overlap(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """overlap_hours / WORK_HOURS, computed once per pair of zones met."""
        zones = len(self.zones)
        keys, inverse = np.unique(self.zone[a] * zones + self.zone[b], return_inverse=True)
        values = np.empty(len(keys))
        for i, key in enumerate(keys.tolist()):
            pair = divmod(key, zones)
            found = self._overlaps.get(pair)
            if found is None:
                found = overlap_hours(self.zones[pair[0]], self.zones[pair[1]]) / WORK_HOURS
                self._overlaps[pair] = found
            values[i] = found
        return values[inverse.ravel()]


def _interned(values: Sequence[Hashable | None]) -> tuple[np.ndarray, list]:
    """A code per value (-1 for None) and the distinct values, in order of first appearance."""
    index: dict = {}
    codes = np.fromiter((-1 if v is None else index.setdefault(v, len(index)) for v in values),
                        np.int64, len(values))
    return codes, list(index)



class _Mean:
    """One side's weighted mean, added up component by component in compatibility.py's order."""

    def __init__(self, size: int) -> None:
        self.total, self.weighted = np.zeros(size), np.zeros(size)

    def add(self, name: str, applies, value) -> None:
        weight = WEIGHTS[name]
        self.total += np.where(applies, weight, 0.0)
        self.weighted += np.where(applies, weight * value, 0.0)

    def copy(self) -> "_Mean":
        other = _Mean(0)
        other.total, other.weighted = self.total.copy(), self.weighted.copy()
        return other

    def mean(self) -> np.ndarray:
        return self.weighted / self.total
