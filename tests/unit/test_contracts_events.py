"""The event envelope: what make_event/to_message put on the wire is what read_event gives back,
and read_event refuses, with a reason a person can act on, anything else."""

import json
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from marshmallow import ValidationError

from workbuddy_contracts.catalogue import EVENT_TYPES
from workbuddy_contracts.events import Event, UnreadableEvent, make_event, read_event
from workbuddy_contracts.vocabulary import MOMENT_NOTE_MAX

LOGGED_AT = datetime(2025, 6, 1, 9, 30, 15, 123456, tzinfo=UTC)


def moment_payload(**changes) -> dict:
    return {"moment_id": "mo-1", "member_id": "m-1", "kind": "client_won",
            "note": "Signed the Acme deal", "logged_at": LOGGED_AT} | changes


def moment_event(**changes) -> Event:
    return make_event("moment.logged", moment_payload(**changes), producer="profiles",
                      correlation_id="corr-1")


def over_the_wire(event: Event) -> dict:
    """What a consumer receives: the message serialised to JSON and parsed back."""
    return json.loads(json.dumps(event.to_message()))


# --- round trip ----------------------------------------------------------------------------

def test_a_moment_event_survives_the_wire_with_its_types():
    sent = moment_event()
    received = read_event(over_the_wire(sent))

    assert received.event_id == sent.event_id
    assert received.type == "moment.logged"
    assert received.producer == "profiles"
    assert received.version == 3  # v2: an urgent ask may go wider; v3: a project seeks a partner
    assert received.correlation_id == "corr-1"
    assert received.occurred_at == sent.occurred_at
    assert received.occurred_at.utcoffset() == timedelta(0)
    assert received.payload == moment_payload(widen=False, seeking_partner=False, skills_wanted=[])
    logged_at = received.payload["logged_at"]
    assert isinstance(logged_at, datetime) and logged_at.tzinfo is not None
    assert logged_at == LOGGED_AT  # microseconds kept


def test_a_pair_event_keeps_its_list_of_members():
    started = datetime(2025, 6, 2, tzinfo=UTC)
    sent = make_event("buddyship.started",
                      {"buddyship_id": "b-1", "member_ids": ["m-1", "m-2"], "started_at": started},
                      producer="matching", correlation_id=None)
    received = read_event(over_the_wire(sent))
    assert received.payload == {"buddyship_id": "b-1", "member_ids": ["m-1", "m-2"],
                                "started_at": started, "origin": "member"}  # v2's default
    assert received.correlation_id is None


def test_a_timestamp_in_another_zone_is_the_same_instant_after_the_trip():
    paris = timezone(timedelta(hours=2))
    received = read_event(over_the_wire(moment_event(logged_at=LOGGED_AT.astimezone(paris))))
    assert received.payload["logged_at"] == LOGGED_AT


def test_the_message_is_plain_json_with_the_envelope_fields():
    message = moment_event().to_message()
    json.dumps(message)  # no datetime or other non-JSON value left
    assert set(message) == {"event_id", "type", "version", "occurred_at", "producer",
                            "correlation_id", "payload"}
    assert message["payload"]["logged_at"] == LOGGED_AT.isoformat()


def test_make_event_uses_the_latest_version_and_a_given_time():
    at = datetime(2024, 1, 1, tzinfo=UTC)
    event = make_event("moment.logged", moment_payload(), producer="profiles",
                       correlation_id=None, occurred_at=at)
    assert event.version == EVENT_TYPES["moment.logged"].latest
    assert event.occurred_at == at
    assert len({moment_event().event_id for _ in range(3)}) == 3  # a fresh id each time


def test_make_event_stamps_an_aware_time_when_none_is_given():
    before = datetime.now(UTC)
    event = moment_event()
    assert before <= event.occurred_at <= datetime.now(UTC)


# --- make_event refusals -------------------------------------------------------------------

def test_make_event_refuses_a_producer_that_does_not_own_the_type():
    with pytest.raises(ValueError, match="matching may not emit moment.logged.*profiles"):
        make_event("moment.logged", moment_payload(), producer="matching", correlation_id=None)


def test_make_event_refuses_a_payload_its_schema_rejects():
    with pytest.raises(ValidationError) as caught:
        make_event("moment.logged", moment_payload(kind="promotion"), producer="profiles",
                   correlation_id=None)
    assert "kind" in caught.value.messages


def test_make_event_refuses_a_naive_timestamp():
    with pytest.raises(ValidationError) as caught:
        make_event("moment.logged", moment_payload(logged_at=datetime(2025, 6, 1, 9, 30)),
                   producer="profiles", correlation_id=None)
    assert "logged_at" in caught.value.messages


# --- read_event refusals -------------------------------------------------------------------

@pytest.mark.parametrize("body, name", [([], "list"), ("{}", "str"), (None, "NoneType"),
                                        (42, "int")])
def test_read_event_refuses_a_body_that_is_not_an_object(body, name):
    with pytest.raises(UnreadableEvent, match=f"expected a JSON object envelope, got {name}"):
        read_event(body)


@pytest.mark.parametrize("missing", ["event_id", "type", "version", "occurred_at", "producer",
                                     "payload"])
def test_read_event_refuses_an_envelope_without_a_required_field(missing):
    body = over_the_wire(moment_event())
    del body[missing]
    with pytest.raises(UnreadableEvent, match="invalid envelope") as caught:
        read_event(body)
    assert missing in str(caught.value)


def test_read_event_accepts_an_envelope_without_a_correlation_id():
    body = over_the_wire(moment_event())
    del body["correlation_id"]
    assert read_event(body).correlation_id is None


def test_read_event_refuses_an_unknown_event_type():
    body = over_the_wire(moment_event()) | {"type": "moment.deleted"}
    with pytest.raises(UnreadableEvent, match="invalid envelope.*type"):
        read_event(body)


def test_read_event_refuses_an_unknown_version_and_names_the_known_ones():
    body = over_the_wire(moment_event()) | {"version": 4}
    with pytest.raises(UnreadableEvent) as caught:
        read_event(body)
    message = str(caught.value)
    assert "moment.logged version 4 is unknown" in message
    assert "known versions: [1, 2, 3]" in message


def test_read_event_refuses_a_version_that_is_not_an_integer():
    with pytest.raises(UnreadableEvent, match="version"):
        read_event(over_the_wire(moment_event()) | {"version": "1"})


def test_read_event_refuses_a_naive_occurred_at():
    body = over_the_wire(moment_event()) | {"occurred_at": "2025-06-01T09:30:00"}
    with pytest.raises(UnreadableEvent, match="occurred_at"):
        read_event(body)


@pytest.mark.parametrize("change, field", [
    ({"kind": "promotion"}, "kind"),
    ({"note": "x" * (MOMENT_NOTE_MAX + 1)}, "note"),
    ({"logged_at": "yesterday"}, "logged_at"),
    ({"member_id": ""}, "member_id"),
    ({"unexpected": "field"}, "unexpected"),
])
def test_read_event_refuses_an_invalid_payload_and_names_the_field(change, field):
    body = over_the_wire(moment_event())
    body["payload"] = body["payload"] | change
    with pytest.raises(UnreadableEvent, match=r"invalid moment.logged v3 payload") as caught:
        read_event(body)
    assert field in str(caught.value)


def test_read_event_accepts_a_note_of_exactly_the_maximum_length():
    body = over_the_wire(moment_event())
    body["payload"]["note"] = "x" * MOMENT_NOTE_MAX
    assert read_event(body).payload["note"] == "x" * MOMENT_NOTE_MAX


def test_read_event_refuses_a_payload_missing_a_required_field():
    body = over_the_wire(moment_event())
    del body["payload"]["moment_id"]
    with pytest.raises(UnreadableEvent, match="moment_id"):
        read_event(body)


def test_read_event_refuses_an_event_id_longer_than_64():
    body = over_the_wire(moment_event()) | {"event_id": uuid.uuid4().hex * 3}
    with pytest.raises(UnreadableEvent, match="event_id"):
        read_event(body)
