"""Addresses: an address belongs to whoever proves they read its mail. Pure: no I/O here.

A new address is proven by a single-use link mailed to it. Signing up with an address another
account holds answers exactly as a new sign-up does, but the account made is a *decoy*: it never
holds the address (its ``email`` is a placeholder of its own), can never be verified, and is
erased once a verification link would have expired; the address's owner is told instead.

Link tokens are random; only their SHA-256 is kept, with what they may do (``purpose``), for
whom and until when, and whether they were used.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from workbuddy_contracts.errors import Gone, NotFound

VERIFY, RESET = "verify", "reset"
DECOY_DOMAIN = "unclaimed.invalid"  # RFC 2606: a name that can never receive mail

# The same words for a wrong email, a wrong password and an address not verified yet: log-in and
# sign-up together must not tell which addresses have an account.
LOG_IN_REFUSED = ("the email or the password is wrong, or the address is not confirmed yet: "
                  "open the link we mailed you")
UNKNOWN_LINK = ("this link is not one of ours, or it was cut short: open it again from the mail, "
                "whole, or ask for a new one")
USED_VERIFY = ("this confirmation link was already used or is too old: sign in and ask for a "
               "new one with \"Resend\", or sign up again")
USED_RESET = ("this password reset link was already used or is too old (links work 30 minutes, "
              "once): ask for a new one with \"Forgot your password?\"")


def verified(member: dict) -> bool:
    """Accounts made before addresses were verified have no such field: they count as verified."""
    return member.get("email_verified", True) is not False


def is_decoy(member: dict) -> bool:
    return bool(member.get("decoy"))


def decoy_of(member: dict) -> dict:
    """The account made when ``member``'s address is taken: the address kept aside only to show
    it back to whoever signed up ("we sent a link to …"), the placeholder in its place."""
    claimed = member["email"]
    return member | {"email": f"{member['_id']}@{DECOY_DOMAIN}", "claimed_email": claimed,
                     "decoy": True, "email_verified": False}


def shown_email(member: dict) -> str:
    """The address the member's own views show: a decoy shows the one typed at sign-up."""
    return member.get("claimed_email") or member["email"]


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(purpose: str, member_id: str, now: datetime, life: timedelta) -> tuple[str, dict]:
    """(the token for the link, the document to keep: never the token itself)."""
    token = secrets.token_urlsafe(32)
    return token, {"_id": digest(token), "purpose": purpose, "member_id": member_id,
                   "created_at": now, "expires_at": now + life, "used": False}


def check_token(found: dict | None, purpose: str, now: datetime) -> dict:
    """The token's document when it may be used now; a refusal saying how to get a new one."""
    if found is None or found["purpose"] != purpose:
        raise NotFound(UNKNOWN_LINK, "token")
    # Compared here, not in a query: the embedded store compares dates to the second.
    if found["used"] or found["expires_at"] <= now:
        raise Gone(USED_VERIFY if purpose == VERIFY else USED_RESET, "token")
    return found


def account_mail(member: dict) -> dict:
    """Where and how to write to the member about their account (events' common fields)."""
    return {"member_id": member["_id"], "email": member["email"],
            "display_name": member["display_name"], "language": member["language"]}


def verification_requested(member: dict, token: str, expires_at: datetime) -> tuple[str, dict]:
    return "address.verification_requested", account_mail(member) | {
        "token": token, "expires_at": expires_at}


def claim_attempted(holder: dict, at: datetime) -> tuple[str, dict]:
    return "address.claim_attempted", account_mail(holder) | {"attempted_at": at}


def reset_requested(member: dict, token: str, expires_at: datetime) -> tuple[str, dict]:
    return "password.reset_requested", account_mail(member) | {
        "token": token, "expires_at": expires_at}


def address_verified(member: dict, at: datetime) -> tuple[str, dict]:
    return "member.address_verified", {"member_id": member["_id"], "email": member["email"],
                                       "verified_at": at}
