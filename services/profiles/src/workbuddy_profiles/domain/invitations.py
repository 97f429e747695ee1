"""Inviting someone one already knows: a code to sign up with, after which the two are
proposed to each other first. Pure rules; the service stores and checks them."""

import secrets
from datetime import datetime, timedelta

from workbuddy_platform.pages import order_key

VALID_FOR = timedelta(days=14)
GONE = ("this invitation is unknown, used or expired; ask the member who invited you for a new "
        "one")
# No 0/O, 1/I/L: a code is read aloud and typed by hand.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_invitation(inviter_id: str, now: datetime) -> dict:
    code = "".join(secrets.choice(_ALPHABET) for _ in range(10))
    return {"_id": code, "inviter_id": inviter_id, "created_at": now,
            "expires_at": now + VALID_FOR, "used_by": None, "order": order_key(now, code)}


def usable(invitation: dict | None, now: datetime) -> bool:
    return invitation is not None and invitation["used_by"] is None \
        and invitation["expires_at"] > now


def shown(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def view(invitation: dict, now: datetime) -> dict:
    state = "used" if invitation["used_by"] else (
        "open" if invitation["expires_at"] > now else "expired")
    return {"code": shown(invitation["_id"]), "state": state,
            "created_at": invitation["created_at"].isoformat(),
            "expires_at": invitation["expires_at"].isoformat(),
            "used_by": invitation["used_by"]}
