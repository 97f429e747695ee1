"""Rate limits, counted in Redis so that every gateway process and replica shares them.

Sign-up is limited per address, log-in per address and per account (so that guessing one
member's password is slow from anywhere), password reset mails per address and per account,
moments, reactions, proposals, invitations, messages and verification mails per member. A
refusal is a 429 problem with Retry-After.
"""

from collections.abc import Callable

from flask import current_app, request
from flask_jwt_extended import get_jwt_identity, verify_jwt_in_request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

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


def account() -> str:
    """The email a log-in is for (normalised), whoever asks."""
    body = request.get_json(silent=True)
    email = body.get("email") if isinstance(body, dict) else None
    return f"account:{str(email).strip().lower()}" if email else get_remote_address()


def member() -> str:
    """The signed-in member; the address for a request whose token is not valid (it will be
    refused anyway, and must not escape every limit)."""
    try:
        verify_jwt_in_request()
        return f"member:{get_jwt_identity()}"
    except Exception:  # any token problem: fall back to the caller's address
        return get_remote_address()


limiter = Limiter(key_func=get_remote_address)


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
