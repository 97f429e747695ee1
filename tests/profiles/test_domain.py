"""profiles' domain: members and moments built from requests, as plain data."""

import json
from datetime import UTC, datetime

import pytest

from workbuddy_contracts.errors import Invalid
from workbuddy_contracts.events import make_event
from workbuddy_contracts.profile import default_profile
from workbuddy_contracts.vocabulary import MOMENT_NOTE_MAX
from workbuddy_profiles.domain import members, moments

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
MEMBER = {"_id": "m-1", "email": "alice@example.org", "display_name": "Alice",
          "language": "en", "registered_at": NOW}


PASSWORD = "a long enough passphrase"


def register(**changes) -> dict:
    member, password = members.new_member({"email": "Alice@Example.ORG", "display_name": "  Alice  ",
                                          "language": "fr", "password": PASSWORD} | changes, NOW)
    assert password == changes.get("password", PASSWORD)  # handed back to be hashed, not kept
    assert "password" not in member
    return member


# --- members -------------------------------------------------------------------------------

def test_a_new_member_has_a_lower_case_email_and_a_trimmed_name():
    member = register()
    assert member["email"] == "alice@example.org"
    assert member["display_name"] == "Alice"
    assert member["language"] == "fr"
    assert member["registered_at"] == NOW
    assert member["_id"] != register()["_id"]


def test_normalise_email_trims_and_lowers():
    assert members.normalise_email("  Bob@Example.Org\n") == "bob@example.org"


def test_an_email_with_surrounding_spaces_is_refused_before_it_could_be_trimmed():
    # The schema validates the raw value, so normalise_email's strip() never sees spaces here:
    # " alice@example.org " is refused rather than registered as "alice@example.org".
    with pytest.raises(Invalid) as caught:
        register(email=" alice@example.org ")
    assert caught.value.field == "email"


@pytest.mark.parametrize("changes, field", [
    ({"language": "de"}, "language"),
    ({"language": "FR"}, "language"),
    ({"email": "alice"}, "email"),
    ({"email": "alice@"}, "email"),
    ({"display_name": ""}, "display_name"),
    ({"display_name": "x" * 81}, "display_name"),
    ({"password": "too short"}, "password"),
])
def test_a_bad_registration_is_refused_naming_the_field(changes, field):
    with pytest.raises(Invalid) as caught:
        register(**changes)
    assert caught.value.field == field


def test_a_registration_missing_a_field_is_refused_naming_it():
    with pytest.raises(Invalid) as caught:
        members.new_member({"email": "a@example.org", "display_name": "A", "password": PASSWORD},
                          NOW)
    assert caught.value.field == "language"


def test_a_blank_display_name_is_refused():
    with pytest.raises(Invalid) as caught:
        register(display_name="   ")
    assert caught.value.field == "display_name"


def test_a_registered_member_fits_its_event_schema():
    member = register()
    event = make_event(*members.registered(member | {"email_verified": True}, None),
                       producer="profiles", correlation_id=None)
    assert event.payload["email"] == "alice@example.org"
    # Not verified yet: nobody is told where to write.
    event = make_event(*members.registered(member, None), producer="profiles", correlation_id=None)
    assert (event.payload["email"], event.payload["email_verified"]) == (None, False)


def test_the_member_view_is_json_ready():
    view = members.member_view(MEMBER)  # registered before profiles existed: the defaults
    assert view == {"id": "m-1", "email": "alice@example.org", "email_verified": True,
                    "display_name": "Alice",
                    "language": "en", "registered_at": "2025-06-01T12:00:00+00:00",
                    "profile": default_profile("en"), "revision": 1, "demo": False}
    json.dumps(view)


# --- the profile ---------------------------------------------------------------------------

LATER = datetime(2025, 6, 2, 9, 30, tzinfo=UTC)


def test_a_new_member_starts_with_the_default_profile_at_revision_1():
    member = register()
    assert member["profile"] == default_profile("fr") and member["revision"] == 1
    assert member["profile"]["time_zone"] == "Europe/Paris"
    assert member["profile"]["languages"] == ["fr"]


def test_a_profile_change_keeps_what_it_does_not_mention_and_bumps_the_revision():
    member = register()
    changed = members.change_profile(member, {"sector": "ux_design", "skills": ["Figma"],
                                             "display_name": " Alice B. "}, LATER)
    assert changed["profile"]["sector"] == "ux_design"
    assert changed["profile"]["skills"] == ["Figma"]
    assert changed["display_name"] == "Alice B."
    assert changed["profile"]["fit"] == "any"  # untouched
    assert (changed["revision"], changed["updated_at"]) == (2, LATER)
    assert member["profile"]["sector"] is None  # the original is not modified


def test_availability_changes_key_by_key():
    member = members.change_profile(register(), {"availability": {
        "quiet_hours": {"start": "21:00", "end": "08:00"}}}, LATER)
    focus = datetime(2025, 6, 2, 17, 0, tzinfo=UTC)
    member = members.change_profile(member, {"availability": {"focus_until": focus.isoformat()}},
                                   LATER)
    assert member["profile"]["availability"] == {
        "focus_until": focus, "quiet_hours": {"start": "21:00", "end": "08:00"},
        "delivery": "instant"}


def test_a_change_that_changes_nothing_is_none():
    member = register()
    assert members.change_profile(member, {}, LATER) is None
    assert members.change_profile(member, {"fit": "any"}, LATER) is None


@pytest.mark.parametrize("request_, field", [
    ({"sector": "astronaut"}, "sector"),
    ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
    ({"buddy_capacity": 6}, "buddy_capacity"),
    ({"buddy_capacity": 0}, "buddy_capacity"),
    ({"traits": {"lazy": 3}}, "traits"),
    ({"traits": {"organised": 9}}, "traits"),
    ({"support": ["money"]}, "support"),
    ({"languages": []}, "languages"),
    ({"languages": ["french"]}, "languages"),
    ({"availability": {"quiet_hours": {"start": "25:00", "end": "08:00"}}}, "availability.quiet_hours.start"),
    ({"email": "new@example.org"}, "email"),  # not changed here
    ({"revision": 9}, "revision"),  # server-owned
    ({"meet_within_km": 0}, "meet_within_km"),
    ({"meet_within_km": 501}, "meet_within_km"),
    ({"meet_in_person": "yes please"}, "meet_in_person"),
    ({"meet_in_person": True}, "city"),  # no city yet
    ({"meet_in_person": True, "city": "Nowhere-sur-Rien"}, "city"),
])
def test_a_bad_profile_change_is_refused_naming_the_field(request_, field):
    with pytest.raises(Invalid) as caught:
        members.change_profile(register(), request_, LATER)
    assert caught.value.field == field


def test_meeting_in_person_needs_a_city_the_gazetteer_knows():
    member = members.change_profile(register(), {"city": "Genève", "meet_in_person": True,
                                                 "meet_within_km": 20}, LATER)
    assert (member["profile"]["meet_in_person"], member["profile"]["meet_within_km"]) == (True, 20)
    with pytest.raises(Invalid) as caught:
        members.change_profile(member, {"city": "Atlantide-sous-Mer"}, LATER)
    assert caught.value.field == "city"
    assert "'Atlantide-sous-Mer' is not a city we know" in caught.value.message
    # A city of any kind stays free text for a member who does not ask to meet.
    assert members.change_profile(register(), {"city": "Atlantide-sous-Mer"}, LATER)
    assert members.change_profile(member, {"city": "Atlantide-sous-Mer", "meet_in_person": False},
                                  LATER)


def test_a_member_from_before_the_meeting_answers_reads_their_defaults():
    old = register()
    old["profile"] = {k: v for k, v in old["profile"].items() if not k.startswith("meet_")}
    view = members.member_view(old)
    assert (view["profile"]["meet_in_person"], view["profile"]["meet_within_km"]) == (False, 30)


def test_the_update_event_carries_no_email():
    member = members.change_profile(register(), {"city": "Lyon"}, LATER)
    event = make_event(*members.updated(member), producer="profiles",
                       correlation_id=None)
    assert "email" not in event.to_message()["payload"]
    assert event.payload["profile"]["city"] == "Lyon"


# --- moments -------------------------------------------------------------------------------

def test_a_moment_keeps_its_kind_note_and_author():
    moment = moments.new_moment(MEMBER, {"kind": "client_won", "note": "  Acme signed  "}, NOW)
    assert moment["member_id"] == "m-1"
    assert moment["kind"] == "client_won"
    assert moment["note"] == "Acme signed"
    assert moment["logged_at"] == NOW


@pytest.mark.parametrize("request_", [{"kind": "milestone"}, {"kind": "milestone", "note": None},
                                      {"kind": "milestone", "note": ""},
                                      {"kind": "milestone", "note": "  \n\t "}])
def test_a_missing_or_blank_note_is_none(request_):
    assert moments.new_moment(MEMBER, request_, NOW)["note"] is None


def test_a_note_of_the_maximum_length_is_kept():
    note = "x" * MOMENT_NOTE_MAX
    assert moments.new_moment(MEMBER, {"kind": "milestone", "note": note}, NOW)["note"] == note


@pytest.mark.parametrize("request_, field", [
    ({"kind": "promotion"}, "kind"),
    ({"note": "no kind"}, "kind"),
    ({"kind": "milestone", "note": "x" * (MOMENT_NOTE_MAX + 1)}, "note"),
])
def test_a_bad_moment_is_refused_naming_the_field(request_, field):
    with pytest.raises(Invalid) as caught:
        moments.new_moment(MEMBER, request_, NOW)
    assert caught.value.field == field


def test_the_moment_view_is_json_ready():
    moment = moments.new_moment(MEMBER, {"kind": "rough_day"}, NOW)
    assert moments.moment_view(moment) == {"id": moment["_id"], "member_id": "m-1",
                                          "kind": "rough_day", "note": None,
                                          "widen": False, "seeking_partner": False,
                                          "skills_wanted": [], "logged_at": "2025-06-01T12:00:00+00:00"}
