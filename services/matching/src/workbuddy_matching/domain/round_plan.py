"""One matching round: which members to propose to each other now, and why the others got nobody.

Each member asks for several buddies, up to the slots they still have open (a b-matching). A pair
may be proposed only when the hard rules allow it (``compatibility.refusal``: a shared language,
both active, both with an open slot, never blocked, not ended or declined within the cooling-off
period, near enough for whoever asked to meet in person) and when the two have no proposed or
active buddyship already. Among the pairs allowed, ``assignment.assign`` picks a heavy set by
mutual score.

A member left out of the previous round is not left out again while the round can help it (the
*never left out twice* repair, see ``plan_round``). Everybody still without a pairing is told why.

Pure and deterministic whatever the order of the inputs: ties are broken by member id.
"""

import gc
import os
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np

from workbuddy_contracts import places

from .assignment import assign_rows
from .candidates import among_sorted, locate_sorted
from .compatibility import Candidate, Reason, reasons

if TYPE_CHECKING:
    from .pair_scores import Scorer

NO_COMPATIBLE_MEMBER = "no_compatible_member"
COMPATIBLE_MEMBERS_TAKEN = "compatible_members_taken"

Pair = tuple[str, str]  # member ids, smaller first
# Index pairs into the members given: two arrays, or any iterable of pairs.
Shortlist = Callable[[Sequence[Candidate], int], Iterable[tuple[int, int]] | tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class Pairing:
    a: str  # member ids, a < b
    b: str
    score: float  # mutual, the same seen from either side
    reasons_a: tuple[Reason, ...]  # told to a about b
    reasons_b: tuple[Reason, ...]  # told to b about a


@dataclass(frozen=True)
class LeftOut:
    member_id: str
    # NO_COMPATIBLE_MEMBER: nobody passes the hard rules with them; COMPATIBLE_MEMBERS_TAKEN: some
    # did, but all of them went to others or had no room left.
    reason: str
    compatible: int  # how many members of the round pass the hard rules with them


@dataclass(frozen=True)
class RoundPlan:
    pairings: list[Pairing]  # heaviest first
    left_out: list[LeftOut]  # by member id
    pairs_scored: int  # pairs whose compatibility was computed: the round's cost


def plan_round(members: Sequence[Candidate], *, open_slots: Mapping[str, int],
               blocked: Collection[frozenset[str]] = (), cooling_off: Collection[frozenset[str]] = (),
               open_pairs: Collection[frozenset[str]] = (), left_out_before: Collection[str] = (),
               k: int = 10, shortlist: Shortlist | None = None, exact_up_to: int = 500) -> RoundPlan:
    """Plan one round among ``members``.

    Only active members with ``open_slots[id] > 0`` take part; the others are neither paired nor
    reported. ``open_pairs`` are pairs with a proposed or active buddyship. Up to ``exact_up_to``
    taking part, every pair sharing a language is considered; beyond, only the pairs from
    ``shortlist(participants, k)`` (index pairs into the sequence it is given; by default the
    embedding shortlist), except for the members of ``left_out_before``, whose partners are
    searched among all participants.

    Never left out twice -- the invariant this function guarantees: after the round, a member of
    ``left_out_before`` who takes part and still has no pairing either has no compatible member at
    all, or every compatible member q is full (as many pairings as open slots) and each pairing of
    q is with a member of ``left_out_before`` whose only pairing it is (displacing it would leave
    that member out twice). "Compatible" means: another participant with whom the hard rules and
    ``open_pairs`` allow a proposal.
    """
    # A large round builds millions of small objects, none of them in a cycle (tuples, dicts and
    # sets of ids, pairings): the cyclic collector would walk all of them again each time their
    # number grew by a quarter -- one to three seconds each time at a million members. Reference
    # counting frees them all the same.
    with _cycles_not_collected():
        by_id: dict[str, Candidate] = {}
        for member in members:
            if member.member_id in by_id:
                raise ValueError(f"member {member.member_id!r} given twice")
            by_id[member.member_id] = member
        # Sorted once, so the shortlist and every loop below see the same order whatever the input's.
        participants = sorted((m for m in by_id.values() if m.active and open_slots.get(m.member_id, 0) > 0),
                              key=lambda m: m.member_id)
        round_ = _Round(participants, open_slots, blocked, cooling_off, open_pairs)
        if len(participants) <= exact_up_to:
            round_.consider(*round_.language_pairs())
            round_.assign()
        else:
            shortlist = shortlist or _EmbeddingShortlist(participants, blocked)
            round_.consider(*_rows_of(shortlist(participants, k), len(participants)))
            # The embedding knows nothing of distances: members who want to meet in person are
            # shortlisted their nearest neighbours too.
            round_.consider(*round_.nearby_pairs(k))
            round_.assign()
            # The best-liked members fill up first, and the shortlist of those left with room named
            # mostly them: shortlist again among the members with room, a few times.
            for _ in range(LEFTOVER_PASSES):
                rows = round_.rows_with_room()
                if len(rows) < 2:
                    break
                # Indices into the members with room, back to rows of the round.
                i, j = _rows_of(shortlist([participants[r] for r in rows.tolist()], k), len(rows))
                if not round_.assign_more(rows[i], rows[j]):
                    break
        round_.never_left_out_twice({m for m in left_out_before if m in round_.slots})
        return round_.plan()


def _weighed(table: "Scorer", keys: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The pairs (keys) the rules that need no history allow -- not the same member, both
    active, a shared language, near enough -- and their scores (the very floats
    compatibility.score gives; the reasons, which only the pairs chosen need, are worked out for
    those alone). In chunks, one thread per core: numpy lets go of the GIL while it computes."""

    def chunk(start: int) -> tuple[np.ndarray, np.ndarray]:
        part = keys[start:start + SCORE_CHUNK]
        lo, hi = part // n, part % n
        allowed = table.allowed(lo, hi)
        return part[allowed], table.score(lo[allowed], hi[allowed])

    starts = range(0, len(keys), SCORE_CHUNK)
    if len(starts) <= 1:
        return chunk(0)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        parts = list(pool.map(chunk, starts))
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


@contextmanager
def _cycles_not_collected():
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# Shortlists again among the members still with room after the assignment (large rounds).
LEFTOVER_PASSES = 3
# Pairs weighed together by a thread.
SCORE_CHUNK = 1 << 17


class _EmbeddingShortlist:
    """The embedding shortlist (embedding.py), embedding the participants once for every pass."""

    def __init__(self, participants: list[Candidate], blocked: Collection[frozenset[str]]) -> None:
        from .embedding import embed  # numpy-heavy: only large rounds need it

        self.population = embed(participants)
        self.row = {m.member_id: i for i, m in enumerate(participants)}
        self.blocked = blocked

    def __call__(self, members: Sequence[Candidate], k: int) -> tuple[np.ndarray, np.ndarray]:
        from .embedding import shortlist_rows

        rows = [self.row[m.member_id] for m in members]
        whole = len(rows) == len(self.row)
        return shortlist_rows(members, k, self.blocked,
                              population=self.population if whole else self.population.only(rows))


def _rows_of(pairs, size: int) -> tuple[np.ndarray, np.ndarray]:
    """A shortlist's pairs of indices -- two arrays, or any iterable of pairs -- as two arrays,
    without those naming an index outside the ``size`` members it was given."""
    if isinstance(pairs, tuple) and len(pairs) == 2 and isinstance(pairs[0], np.ndarray):
        i, j = np.asarray(pairs[0], np.int64), np.asarray(pairs[1], np.int64)
    else:
        found = np.array(list(pairs), dtype=np.int64).reshape(-1, 2)
        i, j = found[:, 0], found[:, 1]
    valid = (i >= 0) & (i < size) & (j >= 0) & (j < size)
    return i[valid], j[valid]


class _Round:
    """The participants, the pairs considered with their compatibility, and the pairings chosen.

    Members are numbered by rows, in the order of their ids (so a tie broken by rows is broken by
    ids); a pair of rows ``lo < hi`` is the key ``lo * n + hi``. The pairs considered -- tens of
    millions in a round of a million members -- are kept as arrays of keys and weights, one batch
    per call of ``consider``; pairs weighed one by one (the repair's) in a dict."""

    def __init__(self, participants: list[Candidate], open_slots: Mapping[str, int],
                 blocked: Collection[frozenset[str]], cooling_off: Collection[frozenset[str]],
                 open_pairs: Collection[frozenset[str]]) -> None:
        self.members = {m.member_id: m for m in participants}
        self.slots = {m.member_id: open_slots[m.member_id] for m in participants}
        self._ids: list[str] = list(self.members)  # by row
        self.index = {member_id: i for i, member_id in enumerate(self._ids)}
        self.n = max(len(self._ids), 1)
        self._slots = np.fromiter(self.slots.values(), np.int64, len(self.slots))
        self._used = np.zeros(len(self._ids), dtype=np.int64)  # pairings chosen, by row
        self.blocked = {_key(p) for p in blocked if len(p) == 2}
        self.cooling_off = {_key(p) for p in cooling_off if len(p) == 2}
        self.open_pairs = {_key(p) for p in open_pairs if len(p) == 2}
        # Who each member may not be proposed to, whatever the reason: to count their compatible
        # members without looking at every pair.
        excluded_pairs = self.blocked | self.cooling_off | self.open_pairs
        self.excluded: dict[str, set[str]] = {}
        for a, b in excluded_pairs:
            self.excluded.setdefault(a, set()).add(b)
            self.excluded.setdefault(b, set()).add(a)
        self._excluded_keys = np.unique(np.fromiter(
            (self._pair_key(a, b) for a, b in excluded_pairs if a in self.index and b in self.index),
            np.int64))
        self.speakers: dict[str, list[str]] = {}  # language -> participants who speak it, by id
        self.language_sets = Counter(m.languages for m in participants)
        for m in participants:
            for language in m.languages:
                self.speakers.setdefault(language, []).append(m.member_id)
        self.meeting = [m.member_id for m in participants if m.meet_in_person]
        self._sharing: dict[frozenset[str], list[str]] = {}  # languages -> who shares one, by id
        self.scorer = None
        # The pairs considered, batch by batch: keys sorted, and their weights (the score alone).
        self._batches: list[tuple[np.ndarray, np.ndarray]] = []
        self._one_by_one: dict[int, float] = {}  # key: weight, for pairs weighed outside a batch
        self.chosen: dict[Pair, float] = {}
        self.partners: dict[str, set[str]] = {m: set() for m in self.slots}
        self.freed: set[str] = set()  # members displaced by the repair, who have room again
        # For the repair: who has room, by row (kept by pair and unpair once made), and the
        # compatible members of those it had to list whole.
        self._with_room: np.ndarray | None = None
        self._compatible: dict[str, list[str]] = {}

    def _pair_key(self, a: str, b: str) -> int:
        x, y = self.index[a], self.index[b]
        return x * self.n + y if x < y else y * self.n + x

    # --- the hard rules ---------------------------------------------------------------------

    def compatible(self, member_id: str) -> list[str]:
        """Every participant the member may be proposed to, by id."""
        languages = self.members[member_id].languages
        if languages not in self._sharing:
            self._sharing[languages] = sorted(set().union(*(self.speakers.get(x, ()) for x in languages)))
        sharing = self._sharing[languages]
        if not sharing:
            return []
        table = self.table()
        others = np.fromiter((self.index[o] for o in sharing), np.int64, len(sharing))
        # Every participant has room; what is left is the member, activity, a shared language,
        # the distance for those who want to meet (at once for all) and the pair's history.
        allowed = table.allowed(np.full(len(others), self.index[member_id]), others).tolist()
        excluded = self.excluded.get(member_id, set())
        return [o for o, ok in zip(sharing, allowed, strict=True) if ok and o not in excluded]

    def compatible_with_room(self, member_id: str) -> list[str]:
        """``[q for q in self.compatible(member_id) if self.room(q) > 0]``, looking at the members
        with room only."""
        table = self.table()
        if self._with_room is None:
            self._with_room = self._used < self._slots
        others = np.flatnonzero(self._with_room)
        if not len(others):
            return []
        ids = self._ids
        allowed = table.allowed(np.full(len(others), self.index[member_id]), others)
        excluded = self.excluded.get(member_id, set())
        return [ids[o] for o in others[allowed].tolist() if ids[o] not in excluded]

    def compatible_count(self, member_id: str) -> int:
        """``len(self.compatible(member_id))``, from counts per set of languages: no pair is looked at
        but the excluded ones, so telling thousands of left-out members why stays cheap."""
        languages = self.members[member_id].languages
        # Minus the member themselves, counted among those who speak their languages.
        sharing = sum(count for spoken, count in self.language_sets.items() if spoken & languages)
        sharing -= 1 if languages else 0
        excluded = {other for other in self.excluded.get(member_id, ())
                    if other in self.members and other != member_id
                    and self.members[other].languages & languages}
        if self.members[member_id].meet_in_person:
            return len(self.compatible(member_id))
        # Those who want to meet in person and live too far: few, so looked at one by one.
        meeting = [o for o in self.meeting if o != member_id and o not in excluded
                   and self.members[o].languages & languages]
        if meeting:
            table = self.table()
            others = np.fromiter((self.index[o] for o in meeting), np.int64, len(meeting))
            far = int(table.too_far(np.full(len(others), self.index[member_id]), others).sum())
        else:
            far = 0
        return sharing - len(excluded) - far

    # --- the pairs considered ---------------------------------------------------------------

    def language_pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """Every pair sharing a language, as rows (small rounds only). Pairs are only formed within
        a language: a pair with nothing to say to each other is refused anyway, and most of a large
        round shares few languages with most of it."""
        a: list[int] = []
        b: list[int] = []
        for language in sorted(self.speakers):
            rows = [self.index[m] for m in self.speakers[language]]
            for x, y in combinations(rows, 2):
                a.append(x)
                b.append(y)
        return np.array(a, dtype=np.int64), np.array(b, dtype=np.int64)

    def nearby_pairs(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """For each participant who wants to meet in person, up to ``k`` participants within
        their distance who share a language with them, nearest first (ties by id), as rows.
        Distances here are numpy's, a shade from places.distance_km's: consider() applies the
        exact rule."""
        table = self.table()
        found: list[int] = []
        if not self.meeting:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        ids = self._ids
        by_place: dict[int, list[int]] = {}
        for row, code in enumerate(table.place.tolist()):
            if code >= 0:
                by_place.setdefault(code, []).append(row)
        codes = np.fromiter(by_place, np.int64, len(by_place))
        lat = np.radians([table.places[c].lat for c in codes.tolist()])
        lon = np.radians([table.places[c].lon for c in codes.tolist()])
        for member_id in self.meeting:
            row = self.index[member_id]
            code, within = int(table.place[row]), float(table.within[row])
            if code < 0:
                continue
            here = table.places[code]
            h = (np.sin((lat - np.radians(here.lat)) / 2) ** 2 + np.cos(np.radians(here.lat)) * np.cos(lat)
                 * np.sin((lon - np.radians(here.lon)) / 2) ** 2)
            apart = 2 * places.EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))
            near = np.flatnonzero(apart <= within * 1.001 + 0.01)
            languages, count = self.members[member_id].languages, 0
            for i in near[np.argsort(apart[near], kind="stable")].tolist():
                for other in by_place[int(codes[i])]:
                    if other != row and self.members[ids[other]].languages & languages:
                        found += (row, other)
                        count += 1
                        if count >= k:
                            break
                if count >= k:
                    break
        pairs = np.array(found, dtype=np.int64).reshape(-1, 2)
        return pairs[:, 0], pairs[:, 1]

    def consider(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Weigh the pairs of rows ``(a[i], b[i])`` the hard rules allow and that were not weighed
        yet, add them to those considered and return them (keys, weights)."""
        n = self.n
        keys = np.minimum(a, b) * n + np.maximum(a, b)
        if len(keys) > 1 and not (keys[1:] > keys[:-1]).all():  # a shortlist's come sorted already
            keys = np.unique(keys)
        fresh = ~among_sorted(keys, self._excluded_keys)
        for weighed, _ in self._batches:
            fresh &= ~among_sorted(keys, weighed)
        keys = keys[fresh]
        if self._one_by_one:
            keys = keys[np.fromiter((key not in self._one_by_one for key in keys.tolist()), bool, len(keys))]
        if not len(keys):
            return keys, np.empty(0)
        keys, weights = _weighed(self.table(), keys, n)
        self._batches.append((keys, weights))
        return keys, weights

    def considered(self) -> tuple[np.ndarray, np.ndarray]:
        """Every pair considered so far: keys and weights."""
        if not self._batches:
            return np.empty(0, np.int64), np.empty(0)
        return (np.concatenate([keys for keys, _ in self._batches]),
                np.concatenate([weights for _, weights in self._batches]))

    def table(self):
        if self.scorer is None:
            from .pair_scores import Scorer

            self.scorer = Scorer(list(self.members.values()))
        return self.scorer

    def weights_of(self, member_id: str, others: Sequence[str], *, weigh: bool) -> np.ndarray:
        """The weight of each pair of ``member_id`` with one of ``others``: NaN for those not
        weighed yet, unless ``weigh``, which weighs them (at once) and keeps their weights."""
        row = self.index[member_id]
        rows = np.fromiter((self.index[q] for q in others), np.int64, len(others))
        keys = np.where(rows < row, rows * self.n + row, row * self.n + rows)
        found = np.full(len(keys), np.nan)
        for weighed, weights in self._batches:
            at, hit = locate_sorted(keys, weighed)
            found[hit] = weights[at[hit]]
        missing = np.flatnonzero(np.isnan(found))
        if self._one_by_one:
            for i in missing.tolist():
                found[i] = self._one_by_one.get(int(keys[i]), np.nan)
            missing = np.flatnonzero(np.isnan(found))
        if weigh and len(missing):
            found[missing] = self.table().score(np.full(len(missing), row), rows[missing])
            self._one_by_one.update(zip(keys[missing].tolist(), found[missing].tolist(), strict=True))
        return found

    def pairs_scored(self) -> int:
        return sum(len(keys) for keys, _ in self._batches) + len(self._one_by_one)

    # --- choosing ---------------------------------------------------------------------------

    def assign(self) -> None:
        keys, weights = self.considered()
        self._choose(assign_rows(self._slots, keys // self.n, keys % self.n, weights))

    def assign_more(self, a: np.ndarray, b: np.ndarray) -> int:
        """Assign the room left over the pairs of rows given (those not weighed before); how many
        were added."""
        keys, weights = self.consider(a, b)
        added = assign_rows(self._slots - self._used, keys // self.n, keys % self.n, weights)
        self._choose(added)
        return len(added[0])

    def _choose(self, chosen: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
        ids = self._ids
        for x, y, weight in zip(*(column.tolist() for column in chosen), strict=True):
            self.pair((ids[x], ids[y]), weight)

    def rows_with_room(self) -> np.ndarray:
        return np.flatnonzero(self._used < self._slots)

    def pair(self, pair: Pair, weight: float) -> None:
        self.chosen[pair] = weight
        self.partners[pair[0]].add(pair[1])
        self.partners[pair[1]].add(pair[0])
        self._room_changed(pair, 1)

    def unpair(self, pair: Pair) -> None:
        del self.chosen[pair]
        self.partners[pair[0]].discard(pair[1])
        self.partners[pair[1]].discard(pair[0])
        self._room_changed(pair, -1)

    def _room_changed(self, pair: Pair, change: int) -> None:
        for member_id in pair:
            row = self.index[member_id]
            self._used[row] += change
            if self._with_room is not None:
                self._with_room[row] = self._used[row] < self._slots[row]

    def room(self, member_id: str) -> int:
        return self.slots[member_id] - len(self.partners[member_id])

    def never_left_out_twice(self, before: set[str]) -> None:
        """Serve the members of ``before`` still without a pairing, until nothing changes.

        Each service pairs one more of them and unpairs none of them, and each fill adds a pairing
        and removes none, so the loop ends. It stops only after a pass in which no member could be
        served and the fill found nothing: the invariant of ``plan_round`` then holds.
        """
        counts = {m: self.compatible_count(m) for m in before}
        while True:
            # Those with the fewest options first: the others have more chances left.
            waiting = sorted((m for m in before if not self.partners[m]), key=lambda m: (counts[m], m))
            served = [self.serve(m, before) for m in waiting]
            filled = self.fill()
            if not any(served) and not filled:
                return

    def serve(self, member_id: str, before: set[str]) -> bool:
        if self.partners[member_id]:
            return False  # served while another was displaced for someone else
        # A compatible member with room: the best of them. Looked for among those with room
        # only: after the assignment they are few, and every compatible member of a large round
        # (hundreds of thousands sharing a language) need not be listed for them.
        free = self.compatible_with_room(member_id)
        if free:
            weights = self.weights_of(member_id, free, weigh=True).tolist()
            best, weight = min(zip(free, weights, strict=True), key=lambda item: (-item[1], item[0]))
            self.pair(_key((member_id, best)), weight)
            return True
        # Else a compatible member q gives up one of their pairings (q, r) for this member, unless
        # r is a member left out before whose only pairing it is. Cheapest first: a displacement
        # that leaves r with another pairing, then the highest gain in score; and the pairs
        # already scored (the shortlist's) before scoring others.
        if member_id not in self._compatible:
            self._compatible[member_id] = self.compatible(member_id)
        options = [(q, r) for q in self._compatible[member_id] for r in sorted(self.partners[q])
                   if not (r in before and len(self.partners[r]) == 1)]
        if not options:
            return False
        others = sorted({q for q, _ in options})
        known = self.weights_of(member_id, others, weigh=False)
        if np.isnan(known).all():
            known = self.weights_of(member_id, others, weigh=True)
        weight = dict(zip(others, known.tolist(), strict=True))
        options = [(q, r) for q, r in options if weight[q] == weight[q]]  # NaN: not weighed yet

        def cost(option: Pair) -> tuple:
            q, r = option
            gain = weight[q] - self.chosen[_key((q, r))]
            return len(self.partners[r]) == 1, -gain, q, r

        q, r = min(options, key=cost)
        self.unpair(_key((q, r)))
        self.pair(_key((member_id, q)), weight[q])
        self.freed.add(r)
        return True

    def fill(self) -> bool:
        """Give the displaced members the best pairs considered whose other member has room too.

        After the assignment no pair considered had room at both ends; only a displacement gives
        room back, to the displaced member, so only their pairs need a look."""
        if not self.freed:
            return False
        freed = np.array(sorted(self.index[m] for m in self.freed), dtype=np.int64)
        keys, weights = self.considered()
        lo, hi = keys // self.n, keys % self.n
        theirs = np.isin(lo, freed) | np.isin(hi, freed)
        keys, weights, lo, hi = keys[theirs], weights[theirs], lo[theirs], hi[theirs]
        ids = self._ids
        added = False
        for row in freed.tolist():
            mine = np.flatnonzero((lo == row) | (hi == row))
            mine = mine[np.lexsort((keys[mine], -weights[mine]))]  # heaviest first, ties by pair
            member_id = ids[row]
            for x, y, w in zip(lo[mine].tolist(), hi[mine].tolist(), weights[mine].tolist(), strict=True):
                if self.room(member_id) <= 0:
                    break
                pair = (ids[x], ids[y])
                if w > 0 and pair not in self.chosen and self.room(pair[0]) > 0 and self.room(pair[1]) > 0:
                    self.pair(pair, w)
                    added = True
        self.freed.clear()
        return added

    # --- the plan ---------------------------------------------------------------------------

    def plan(self) -> RoundPlan:
        pairings = []
        for (a, b), weight in self.chosen.items():
            # The score is known; only the reasons are worked out, for the pairs chosen alone.
            member_a, member_b = self.members[a], self.members[b]
            pairings.append(Pairing(a, b, weight, reasons(member_a, member_b), reasons(member_b, member_a)))
        pairings.sort(key=lambda p: (-p.score, p.a, p.b))
        left_out = []
        for member_id in self.slots:
            if not self.partners[member_id]:
                count = self.compatible_count(member_id)
                reason = COMPATIBLE_MEMBERS_TAKEN if count else NO_COMPATIBLE_MEMBER
                left_out.append(LeftOut(member_id, reason, count))
        return RoundPlan(pairings, left_out, self.pairs_scored())



def _key(pair: Iterable[str]) -> Pair:
    a, b = pair  # a frozenset of two, or a tuple: a million times a round, so no sorted()
    return (a, b) if a < b else (b, a)
