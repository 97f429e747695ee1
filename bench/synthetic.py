"""A made-up but plausible population of members, for benchmarks and tests of the round.

Not part of any service: it lives with the benchmarks (``bench/matching_round.py``), and the
tests of the embedding import it from here.

Seeded and deterministic. The shares are guesses about a French-speaking freelance community,
chosen so that every part of the compatibility score varies: ~85 % read French (most in France,
some in Belgium, Switzerland, Québec, West Africa, overseas France), the rest English across
Europe, America and Asia; many speak English too and a few speak other languages (Wolof in
Dakar, Dutch in Brussels, Japanese in Tokyo, a handful of regional languages). Sectors come from
``sectors.CODES``, popular families and popular trades within them far more often; traits lean
with the family (tech more analytical, design more creative...). A third give no city, and some
type theirs in lower case or without accents. Capacities 1-5, mostly 1-2; about a third of the
members have a known responsiveness (they have been buddies before).
"""

import numpy as np

from workbuddy_contracts import sectors
from workbuddy_contracts.vocabulary import COMMITMENTS, SUPPORT, TRAITS
from workbuddy_matching.domain.compatibility import Candidate

# zone: (share among French readers, share among English readers, cities by size, local languages)
_ZONES: dict[str, tuple[float, float, tuple[str, ...], dict[str, float]]] = {
    "Europe/Paris": (0.79, 0.06, ("Paris", "Lyon", "Marseille", "Toulouse", "Bordeaux", "Nantes", "Lille",
                                  "Rennes", "Strasbourg", "Montpellier", "Nice", "Grenoble", "Saint-Étienne",
                                  "Le Havre", "Annecy", "Brest", "Angers", "Dijon", "Tours",
                                  "Clermont-Ferrand"),
                     {"br": 0.004, "oc": 0.004, "eu": 0.003, "co": 0.002, "ca": 0.002}),
    "Europe/Brussels": (0.04, 0.02, ("Bruxelles", "Liège", "Namur", "Charleroi"), {"nl": 0.35}),
    "Europe/Zurich": (0.02, 0.01, ("Genève", "Lausanne", "Neuchâtel"), {"de": 0.3}),
    "America/Montreal": (0.05, 0.03, ("Montréal", "Québec", "Gatineau", "Sherbrooke"), {}),
    "Africa/Dakar": (0.03, 0.0, ("Dakar", "Thiès", "Saint-Louis"), {"wo": 0.6}),
    "Africa/Abidjan": (0.02, 0.0, ("Abidjan", "Bouaké"), {}),
    "Africa/Casablanca": (0.02, 0.0, ("Casablanca", "Rabat", "Marrakech"), {"ar": 0.7}),
    "Indian/Reunion": (0.01, 0.0, ("Saint-Denis", "Saint-Pierre"), {}),
    "America/Guadeloupe": (0.005, 0.0, ("Pointe-à-Pitre",), {}),
    "Pacific/Tahiti": (0.003, 0.0, ("Papeete",), {}),
    "Pacific/Noumea": (0.002, 0.0, ("Nouméa",), {}),
    "Asia/Tokyo": (0.0, 0.06, ("Tokyo", "Osaka"), {"ja": 0.8}),
    "Europe/London": (0.0, 0.25, ("London", "Manchester", "Bristol", "Edinburgh"), {}),
    "Europe/Dublin": (0.0, 0.05, ("Dublin",), {"ga": 0.1}),
    "Europe/Berlin": (0.0, 0.07, ("Berlin", "Hamburg", "München"), {"de": 0.9}),
    "Europe/Amsterdam": (0.0, 0.04, ("Amsterdam", "Rotterdam"), {"nl": 0.9}),
    "America/New_York": (0.0, 0.15, ("New York", "Boston"), {"es": 0.1}),
    "America/Toronto": (0.0, 0.06, ("Toronto", "Ottawa"), {}),
    "America/Los_Angeles": (0.0, 0.08, ("Los Angeles", "San Francisco"), {"es": 0.2}),
    "Asia/Kolkata": (0.0, 0.04, ("Bengaluru", "Mumbai"), {"hi": 0.8}),
    "Asia/Singapore": (0.0, 0.04, ("Singapore",), {"zh": 0.5}),
    "Australia/Sydney": (0.0, 0.04, ("Sydney", "Melbourne"), {}),
}
# Spoken by any member at these rates, whatever the zone, besides what they read.
_FRENCH_READERS_SPEAK = {"en": 0.45, "es": 0.07, "de": 0.03, "it": 0.03, "pt": 0.03, "ar": 0.03}
_ENGLISH_READERS_SPEAK = {"fr": 0.25, "es": 0.08, "de": 0.03, "pt": 0.02}

_FAMILY_SHARE = {"tech": 0.22, "product": 0.07, "design": 0.14, "content": 0.12, "marketing": 0.14,
                 "business": 0.12, "people": 0.06, "health": 0.05, "craft": 0.04, "arts": 0.02,
                 "education": 0.02}
# Which trait each family leans towards (index in TRAITS): organised, outgoing, creative, analytical, steady.
_FAMILY_LEAN = {"tech": (0, 0, 0, 1, 0), "product": (1, 0, 0, 1, 0), "design": (0, 0, 1, 0, 0),
                "content": (0, 0, 1, 0, 1), "marketing": (0, 1, 1, 0, 0), "business": (1, 0, 0, 1, 0),
                "people": (0, 1, 0, 0, 1), "health": (0, 1, 0, 0, 1), "craft": (1, 0, 1, 0, 0),
                "arts": (0, 1, 1, 0, 0), "education": (1, 0, 0, 0, 1)}

_PREFERENCES = (("any", 0.35), ("same", 0.25), ("adjacent", 0.28), ("different", 0.12))
_FITS = (("any", 0.4), ("affinity", 0.4), ("complementarity", 0.2))
_BONDS = (("any", 0.45), ("conviviality", 0.35), ("admiration", 0.2))
_COMMITMENT = ((None, 0.2), ("momentary", 0.25), ("regular", 0.4), ("projects", 0.15))
_SUPPORT_SHARE = np.array([0.6, 0.3, 0.35, 0.2, 0.3])  # of each wish in SUPPORT, among those who wish
_CAPACITY = (0.45, 0.3, 0.12, 0.08, 0.05)


def _choice(rng: np.random.Generator, options, n: int) -> list:
    values, shares = zip(*options, strict=True)
    picked = rng.choice(len(values), size=n, p=np.asarray(shares) / sum(shares))
    return [values[i] for i in picked.tolist()]


def _sectors_by_popularity() -> tuple[list[str], np.ndarray, dict[str, str]]:
    codes, weights, family_of = [], [], {}
    for family, share in _FAMILY_SHARE.items():
        members = [code for code in sectors.CODES if sectors.SECTORS[code].family == family]
        # The first trades of a family (an arbitrary but fixed order) are the popular ones.
        zipf = 1.0 / np.arange(1, len(members) + 1)
        codes += members
        weights += (share * zipf / zipf.sum()).tolist()
        family_of.update(dict.fromkeys(members, family))
    return codes, np.asarray(weights), family_of


def synthetic_members(n: int, seed: int = 0) -> list[Candidate]:
    """``n`` members ``m0000000``..., the same for the same seed."""
    rng = np.random.default_rng(seed)
    french = rng.random(n) < 0.85
    zones = list(_ZONES)
    zone_share = np.array([[_ZONES[z][0] for z in zones], [_ZONES[z][1] for z in zones]])
    zone_share /= zone_share.sum(axis=1, keepdims=True)
    zone = np.where(french, rng.choice(len(zones), n, p=zone_share[0]),
                    rng.choice(len(zones), n, p=zone_share[1]))
    codes, weights, family_of = _sectors_by_popularity()
    sector = rng.choice(len(codes), n, p=weights / weights.sum())
    no_sector = rng.random(n) < 0.1
    preference = _choice(rng, _PREFERENCES, n)
    fit = _choice(rng, _FITS, n)
    bond = _choice(rng, _BONDS, n)
    commitment = _choice(rng, _COMMITMENT, n)
    capacity = rng.choice(np.arange(1, 6), n, p=_CAPACITY)
    # Support: 15 % wish nothing in particular; the others 1-3 wishes, the common ones more often.
    wishes = rng.random((n, len(SUPPORT))) < _SUPPORT_SHARE
    wishes[rng.random(n) < 0.15] = False
    # Traits: a quarter assess none, most all five, the rest some; leaning with the family.
    assessed = rng.random((n, len(TRAITS))) < np.where(rng.random(n) < 0.8, 1.0, 0.5)[:, None]
    assessed[rng.random(n) < 0.25] = False
    lean = np.array([_FAMILY_LEAN[family_of[codes[s]]] for s in range(len(codes))])[sector]
    values = np.clip(np.rint(rng.normal(3.0 + 1.2 * lean, 1.0)), 1, 5).astype(int)
    # Known behaviour as a buddy for about a third of the members.
    known = rng.random(n) < 0.33
    responsiveness = np.where(known, rng.beta(4, 2, n), np.nan)
    minutes = np.where(known & (rng.random(n) < 0.8), rng.lognormal(np.log(120), 1.2, n), np.nan)
    no_city, plain_city = rng.random(n) < 0.33, rng.random(n) < 0.1
    city_rank = rng.zipf(1.6, n) - 1
    languages = _languages(rng, french, [zones[z] for z in range(len(zones))], zone)

    # Built once per distinct value: a million members share a few hundred language sets, wishes
    # and trait answers, and the loop below stays a plain copy.
    support_of = _distinct_rows(wishes, lambda row: frozenset(
        s for s, w in zip(SUPPORT, row, strict=True) if w))
    traits_of = _distinct_rows(np.where(assessed, values, 0), lambda row: tuple(sorted(
        (trait, int(v)) for trait, v in zip(TRAITS, row, strict=True) if v)))
    city_options = [[(c, c.lower()) for c in _ZONES[z][2]] for z in zones]
    city = [None if none else city_options[z][rank % len(city_options[z])][lower] for none, z, rank, lower
            in zip(no_city.tolist(), zone.tolist(), city_rank.tolist(), plain_city.tolist(), strict=True)]
    sector_code = [None if none else codes[s]
                   for none, s in zip(no_sector.tolist(), sector.tolist(), strict=True)]
    # Plain lists: indexing numpy arrays one element at a time is slow over a million members.
    french, zone, capacity = french.tolist(), zone.tolist(), capacity.tolist()
    responsiveness = [None if np.isnan(r) else r for r in responsiveness.tolist()]
    minutes = [None if np.isnan(m) else m for m in minutes.tolist()]
    return [Candidate(
        member_id=f"m{i:07d}",
        display_name=f"Member {i}",
        language="fr" if french[i] else "en",
        languages=languages[i],
        time_zone=zones[zone[i]],
        city=city[i],
        sector=sector_code[i],
        support=support_of[i],
        commitment=commitment[i] if commitment[i] in COMMITMENTS else None,
        sector_preference=preference[i],
        fit=fit[i],
        bond=bond[i],
        traits=traits_of[i],
        capacity=capacity[i],
        responsiveness=responsiveness[i],
        reaction_minutes=minutes[i],
    ) for i in range(n)]


def _languages(rng: np.random.Generator, french: np.ndarray, zones: list[str],
               zone: np.ndarray) -> list[frozenset[str]]:
    """What each member speaks: what they read, common second languages, the local ones."""
    n = len(french)
    codes = sorted({"fr", "en"} | set(_FRENCH_READERS_SPEAK) | set(_ENGLISH_READERS_SPEAK)
                   | {code for z in zones for code in _ZONES[z][3]})
    share = np.zeros((n, len(codes)))
    for j, code in enumerate(codes):
        share[:, j] = np.where(french, _FRENCH_READERS_SPEAK.get(code, 0.0),
                               _ENGLISH_READERS_SPEAK.get(code, 0.0))
        local = np.array([_ZONES[z][3].get(code, 0.0) for z in zones])[zone]
        share[:, j] = 1 - (1 - share[:, j]) * (1 - local)
    speaks = rng.random((n, len(codes))) < share
    speaks[:, codes.index("fr")] |= french
    speaks[:, codes.index("en")] |= ~french
    return _distinct_rows(speaks, lambda row: frozenset(c for c, s in zip(codes, row, strict=True) if s))


def _distinct_rows(rows: np.ndarray, build) -> list:
    """``build(row)`` for each row, called once per distinct row and shared."""
    # Rows of small integers as one integer each: np.unique over rows (axis=0) is far slower.
    rows = rows.astype(np.int64)
    base = int(rows.max(initial=0)) + 1
    keys = rows @ (base ** np.arange(rows.shape[1], dtype=np.int64))
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    built = [build(rows[i]) for i in first.tolist()]
    return [built[i] for i in inverse.ravel().tolist()]
