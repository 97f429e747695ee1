"""Links in a mail that act without a log-in: one-click unsubscribe (RFC 8058) and a one-tap
reaction to a buddy's moment. Each is signed with MAIL_LINK_SECRET, names one member and one
thing it may do, and expires; the gateway asks this service to read it before acting.
"""

import os
from dataclasses import dataclass, field
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer

from workbuddy_platform import clock

UNSUBSCRIBE, REACT = "unsubscribe", "react"
ALL_KINDS = "all"  # a digest's unsubscribe: no more mail of any kind
_LIFETIME = {UNSUBSCRIBE: timedelta(days=365), REACT: timedelta(days=30)}
_SALT = "workbuddy.mail-link"


class LinkRefused(Exception):
    """The link was tampered with, is not one of ours, or is too old to act."""

    def __init__(self, message: str, expired: bool = False):
        super().__init__(message)
        self.expired = expired


@dataclass(frozen=True)
class LinkSettings:
    secret: str = field(default_factory=lambda: os.environ.get("MAIL_LINK_SECRET", ""))
    # Earlier secrets whose links still work (comma-separated): links live up to a year in
    # mailboxes, so a rotated secret stays here until the links it signed have expired.
    accepted: tuple[str, ...] = field(default_factory=lambda: tuple(
        s.strip() for s in os.environ.get("MAIL_LINK_ACCEPTED_SECRETS", "").split(",") if s.strip()))
    # Where members open links: the gateway as the internet sees it.
    public_url: str = field(default_factory=lambda: os.environ.get(
        "PUBLIC_URL", "http://127.0.0.1:8080").rstrip("/"))

    def check(self) -> None:
        if len(self.secret) < 32:
            raise RuntimeError("set MAIL_LINK_SECRET to a random string of at least 32 characters, "
                               "the same for every notifications replica (e.g. `openssl rand -hex 32`); "
                               "it signs the unsubscribe and reaction links in mails")
        if any(len(s) < 32 for s in self.accepted):
            raise RuntimeError("every secret in MAIL_LINK_ACCEPTED_SECRETS must be at least 32 "
                               "characters")


def _serializer(settings: LinkSettings) -> URLSafeTimedSerializer:
    # itsdangerous signs with the last key and verifies with any of them.
    return URLSafeTimedSerializer([*settings.accepted, settings.secret], salt=_SALT)


def app_url(settings: LinkSettings, view: str) -> str:
    """A page of the web app (no signature: it asks the member to sign in if needed)."""
    return f"{settings.public_url}/app/#/{view}"


def unsubscribe_url(settings: LinkSettings, member_id: str, kind: str, language: str) -> str:
    """Stops mail of one kind (win, setback, ask, reaction, buddyship) or of every kind."""
    return _url(settings, {"action": UNSUBSCRIBE, "member_id": member_id, "kind": kind,
                           "language": language})


def react_url(settings: LinkSettings, member_id: str, moment_id: str, reaction: str,
              language: str) -> str:
    """One tap: ``member_id`` cheers (or supports) the moment."""
    return _url(settings, {"action": REACT, "member_id": member_id, "moment_id": moment_id,
                           "reaction": reaction, "language": language})


def _url(settings: LinkSettings, payload: dict) -> str:
    return f"{settings.public_url}/links/{_serializer(settings).dumps(payload)}"


def read(settings: LinkSettings, token: str) -> dict:
    """What the link may do; raises LinkRefused."""
    try:
        payload, signed_at = _serializer(settings).loads(token, return_timestamp=True)
    except BadSignature as exc:
        raise LinkRefused("this link is not one of ours, or it was cut short") from exc
    if not isinstance(payload, dict) or payload.get("action") not in _LIFETIME:
        raise LinkRefused("this link is not one of ours")
    if clock.now() - signed_at > _LIFETIME[payload["action"]]:
        raise LinkRefused("this link is too old", expired=True)
    return payload
