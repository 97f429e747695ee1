"""The envelope every event travels in, and the two ways through it: make and read."""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from .catalogue import EVENT_TYPES


class UnreadableEvent(Exception):
    """A message that is not an event this consumer can understand; the reason says why."""


class EnvelopeSchema(Schema):
    event_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    type = fields.String(required=True, validate=validate.OneOf(tuple(EVENT_TYPES)))
    version = fields.Integer(required=True, strict=True)
    occurred_at = fields.AwareDateTime(required=True)
    producer = fields.String(required=True)
    correlation_id = fields.String(load_default=None, allow_none=True)
    payload = fields.Dict(required=True)


_envelope = EnvelopeSchema()


@dataclass(frozen=True)
class Event:
    type: str
    payload: dict[str, Any]
    producer: str
    version: int
    correlation_id: str | None = None
    event_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    occurred_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def to_message(self) -> dict[str, Any]:
        """The JSON-ready body that goes on the wire (and into an outbox)."""
        schema = EVENT_TYPES[self.type].versions[self.version]()
        body = _envelope.dump(self.__dict__ | {"payload": {}})
        body["payload"] = schema.dump(self.payload)
        return body


def make_event(type: str, payload: dict[str, Any], *, producer: str,
               correlation_id: str | None, occurred_at: datetime | None = None) -> Event:
    """A new event at the latest version of its type; refuses a payload its schema rejects."""
    kind = EVENT_TYPES[type]
    if kind.producer != producer:
        raise ValueError(f"{producer} may not emit {type}: it belongs to {kind.producer}")
    schema = kind.versions[kind.latest]()
    loaded = schema.load(schema.dump(payload))  # raises ValidationError on a programming error
    extra = {"occurred_at": occurred_at} if occurred_at else {}
    return Event(type=type, payload=loaded, producer=producer, version=kind.latest,
                 correlation_id=correlation_id, **extra)


def read_event(body: Any) -> Event:
    """Validate a received message; raises UnreadableEvent with a reason a person can act on."""
    if not isinstance(body, dict):
        raise UnreadableEvent(f"expected a JSON object envelope, got {type(body).__name__}")
    try:
        envelope = _envelope.load(body)
    except ValidationError as exc:
        raise UnreadableEvent(f"invalid envelope: {exc.messages}") from exc
    versions = EVENT_TYPES[envelope["type"]].versions
    schema_cls = versions.get(envelope["version"])
    if schema_cls is None:
        raise UnreadableEvent(
            f"{envelope['type']} version {envelope['version']} is unknown here; "
            f"known versions: {sorted(versions)}"
        )
    try:
        payload = schema_cls().load(envelope["payload"])
    except ValidationError as exc:
        raise UnreadableEvent(f"invalid {envelope['type']} v{envelope['version']} payload: "
                              f"{exc.messages}") from exc
    return Event(**(envelope | {"payload": payload}))
