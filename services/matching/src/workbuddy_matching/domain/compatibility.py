"""Who makes a good buddy for whom: the hard rules, and a mutual score with its reasons.

The article's questions are the inputs: the support a member wants, the commitment, the sector
preference (same / adjacent / different), the fit (affinity / complementarity) and the bond
(admiration / conviviality); locality and time zone matter too. A member who wants to meet in
person is proposed only members within the distance they chose (``too_far``), and the nearer the
better on their side of the score.

Pure: the standard library and workbuddy_contracts only, so it can be tested and benchmarked alone.

The score is mutual. Each member's wishes are weighed on their own side: how well `b` answers what
`a` asked for, and how well `a` answers what `b` asked for. The two sides are combined by their
geometric mean, so a pair that pleases one member and not the other scores low, and
`score(a, b).score == score(b, a).score` exactly. The reasons are told to `a` about `b` (call
`score(b, a)` for what to tell `b`); they may come from either member's wishes.
"""

import math
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from workbuddy_contracts import places, sectors
from workbuddy_contracts.profile import default_profile
from workbuddy_contracts.sectors import Relation
from workbuddy_contracts.vocabulary import COMMITMENTS, SUPPORT, TRAITS

# --- weights: every one in this single table ------------------------------------------------
# Each component gives a value in [0, 1]; a member's side is the weighted mean of the components
# that apply to them (a wish answered "any", or not answered, does not count on their side).
WEIGHTS: dict[str, float] = {
    # The first question of the article: what the buddyship is *for*. Two members who want
    # different things from it will not keep it alive, whatever else they share.
    "support": 3.0,
    # Same trade, a neighbour or another world: asked explicitly, and it decides whether they can
    # swap advice about clients and craft.
    "sector": 2.5,
    # Momentary help and joint projects are very different promises; a gap there disappoints.
    "commitment": 2.0,
    # A cheer that comes the next day, an urgent advice at 3 a.m.: buddies must be awake together.
    "time_zone": 2.0,
    # Asked for urgent advice, a buddy who reacts fast is the whole point (only for that wish).
    "urgent": 2.0,
    # Character fit and bond are real wishes, but softer and self-assessed: they weigh less.
    "fit": 1.5,
    "bond": 1.5,
    # Meeting in person is a bonus for those who can, not a need for most freelancers online.
    "city": 1.0,
    # Whether a member shows up for their buddies' moments, when we know it (unknown: neutral).
    "showing_up": 1.0,
    # One shared language is a hard rule; speaking more of them together is a small plus.
    "languages": 0.5,
    # For a member who asked to meet in person (only them): how near, within the distance they
    # chose. As much as the time zone: those who ask mean it, and the rule already keeps the far.
    "nearby": 2.0,
}

# When we cannot tell (no sector, no traits, no history): neither good nor bad.
NEUTRAL = 0.5
MAX_REASONS = 4

# Working hours in each member's own time zone, on a fixed ordinary day far from any daylight
# saving change in either hemisphere, so that the overlap is deterministic.
WORK_START, WORK_END = time(9), time(18)
WORK_HOURS = 9.0
REFERENCE_DAY = date(2025, 6, 11)

# How well b's sector answers a's preference, by the relation between their sectors.
SECTOR_FIT: dict[str, dict[Relation, float]] = {
    "same": {Relation.SAME: 1.0, Relation.ADJACENT: 0.5, Relation.DIFFERENT: 0.0},
    "adjacent": {Relation.SAME: 0.4, Relation.ADJACENT: 1.0, Relation.DIFFERENT: 0.2},
    "different": {Relation.SAME: 0.0, Relation.ADJACENT: 0.3, Relation.DIFFERENT: 1.0},
}
# How well b's bond answers a's: the same kind, open to any, or the other kind.
BOND_SAME, BOND_OPEN, BOND_OTHER = 1.0, 0.75, 0.2

# Reasons are given only when they are clearly true.
SIMILAR_TRAITS_MAX = 0.25  # mean gap between traits, 0 (identical) .. 1 (opposite)
COMPLEMENTARY_TRAITS_MIN = 0.4
TIME_ZONE_REASON_HOURS = 6
FAST_MINUTES = 180  # the most we still call fast answers
SHOWS_UP_SHARE = 0.8
# Two members this close (km) are said to be in the same area, the larger city's.
SAME_AREA_KM = 40

REASON_CODES = (
    "shared_support", "same_sector", "adjacent_sectors", "different_sectors", "same_commitment",
    "time_zone_overlap", "fast_answers", "similar_traits", "complementary_traits", "same_bond",
    "nearby", "same_city", "shows_up", "shared_languages",
)


@dataclass(frozen=True)
class Candidate:
    member_id: str
    display_name: str
    language: str  # what the member reads: fr or en
    languages: frozenset[str]  # what the member speaks
    time_zone: str
    city: str | None
    sector: str | None
    support: frozenset[str]
    commitment: str | None
    sector_preference: str
    fit: str
    bond: str
    traits: tuple[tuple[str, int], ...]
    capacity: int
    active: bool = True
    # Share (0..1) of their buddies' moments this member reacted to; None: unknown.
    responsiveness: float | None = None
    # Median minutes to react; None: unknown.
    reaction_minutes: float | None = None
    # Would like to meet buddies in person, within that many km of their city.
    meet_in_person: bool = False
    meet_within_km: int = 30

    @property
    def place(self) -> places.Place | None:
        """The city, as the gazetteer knows it (looked up only when a distance is needed)."""
        return places.resolve(self.city) if self.city else None


def from_pool(doc: dict, *, active: bool = True, responsiveness: float | None = None,
              reaction_minutes: float | None = None) -> Candidate:
    """A candidate from matching's pool document (which lacks a profile until one arrives)."""
    language = doc["language"]
    profile = default_profile(language) | (doc.get("profile") or {})
    return Candidate(
        member_id=doc["_id"],
        display_name=doc.get("display_name") or "",
        language=language,
        languages=frozenset(profile["languages"] or [language]),
        time_zone=profile["time_zone"],
        city=profile["city"],
        sector=profile["sector"],
        support=frozenset(profile["support"]),
        commitment=profile["commitment"],
        sector_preference=profile["sector_preference"],
        fit=profile["fit"],
        bond=profile["bond"],
        traits=tuple(sorted(profile["traits"].items())),
        capacity=profile["buddy_capacity"],
        active=active,
        responsiveness=responsiveness,
        reaction_minutes=reaction_minutes,
        meet_in_person=bool(profile["meet_in_person"]),
        meet_within_km=profile["meet_within_km"],
    )


@dataclass(frozen=True)
class Reason:
    code: str
    params: tuple[tuple[str, str], ...] = ()

    def get(self, name: str, default: str | None = None) -> str | None:
        return dict(self.params).get(name, default)


@dataclass(frozen=True)
class Compatibility:
    score: float  # 0 .. 1
    reasons: tuple[Reason, ...]  # most important first, at most MAX_REASONS


# --- hard rules -------------------------------------------------------------------------------


def refusal(a: Candidate, b: Candidate, *, open_slots_a: int, open_slots_b: int,
            blocked: bool = False, cooling_off: bool = False) -> str | None:
    """None when the pair may be proposed; else why not, as a short code."""
    if a.member_id == b.member_id:
        return "same_member"
    if blocked:
        return "blocked"
    if not (a.active and b.active):
        return "inactive"
    if open_slots_a <= 0 or open_slots_b <= 0:
        return "no_capacity"
    if not a.languages & b.languages:
        return "no_shared_language"
    if cooling_off:
        return "cooling_off"
    if too_far(a, b):
        return "too_far"  # last: may_meet lets it pass, and no other rule may hide behind it
    return None


def may_meet(a: Candidate, b: Candidate, excluded: set[str]) -> bool:
    """Whether ``b`` may be introduced to ``a`` outside their slots (a support buddy, a helper
    for an ask, a project partner): not ``excluded`` (blocked either way, cooling off, already
    paired) and no hard rule against the pair but the distance: that help is given remotely, so
    a member who wants buddies to meet in person may still get it from afar."""
    return (b.member_id not in excluded
            and refusal(a, b, open_slots_a=1, open_slots_b=1) in (None, "too_far"))


def distance_km(a: Candidate, b: Candidate) -> float | None:
    """How far apart the two members' cities are; None when either is unknown."""
    place_a, place_b = a.place, b.place
    if place_a is None or place_b is None:
        return None
    return places.distance_km(place_a, place_b)


def too_far(a: Candidate, b: Candidate) -> bool:
    """A member who wants to meet in person is proposed only members whose city is within their
    distance; each side's distance binds that side alone (a member who did not ask is not
    restricted, but is not proposed to someone who asked and lives too far)."""
    if not (a.meet_in_person or b.meet_in_person):
        return False
    apart = distance_km(a, b)
    return any(member.meet_in_person and (apart is None or apart > member.meet_within_km)
               for member in (a, b))


# --- components -------------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _working_days(zone: str) -> list[tuple[datetime, datetime]]:
    tz = _zone(zone)
    days = [REFERENCE_DAY + timedelta(days=shift) for shift in (-1, 0, 1)]
    return [(datetime.combine(day, WORK_START, tz), datetime.combine(day, WORK_END, tz)) for day in days]


@lru_cache(maxsize=4096)
def overlap_hours(zone_a: str, zone_b: str) -> float:
    """Hours of 09:00-18:00 local shared by the two zones on the reference day (0 .. 9)."""
    best = 0.0
    for start_a, end_a in _working_days(zone_a):
        for start_b, end_b in _working_days(zone_b):
            shared = (min(end_a, end_b) - max(start_a, start_b)).total_seconds() / 3600
            best = max(best, shared)
    return min(best, WORK_HOURS)


def same_place(city_a: str | None, city_b: str | None) -> bool:
    """Case, accents, hyphens and spaces do not make two cities different."""
    if not city_a or not city_b:
        return False
    return _plain(city_a) == _plain(city_b)


@lru_cache(maxsize=1 << 16)  # cities are typed a few thousand ways; a round asks a million times
def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(bare.replace("-", " ").replace("'", " ").replace("’", " ").split())


def trait_gap(a: Candidate, b: Candidate) -> float | None:
    """Mean gap between the traits both assessed, 0 (alike) .. 1 (opposite); None if none."""
    mine, theirs = dict(a.traits), dict(b.traits)
    common = sorted(set(mine) & set(theirs))
    if not common:
        return None
    return sum(abs(mine[t] - theirs[t]) for t in common) / (4 * len(common))


def _relation(a: Candidate, b: Candidate) -> Relation | None:
    if a.sector is None or b.sector is None:
        return None
    return sectors.relation(a.sector, b.sector)


def _speed(minutes: float | None) -> float:
    # 30 minutes or less is perfect; it fades (on a log scale) to nothing at a day.
    if minutes is None:
        return NEUTRAL
    if minutes <= 30:
        return 1.0
    return max(0.0, 1.0 - math.log(minutes / 30) / math.log(48))


def _share(value: float | None) -> float:
    return NEUTRAL if value is None else min(1.0, max(0.0, value))


def _shared(a: Candidate, b: Candidate) -> list[tuple[str, float]]:
    """Components that depend on the pair, not on whose wishes: the same on both sides."""
    found = [("time_zone", overlap_hours(a.time_zone, b.time_zone) / WORK_HOURS)]
    if a.city and b.city:
        found.append(("city", 1.0 if same_place(a.city, b.city) else 0.0))
    if len(a.languages) > 1 and len(b.languages) > 1:
        extra = len(a.languages & b.languages) - 1
        found.append(("languages", max(0, extra) / (min(len(a.languages), len(b.languages)) - 1)))
    if a.commitment in COMMITMENTS and b.commitment in COMMITMENTS:
        gap = abs(COMMITMENTS.index(a.commitment) - COMMITMENTS.index(b.commitment))
        found.append(("commitment", 1.0 - gap / (len(COMMITMENTS) - 1)))
    return found


def _wishes(a: Candidate, b: Candidate) -> list[tuple[str, float]]:
    """How well b answers what a asked for; what a left open does not count."""
    found = []
    if a.support:
        found.append(("support", len(a.support & b.support) / len(a.support)))
    if a.sector_preference in SECTOR_FIT:
        relation = _relation(a, b)
        found.append(("sector", NEUTRAL if relation is None else SECTOR_FIT[a.sector_preference][relation]))
    if a.fit in ("affinity", "complementarity"):
        gap = trait_gap(a, b)
        if gap is None:
            found.append(("fit", NEUTRAL))
        else:
            found.append(("fit", 1.0 - gap if a.fit == "affinity" else gap))
    if a.bond in ("admiration", "conviviality"):
        found.append(("bond", BOND_SAME if b.bond == a.bond
                      else BOND_OPEN if b.bond == "any" else BOND_OTHER))
    if "urgent_advice" in a.support:
        found.append(("urgent", (_speed(b.reaction_minutes) + _share(b.responsiveness)) / 2))
    found.append(("showing_up", _share(b.responsiveness)))
    if a.meet_in_person:
        found.append(("nearby", _nearness(distance_km(a, b), a.meet_within_km)))
    return found


def _nearness(apart: float | None, within: int) -> float:
    # 1 in the same city, fading to 0 at the distance the member chose (unknown: as far as that).
    if apart is None:
        return 0.0
    return max(0.0, 1.0 - apart / within)


def _side(components: list[tuple[str, float]]) -> float:
    total = sum(WEIGHTS[name] for name, _ in components)
    return sum(WEIGHTS[name] * value for name, value in components) / total


def score(a: Candidate, b: Candidate) -> Compatibility:
    """How good a buddy b is for a and a for b (symmetric), and why, told to a."""
    shared = _shared(a, b)
    side_a = _side(shared + _wishes(a, b))
    side_b = _side(shared + _wishes(b, a))
    value = min(1.0, max(0.0, math.sqrt(side_a * side_b)))
    return Compatibility(value, _reasons(a, b))


# --- reasons ----------------------------------------------------------------------------------


def reasons(a: Candidate, b: Candidate) -> tuple[Reason, ...]:
    """``score(a, b).reasons`` without the score, for a pair whose score is known already."""
    return _reasons(a, b)


def _reasons(a: Candidate, b: Candidate) -> tuple[Reason, ...]:
    """(strength, reason) for each clear good point; the strongest first."""
    found: list[tuple[float, Reason]] = []

    both_support = [s for s in SUPPORT if s in a.support and s in b.support]
    if both_support:
        share = len(both_support) / max(len(a.support), len(b.support))
        found.append((WEIGHTS["support"] * share,
                      Reason("shared_support", (("support", ",".join(both_support)),))))

    relation = _relation(a, b)
    if relation is not None and relation.value in (a.sector_preference, b.sector_preference):
        wished = (a.sector_preference == relation.value) + (b.sector_preference == relation.value)
        strength = WEIGHTS["sector"] * wished / 2
        if relation is Relation.SAME:
            found.append((strength, Reason("same_sector", (("sector", a.sector),))))
        else:
            code = f"{relation.value}_sectors"
            found.append((strength, Reason(code, (("mine", a.sector), ("theirs", b.sector)))))

    if a.commitment is not None and a.commitment == b.commitment:
        found.append((WEIGHTS["commitment"] * 0.9,
                      Reason("same_commitment", (("commitment", a.commitment),))))

    nearby = _nearby_reason(a, b)
    if nearby is not None:
        found.append(nearby)
    city = nearby is None and same_place(a.city, b.city)
    hours = overlap_hours(a.time_zone, b.time_zone)
    if not city and nearby is None and hours >= TIME_ZONE_REASON_HOURS:
        found.append((WEIGHTS["time_zone"] * hours / WORK_HOURS * 0.8,
                      Reason("time_zone_overlap", (("hours", str(round(hours))),))))
    if city:
        shown = _better_written(a.city, b.city)
        found.append((WEIGHTS["city"] * 1.5, Reason("same_city", (("city", shown),))))

    if "urgent_advice" in a.support and b.reaction_minutes is not None and b.reaction_minutes <= FAST_MINUTES:
        found.append((WEIGHTS["urgent"] * (0.5 + _speed(b.reaction_minutes)),
                      Reason("fast_answers", (("minutes", str(round(b.reaction_minutes))),))))
    elif b.responsiveness is not None and b.responsiveness >= SHOWS_UP_SHARE:
        found.append((WEIGHTS["showing_up"] * b.responsiveness,
                      Reason("shows_up", (("share", str(round(100 * b.responsiveness))),))))

    found.extend(_trait_reasons(a, b))

    if a.bond != "any" and a.bond == b.bond:
        found.append((WEIGHTS["bond"], Reason("same_bond", (("bond", a.bond),))))

    both_speak = sorted(a.languages & b.languages)
    if len(both_speak) > 1:
        found.append((WEIGHTS["languages"] * len(both_speak),
                      Reason("shared_languages", (("languages", ",".join(both_speak)),))))

    found.sort(key=lambda item: (-item[0], _REASON_RANK[item[1].code]))
    return tuple(reason for _, reason in found[:MAX_REASONS])


_REASON_RANK = {code: rank for rank, code in enumerate(REASON_CODES)}


@lru_cache(maxsize=1 << 14)
def _better_written(city_a: str, city_b: str) -> str:
    """The same city may be typed "lyon" by one and "Lyon" by the other: show the better-written
    (a round tells it to hundreds of thousands of pairs, from a few thousand spellings)."""
    return max((city_a.strip(), city_b.strip()), key=lambda c: (sum(not x.isascii() for x in c),
                                                                sum(x.isupper() for x in c)))


def _nearby_reason(a: Candidate, b: Candidate) -> tuple[float, Reason] | None:
    """For a pair where one wants to meet in person and the other is within their distance: how
    far apart, and the area when they are close ("12 km apart, both in the Lyon area")."""
    wanting = [m for m in (a, b) if m.meet_in_person]
    if not wanting:
        return None
    apart = distance_km(a, b)
    if apart is None or any(apart > m.meet_within_km for m in wanting):
        return None
    params = [("km", str(round(apart))), *_place_names("city", b.place)]
    if apart <= SAME_AREA_KM:
        params += _place_names("area", max((a.place, b.place), key=lambda p: (p.population, p.geonameid)))
    # Those who asked want this above all: it leads, and leads further when both asked.
    farthest = max(m.meet_within_km for m in wanting)
    strength = WEIGHTS["nearby"] * (1.0 + len(wanting)) * (1.5 - apart / farthest)
    return strength, Reason("nearby", tuple(params))


def _place_names(key: str, place: places.Place) -> list[tuple[str, str]]:
    # GeoNames' name, and the French one where it differs: reasons.py picks the reader's.
    return [(key, place.name)] + ([(f"{key}_fr", place.name_fr)] if place.name_fr else [])


def _trait_reasons(a: Candidate, b: Candidate) -> list[tuple[float, Reason]]:
    gap = trait_gap(a, b)
    if gap is None:
        return []
    mine, theirs = dict(a.traits), dict(b.traits)
    common = [t for t in TRAITS if t in mine and t in theirs]
    fits = (a.fit, b.fit)
    if "complementarity" in fits and gap >= COMPLEMENTARY_TRAITS_MIN:
        params = []
        their_edge = max(common, key=lambda t: theirs[t] - mine[t])
        my_edge = max(common, key=lambda t: mine[t] - theirs[t])
        if theirs[their_edge] > mine[their_edge] and mine[my_edge] > theirs[my_edge]:
            params = [("mine", my_edge), ("theirs", their_edge)]
        wished = fits.count("complementarity") / 2
        return [(WEIGHTS["fit"] * wished * (0.5 + gap), Reason("complementary_traits", tuple(params)))]
    if "affinity" in fits and gap <= SIMILAR_TRAITS_MAX:
        strong = [t for t in common if min(mine[t], theirs[t]) >= 4]
        params = (("trait", max(strong, key=lambda t: min(mine[t], theirs[t]))),) if strong else ()
        wished = fits.count("affinity") / 2
        return [(WEIGHTS["fit"] * wished * (1.5 - gap), Reason("similar_traits", params))]
    return []
