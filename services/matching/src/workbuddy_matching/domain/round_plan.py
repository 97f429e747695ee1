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

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from workbuddy_contracts import places

from .assignment import assign
from .compatibility import Candidate, Compatibility, Reason, reasons, refusal, score

NO_COMPATIBLE_MEMBER = "no_compatible_member"
COMPATIBLE_MEMBERS_TAKEN = "compatible_members_taken"

Pair = tuple[str, str]  # member ids, smaller first
Shortlist = Callable[[Sequence[Candidate], int], Iterable[tuple[int, int]]]


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
        round_.consider(round_.language_pairs())
        round_.assign()
    else:
        shortlist = shortlist or _EmbeddingShortlist(participants, blocked)
        round_.consider(round_.indexed_pairs(participants, shortlist(participants, k)))
        # The embedding knows nothing of distances: members who want to meet in person are
        # shortlisted their nearest neighbours too.
        round_.consider(round_.nearby_pairs(k))
        round_.assign()
        # The best-liked members fill up first, and the shortlist of those left with room named
        # mostly them: shortlist again among the members with room, a few times.
        for _ in range(LEFTOVER_PASSES):
            room = [m for m in participants if round_.room(m.member_id) > 0]
            if len(room) < 2 or not round_.assign_more(round_.indexed_pairs(room, shortlist(room, k))):
                break
    round_.never_left_out_twice({m for m in left_out_before if m in round_.slots})
    return round_.plan()


# Shortlists again among the members still with room after the assignment (large rounds).
LEFTOVER_PASSES = 3


class _EmbeddingShortlist:
    """The embedding shortlist (embedding.py), embedding the participants once for every pass."""

    def __init__(self, participants: list[Candidate], blocked: Collection[frozenset[str]]) -> None:
        from .embedding import embed  # numpy-heavy: only large rounds need it

        self.population = embed(participants)
        self.row = {m.member_id: i for i, m in enumerate(participants)}
        self.blocked = blocked

    def __call__(self, members: Sequence[Candidate], k: int) -> Iterable[tuple[int, int]]:
        from .embedding import shortlist_pairs

        rows = [self.row[m.member_id] for m in members]
        whole = len(rows) == len(self.row)
        return shortlist_pairs(members, k, self.blocked,
                               population=self.population if whole else self.population.only(rows))


class _Round:
    """The participants, the pairs considered with their compatibility, and the pairings chosen."""

    def __init__(self, participants: list[Candidate], open_slots: Mapping[str, int],
                 blocked: Collection[frozenset[str]], cooling_off: Collection[frozenset[str]],
                 open_pairs: Collection[frozenset[str]]) -> None:
        self.members = {m.member_id: m for m in participants}
        self.slots = {m.member_id: open_slots[m.member_id] for m in participants}
        self.blocked = {_key(p) for p in blocked if len(p) == 2}
        self.cooling_off = {_key(p) for p in cooling_off if len(p) == 2}
        self.open_pairs = {_key(p) for p in open_pairs if len(p) == 2}
        # Who each member may not be proposed to, whatever the reason: to count their compatible
        # members without looking at every pair.
        self.excluded: dict[str, set[str]] = {}
        for a, b in self.blocked | self.cooling_off | self.open_pairs:
            self.excluded.setdefault(a, set()).add(b)
            self.excluded.setdefault(b, set()).add(a)
        self.speakers: dict[str, list[str]] = {}  # language -> participants who speak it, by id
        self.language_sets = Counter(m.languages for m in participants)
        for m in participants:
            for language in m.languages:
                self.speakers.setdefault(language, []).append(m.member_id)
        self.excluded_pairs = self.blocked | self.cooling_off | self.open_pairs
        self.meeting = [m.member_id for m in participants if m.meet_in_person]
        self._sharing: dict[frozenset[str], list[str]] = {}  # languages -> who shares one, by id
        self.scored: dict[Pair, Compatibility] = {}  # (a, b): score(a, b), told to a
        self.weights: dict[Pair, float] = {}  # (a, b): the score alone, for every pair weighed
        self.scorer = None
        self.index: dict[str, int] = {}
        self._ids: list[str] = []  # by row, as index numbers them
        self.considered: list[tuple[Pair, float]] = []  # in no order: assign() sorts them itself
        self.chosen: dict[Pair, float] = {}
        self.partners: dict[str, set[str]] = {m: set() for m in self.slots}
        self.freed: set[str] = set()  # members displaced by the repair, who have room again
        self._considered_by_member: dict[str, list[tuple[Pair, float]]] | None = None
        # For the repair: who has room, by row (kept by pair and unpair once made), and the
        # compatible members of those it had to list whole.
        self._with_room: np.ndarray | None = None
        self._compatible: dict[str, list[str]] = {}

    # --- the hard rules ---------------------------------------------------------------------

    def allowed(self, a: str, b: str) -> bool:
        if a not in self.members or b not in self.members:
            return False
        pair = _key((a, b))
        if pair in self.open_pairs:
            return False
        return refusal(self.members[a], self.members[b], open_slots_a=self.slots[a],
                       open_slots_b=self.slots[b], blocked=pair in self.blocked,
                       cooling_off=pair in self.cooling_off) is None

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
            self._with_room = np.array([self.room(m) > 0 for m in self.members], dtype=bool)
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

    def language_pairs(self) -> Iterable[Pair]:
        # Pairs are only formed within a language: a pair with nothing to say to each other is
        # refused anyway, and most of a large round shares few languages with most of it.
        for language in sorted(self.speakers):
            yield from combinations(self.speakers[language], 2)

    def nearby_pairs(self, k: int) -> list[Pair]:
        """For each participant who wants to meet in person, up to ``k`` participants within
        their distance who share a language with them, nearest first (ties by id). Distances
        here are numpy's, a shade from places.distance_km's: consider() applies the exact rule."""
        table = self.table()
        if not self.meeting:
            return []
        ids = self._ids
        by_place: dict[int, list[int]] = {}
        for row, code in enumerate(table.place.tolist()):
            if code >= 0:
                by_place.setdefault(code, []).append(row)
        codes = np.fromiter(by_place, np.int64, len(by_place))
        lat = np.radians([table.places[c].lat for c in codes.tolist()])
        lon = np.radians([table.places[c].lon for c in codes.tolist()])
        pairs: list[Pair] = []
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
            languages, found = self.members[member_id].languages, 0
            for i in near[np.argsort(apart[near], kind="stable")].tolist():
                for other in by_place[int(codes[i])]:
                    if other != row and self.members[ids[other]].languages & languages:
                        pairs.append(_key((member_id, ids[other])))
                        found += 1
                        if found >= k:
                            break
                if found >= k:
                    break
        return pairs

    def indexed_pairs(self, among: Sequence[Candidate], pairs: Iterable[tuple[int, int]]) -> Iterable[Pair]:
        ids = [m.member_id for m in among]
        for i, j in pairs:
            if 0 <= i < len(ids) and 0 <= j < len(ids):
                yield ids[i], ids[j]

    def consider(self, pairs: Iterable[Pair]) -> list[tuple[Pair, float]]:
        """Weigh the pairs the hard rules allow, add them to those considered and return them."""
        unique = [pair for pair in dict.fromkeys(map(_key, pairs))
                  if pair not in self.weights and pair not in self.excluded_pairs]
        if not unique:
            return []
        table = self.table()
        a = np.fromiter((self.index[x] for x, _ in unique), np.int64, len(unique))
        b = np.fromiter((self.index[y] for _, y in unique), np.int64, len(unique))
        # Self, both active, a shared language, near enough: at once. Every participant has room, and the
        # history (blocks, cooling off, open pairs) was checked above.
        allowed = table.allowed(a, b)
        kept = [pair for pair, ok in zip(unique, allowed.tolist(), strict=True) if ok]
        # The score of every pair at once (the very floats compatibility.score gives); the reasons,
        # which only the pairs chosen need, are worked out for those alone.
        weighed = list(zip(kept, table.score(a[allowed], b[allowed]).tolist(), strict=True))
        self.weights.update(weighed)
        self.considered += weighed
        self._considered_by_member = None
        return weighed

    def table(self):
        if self.scorer is None:
            from .pair_scores import Scorer

            self.scorer = Scorer(list(self.members.values()))
            self.index = {member_id: i for i, member_id in enumerate(self.members)}
            self._ids = list(self.members)
        return self.scorer

    def bulk_scores(self, pairs: list[Pair]) -> list[float]:
        if not pairs:
            return []
        table = self.table()
        a = np.fromiter((self.index[x] for x, _ in pairs), np.int64, len(pairs))
        b = np.fromiter((self.index[y] for _, y in pairs), np.int64, len(pairs))
        return table.score(a, b).tolist()

    def weigh(self, member_id: str, others: list[str]) -> None:
        """Score at once the pairs of ``member_id`` with ``others`` not weighed yet."""
        missing = [pair for pair in (_key((member_id, q)) for q in others) if pair not in self.weights]
        self.weights.update(zip(missing, self.bulk_scores(missing), strict=True))

    def weight(self, a: str, b: str) -> float:
        pair = _key((a, b))
        if pair not in self.weights:
            self.weights[pair] = self.compatibility(*pair).score
        return self.weights[pair]

    def compatibility(self, a: str, b: str) -> Compatibility:
        pair = _key((a, b))
        if pair not in self.scored:
            self.scored[pair] = score(self.members[pair[0]], self.members[pair[1]])
        return self.scored[pair]

    # --- choosing ---------------------------------------------------------------------------

    def assign(self) -> None:
        for a, b, w in assign(self.slots, ((a, b, w) for (a, b), w in self.considered)):
            self.pair((a, b), w)

    def assign_more(self, pairs: Iterable[Pair]) -> int:
        """Assign the room left over the pairs given (those not weighed before); how many were
        added."""
        fresh = self.consider(pairs)
        room = {m: self.room(m) for m in self.slots if self.room(m) > 0}
        added = assign(room, ((a, b, w) for (a, b), w in fresh))
        for a, b, w in added:
            self.pair((a, b), w)
        return len(added)

    def pair(self, pair: Pair, weight: float) -> None:
        self.chosen[pair] = weight
        self.partners[pair[0]].add(pair[1])
        self.partners[pair[1]].add(pair[0])
        self._room_changed(pair)

    def unpair(self, pair: Pair) -> None:
        del self.chosen[pair]
        self.partners[pair[0]].discard(pair[1])
        self.partners[pair[1]].discard(pair[0])
        self._room_changed(pair)

    def _room_changed(self, pair: Pair) -> None:
        if self._with_room is not None:
            for member_id in pair:
                self._with_room[self.index[member_id]] = self.room(member_id) > 0

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
            self.weigh(member_id, free)
            best = min(free, key=lambda q: (-self.weight(member_id, q), q))
            self.pair(_key((member_id, best)), self.weight(member_id, best))
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
        known = [(q, r) for q, r in options if _key((member_id, q)) in self.weights]
        if not known:
            self.weigh(member_id, sorted({q for q, _ in options}))

        def cost(option: Pair) -> tuple:
            q, r = option
            gain = self.weight(member_id, q) - self.chosen[_key((q, r))]
            return len(self.partners[r]) == 1, -gain, q, r

        q, r = min(known or options, key=cost)
        self.unpair(_key((q, r)))
        self.pair(_key((member_id, q)), self.weight(member_id, q))
        self.freed.add(r)
        return True

    def fill(self) -> bool:
        """Give the displaced members the best pairs considered whose other member has room too.

        After the assignment no pair considered had room at both ends; only a displacement gives
        room back, to the displaced member, so only their pairs need a look."""
        if not self.freed:
            return False
        if self._considered_by_member is None:
            self._considered_by_member = {}
            for pair, w in self.considered:
                for member_id in pair:
                    self._considered_by_member.setdefault(member_id, []).append((pair, w))
            for found in self._considered_by_member.values():
                found.sort(key=lambda item: (-item[1], item[0]))  # heaviest first
        added = False
        for member_id in sorted(self.freed):
            for pair, w in self._considered_by_member.get(member_id, ()):
                if self.room(member_id) <= 0:
                    break
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
        return RoundPlan(pairings, left_out, len(self.weights))


def _key(pair: Iterable[str]) -> Pair:
    a, b = pair  # a frozenset of two, or a tuple: a million times a round, so no sorted()
    return (a, b) if a < b else (b, a)
