"""Rate limits, counted in Redis so that every gateway process and replica shares them.

Sign-up is limited per address, log-in per address and per account (so that guessing one
member's password is slow from anywhere), moments, reactions, proposals and invitations per
member. A refusal is a 429 problem with Retry-After.
"""

import os

from flask import request
from flask_jwt_extended import get_jwt_identity, verify_jwt_in_request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address


def _limit(name: str, default: str) -> str:
    return os.environ.get(f"RATE_LIMIT_{name}", default)


SIGNUP = _limit("SIGNUP", "20 per hour")
LOGIN = _limit("LOGIN", "30 per minute")
LOGIN_PER_ACCOUNT = _limit("LOGIN_PER_ACCOUNT", "10 per 10 minutes")
MOMENTS = _limit("MOMENTS", "30 per minute; 500 per day")
PROPOSALS = _limit("PROPOSALS", "30 per hour")
REACTIONS = _limit("REACTIONS", "30 per minute; 1000 per day")
INVITATIONS = _limit("INVITATIONS", "20 per day")


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


def init(app) -> None:
    app.config.update(
        # memory:// counts per process: fine for one process, wrong for several (use Redis).
        RATELIMIT_STORAGE_URI=os.environ.get("RATE_LIMIT_STORAGE", "memory://"),
        RATELIMIT_KEY_PREFIX=os.environ.get("RATE_LIMIT_PREFIX", "workbuddy"),
        RATELIMIT_HEADERS_ENABLED=True,
        # If Redis goes away, keep limiting per process rather than failing every request.
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
        RATELIMIT_STRATEGY="moving-window",
    )
    limiter.init_app(app)
