"""The gazetteer: names to places, suggestions as one types, distances."""

import math
import os
import time

import pytest

from workbuddy_contracts import places


@pytest.mark.parametrize(("typed", "name", "country"), [
    ("Lyon", "Lyon", "FR"),
    ("  lyon ", "Lyon", "FR"),
    ("LYON", "Lyon", "FR"),
    ("Genève", "Geneva", "CH"),
    ("geneve", "Geneva", "CH"),
    ("Geneva", "Geneva", "CH"),  # not Geneva, Illinois: the more populous
    ("Londres", "London", "GB"),
    ("London, CA", "London", "CA"),  # as a suggestion writes it: that country's
    ("saint etienne", "Saint-Étienne", "FR"),
    ("Saint-Étienne", "Saint-Étienne", "FR"),
    ("Bruxelles", "Brussels", "BE"),
    ("Cologne", "Köln", "DE"),
    ("Montreal", "Montréal", "CA"),
])
def test_a_city_is_found_whatever_its_spelling(typed, name, country):
    place = places.resolve(typed)
    assert (place.name, place.country) == (name, country)
    assert -90 <= place.lat <= 90 and -180 <= place.lon <= 180 and place.population >= 5000


@pytest.mark.parametrize("typed", ["", "   ", None, "Nowhere-sur-Rien", "Lyon, ZZ"])
def test_what_the_gazetteer_does_not_know_is_none(typed):
    assert places.resolve(typed) is None


def test_the_french_name_is_known_where_it_differs():
    assert places.resolve("London").name_fr == "Londres"
    assert places.resolve("Genève").name_fr == "Genève"
    assert places.resolve("Lyon").name_fr is None


def test_suggestions_start_with_what_was_typed_most_populous_first():
    found = places.suggest("Ly", limit=5)
    assert found[0].name == "Lyon" and len(found) == 5
    assert [p.population for p in found] == sorted((p.population for p in found), reverse=True)
    assert all(places.plain(p.name).startswith("ly") for p in found)
    assert not any(c.isdigit() for p in places.suggest("Paris", limit=20) for c in p.name)


def test_suggestions_find_french_names_and_ignore_accents():
    assert places.suggest("Londr", limit=1)[0].name == "London"
    assert places.suggest("genev", limit=20)[0].name == "Geneva"
    assert [p.name for p in places.suggest("saint-eti", limit=3)][0] == "Saint-Étienne"
    assert places.suggest("", limit=8) == [] and places.suggest("Ly", limit=0) == []
    assert len(places.suggest("a", limit=500)) == places.SUGGESTIONS_MAX


def test_distances_are_great_circle_kilometres():
    lyon, villeurbanne = places.resolve("Lyon"), places.resolve("Villeurbanne")
    assert places.distance_km(lyon, lyon) == 0
    assert 2 < places.distance_km(lyon, villeurbanne) < 5
    assert places.distance_km(lyon, villeurbanne) == places.distance_km(villeurbanne, lyon)
    # Paris - London is 344 km as the crow flies.
    assert places.distance_km(places.resolve("Paris"), places.resolve("London")) == pytest.approx(344, abs=2)
    # A quarter of the equator, and antipodes (the rounding guard of asin).
    assert places.distance_km((0, 0), (0, 90)) == pytest.approx(math.pi / 2 * places.EARTH_RADIUS_KM)
    assert places.distance_km((0, 0), (0, 180)) == pytest.approx(math.pi * places.EARTH_RADIUS_KM)


def _indexes(gazetteer) -> tuple:
    return gazetteer.places, gazetteer.by_name, gazetteer.keys, gazetteer.rows


def test_the_indexes_one_process_built_are_what_the_next_one_loads(tmp_path, monkeypatch):
    monkeypatch.setenv("GAZETTEER_CACHE_DIR", str(tmp_path))
    built = places._Gazetteer()
    [kept] = tmp_path.glob("gazetteer-*.marshal")
    monkeypatch.setattr(places._Gazetteer, "_build", _never_built)
    loaded = places._Gazetteer()
    assert _indexes(loaded) == _indexes(built)
    assert loaded.places[loaded.by_name["londres"]].name_fr == "Londres"
    assert list(tmp_path.iterdir()) == [kept]  # nothing left half-written beside it


def _small_build(self, path):
    self.places = [places.Place(1, "Lyon", "FR", 45.75, 4.85, 520774)]
    self.by_name, self.keys, self.rows = {"lyon": 0}, ["lyon"], [(-520774, 0)]


def _never_built(self, path):
    raise AssertionError("built again instead of loaded")


def test_a_torn_file_is_built_again_and_replaced(tmp_path, monkeypatch):
    monkeypatch.setenv("GAZETTEER_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(places._Gazetteer, "_build", _small_build)
    places._cache_file(places.CITIES_FILE).write_bytes(b"\xfb")  # its writer was stopped
    assert places._Gazetteer().by_name == {"lyon": 0}
    monkeypatch.setattr(places._Gazetteer, "_build", _never_built)
    assert places._Gazetteer().places == [places.Place(1, "Lyon", "FR", 45.75, 4.85, 520774)]


def test_where_nothing_can_be_written_each_process_builds_its_own(tmp_path, monkeypatch):
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("GAZETTEER_CACHE_DIR", str(tmp_path / "a-file" / "cache"))
    monkeypatch.setattr(places._Gazetteer, "_build", _small_build)
    assert places._Gazetteer().by_name == {"lyon": 0}
    assert list(tmp_path.iterdir()) == [tmp_path / "a-file"]


def test_another_gazetteers_file_goes_a_day_after_it_was_written(tmp_path, monkeypatch):
    monkeypatch.setenv("GAZETTEER_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(places._Gazetteer, "_build", _small_build)
    old, recent = tmp_path / "gazetteer-0ld.marshal", tmp_path / "gazetteer-rec3nt.marshal"
    old.write_bytes(b""), recent.write_bytes(b"")
    os.utime(old, (time.time() - 2 * 86400,) * 2)
    places._Gazetteer()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [recent.name, places._cache_file(places.CITIES_FILE).name])
