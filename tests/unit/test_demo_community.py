"""The demo community's content: profiles the API accepts, hosts that keep room for newcomers,
every answer represented, cities the gazetteer knows, and text within the API's limits."""

import random
import re
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest

from workbuddy_contracts import places, vocabulary
from workbuddy_devstack.demo import phrases, sector_words
from workbuddy_devstack.demo.community import COMMUNITY, DEMO_DOMAIN, Persona, persona
from workbuddy_gateway.api.me import ProfileChange  # what PATCH /v1/me validates with

SEEDS = range(300)
HOSTS = [p for p in COMMUNITY if p.host]
# The country of each time zone the community uses: a city must resolve to it.
ZONE_COUNTRY = {
    "Europe/Paris": "FR", "Europe/Brussels": "BE", "Europe/Zurich": "CH", "America/Toronto": "CA",
    "Europe/London": "GB", "Europe/Dublin": "IE", "Europe/Berlin": "DE", "Europe/Madrid": "ES",
    "Europe/Lisbon": "PT", "Africa/Dakar": "SN",
}
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # all but the line feed
ODD_JOINS = re.compile(r" ,|,[!?.]|  |\{|\}|^\s|\s$|^[,.!?]")


def well_written(text: str, limit: int) -> bool:
    return 1 <= len(text) <= limit and not CONTROL.search(text) and not ODD_JOINS.search(text)


def answers(p: Persona) -> dict:
    return {k: v for k, v in p.profile.items() if k != "bio"}


# --- the people ----------------------------------------------------------------------------

@pytest.mark.parametrize("p", COMMUNITY, ids=lambda p: p.key)
def test_each_profile_is_one_the_gateway_accepts_as_it_is(p):
    body = answers(p) | {"display_name": p.display_name, "language": p.language}
    loaded = ProfileChange().load(body)
    assert ProfileChange().dump(loaded) == body  # nothing trimmed, coerced or dropped


@pytest.mark.parametrize("p", COMMUNITY, ids=lambda p: p.key)
def test_each_profile_answers_every_onboarding_question(p):
    profile = p.profile
    assert set(profile) >= {"sector", "sector_preference", "skills", "support", "commitment", "bond",
                            "fit", "traits", "languages", "city", "time_zone", "meet_in_person",
                            "offers_support", "open_to_projects", "buddy_capacity", "availability",
                            "bio"}
    assert profile["sector"] and profile["commitment"] and profile["support"]
    assert ("meet_within_km" in profile) == profile["meet_in_person"]
    assert set(profile["traits"]) == set(vocabulary.TRAITS)
    assert all(1 <= v <= 5 for v in profile["traits"].values())
    assert 2 <= len(profile["skills"]) <= 6 and len(set(profile["skills"])) == len(profile["skills"])
    assert set(profile["availability"]) == {"quiet_hours", "delivery"}
    assert "matching_paused_until" not in profile and "focus_until" not in profile["availability"]
    assert p.language in ("fr", "en") and p.language in profile["languages"]
    assert 0.5 <= p.rhythm <= 2.0


@pytest.mark.parametrize("p", COMMUNITY, ids=lambda p: p.key)
def test_each_bio_is_short_on_one_line_and_in_the_first_person_of_its_language(p):
    bio = p.profile["bio"]
    assert 40 <= len(bio) <= 280
    assert not re.search(r"[\x00-\x1f\x7f-\x9f]", bio) and bio == bio.strip()
    if p.language == "fr":
        assert re.search(r"\b(Je|je|J'|j')", bio)
    else:
        assert re.search(r"\b(I|I'm|I'd|my|My)\b", bio)


def test_keys_are_unique_slugs_and_emails_are_at_the_demo_domain():
    keys = [p.key for p in COMMUNITY]
    assert len(set(keys)) == len(keys)
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", k) for k in keys)
    assert len({p.display_name for p in COMMUNITY}) == len(COMMUNITY)
    assert all(p.email == f"{p.key}@{DEMO_DOMAIN}" for p in COMMUNITY)
    assert all(persona(p.key) is p for p in COMMUNITY)
    with pytest.raises(KeyError):
        persona("nobody-here")


def test_about_forty_members_french_first_english_second_some_bilingual():
    by_language = Counter(p.language for p in COMMUNITY)
    assert 36 <= len(COMMUNITY) <= 44
    assert 26 <= by_language["fr"] <= 34 and 7 <= by_language["en"] <= 13
    bilingual = [p for p in COMMUNITY if {"fr", "en"} <= set(p.profile["languages"])]
    assert len(bilingual) >= 8
    assert any(p.language == "en" for p in bilingual) and any(p.language == "fr" for p in bilingual)


def test_exactly_one_quiet_member_and_a_host():
    quiet = [p for p in COMMUNITY if p.quiet]
    assert len(quiet) == 1 and quiet[0].host


def _overlap_with_european_daytime(p: Persona, day: datetime) -> timedelta:
    """How much of 09:00-18:00 in Paris falls in the member's quiet hours on that day."""
    quiet = p.profile["availability"]["quiet_hours"]
    if quiet is None:
        return timedelta(0)
    zone, paris = ZoneInfo(p.profile["time_zone"]), ZoneInfo("Europe/Paris")
    day_start = day.replace(hour=9, tzinfo=paris)
    day_end = day.replace(hour=18, tzinfo=paris)
    overlap = timedelta(0)
    for offset in (-1, 0, 1):  # quiet hours that start the day before, that day, the day after
        local = (day + timedelta(days=offset)).replace(tzinfo=zone)
        sh, sm = map(int, quiet["start"].split(":"))
        eh, em = map(int, quiet["end"].split(":"))
        start = local.replace(hour=sh, minute=sm)
        end = local.replace(hour=eh, minute=em)
        if end <= start:
            end += timedelta(days=1)
        overlap += max(timedelta(0), min(end, day_end) - max(start, day_start))
    return overlap


def test_hosts_keep_room_for_newcomers_and_are_reachable_in_european_daytime():
    assert 6 <= len(HOSTS) <= 10
    assert len({p.profile["sector"] for p in HOSTS}) == len(HOSTS)
    assert len({p.profile["city"] for p in HOSTS}) >= 6
    assert {p.language for p in HOSTS} == {"fr", "en"}
    assert sum("en" in p.profile["languages"] for p in HOSTS) >= 3
    assert sum(p.profile["offers_support"] for p in HOSTS) >= 3
    for p in HOSTS:
        assert p.profile["buddy_capacity"] in (4, 5), p.key
        assert p.profile["availability"]["delivery"] == "instant", p.key
        assert not p.profile.get("matching_paused_until"), p.key
        for day in (datetime(2026, 1, 14), datetime(2026, 7, 15)):  # winter and summer time
            assert _overlap_with_european_daytime(p, day) <= timedelta(hours=1), p.key


def test_the_daytime_overlap_is_measured(monkeypatch):
    # The check above can fail: quiet hours across the afternoon are caught.
    nicolas = persona("nicolas-petit")
    afternoon = {**nicolas.profile, "availability": {"quiet_hours": {"start": "13:00", "end": "16:00"},
                                                     "delivery": "instant"}}
    napping = Persona(nicolas.key, nicolas.display_name, "fr", True, True, afternoon)
    assert _overlap_with_european_daytime(napping, datetime(2026, 1, 14)) == timedelta(hours=3)
    montreal = Persona("x", "X", "fr", True, False, {**afternoon, "time_zone": "America/Toronto",
                                                     "availability": {"quiet_hours": {
                                                         "start": "22:00", "end": "07:00"}}})
    assert _overlap_with_european_daytime(montreal, datetime(2026, 1, 14)) == timedelta(hours=4)


def test_every_answer_of_every_question_is_given_by_someone():
    profiles = [p.profile for p in COMMUNITY]
    assert {s for p in profiles for s in p["support"]} == set(vocabulary.SUPPORT)
    assert {p["commitment"] for p in profiles} == set(vocabulary.COMMITMENTS)
    assert {p["bond"] for p in profiles} == set(vocabulary.BONDS)
    assert {p["fit"] for p in profiles} == set(vocabulary.FITS)
    assert {p["sector_preference"] for p in profiles} == set(vocabulary.SECTOR_PREFERENCES)
    assert {p["availability"]["delivery"] for p in profiles} == set(vocabulary.DELIVERIES)
    assert {p["buddy_capacity"] for p in profiles} == set(range(1, vocabulary.BUDDY_CAPACITY_MAX + 1))
    for flag in ("meet_in_person", "offers_support", "open_to_projects"):
        assert {p[flag] for p in profiles} == {True, False}, flag
    with_quiet_hours = sum(p["availability"]["quiet_hours"] is not None for p in profiles)
    assert 0 < with_quiet_hours < len(profiles)
    offering = sum(p["offers_support"] for p in profiles)
    assert 0.25 <= offering / len(profiles) <= 0.42  # about a third
    assert len({p["sector"] for p in profiles}) >= 30


@pytest.mark.parametrize("p", COMMUNITY, ids=lambda p: p.key)
def test_each_city_is_known_to_the_gazetteer_in_the_country_of_its_time_zone(p):
    zone = p.profile["time_zone"]
    assert zone in available_timezones()
    ZoneInfo(zone)
    place = places.resolve(p.profile["city"])
    assert place is not None, p.profile["city"]
    assert place.country == ZONE_COUNTRY[zone], (p.profile["city"], place)


def test_the_community_spans_countries():
    countries = {places.resolve(p.profile["city"]).country for p in COMMUNITY}
    assert {"FR", "BE", "CH", "CA", "GB", "IE", "DE", "ES", "PT"} <= countries


# --- the words -----------------------------------------------------------------------------

def many(function, *args) -> list:
    return [function(random.Random(seed), *args) for seed in SEEDS]


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("name", ["Léa", None, "  ", "Zoé\x1b[31m"])
def test_greetings_vary_and_read_well_with_or_without_a_name(lang, name):
    texts = many(phrases.greeting, lang, name)
    assert len(set(texts)) >= 6
    assert all(well_written(t, vocabulary.MESSAGE_TEXT_MAX) for t in texts), texts
    if name == "Léa":
        assert any("Léa" in t for t in texts)


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("kind", [*vocabulary.SETBACKS, None])
def test_support_greetings_vary_per_setback(lang, kind):
    texts = many(phrases.support_greeting, lang, "Karim", kind)
    assert len(set(texts)) >= 6
    assert all(well_written(t, vocabulary.MESSAGE_TEXT_MAX) for t in texts)
    nameless = many(phrases.support_greeting, lang, None, kind)
    assert all(well_written(t, vocabulary.MESSAGE_TEXT_MAX) for t in nameless), nameless


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("kind", vocabulary.MOMENT_KINDS)
@pytest.mark.parametrize("note", [None, "Un client me demande une remise, je fais quoi ?"])
def test_reactions_cheer_wins_and_support_the_rest(lang, kind, note):
    reactions = many(phrases.reaction, lang, kind, note)
    expected = "cheer" if kind in vocabulary.WINS else "support"
    assert {k for k, _ in reactions} == {expected}
    messages = [m for _, m in reactions]
    assert len(set(messages)) >= 6
    assert all(well_written(m, vocabulary.REACTION_MESSAGE_MAX) for m in messages), messages


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_reply_answers_a_question_differently_from_a_thanks(lang):
    questions = ["On s'appelle demain ?", "Tu factures combien à la journée ?",
                 "How would you handle this client?", "Tu en penses quoi ?"]
    answered = [phrases.reply(random.Random(s), lang, "Inès", q) for s in SEEDS for q in questions]
    thanked = many(phrases.reply, lang, "Inès", "Merci beaucoup pour ton aide !")
    thanked += many(phrases.reply, lang, "Inès", "Thanks a lot, that helped")
    other = many(phrases.reply, lang, "Inès", "J'ai signé un nouveau client ce matin")
    for texts in (answered, thanked, other):
        assert all(well_written(t, vocabulary.MESSAGE_TEXT_MAX) for t in texts), texts
        assert len(set(texts)) >= 6
    assert not set(answered) & set(thanked)
    assert not set(other) & set(thanked)


def test_a_reply_answers_what_the_question_is_about():
    call = {phrases.reply(random.Random(s), "en", None, "Can we have a call tomorrow?") for s in SEEDS}
    price = {phrases.reply(random.Random(s), "en", None, "What rate do you charge?") for s in SEEDS}
    assert not call & price
    assert all(re.search(r"call|free|slot|tomorrow|\d", t) for t in call), call
    assert all(re.search(r"rate|quote|charge|deposit|market", t) for t in price), price
    # "freelance" is not "free": it does not read as a question about availability.
    freelance = {phrases.reply(random.Random(s), "en", None, "Been freelance long?") for s in SEEDS}
    assert not freelance & {phrases.reply(random.Random(s), "en", None, "When are you free?")
                            for s in SEEDS}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_thanks_for_a_reaction_vary(lang):
    texts = many(phrases.thanks_for_reaction, lang, "Hugo") + many(phrases.thanks_for_reaction, lang, None)
    assert len(set(texts)) >= 12
    assert all(well_written(t, vocabulary.MESSAGE_TEXT_MAX) for t in texts), texts


def test_focus_notices_say_the_time_as_each_language_writes_it():
    french = many(phrases.focus_notice, "fr", "15:30")
    english = many(phrases.focus_notice, "en", "15:30")
    assert all("15h30" in t for t in french) and all("15:30" in t for t in english)
    assert all("9h" in t and "9h00" not in t for t in many(phrases.focus_notice, "fr", "09:00"))
    for texts in (french, english):
        assert len(set(texts)) >= 6
        assert all(well_written(t, vocabulary.MESSAGE_TEXT_MAX) for t in texts)


@pytest.mark.parametrize("p", COMMUNITY, ids=lambda p: p.key)
def test_moments_are_about_the_members_trade_and_within_limits(p):
    clients, works = sector_words.CLIENTS_AND_WORK[p.profile["sector"]][p.language]
    logged = many(phrases.moment, p.language, p)
    assert {k for k, _ in logged} <= set(phrases.SCHEDULE_WEIGHTS) <= set(vocabulary.MOMENT_KINDS)
    notes = [n for _, n in logged]
    assert all(well_written(n, vocabulary.MOMENT_NOTE_MAX) for n in notes), notes
    assert len(set(notes)) >= 30
    assert any(c in n for n in notes for c in clients) and any(w in n for n in notes for w in works)
    if p.language == "fr":  # articles elided as French writes them
        assert not [n for n in notes if re.search(r"\b(que|de|le|la) (un|une|a|e|i|o)\b|\b(à|de) les?\b", n)]


def test_the_schedule_is_mostly_wins_some_setbacks_a_few_questions():
    rng = random.Random(7)
    kinds = Counter(phrases.moment(rng, "fr", persona("lea-martin"))[0] for _ in range(6000))
    share = {group: sum(kinds[k] for k in kinds_of) / 6000 for group, kinds_of in (
        ("wins", vocabulary.WINS), ("setbacks", vocabulary.SETBACKS), ("asks", vocabulary.ASKS))}
    assert 0.56 <= share["wins"] <= 0.64
    assert 0.21 <= share["setbacks"] <= 0.29
    assert 0.11 <= share["asks"] <= 0.19
    assert set(kinds) == {"client_question", "urgent_advice", *vocabulary.WINS, *vocabulary.SETBACKS}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_first_win_is_always_a_win(lang):
    for p in COMMUNITY:
        wins = many(phrases.first_win, lang, p)[:40]
        assert {k for k, _ in wins} <= set(vocabulary.WINS)
        assert all(well_written(n, vocabulary.MOMENT_NOTE_MAX) for _, n in wins)
        assert len({n for _, n in wins}) >= 6


def test_every_sector_of_the_community_has_its_words_in_both_languages():
    for p in COMMUNITY:
        by_language = sector_words.CLIENTS_AND_WORK[p.profile["sector"]]
        for lang in ("fr", "en"):
            clients, works = by_language[lang]
            assert len(clients) >= 3 and len(works) >= 3
    assert sector_words.clients_and_work(None, "fr") == sector_words.GENERIC["fr"]


def test_a_check_in_keeps_going_almost_always_and_never_ends():
    answers_given = Counter(many(phrases.check_in_answer))
    assert set(answers_given) <= set(vocabulary.CHECK_IN_ANSWERS) - {"end_kindly"}
    assert answers_given["keep_going"] >= 0.9 * len(SEEDS)
