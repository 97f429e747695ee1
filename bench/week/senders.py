"""Where notifications leave from, as doubles that note the virtual time each mail and push
went out and to whom: the figures count notifications from these records only (a mail the
services merely planned is not one a member got). Links are the real signer's; the open
apps' doorbell only counts its rings."""

import base64
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from workbuddy_notifications.adapters.links import LinkSettings, MailLinks
from workbuddy_notifications.adapters.senders import Senders


@dataclass(frozen=True)
class Sent:
    at: datetime
    recipient: str  # member id
    channel: str  # "email" or "push"
    kind: str  # the in-app kind told (moment, reaction, buddyship_proposed, ..., or digest)
    event_id: str | None  # the event told (a digest's own id for a digest)
    moment_id: str | None = None  # a moment's push names the moment, not the event


class Record:
    def __init__(self, clock: Callable[[], datetime]):
        self.clock = clock
        self.sent: list[Sent] = []
        self.listeners: list[Callable[[Sent], None]] = []
        self.rings = 0

    def note(self, sent: Sent) -> None:
        self.sent.append(sent)
        for listener in self.listeners:
            listener(sent)


class RecordingMail:
    def __init__(self, record: Record):
        self.record = record

    def send(self, mail, headers: dict[str, str]) -> str:
        # The delivery key is "<event id>:<recipient id>:email" (domain/deliveries.key).
        event_id, recipient, _channel = headers["X-WorkBuddy-Delivery"].rsplit(":", 2)
        self.record.note(Sent(self.record.clock(), recipient, "email",
                              headers["X-WorkBuddy-Kind"], event_id))
        return f"<{len(self.record.sent)}@week.bench>"


class RecordingPush:
    enabled = True

    def __init__(self, record: Record, owners: dict[str, str]):
        self.record = record
        self.owners = owners  # endpoint -> member id

    def public_key(self) -> str:
        return "BWeekBench"

    def send(self, subscription: dict, payload: dict, *, urgency: str = "normal") -> None:
        tag = payload["tag"]  # "moment-<moment id>" or "notification-<event id>:<recipient id>"
        moment_id = tag.removeprefix("moment-") if tag.startswith("moment-") else None
        event_id = None if moment_id else tag.removeprefix("notification-").rsplit(":", 1)[0]
        self.record.note(Sent(self.record.clock(), self.owners[subscription["endpoint"]], "push",
                              payload["kind"], event_id, moment_id))


class CountingDoorbell:
    def __init__(self, record: Record):
        self.record = record

    def announce(self, member_id: str, item: dict) -> None:
        self.record.rings += 1


def recording_senders(record: Record, push_owners: dict[str, str]) -> Senders:
    return Senders(mail=RecordingMail(record), push=RecordingPush(record, push_owners),
                   links=MailLinks(LinkSettings(secret="week-bench-" * 4,
                                                public_url="https://week.bench.invalid")),
                   announcer=CountingDoorbell(record))


def browser(endpoint: str) -> dict:
    """A push subscription as a browser gives it (one valid key serves every member's)."""
    return {"endpoint": endpoint, "keys": {"p256dh": _KEY, "auth": _b64(b"\x07" * 16)}}


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


_KEY = _b64(ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
    serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))
