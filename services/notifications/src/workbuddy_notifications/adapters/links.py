"""Links in a mail that act without a log-in: one-click unsubscribe (RFC 8058) and a one-tap
reaction to a buddy's moment. Each is signed with MAIL_LINK_SECRET, names one member and one
thing it may do, and expires; the gateway asks this service to read it before acting.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer

UNSUBSCRIBE, REACT = "unsubscribe", "react"
_LIFETIME = {UNSUBSCRIBE: timedelta(days=365), REACT: timedelta(days=30)}
_SALT = "workbuddy.mail-link"
# Shorter secrets can be guessed; settings.py refuses them at start.
SECRET_MIN_LENGTH = 32


class LinkRefused(Exception):
    """The link was tampered with, is not one of ours, or is too old to act."""

    def __init__(self, message: str, expired: bool = False):
        super().__init__(message)
        self.expired = expired


@dataclass(frozen=True)
class LinkSettings:
    secret: str = field(default="", repr=False)
    # Earlier secrets whose links still work: links live up to a year in mailboxes, so a
    # rotated secret stays here until the links it signed have expired.
    accepted: tuple[str, ...] = field(default=(), repr=False)
    # Where members open links: the gateway as the internet sees it.
    public_url: str = "http://127.0.0.1:8080"


class MailLinks:
    """Makes the links a mail carries, and reads them back when a member follows one."""

    def __init__(self, settings: LinkSettings):
        self.settings = settings
        # itsdangerous signs with the last key and verifies with any of them.
        self._serializer = URLSafeTimedSerializer([*settings.accepted, settings.secret], salt=_SALT)

    @property
    def public_url(self) -> str:
        return self.settings.public_url

    def app_url(self, view: str) -> str:
        """A page of the web app (no signature: it asks the member to sign in if needed)."""
        return f"{self.public_url}/app/#/{view}"

    def unsubscribe_url(self, member_id: str, kind: str, language: str) -> str:
        """Stops mail of one kind (win, setback, ask, reaction, buddyship) or of every kind."""
        return self._url({"action": UNSUBSCRIBE, "member_id": member_id, "kind": kind,
                          "language": language})

    def react_url(self, member_id: str, moment_id: str, reaction: str, language: str) -> str:
        """One tap: ``member_id`` cheers (or supports) the moment."""
        return self._url({"action": REACT, "member_id": member_id, "moment_id": moment_id,
                          "reaction": reaction, "language": language})

    def read(self, token: str, now: datetime) -> dict:
        """What the link may do at ``now``; raises LinkRefused."""
        try:
            payload, signed_at = self._serializer.loads(token, return_timestamp=True)
        except BadSignature as exc:
            raise LinkRefused("this link is not one of ours, or it was cut short") from exc
        if not isinstance(payload, dict) or payload.get("action") not in _LIFETIME:
            raise LinkRefused("this link is not one of ours")
        if now - signed_at > _LIFETIME[payload["action"]]:
            raise LinkRefused("this link is too old", expired=True)
        return payload

    def _url(self, payload: dict) -> str:
        return f"{self.public_url}/links/{self._serializer.dumps(payload)}"
