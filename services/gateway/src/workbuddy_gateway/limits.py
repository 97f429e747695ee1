"""Rate limits, counted in Redis so that every gateway process and replica shares them.

Sign-up is limited per address, log-in per address and per account (so that guessing one
member's password is slow from anywhere), password reset mails per address and per account,
moments, reactions, proposals, invitations, messages and verification mails per member. A
refusal is a 429 problem with Retry-After.

No key holds personal data: each names a keyed hash (HMAC with the signing secret) of the
address, email or member id it counts, so Redis holds neither an email nor an IP address, and
a hash cannot be reversed by hashing guessed emails without the secret. A key lasts as long as
its window; when a member leaves, the keys of their id and email are deleted at once.
"""

import hashlib
import hmac
from collections.abc import Callable

from flask import current_app, g, request
from flask_jwt_extended import get_jwt_identity, verify_jwt_in_request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits.storage import MemoryStorage, RedisStorage

from .settings import GatewaySettings, settings_of


def _configured(name: str) -> Callable[[], str]:
    """The limit the app's settings give (RATE_LIMIT_<NAME>). The endpoints are decorated at
    import, before any settings exist: flask-limiter asks for the limit at each request."""
    return lambda: getattr(settings_of(current_app).rate_limits, name)


SIGNUP = _configured("signup")
LOGIN = _configured("login")
LOGIN_PER_ACCOUNT = _configured("login_per_account")
MOMENTS = _configured("moments")
PROPOSALS = _configured("proposals")
REACTIONS = _configured("reactions")
INVITATIONS = _configured("invitations")
MESSAGES = _configured("messages")
VERIFICATION_MAILS = _configured("verification_mails")
PASSWORD_RESET = _configured("password_reset")
PASSWORD_RESET_PER_ACCOUNT = _configured("password_reset_per_account")


def hashed(what: str, secret: str | None = None) -> str:
    """The name a limit's key gives ``what`` (an address, ``account:<email>``,
    ``member:<id>``): the same for every gateway sharing the signing secret."""
    secret = secret if secret is not None else settings_of(current_app).jwt_secret
    return hmac.new(secret.encode(), what.encode(), hashlib.sha256).hexdigest()[:32]


def address() -> str:
    """The caller's address."""
    return hashed(get_remote_address())


def account() -> str:
    """The email a log-in is for (normalised), whoever asks."""
    body = request.get_json(silent=True)
    email = body.get("email") if isinstance(body, dict) else None
    return hashed(f"account:{normalised(str(email))}") if email else address()


def member() -> str:
    """The signed-in member; the address for a request whose token is not valid (it will be
    refused anyway, and must not escape every limit)."""
    try:
        # jwt_required verified it already for this request (it runs before the limit): its
        # answer is reused rather than the token decoded and checked again.
        if not g.get("_jwt_extended_jwt"):
            verify_jwt_in_request()
        return hashed(f"member:{get_jwt_identity()}")
    except Exception:  # any token problem: fall back to the caller's address
        return address()


def normalised(email: str) -> str:
    return email.strip().lower()


def forget(member_id: str, email: str | None) -> int:
    """Delete the counts kept under the member's id and email (a member who left); how many
    keys went. The keys of their addresses are not known to be theirs: hashed, they expire
    with their window."""
    names = [hashed(f"member:{member_id}")] + ([hashed(f"account:{normalised(email)}")]
                                               if email else [])
    # The per-process store used while Redis is away (flask-limiter keeps it to itself).
    fallback = getattr(limiter, "_fallback_limiter", None)
    stores = [limiter.storage] + ([fallback.storage] if fallback else [])
    return sum(_delete(store, name) for store in stores for name in names)


def _delete(store, name: str) -> int:
    """The keys naming ``name``: ``<prefix>/<name>/<endpoint>/<limit>`` (flask-limiter's)."""
    part = f"/{name}/"
    if isinstance(store, RedisStorage):
        redis = store.get_connection()
        found = list(redis.scan_iter(match=f"{store.prefixed_key('')}*{part}*", count=1000))
        return redis.delete(*found) if found else 0
    if isinstance(store, MemoryStorage):
        found = [key for key in {*store.storage, *store.events, *store.expirations} if part in key]
        for key in found:
            store.clear(key)
        return len(found)
    return 0  # a store we do not know how to search: its keys are hashed and expire


limiter = Limiter(key_func=address)


def init(app, settings: GatewaySettings) -> None:
    app.config.update(
        RATELIMIT_STORAGE_URI=settings.rate_limit_storage,
        RATELIMIT_KEY_PREFIX=settings.rate_limit_prefix,
        RATELIMIT_HEADERS_ENABLED=True,
        # If Redis goes away, keep limiting per process rather than failing every request.
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
        RATELIMIT_STRATEGY="moving-window",
    )
    limiter.init_app(app)
    manager = limiter.limit_manager
    if not (manager.default_limits or manager.application_limits or manager._blueprint_limits
            or limiter._meta_limits):
        # flask-limiter also checks every request in a before_request hook, for default,
        # application, blueprint and meta limits. The gateway sets none: each of its limits
        # decorates an endpoint's method and is checked as the method is called. The hook then
        # only costs time, some 5 % of an authenticated GET (docs/performance.md); it stays the
        # day one of those is set.
        app.before_request_funcs[None].remove(limiter._check_request_limit)
