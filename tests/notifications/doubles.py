"""Stand-ins for what notifications sends through: they keep what they were given, and refuse
when told to, so that a test reads what left and how."""

from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from workbuddy_notifications.adapters.push import b64url_encode
from workbuddy_notifications.domain.mails import Mail


@dataclass(frozen=True)
class SentMail:
    mail: Mail
    headers: dict[str, str]


class KeptMails:
    """A mail server that keeps every mail; set ``refusal`` to an exception to refuse them."""

    def __init__(self):
        self.sent: list[SentMail] = []
        self.refusal: Exception | None = None

    def send(self, mail: Mail, headers: dict[str, str]) -> str:
        if self.refusal is not None:
            raise self.refusal
        self.sent.append(SentMail(mail, headers))
        return f"<{len(self.sent)}@test>"

    def to(self, member_id: str) -> list[SentMail]:
        return [s for s in self.sent if s.mail.to == f"{member_id}@example.org"]


class KeptPushes:
    """A push service that keeps every message; ``refusal`` as for KeptMails."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self.sent: list[tuple[dict, dict, str]] = []
        self.refusal: Exception | None = None

    def public_key(self) -> str | None:
        return "BPublicKeyOfTheTests" if self.enabled else None

    def send(self, subscription: dict, payload: dict, *, urgency: str = "normal") -> str | None:
        if self.refusal is not None:
            raise self.refusal
        self.sent.append((subscription, payload, urgency))
        return None


class Doorbell:
    """The live ring of open apps: what each member's apps were told, in order."""

    def __init__(self):
        self.rung: list[tuple[str, dict]] = []

    def announce(self, member_id: str, item: dict) -> None:
        self.rung.append((member_id, item))

    def of(self, member_id: str) -> list[dict]:
        return [item for who, item in self.rung if who == member_id]



def browser() -> dict:
    """A browser's push subscription, as PushSubscription.toJSON() gives it."""
    public = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return {"endpoint": f"https://push.example.org/send/{b64url_encode(public[:8])}",
            "keys": {"p256dh": b64url_encode(public), "auth": b64url_encode(b"\x07" * 16)}}


def states(uow, **where) -> dict[str, str]:
    """Delivery key -> state."""
    return {d["_id"]: d["state"] for d in uow.db.deliveries.find(where)}
