"""Accounts: signing up (with an invitation or not), logging in, changing the password,
exporting one's data and leaving. Proving addresses and resetting passwords: addresses.py."""

from workbuddy_contracts.commands import (
    ChangePassword,
    Leave,
    LogIn,
    load_or_refuse,
    normalise_invitation,
)
from workbuddy_contracts.errors import Conflict, Forbidden, NotFound, Unauthorized
from workbuddy_platform import outbox
from workbuddy_platform.exports import exported
from workbuddy_platform.idempotency import derived_id, replay

from ..adapters.credentials import Passwords
from ..domain import addresses, invitations, members
from ..settings import AddressPolicy
from ..unit_of_work import ProfilesUnitOfWork
from .addresses import ask_for_verification
from .profiles import existing_member

DEFAULT_POLICY = AddressPolicy()
NOT_YOUR_PASSWORD = "this is not your current password; type it again"


def register(uow: ProfilesUnitOfWork, passwords: Passwords, *, request: dict,
             idempotency_key: str | None = None, policy: AddressPolicy = DEFAULT_POLICY) -> dict:
    """{"member": ..., "replayed": bool}: a retried sign-up with the same key and password
    finds the account its first attempt created.

    The answer is the same whether the address is new or taken (so that sign-up does not tell
    who has an account): with a taken address, the account made is a decoy (domain/addresses.py)
    and the address's owner is told instead."""
    derive = (lambda email: derived_id(f"member:{email}", idempotency_key)) \
        if idempotency_key else None
    member, password = members.new_member(request, uow.now(), derive, verified=policy.trusted,
                                          demo_community=policy.demo_community)
    if idempotency_key and (earlier := replay(
            uow.members.find(member["_id"]),
            lambda earlier: passwords.verify(uow.members.password_hash_of(earlier["_id"]),
                                             password))):
        return {"member": members.member_view(earlier), "replayed": True}
    # Refusals come before the transaction, which they would otherwise abort for nothing.
    invitation = _usable_invitation(uow, request.get("invitation"), member["registered_at"])
    password_hash = passwords.hash(password)
    holder = uow.members.find_by_email(member["email"])
    if holder is None:
        try:
            return _open_account(uow, member, password_hash, invitation, policy)
        except Conflict:  # another sign-up with this address won the race: this one is a decoy
            uow.rollback()
            holder = uow.members.find_by_email(member["email"])
            if holder is None:
                raise
    return _open_decoy(uow, member, password_hash, invitation, holder, policy)


def _open_account(uow: ProfilesUnitOfWork, member: dict, password_hash: str,
                  invitation: dict | None, policy: AddressPolicy) -> dict:
    _add(uow, member, password_hash, invitation)
    if not addresses.verified(member):
        ask_for_verification(uow, member, policy)
    uow.commit()
    return {"member": members.member_view(member), "replayed": False}


def _open_decoy(uow: ProfilesUnitOfWork, member: dict, password_hash: str,
                invitation: dict | None, holder: dict, policy: AddressPolicy) -> dict:
    """The same answer as a new account's, for an account that will never hold the address. Its
    owner learns that someone tried, or, while their own account is not verified, gets a fresh
    link for it (the one who signs up again may well be them)."""
    decoy = addresses.decoy_of(member)
    _add(uow, decoy, password_hash, invitation)
    if addresses.verified(holder):
        uow.record(addresses.claim_attempted(holder, member["registered_at"]))
    else:
        ask_for_verification(uow, holder, policy)
    uow.commit()
    return {"member": members.member_view(decoy), "replayed": False}


def _add(uow: ProfilesUnitOfWork, member: dict, password_hash: str,
         invitation: dict | None) -> None:
    uow.members.add(member, password_hash)
    if invitation:
        uow.invitations.use(invitation["_id"], member["_id"])
    uow.record(members.registered(member, invitation["inviter_id"] if invitation else None))


def _usable_invitation(uow: ProfilesUnitOfWork, code: str | None, now) -> dict | None:
    if not code:
        return None
    invitation = uow.invitations.get(normalise_invitation(code))
    if not invitations.usable(invitation, now):
        raise NotFound(invitations.GONE, "invitation")
    return invitation


def authenticate(uow: ProfilesUnitOfWork, passwords: Passwords, *, request: dict) -> dict:
    """The member whose email and password these are. The same refusal for an unknown address,
    a wrong password and an address not verified yet: with sign-up's answer being the same
    for a taken address, nothing here tells who has an account."""
    data = load_or_refuse(LogIn(), request)
    member = uow.members.find_by_email(members.normalise_email(data["email"]))
    stored = uow.members.password_hash_of(member["_id"]) if member else None
    if not passwords.verify(stored, data["password"]) or not addresses.verified(member):
        raise Unauthorized(addresses.LOG_IN_REFUSED)
    if passwords.needs_rehash(stored):
        uow.members.replace_password_hash(member["_id"], passwords.hash(data["password"]))
        uow.commit()
    return members.member_view(member)


def change_password(uow: ProfilesUnitOfWork, passwords: Passwords, *, member_id: str,
                    request: dict) -> None:
    data = load_or_refuse(ChangePassword(), request)
    _check_password(uow, passwords, member_id, data["current_password"], "current_password")
    uow.members.replace_password_hash(member_id, passwords.hash(data["new_password"]))
    uow.commit()


def leave(uow: ProfilesUnitOfWork, passwords: Passwords, *, member_id: str, request: dict) -> dict:
    """Erase the member (the password confirms it) and tell every service to forget them.
    Answers the email they had, for the caller to forget what it kept under it (the gateway's
    rate limits): after this, nobody can look it up."""
    data = load_or_refuse(Leave(), request)
    _check_password(uow, passwords, member_id, data["password"], "password")
    email = existing_member(uow, member_id)["email"]
    uow.members.erase(member_id)
    uow.record(members.left(member_id, uow.now()))
    uow.commit()
    outbox.forget(uow.db, member_id)  # the published copies of events about them
    return {"email": email}


def export(uow: ProfilesUnitOfWork, *, member_id: str) -> dict:
    """All that profiles holds about the member, JSON-ready (never the password hash)."""
    member = existing_member(uow, member_id)
    return {"member": members.member_view(member)} | {
        name: [exported(doc) for doc in docs]
        for name, docs in uow.members.export_of(member_id).items()}


def _check_password(uow: ProfilesUnitOfWork, passwords: Passwords, member_id: str, given: str,
                    field: str) -> None:
    if not passwords.verify(uow.members.password_hash_of(member_id), given):
        raise Forbidden(NOT_YOUR_PASSWORD, field)
