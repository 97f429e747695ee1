"""The demo community's domain, and the bio in the profile's contract: kept out of events, and
events without it (as every one before it) still read."""

from datetime import UTC, datetime

import pytest
from marshmallow import ValidationError

from workbuddy_contracts.demo import DEMO_DOMAIN, is_demo_address
from workbuddy_contracts.events import make_event, read_event
from workbuddy_contracts.profile import ProfileChange, default_profile


@pytest.mark.parametrize("address, demo", [
    ("sam@demo.workbuddy.test", True), ("Sam@Demo.WorkBuddy.TEST", True),
    (" sam@demo.workbuddy.test ", True), ("sam@example.org", False),
    ("sam@notdemo.workbuddy.test", False), ("sam@demo.workbuddy.test.example.org", False),
    ("demo.workbuddy.test", False), ("sam@sub.demo.workbuddy.test", False)])
def test_demo_addresses_are_those_at_the_reserved_domain(address, demo):
    assert DEMO_DOMAIN == "demo.workbuddy.test"
    assert is_demo_address(address) is demo


def test_a_bio_keeps_lines_and_tabs_refuses_other_control_characters_and_is_at_most_280():
    assert ProfileChange().load({"bio": " Hello\r\nI write\tcode "}) == {
        "bio": "Hello\r\nI write\tcode"}
    assert ProfileChange().load({"bio": None}) == {"bio": None}
    assert ProfileChange().load({"bio": "é" * 280})["bio"] == "é" * 280
    for bad in ("\x1b[2J", "a\x00b", "x" * 281, 42):
        with pytest.raises(ValidationError) as refused:
            ProfileChange().load({"bio": bad})
        assert set(refused.value.messages) == {"bio"}


def updated(profile: dict) -> dict:
    return {"member_id": "m-1", "revision": 2, "display_name": "Alice", "language": "en",
            "profile": profile, "updated_at": datetime(2025, 6, 1, tzinfo=UTC)}


def test_member_updated_leaves_the_bio_out_and_reads_events_made_without_it():
    profile = default_profile("en") | {"bio": "My own words", "city": "Lyon"}
    message = make_event("member.updated", updated(profile), producer="profiles",
                         correlation_id=None).to_message()
    assert "bio" not in message["payload"]["profile"]
    assert message["payload"]["profile"]["city"] == "Lyon"
    older = {k: v for k, v in default_profile("en").items() if k != "bio"}
    old_message = make_event("member.updated", updated(older), producer="profiles",
                             correlation_id=None).to_message()
    assert read_event(old_message).payload["profile"]["time_zone"] == "UTC"
