"""Who may be proposed to whom, how well they fit (mutually), and why, in French and English."""

import dataclasses

import pytest
from hypothesis import given, settings

from workbuddy_contracts.sectors import label
from workbuddy_matching.domain.compatibility import (
    MAX_REASONS,
    REASON_CODES,
    Candidate,
    Reason,
    from_pool,
    overlap_hours,
    refusal,
    same_place,
    score,
)
from workbuddy_matching.domain.reasons import explain

from . import strategies


def member(member_id="ana", **changes) -> Candidate:
    """A member who wished for nothing in particular; each test sets what it is about."""
    base = Candidate(
        member_id=member_id, display_name=member_id.capitalize(), language="fr", languages=frozenset({"fr"}),
        time_zone="Europe/Paris", city=None, sector=None, support=frozenset(), commitment=None,
        sector_preference="any", fit="any", bond="any", traits=(), capacity=2,
    )
    return dataclasses.replace(base, **changes)


def traits(**values) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(values.items()))


def codes(a, b) -> list[str]:
    return [reason.code for reason in score(a, b).reasons]


# --- from the pool ----------------------------------------------------------------------------


def test_a_member_known_only_by_registration_gets_the_default_profile():
    candidate = from_pool({"_id": "m-1", "language": "en", "registered_at": "2025-01-01"})
    assert (candidate.display_name, candidate.languages, candidate.time_zone) == ("", {"en"}, "UTC")
    assert (candidate.sector_preference, candidate.fit, candidate.bond, candidate.capacity) == (
        "any", "any", "any", 2)
    assert candidate.active and candidate.responsiveness is None and candidate.reaction_minutes is None


def test_a_pool_document_with_a_profile_becomes_a_hashable_candidate():
    doc = {"_id": "m-2", "language": "fr", "revision": 3, "display_name": "Chloé", "profile": {
        "sector": "ux_design", "skills": ["Figma"], "city": "Lyon", "time_zone": "Europe/Paris",
        "languages": ["fr", "en"], "support": ["urgent_advice"], "commitment": "regular",
        "sector_preference": "adjacent", "fit": "complementarity", "bond": "conviviality",
        "traits": {"steady": 2, "creative": 5}, "buddy_capacity": 3, "availability": {}}}
    candidate = from_pool(doc, active=False, responsiveness=0.5, reaction_minutes=20)
    assert candidate.traits == (("creative", 5), ("steady", 2))
    assert candidate.support == {"urgent_advice"} and candidate.capacity == 3
    assert not candidate.active and candidate.reaction_minutes == 20
    assert hash(candidate) == hash(from_pool(doc, active=False, responsiveness=0.5, reaction_minutes=20))


# --- hard rules -------------------------------------------------------------------------------


def test_two_open_active_members_sharing_a_language_may_be_proposed():
    assert refusal(member("ana"), member("bob"), open_slots_a=1, open_slots_b=2) is None


@pytest.mark.parametrize("a, b, slots, flags, expected", [
    (member("ana"), member("ana"), (1, 1), {}, "same_member"),
    (member("ana", active=False), member("bob"), (1, 1), {}, "inactive"),
    (member("ana"), member("bob", active=False), (1, 1), {}, "inactive"),
    (member("ana"), member("bob"), (0, 1), {}, "no_capacity"),
    (member("ana"), member("bob"), (1, 0), {}, "no_capacity"),
    (member("ana"), member("bob", languages=frozenset({"en"})), (1, 1), {}, "no_shared_language"),
    (member("ana"), member("bob"), (1, 1), {"blocked": True}, "blocked"),
    (member("ana"), member("bob"), (1, 1), {"cooling_off": True}, "cooling_off"),
])
def test_hard_rules(a, b, slots, flags, expected):
    assert refusal(a, b, open_slots_a=slots[0], open_slots_b=slots[1], **flags) == expected
    if expected != "same_member":
        assert refusal(b, a, open_slots_a=slots[1], open_slots_b=slots[0], **flags) == expected


# --- random members over the real vocabularies -------------------------------------------------

ZONES = ("Europe/Paris", "Europe/London", "America/Montreal", "America/Guadeloupe", "Africa/Dakar",
         "Indian/Reunion", "Pacific/Auckland", "Pacific/Tahiti", "Asia/Tokyo", "UTC", "Asia/Kolkata")
CITIES = ("Lyon", "lyon", "Saint-Étienne", "saint etienne", "Le Havre", "Montréal", "Montreal", "Nantes",
          "Villeurbanne", "Grenoble", "Annecy")

candidates = strategies.candidates(
    member_ids=["ana", "bob", "chloé", "dan"], display_names=["Ana", "Bob", "Chloé", ""],
    spoken=["fr", "en", "es", "de", "xx"], max_languages=3, zones=ZONES, cities=CITIES)


@settings(max_examples=150, deadline=None)
@given(candidates, candidates)
def test_the_score_is_symmetric_and_between_0_and_1(a, b):
    there, back = score(a, b), score(b, a)
    assert there.score == back.score
    assert 0.0 <= there.score <= 1.0
    assert len(there.reasons) <= MAX_REASONS
    assert len({reason.code for reason in there.reasons}) == len(there.reasons)


@settings(max_examples=150, deadline=None)
@given(candidates, candidates)
def test_every_reason_produced_is_explained_in_both_languages(a, b):
    for reason in score(a, b).reasons:
        assert reason.code in REASON_CODES
        for language in ("fr", "en"):
            text = explain(reason, language, other=b)
            assert text and text == text.strip() and "{" not in text and "None" not in text
            if reason.code == "same_city":
                # French contracts the article of "Le Havre": "au Havre".
                city = reason.get("city")
                assert (city if language == "en" else city.split(" ")[-1]) in text
            for side in ("sector", "mine", "theirs"):
                if reason.code.endswith(("_sector", "_sectors")) and reason.get(side):
                    assert label(reason.get(side), language).lower() in text.lower()


# --- monotonicity: all else equal, what each wish asks for scores higher ------------------------


def test_same_city_beats_different_cities():
    ana = member("ana", city="Lyon")
    assert score(ana, member("bob", city=" lyon ")).score > score(ana, member("bob", city="Nantes")).score
    # Told with the better-written name, whoever typed it.
    told = score(member("bob", city="saint etienne"), member("ana", city="Saint-Étienne")).reasons
    assert Reason("same_city", (("city", "Saint-Étienne"),)) in told


def test_cities_are_compared_without_case_accents_or_hyphens():
    assert same_place("Saint-Étienne", "saint  etienne")
    assert not same_place("Lyon", None) and not same_place("Lyon", "Lille")


def test_adjacent_sectors_beat_different_ones_for_two_members_who_want_neighbours():
    ana = member("ana", sector="ux_design", sector_preference="adjacent")
    neighbour = member("bob", sector="frontend_development", sector_preference="adjacent")
    stranger = member("bob", sector="accounting", sector_preference="adjacent")
    assert score(ana, neighbour).score > score(ana, stranger).score
    assert "adjacent_sectors" in codes(ana, neighbour)


@pytest.mark.parametrize("fit, better", [("complementarity", "opposite"), ("affinity", "alike")])
def test_traits_count_as_each_member_asks(fit, better):
    ana = member("ana", fit=fit, traits=traits(organised=5, creative=1, steady=4))
    alike = member("bob", fit=fit, traits=traits(organised=5, creative=2, steady=4))
    opposite = member("bob", fit=fit, traits=traits(organised=1, creative=5, steady=1))
    scores = {"alike": score(ana, alike).score, "opposite": score(ana, opposite).score}
    worse = "alike" if better == "opposite" else "opposite"
    assert scores[better] > scores[worse]


def test_a_fast_responder_scores_higher_for_a_member_who_wants_urgent_advice():
    ana = member("ana", support=frozenset({"urgent_advice"}))
    fast = member("bob", support=frozenset({"urgent_advice"}), reaction_minutes=20)
    unknown = member("bob", support=frozenset({"urgent_advice"}))
    slow = member("bob", support=frozenset({"urgent_advice"}), reaction_minutes=600)
    assert score(ana, fast).score > score(ana, unknown).score > score(ana, slow).score
    assert "fast_answers" in codes(ana, fast) and "fast_answers" not in codes(ana, slow)


def test_a_one_sided_wish_scores_lower_than_a_mutual_one():
    ana = member("ana", sector="copywriting", sector_preference="same")
    mutual = member("bob", sector="copywriting", sector_preference="same")
    one_sided = member("bob", sector="copywriting", sector_preference="different")
    assert score(ana, mutual).score > score(ana, one_sided).score
    assert score(one_sided, ana).score == score(ana, one_sided).score


def test_shared_support_and_commitment_beat_different_ones():
    ana = member("ana", support=frozenset({"joint_projects"}), commitment="projects")
    alike = member("bob", support=frozenset({"joint_projects"}), commitment="projects")
    regular = member("bob", support=frozenset({"joint_projects"}), commitment="regular")
    apart = member("bob", support=frozenset({"stimulation"}), commitment="momentary")
    assert score(ana, alike).score > score(ana, regular).score > score(ana, apart).score


def test_the_same_bond_beats_an_open_one_which_beats_the_other_kind():
    ana = member("ana", bond="admiration")
    results = [score(ana, member("bob", bond=bond)).score for bond in ("admiration", "any", "conviviality")]
    assert results == sorted(results, reverse=True) and len(set(results)) == 3


# --- time zones -------------------------------------------------------------------------------


def test_working_hours_overlap_between_time_zones():
    assert overlap_hours("Europe/Paris", "Europe/Paris") == 9
    assert 0 < overlap_hours("Europe/Paris", "America/Montreal") < 9
    paris_montreal = overlap_hours("Europe/Paris", "America/Montreal")
    assert paris_montreal == overlap_hours("America/Montreal", "Europe/Paris")
    assert overlap_hours("Europe/Paris", "Pacific/Auckland") == pytest.approx(0, abs=1)


def test_a_nearby_time_zone_scores_higher_than_the_other_side_of_the_world():
    ana = member("ana")
    assert score(ana, member("bob", time_zone="Europe/London")).score > score(
        ana, member("bob", time_zone="Pacific/Auckland")).score


# --- reasons ----------------------------------------------------------------------------------


def test_a_rich_pair_gives_its_strongest_reasons_first():
    ana = member("ana", city="Lyon", sector="ux_design", sector_preference="adjacent",
                 support=frozenset({"urgent_advice", "client_talk"}), commitment="regular",
                 bond="conviviality")
    bob = member("bob", city="Lyon", sector="frontend_development", sector_preference="adjacent",
                 support=frozenset({"urgent_advice", "client_talk"}), commitment="regular",
                 bond="conviviality", reaction_minutes=45)
    reasons = score(ana, bob).reasons
    assert [r.code for r in reasons] == [
        "shared_support", "fast_answers", "adjacent_sectors", "same_commitment"]
    assert reasons[2] == Reason("adjacent_sectors",
                                (("mine", "ux_design"), ("theirs", "frontend_development")))


@pytest.mark.parametrize("reason, fr, en", [
    (Reason("same_city", (("city", "Lyon"),)), "tous les deux à Lyon", "both in Lyon"),
    (Reason("same_city", (("city", "Le Havre"),)), "tous les deux au Havre", "both in Le Havre"),
    (Reason("adjacent_sectors", (("mine", "ux_design"), ("theirs", "frontend_development"))),
     "métiers voisins : Design UX et Développement front-end",
     "adjacent trades: UX design and front-end development"),
    (Reason("fast_answers", (("minutes", "45"),)),
     "tu cherches des avis urgents ; Bob répond en moins d'une heure",
     "you want urgent advice; Bob answers within the hour"),
    (Reason("shared_support", (("support", "urgent_advice,joint_projects"),)),
     "vous voulez tous les deux demander des avis urgents et monter des projets ensemble",
     "you both want to ask for urgent advice and build projects together"),
    (Reason("time_zone_overlap", (("hours", "9"),)),
     "les mêmes horaires de travail", "the same working hours"),
    (Reason("time_zone_overlap", (("hours", "6"),)),
     "6 heures de travail en commun", "6 working hours in common"),
    (Reason("complementary_traits", (("mine", "creative"), ("theirs", "analytical"))),
     "caractères complémentaires : Bob apporte l'esprit d'analyse, toi la créativité",
     "complementary characters: Bob is more analytical, you are more creative"),
    (Reason("shared_languages", (("languages", "en,fr"),)),
     "vous parlez tous les deux anglais et français", "you both speak English and French"),
])
def test_reasons_read_naturally(reason, fr, en):
    bob = member("bob")
    assert explain(reason, "fr", other=bob) == fr
    assert explain(reason, "en", other=bob) == en


@pytest.mark.parametrize("code", REASON_CODES)
def test_every_reason_code_has_both_languages(code):
    params = {"same_city": (("city", "Nantes"),), "same_sector": (("sector", "seo"),),
              "adjacent_sectors": (("mine", "seo"), ("theirs", "copywriting")),
              "different_sectors": (("mine", "seo"), ("theirs", "music")),
              "shared_support": (("support", "stimulation"),),
              "same_commitment": (("commitment", "regular"),),
              "time_zone_overlap": (("hours", "7"),), "fast_answers": (("minutes", "130"),),
              "similar_traits": (("trait", "steady"),), "complementary_traits": (),
              "same_bond": (("bond", "admiration"),), "shows_up": (("share", "90"),),
              "shared_languages": (("languages", "es,fr"),),
              "nearby": (("km", "12"), ("city", "Villeurbanne"), ("area", "Lyon"))}[code]
    texts = {language: explain(Reason(code, params), language, other=member("bob"))
             for language in ("fr", "en")}
    assert texts["fr"] and texts["en"] and texts["fr"] != texts["en"]


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError):
        explain(Reason("same_city", (("city", "Lyon"),)), "de", other=member("bob"))
