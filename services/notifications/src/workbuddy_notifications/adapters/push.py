"""Web Push: messages to a member's browser through its push service (RFC 8030), encrypted for
that browser alone (RFC 8291, aes128gcm) and signed with our VAPID key (RFC 8292).

The gateway accepts a browser's subscription with `Subscription`; `send` delivers one message
and says by its exception what the caller should do next: delete the subscription, retry later,
or record the failure. Subscription keys are secrets of the member's browser: no message here
ever contains them.

Operators make a key with `python -m workbuddy_notifications.push keys` (../push.py).
"""

import base64
import json
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import requests
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from marshmallow import EXCLUDE, Schema, ValidationError, fields
from py_vapid import Vapid
from pywebpush import WebPusher

DEFAULT_SUBJECT = "mailto:buddies@workbuddy.local"
# Push services take 4096 bytes of encrypted body; aes128gcm adds 103 (header, tag, delimiter).
# A 3 KB ceiling leaves room and keeps messages what they should be: a nudge, not a document.
MAX_PAYLOAD_BYTES = 3072
DEFAULT_TTL = 24 * 3600  # a moment told a day late is still worth telling; later, it is noise
URGENCIES = ("very-low", "low", "normal", "high")
# RFC 8292 allows at most 24 hours; half of it leaves room for clocks that disagree.
TOKEN_LIFETIME = 12 * 3600
ENDPOINT_MAX = 2048
# Plain http only where no one else can listen in: tests and a developer's own machine.
_LOCAL_HOSTS = ("127.0.0.1", "localhost")
_B64URL = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")
_SUBJECT = re.compile(r"^(mailto:[^@\s]+@[^@\s]+|https://[^\s/?#]+(/\S*)?)$", re.IGNORECASE)
_KEY_HINT = "generate one with `python -m workbuddy_notifications.push keys`"


class PushError(Exception):
    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.status = status


class PushDisabled(PushError):
    """No VAPID_PRIVATE_KEY is configured: this deployment sends no push messages."""


class SubscriptionGone(PushError):
    """The push service no longer knows the subscription (404/410): delete it, do not retry."""


class TransientPushError(PushError):
    """The push service may accept later (429, 5xx, network): retry, not before retry_after."""

    def __init__(self, message: str, *, status: int | None = None, retry_after: float | None = None):
        super().__init__(message, status=status)
        self.retry_after = retry_after  # seconds, when the push service said


class PermanentPushError(PushError):
    """Refused for good (other 4xx, an unexpected answer, a message we must not send)."""

    def __init__(self, message: str, *, status: int | None = None, body: str = ""):
        super().__init__(message, status=status)
        self.body = body


class PayloadTooLarge(PermanentPushError):
    """The payload is over MAX_PAYLOAD_BYTES once encoded; nothing was sent."""


def b64url_decode(text: str) -> bytes:
    """Strict base64url, padded or not: a stray '+', '/' or space is an error, not skipped."""
    if not isinstance(text, str) or not _B64URL.match(text):
        raise ValueError("not base64url")
    bare = text.rstrip("=")
    return base64.urlsafe_b64decode(bare + "=" * (-len(bare) % 4))


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def origin_of(url: str) -> str:
    """scheme://host[:port] of a URL, without a default port: the `aud` a push service expects."""
    parts = urlsplit(url)
    port = parts.port
    default = {"https": 443, "http": 80}.get(parts.scheme)
    return f"{parts.scheme}://{parts.hostname}" + (f":{port}" if port and port != default else "")


KEY_WANTED = f"must be a P-256 private key: base64url of its 32 raw bytes, or a PEM; {_KEY_HINT}"
SUBJECT_WANTED = ("must be a mailto: address or an https: URL where the push services can reach "
                  "the operators, e.g. " + DEFAULT_SUBJECT)


def _load_private_key(text: str) -> ec.EllipticCurvePrivateKey:
    """A P-256 private key as base64url of its 32 raw bytes, or as PEM (PKCS#8 or SEC1).

    An environment variable rarely keeps line breaks, so a PEM may have them written as \\n.
    """
    text = text.strip().replace("\\n", "\n")
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode(), password=None)
        else:
            raw = b64url_decode(text)
            if len(raw) != 32:
                raise ValueError(f"{len(raw)} bytes instead of 32")
            key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        # The cause names what failed, never the key itself.
        raise ValueError(f"{KEY_WANTED} ({exc})") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ValueError(f"{KEY_WANTED} (the PEM holds another kind of key)")
    return key


def key_problem(text: str) -> str | None:
    """What is wrong with a VAPID private key, never repeating it; None when it is usable."""
    try:
        _load_private_key(text)
    except ValueError as exc:
        return str(exc)
    return None


def subject_problem(subject: str) -> str | None:
    return None if _SUBJECT.match(subject) else SUBJECT_WANTED


@dataclass(frozen=True)
class VapidSettings:
    """Who signs our push messages (settings.py reads VAPID_PRIVATE_KEY and VAPID_SUBJECT).
    Without a private key, push is disabled (`enabled` False)."""

    private_key: str | None = field(default=None, repr=False)
    # Push services write here when our messages misbehave: a mailbox someone reads.
    subject: str = DEFAULT_SUBJECT
    timeout: float = 10.0
    _vapid: Vapid | None = field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self):
        # A key or subject that is set but wrong stops the service at start-up, not at the
        # first message hours later (settings.py names the variable).
        if problem := subject_problem(self.subject):
            raise ValueError(f"VAPID_SUBJECT {problem}")
        if self.private_key:
            # Our own subject check above stands; py_vapid's accepts no https URL with a path.
            try:
                key = _load_private_key(self.private_key)
            except ValueError as exc:
                raise ValueError(f"VAPID_PRIVATE_KEY {exc}") from None
            vapid = Vapid(key, conf={"no-strict": True})
            object.__setattr__(self, "_vapid", vapid)

    @property
    def enabled(self) -> bool:
        return self._vapid is not None

    def public_key_b64url(self) -> str | None:
        """The applicationServerKey browsers subscribe with; None when push is disabled."""
        if self._vapid is None:
            return None
        return b64url_encode(self._vapid.public_key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))

    def authorization(self, endpoint: str) -> str:
        """`vapid t=<ES256 JWT>,k=<public key>` for one endpoint's push service."""
        if self._vapid is None:
            raise PushDisabled(f"push is disabled: VAPID_PRIVATE_KEY is not set; {_KEY_HINT}")
        claims = {"aud": origin_of(endpoint), "exp": int(time.time()) + TOKEN_LIFETIME,
                  "sub": self.subject}
        return self._vapid.sign(claims)["Authorization"]


class WebPush:
    """The push sender the use cases are given: our VAPID key, and the messages it signs."""

    def __init__(self, settings: VapidSettings):
        self.settings = settings

    @property
    def enabled(self) -> bool:
        return self.settings.enabled

    def public_key(self) -> str | None:
        return self.settings.public_key_b64url()

    def send(self, subscription: dict, payload: dict, *, urgency: str = "normal") -> str | None:
        return send(subscription, payload, self.settings, urgency=urgency)


# -- subscriptions, as a browser's PushSubscription.toJSON() gives them --

# What a refusal says (templates: workbuddy_contracts.i18n has them in French too).
TOO_LONG = "must have at most {max} characters"
NO_SPACES = "must not contain spaces or control characters"
PORT = "must be a URL whose port is a number"
ABSOLUTE = "must be an absolute https URL, the push service's endpoint as PushSubscription.toJSON() gives it"
HTTPS = "must use https (plain http is accepted only for localhost and 127.0.0.1, in development)"
BASE64URL = ("must be base64url (letters, digits, '-' and '_'; '+' and '/' are plain base64), as "
             "PushSubscription.toJSON() gives it")
P256_LENGTH = ("must decode to 65 bytes starting with 0x04 (an uncompressed P-256 public key), got "
               "{got} bytes: send keys.p256dh as PushSubscription.toJSON() gives it")
P256_POINT = "must be a point of the P-256 curve: send keys.p256dh as PushSubscription.toJSON() gives it"
AUTH_LENGTH = ("must decode to 16 bytes (the auth secret), got {got}: send keys.auth as "
               "PushSubscription.toJSON() gives it")


def _endpoint(value: str) -> None:
    if len(value) > ENDPOINT_MAX:
        raise ValidationError(TOO_LONG.format(max=ENDPOINT_MAX))
    if re.search(r"[\s\x00-\x1f\x7f]", value):
        raise ValidationError(NO_SPACES)
    parts = urlsplit(value)
    try:
        parts.port  # noqa: B018 - a port that is not a number raises here
    except ValueError:
        raise ValidationError(PORT) from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValidationError(ABSOLUTE)
    if parts.scheme == "http" and parts.hostname not in _LOCAL_HOSTS:
        raise ValidationError(HTTPS)


def _decoded(value: str) -> bytes:
    try:
        return b64url_decode(value)
    except ValueError:
        raise ValidationError(BASE64URL) from None


def _p256dh(value: str) -> None:
    raw = _decoded(value)
    if len(raw) != 65 or raw[0] != 4:
        raise ValidationError(P256_LENGTH.format(got=len(raw)))
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        raise ValidationError(P256_POINT) from None


def _auth(value: str) -> None:
    raw = _decoded(value)
    if len(raw) != 16:
        raise ValidationError(AUTH_LENGTH.format(got=len(raw)))


class SubscriptionKeys(Schema):
    class Meta:
        unknown = EXCLUDE  # browsers may add keys one day; these two are what we use

    p256dh = fields.String(required=True, validate=_p256dh, metadata={
        "description": "The browser's P-256 public key, base64url (65 bytes once decoded)."})
    auth = fields.String(required=True, validate=_auth, metadata={
        "description": "The browser's auth secret, base64url (16 bytes once decoded)."})


class Subscription(Schema):
    """A browser's push subscription, exactly as `PushSubscription.toJSON()` gives it."""

    class Meta:
        unknown = EXCLUDE

    endpoint = fields.String(required=True, validate=_endpoint, metadata={
        "description": "The push service URL of this browser (https).",
        "example": "https://fcm.googleapis.com/fcm/send/c1Kf…"})
    expiration_time = fields.Integer(data_key="expirationTime", load_default=None, allow_none=True,
                                     metadata={"description": "When the browser drops the "
                                                              "subscription (ms since epoch), if it says."})
    keys = fields.Nested(SubscriptionKeys, required=True)


def load_subscription(data) -> dict:
    """The subscription checked, or marshmallow's ValidationError with one message per fault."""
    return Subscription().load(data)


# -- sending --

class _NoRedirects(requests.Session):
    # A push service answers a message itself; a redirect would turn our POST into a GET
    # elsewhere, so it counts as an unexpected answer instead.
    def post(self, url, **kwargs):
        return super().post(url, allow_redirects=False, **kwargs)


def send(subscription: dict, payload: dict, settings: VapidSettings, *, ttl: int = DEFAULT_TTL,
         urgency: str = "normal") -> str | None:
    """Send one message; returns the push service's URL for it (its Location), if it gave one.

    Raises PushDisabled, PayloadTooLarge, SubscriptionGone, TransientPushError or
    PermanentPushError (also for a subscription that fails `Subscription`).
    """
    if not settings.enabled:
        raise PushDisabled(f"push is disabled: VAPID_PRIVATE_KEY is not set; {_KEY_HINT}")
    if urgency not in URGENCIES:
        raise ValueError(f"urgency must be one of {', '.join(URGENCIES)}")
    if ttl < 0:
        raise ValueError("ttl must be 0 or more seconds")
    try:
        checked = load_subscription(subscription)
    except ValidationError as exc:
        raise PermanentPushError(f"the subscription is malformed: {exc.messages}") from None
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    if len(data) > MAX_PAYLOAD_BYTES:
        raise PayloadTooLarge(f"the payload is {len(data)} bytes as JSON, more than "
                              f"{MAX_PAYLOAD_BYTES}: send less (an id the app fetches, not the content)")
    endpoint = checked["endpoint"]
    origin = origin_of(endpoint)
    headers = {"Authorization": settings.authorization(endpoint), "Urgency": urgency,
               "Content-Type": "application/octet-stream"}
    try:
        with _NoRedirects() as session:
            response = WebPusher({"endpoint": endpoint, "keys": checked["keys"]},
                                 requests_session=session).send(
                data, headers, ttl=ttl, content_encoding="aes128gcm", timeout=settings.timeout)
    except requests.RequestException as exc:
        # The message may name the endpoint; its path identifies the subscription, so it goes.
        detail = str(exc).replace(endpoint, origin)
        path = urlsplit(endpoint).path
        if len(path) > 1:
            detail = detail.replace(path, "/…")
        raise TransientPushError(f"{origin} unreachable: {type(exc).__name__}: {detail}") from None
    return _outcome(response, origin)


def _outcome(response: requests.Response, origin: str) -> str | None:
    status = response.status_code
    if status in (201, 202):
        return response.headers.get("Location")
    body = response.text[:500]
    answer = f"{origin} answered {status} {response.reason}" + (f": {body}" if body else "")
    if status in (404, 410):
        raise SubscriptionGone(answer, status=status)
    if status == 429 or status >= 500:
        raise TransientPushError(answer, status=status,
                                 retry_after=retry_after(response.headers.get("Retry-After")))
    raise PermanentPushError(answer, status=status, body=body)


def retry_after(value: str | None) -> float | None:
    """Seconds to wait, from a Retry-After of seconds or of an HTTP date; None if absent or odd."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


# -- for operators --

def new_private_key() -> str:
    """A fresh VAPID private key, as VAPID_PRIVATE_KEY takes it (base64url of 32 raw bytes)."""
    key = ec.generate_private_key(ec.SECP256R1())
    return b64url_encode(key.private_numbers().private_value.to_bytes(32, "big"))
