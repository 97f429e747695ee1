"""The member's profile over HTTP: answers, ETags, and what other services learn of it."""

from pymongo import MongoClient

from ..support.logs import wait_for_record
from .test_bad_input import assert_problem

ANSWERS = {
    "sector": "ux_design", "skills": ["Figma", "User research"], "city": "Lyon",
    "time_zone": "Europe/Paris", "languages": ["fr", "en"],
    "support": ["celebrate_and_comfort", "urgent_advice"], "commitment": "regular",
    "sector_preference": "adjacent", "fit": "complementarity", "bond": "conviviality",
    "traits": {"organised": 4, "outgoing": 2}, "buddy_capacity": 3,
    "availability": {"quiet_hours": {"start": "21:00", "end": "08:00"}, "delivery": "digest"},
}


def test_a_member_answers_the_questions_and_reads_them_back(gateway):
    hana = gateway.sign_up("Hana", "fr")
    changed = gateway.request("PATCH", "/v1/me", hana, json=ANSWERS)
    assert changed.status_code == 200, changed.text
    profile = changed.json()["profile"]
    assert {k: profile[k] for k in ANSWERS if k != "availability"} == {
        k: v for k, v in ANSWERS.items() if k != "availability"}
    assert profile["availability"] == {"focus_until": None, "delivery": "digest",
                                       "quiet_hours": {"start": "21:00", "end": "08:00"}}
    assert changed.json()["revision"] == 2

    # Focus mode later: the quiet hours stay.
    focus = gateway.request("PATCH", "/v1/me", hana, json={
        "availability": {"focus_until": "2030-01-01T17:00:00+01:00"}}).json()
    assert focus["profile"]["availability"]["quiet_hours"] == {"start": "21:00", "end": "08:00"}
    assert focus["profile"]["availability"]["focus_until"] == "2030-01-01T16:00:00+00:00"


def test_the_profile_has_an_etag_for_caching_and_for_safe_changes(gateway):
    ivan = gateway.sign_up("Ivan", "en")
    first = gateway.request("GET", "/v1/me", ivan)
    etag = first.headers["ETag"]
    assert etag == '"rev-1"'
    unchanged = gateway.request("GET", "/v1/me", ivan, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.content == b""

    assert gateway.request("PATCH", "/v1/me", ivan, json={"city": "Montréal"},
                           headers={"If-Match": etag}).status_code == 200
    # A second device still holds revision 1: its change is refused, not lost silently.
    stale = gateway.request("PATCH", "/v1/me", ivan, json={"city": "Québec"},
                            headers={"If-Match": etag})
    assert "revision 2" in assert_problem(stale, 412, "If-Match")["detail"]
    assert gateway.request("GET", "/v1/me", ivan, headers={"If-None-Match": etag}).status_code == 200


def test_bad_answers_are_named(gateway):
    jade = gateway.sign_up("Jade", "fr")
    body = assert_problem(gateway.request("PATCH", "/v1/me", jade, json={
        "sector": "astronaut", "time_zone": "Mars/Olympus", "buddy_capacity": 9,
        "email": "new@example.org", "revision": 7}), 422)
    assert set(body["errors"]) == {"sector", "time_zone", "buddy_capacity", "email", "revision"}


def test_other_services_learn_the_profile_but_never_the_email(gateway, stack, mongo_uri,
                                                              db_prefix):
    kai = gateway.sign_up("Kai", "en")
    correlation_id = f"profile-{kai['id']}"
    gateway.request("PATCH", "/v1/me", kai, json={"sector": "copywriting", "time_zone": "Asia/Tokyo",
                                                  "display_name": "Kai M."},
                    headers={"X-Correlation-Id": correlation_id})
    for service in ("matching", "notifications"):
        wait_for_record(stack.supervisor.log_path(service), event="event.processed",
                        consumer=f"{service}.on_member_updated", correlation_id=correlation_id)
    store = MongoClient(mongo_uri, tz_aware=True)
    pool = store[f"{db_prefix}matching"].pool.find_one({"_id": kai["id"]})
    assert pool["profile"]["sector"] == "copywriting" and pool["display_name"] == "Kai M."
    assert kai["email"] not in str(pool)
    recipient = store[f"{db_prefix}notifications"].recipients.find_one({"_id": kai["id"]})
    assert (recipient["display_name"], recipient["time_zone"]) == ("Kai M.", "Asia/Tokyo")


def test_the_sectors_are_reference_data_for_members(gateway):
    assert_problem(gateway.request("GET", "/v1/sectors"), 401)
    response = gateway.request("GET", "/v1/sectors", gateway.sign_up("Lia", "fr"))
    assert response.status_code == 200 and "max-age" in response.headers["Cache-Control"]
    sectors = {s["code"]: s for s in response.json()["sectors"]}
    assert len(sectors) >= 40
    assert sectors["ux_design"]["labels"] == {"fr": "Design UX", "en": "UX design"}
    assert "ui_design" in sectors["ux_design"]["adjacent"]


def test_cities_are_suggested_as_one_types(gateway):
    mona = gateway.sign_up("Mona", "fr")
    assert_problem(gateway.request("GET", "/v1/cities", params={"q": "Ly"}), 401)
    response = gateway.request("GET", "/v1/cities", mona, params={"q": "ly", "limit": 3})
    assert response.status_code == 200 and "max-age" in response.headers["Cache-Control"]
    assert response.json()[0] == {"name": "Lyon", "country": "FR", "name_fr": None,
                                  "population": response.json()[0]["population"]}
    assert len(response.json()) == 3
    london = gateway.request("GET", "/v1/cities", mona, params={"q": "Londr"}).json()[0]
    assert (london["name"], london["country"], london["name_fr"]) == ("London", "GB", "Londres")
    for params in ({}, {"q": "L"}, {"q": "Ly", "limit": 0}):
        body = assert_problem(gateway.request("GET", "/v1/cities", mona, params=params,
                                              headers={"Accept-Language": "fr"}), 422)
        assert set(body["errors"]) <= {"q", "limit"} and body["errors"]
    short = assert_problem(gateway.request("GET", "/v1/cities", mona, params={"q": "L"}), 422, "q")
    assert short["errors"]["q"] == ["must be the first letters of a city, 2 to 80 characters"]


def test_a_member_who_wants_to_meet_in_person_gives_a_city_the_gazetteer_knows(gateway):
    noor = gateway.sign_up("Noor", "fr")
    fresh = gateway.request("GET", "/v1/me", noor).json()["profile"]
    assert (fresh["meet_in_person"], fresh["meet_within_km"]) == (False, 30)

    no_city = assert_problem(gateway.request("PATCH", "/v1/me", noor, json={"meet_in_person": True}),
                             422, "city")
    assert "give your city" in no_city["detail"]
    unknown = assert_problem(gateway.request(
        "PATCH", "/v1/me", noor, json={"city": "Atlantide", "meet_in_person": True},
        headers={"Accept-Language": "fr"}), 422, "city")
    assert "nous ne connaissons pas la ville 'Atlantide'" in unknown["detail"]
    assert_problem(gateway.request("PATCH", "/v1/me", noor, json={"meet_within_km": 501}), 422,
                   "meet_within_km")

    changed = gateway.request("PATCH", "/v1/me", noor, json={
        "city": "Genève", "meet_in_person": True, "meet_within_km": 15})
    assert changed.status_code == 200, changed.text
    profile = changed.json()["profile"]
    assert (profile["city"], profile["meet_in_person"], profile["meet_within_km"]) == ("Genève", True, 15)
    # A city of any kind for someone who does not ask to meet.
    assert gateway.request("PATCH", "/v1/me", noor, json={
        "city": "Atlantide", "meet_in_person": False}).status_code == 200
