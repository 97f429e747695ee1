"""A real push service for tests (RFC 8030), standing in for the browser vendor's: it checks
each message's VAPID signature and claims (RFC 8292) and decrypts its body with the
subscriber's keys (RFC 8291), as the browser would, and keeps what it receives.

It shares no code with the sender's side: the JWT is checked with `cryptography` alone and the
body decrypted with `http_ece`, so a sender that skipped a step would be refused here.
"""

import base64
import json
import os
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

MAX_BODY = 4096  # what RFC 8030 asks every push service to take
URGENCIES = ("very-low", "low", "normal", "high")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Refused(Exception):
    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status


@dataclass(frozen=True)
class Answer:
    """What the push service answers to one message instead of taking it (or with, if 2xx)."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    delay: float = 0  # seconds before answering, to make a sender time out


@dataclass(frozen=True)
class Received:
    subscription_id: str
    payload: dict          # decrypted, as the browser's service worker would read it
    body: bytes            # as it was on the wire
    headers: dict[str, str]  # names in lower case
    claims: dict           # of the VAPID JWT, once verified

    @property
    def ttl(self) -> int:
        return int(self.headers["ttl"])

    @property
    def urgency(self) -> str:
        return self.headers.get("urgency", "normal")


class Subscriber:
    """What a browser keeps for one subscription: an ECDH key pair and an auth secret."""

    def __init__(self, endpoint: str, application_server_key: str | None = None):
        self.endpoint = endpoint
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = os.urandom(16)
        # Set when the browser subscribed with an applicationServerKey: only that key may send.
        self.application_server_key = application_server_key

    def subscription(self) -> dict:
        """What the browser's PushSubscription.toJSON() gives, and the app sends to us."""
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        return {"endpoint": self.endpoint, "expirationTime": None,
                "keys": {"p256dh": b64url(public), "auth": b64url(self.auth_secret)}}

    def decrypt(self, body: bytes) -> bytes:
        return http_ece.decrypt(body, private_key=self.private_key, auth_secret=self.auth_secret,
                                version="aes128gcm")


def verify_vapid(authorization: str | None, origin: str) -> tuple[dict, str]:
    """The JWT's claims and the sender's public key (base64url), or Refused (401/403)."""
    if not authorization:
        raise Refused(401, "no Authorization: a restricted subscription needs VAPID")
    scheme, _, params = authorization.partition(" ")
    if scheme.lower() != "vapid":
        raise Refused(401, f"Authorization scheme {scheme!r}, not vapid")
    values = dict(p.strip().split("=", 1) for p in params.split(",") if "=" in p)
    if "t" not in values or "k" not in values:
        raise Refused(401, "vapid needs t=<jwt> and k=<public key>")
    try:
        key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(values["k"]))
        header_b64, claims_b64, signature_b64 = values["t"].split(".")
        header, claims = json.loads(unb64url(header_b64)), json.loads(unb64url(claims_b64))
        signature = unb64url(signature_b64)
    except ValueError as exc:
        raise Refused(403, f"unreadable token or key: {exc}") from None
    if header.get("alg") != "ES256" or len(signature) != 64:
        raise Refused(403, "the token must be ES256 with a 64-byte signature")
    try:
        r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
        key.verify(encode_dss_signature(r, s), f"{header_b64}.{claims_b64}".encode(),
                   ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise Refused(403, "the token's signature does not match k") from None
    now = time.time()
    if claims.get("aud") != origin:
        raise Refused(403, f"aud {claims.get('aud')!r} is not this push service ({origin})")
    if not isinstance(claims.get("exp"), int) or not now < claims["exp"] <= now + 24 * 3600:
        raise Refused(403, f"exp {claims.get('exp')!r} must be in the next 24 hours")
    if not claims.get("sub"):
        raise Refused(403, "sub (a contact for the sender) is missing")
    return claims, values["k"]


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A sender that timed out has hung up before a delayed answer: expected, not a failure.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class PushService:
    """POST /push/<id> takes one message for subscription <id>; 201 with its Location."""

    def __init__(self, port: int = 0):
        self._subscribers: dict[str, Subscriber] = {}
        self._scripts: dict[str, list[Answer]] = {}
        self._received: list[Received] = []
        self.answered: list[tuple[str, int, str]] = []  # (subscription id, status, reason), every request
        self._lock = threading.Condition()
        self.server = _Server(("127.0.0.1", port), self._handler())
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, args=(0.05,), name="push-service",
                         daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def subscribe(self, application_server_key: str | None = None) -> dict:
        """A new browser subscription here: the dict the browser sends to the app."""
        subscription_id = uuid.uuid4().hex
        subscriber = Subscriber(f"{self.origin}/push/{subscription_id}", application_server_key)
        with self._lock:
            self._subscribers[subscription_id] = subscriber
        return subscriber.subscription()

    def subscriber(self, subscription: dict) -> Subscriber:
        return self._subscribers[self._id_of(subscription)]

    def script(self, subscription: dict, *answers: Answer | int) -> None:
        """The next messages to this subscription get these answers, in order (2xx: taken)."""
        with self._lock:
            self._scripts.setdefault(self._id_of(subscription), []).extend(
                a if isinstance(a, Answer) else Answer(a) for a in answers)

    def received(self, subscription: dict) -> list[Received]:
        with self._lock:
            return self._received_unlocked(self._id_of(subscription))

    def wait_for(self, subscription: dict, count: int = 1, timeout: float = 10,
                 kind: str | None = None) -> list[Received]:
        """Messages to the browser (whose payload is of ``kind`` only, if given)."""
        subscription_id = self._id_of(subscription)
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self._received_unlocked(subscription_id, kind)) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    answers = [a for a in self.answered if a[0] == subscription_id]
                    raise AssertionError(f"expected {count} {kind or ''} message(s) within {timeout}s, "
                                         f"got {len(self._received_unlocked(subscription_id, kind))}; "
                                         f"answers: {answers}")
                self._lock.wait(left)
            return self._received_unlocked(subscription_id, kind)

    def _received_unlocked(self, subscription_id: str, kind: str | None = None) -> list[Received]:
        return [m for m in self._received if m.subscription_id == subscription_id
                and kind in (None, (m.payload or {}).get("kind"))]

    def _id_of(self, subscription: dict) -> str:
        return subscription["endpoint"].rsplit("/", 1)[-1]

    def take(self, path: str, headers, body: bytes) -> Answer:
        """One message, checked as a browser vendor's push service would."""
        subscription_id = path.removeprefix("/push/")
        with self._lock:
            subscriber = self._subscribers.get(subscription_id) if path.startswith("/push/") else None
        if subscriber is None:
            raise Refused(404, "no such subscription")
        claims, key = verify_vapid(headers.get("Authorization"), self.origin)
        if subscriber.application_server_key and key != subscriber.application_server_key:
            raise Refused(403, "k is not the applicationServerKey the browser subscribed with")
        if headers.get("TTL") is None or not headers["TTL"].isdigit():
            raise Refused(400, "TTL header missing or not a number of seconds")
        if headers.get("Urgency", "normal") not in URGENCIES:
            raise Refused(400, f"Urgency must be one of {URGENCIES}")
        if len(body) > MAX_BODY:
            raise Refused(413, f"{len(body)} bytes, more than {MAX_BODY}")
        if headers.get("Content-Encoding") != "aes128gcm":
            raise Refused(400, "Content-Encoding must be aes128gcm")
        try:
            payload = json.loads(subscriber.decrypt(body))
        except (http_ece.ECEException, ValueError) as exc:
            raise Refused(400, f"the body does not decrypt for this subscriber: {exc}") from None
        with self._lock:
            scripted = self._scripts.get(subscription_id)
            answer = scripted.pop(0) if scripted else Answer(201)
            if 200 <= answer.status < 300:
                self._received.append(Received(subscription_id, payload, body,
                                               {k.lower(): v for k, v in headers.items()}, claims))
                self._lock.notify_all()
        return answer

    def _handler(self):
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    answer = service.take(self.path, self.headers, body)
                    reason = "taken"
                except Refused as exc:
                    answer, reason = Answer(exc.status, body=str(exc)), str(exc)
                except Exception as exc:  # a bug here: say it in the answer the test will see
                    answer, reason = Answer(500, body=repr(exc)), f"fake push service broke: {exc!r}"
                with service._lock:
                    service.answered.append((self.path.rsplit("/", 1)[-1], answer.status, reason))
                time.sleep(answer.delay)
                headers = dict(answer.headers)
                if answer.status == 201:
                    headers.setdefault("Location", f"{service.origin}/message/{uuid.uuid4().hex}")
                content = answer.body.encode()
                self.send_response(answer.status)
                for name, value in {**headers, "Content-Length": str(len(content))}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(content)

            def log_message(self, *args):
                pass  # the test says what went wrong; answers are in service.answered

        return Handler
