"""Proving addresses and resetting passwords, each through a single-use link mailed to the
address (notifications writes the mail from the event recorded here); and erasing the decoy
accounts that sign-ups with a taken address made (accounts.py), once their day is over."""

from workbuddy_contracts.commands import (
    RequestPasswordReset,
    ResetPassword,
    VerifyAddress,
    load_or_refuse,
)
from workbuddy_contracts.errors import NotFound
from workbuddy_platform import outbox
from workbuddy_platform.logs import get_logger

from ..adapters.credentials import Passwords
from ..domain import addresses, members
from ..settings import AddressPolicy
from ..unit_of_work import ProfilesUnitOfWork
from .profiles import existing_member

log = get_logger(__name__)


def ask_for_verification(uow: ProfilesUnitOfWork, member: dict, policy: AddressPolicy) -> None:
    """A new link for the member's address, mailed once the caller commits."""
    now = uow.now()
    token, kept = addresses.new_token(addresses.VERIFY, member["_id"], now, policy.link_life)
    uow.tokens.add(kept)
    uow.record(addresses.verification_requested(member, token, kept["expires_at"]))


def verify(uow: ProfilesUnitOfWork, *, request: dict) -> dict:
    """The member whose address the link proves, now verified (the gateway signs them in)."""
    data = load_or_refuse(VerifyAddress(), request)
    now = uow.now()
    found = addresses.check_token(uow.tokens.find(data["token"]), addresses.VERIFY, now)
    member = uow.members.find(found["member_id"])
    if member is None:  # the account left since
        raise NotFound(addresses.UNKNOWN_LINK, "token")
    uow.tokens.use(found, now)
    member = _proven(uow, member, now)
    uow.commit()
    return members.member_view(member)


def resend(uow: ProfilesUnitOfWork, *, member_id: str, policy: AddressPolicy) -> None:
    """Another verification link, to an address not verified yet. A decoy is answered the same
    and nothing is sent (its address is another account's); a verified one needs nothing."""
    member = existing_member(uow, member_id)
    if addresses.verified(member) or addresses.is_decoy(member):
        return
    ask_for_verification(uow, member, policy)
    uow.commit()


def request_reset(uow: ProfilesUnitOfWork, *, request: dict, policy: AddressPolicy) -> None:
    """Mail a reset link when an account holds the address; nothing otherwise, and the caller
    answers the same either way."""
    data = load_or_refuse(RequestPasswordReset(), request)
    member = uow.members.find_by_email(members.normalise_email(data["email"]))
    if member is None or addresses.is_decoy(member):  # a decoy's placeholder reaches nobody
        return
    now = uow.now()
    token, kept = addresses.new_token(addresses.RESET, member["_id"], now, policy.reset_life)
    uow.tokens.add(kept)
    uow.record(addresses.reset_requested(member, token, kept["expires_at"]))
    uow.commit()


def reset_password(uow: ProfilesUnitOfWork, passwords: Passwords, *, request: dict) -> str:
    """Set the new password; the link proves the address too. Returns the member's id, whose
    sessions the gateway then closes, every one of them."""
    data = load_or_refuse(ResetPassword(), request)
    now = uow.now()
    found = addresses.check_token(uow.tokens.find(data["token"]), addresses.RESET, now)
    member = uow.members.find(found["member_id"])
    if member is None:
        raise NotFound(addresses.UNKNOWN_LINK, "token")
    password_hash = passwords.hash(data["new_password"])
    uow.tokens.use(found, now)
    uow.tokens.spend_all(member["_id"], addresses.RESET)  # older reset links stop working too
    uow.members.replace_password_hash(member["_id"], password_hash)
    _proven(uow, member, now)
    uow.commit()
    return member["_id"]


def _proven(uow: ProfilesUnitOfWork, member: dict, now) -> dict:
    """The member with their address verified (recorded when it was not yet)."""
    if addresses.verified(member):
        return member
    # A new revision: the member's view changed, so its ETag must (or a client's cache keeps
    # showing the address unproven).
    verified = member | {"email_verified": True, "revision": members.revision_of(member) + 1}
    uow.members.replace(verified, member)
    uow.record(addresses.address_verified(verified, now))
    return verified


def erase_unclaimed(uow: ProfilesUnitOfWork, *, policy: AddressPolicy) -> int:
    """Decoys whose day is over are erased as a member who leaves is, and expired link tokens
    are forgotten. Returns how many decoys went."""
    now = uow.now()
    erased = 0
    for decoy in uow.tokens.decoys():
        if decoy["registered_at"] + policy.link_life > now:
            continue
        uow.members.erase(decoy["_id"])
        uow.record(members.left(decoy["_id"], now))
        uow.commit()
        outbox.forget(uow.db, decoy["_id"])
        erased += 1
    forgotten = uow.tokens.forget([t["_id"] for t in uow.tokens.expired(now)])
    if erased or forgotten:
        log.info("addresses.unclaimed_erased", decoys=erased, tokens=forgotten)
    return erased
