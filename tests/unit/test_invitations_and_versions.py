"""Invitation codes, and member.registered and support.unavailable read at both of their
versions."""

from datetime import UTC, datetime, timedelta

import pytest

from workbuddy_contracts.events import UnreadableEvent, make_event, read_event
from workbuddy_profiles.domain import invitations

NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)


def test_a_code_is_ten_unambiguous_characters_shown_with_a_dash():
    codes = {invitations.new_invitation("m-1", NOW)["_id"] for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 10 and not set(c) & set("01OIL") for c in codes)
    assert invitations.shown("ABCDE23456") == "ABCDE-23456"


def test_an_invitation_is_open_then_used_or_expired():
    invitation = invitations.new_invitation("m-1", NOW)
    assert invitations.usable(invitation, NOW + timedelta(days=13))
    assert invitations.view(invitation, NOW)["state"] == "open"
    assert not invitations.usable(invitation, NOW + invitations.VALID_FOR)
    assert invitations.view(invitation, NOW + invitations.VALID_FOR)["state"] == "expired"
    used = invitation | {"used_by": "m-2"}
    assert not invitations.usable(used, NOW) and invitations.view(used, NOW)["state"] == "used"
    assert not invitations.usable(None, NOW)


def registered(**extra) -> dict:
    return {"member_id": "m-2", "email": "b@example.org", "display_name": "B", "language": "fr",
            "registered_at": NOW, **extra}


def test_member_registered_is_emitted_at_v3_with_who_invited_and_whether_the_address_is_proven():
    event = make_event("member.registered", registered(invited_by="m-1", email_verified=True),
                       producer="profiles", correlation_id=None)
    assert event.version == 3
    payload = read_event(event.to_message()).payload
    assert (payload["invited_by"], payload["email_verified"]) == ("m-1", True)
    # Not proven yet: the address is not told.
    unproven = make_event("member.registered", registered(email=None, email_verified=False),
                          producer="profiles", correlation_id=None)
    assert read_event(unproven.to_message()).payload["email"] is None


@pytest.mark.parametrize("version", [1, 2])
def test_an_older_member_registered_is_still_understood(version):
    v3 = make_event("member.registered", registered(email_verified=True), producer="profiles",
                    correlation_id=None)
    message = v3.to_message() | {"version": version}
    dropped = {"email_verified"} | ({"invited_by"} if version == 1 else set())
    message["payload"] = {k: v for k, v in message["payload"].items() if k not in dropped}
    event = read_event(message)
    assert event.version == version and "email_verified" not in event.payload
    assert event.payload["email"] == "b@example.org"


def unavailable(**extra) -> dict:
    return {"moment_id": "mo-1", "member_id": "m-1", "kind": "client_lost", "buddies": 1,
            "away": {"digest": 1}, "reachable_at": NOW, "retry_at": None, "at": NOW,
            "digest_at": "18:00", **extra}


def test_support_unavailable_is_emitted_at_v2_with_buddies_on_a_digest():
    event = make_event("support.unavailable", unavailable(), producer="matching",
                       correlation_id=None)
    assert event.version == 2
    payload = read_event(event.to_message()).payload
    assert (payload["away"], payload["digest_at"]) == ({"digest": 1}, "18:00")


def test_a_v1_support_unavailable_is_still_understood_and_never_names_a_digest():
    v2 = make_event("support.unavailable", unavailable(away={"focus": 1}, digest_at=None),
                    producer="matching", correlation_id=None)
    message = v2.to_message() | {"version": 1}
    message["payload"] = {k: v for k, v in message["payload"].items() if k != "digest_at"}
    event = read_event(message)
    assert event.version == 1 and event.payload["away"] == {"focus": 1}
    message["payload"]["away"] = {"digest": 1}  # a reason v1 does not know
    with pytest.raises(UnreadableEvent, match="support.unavailable v1"):
        read_event(message)
