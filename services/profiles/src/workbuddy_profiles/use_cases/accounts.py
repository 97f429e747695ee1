"""Accounts: signing up (with an invitation or not), logging in, changing the password,
exporting one's data and leaving."""

from workbuddy_contracts.commands import (
    ChangePassword,
    Leave,
    LogIn,
    load_or_refuse,
    normalise_invitation,
)
from workbuddy_contracts.errors import Forbidden, NotFound, Unauthorized
from workbuddy_platform import outbox
from workbuddy_platform.exports import exported
from workbuddy_platform.idempotency import derived_id, replay

from ..adapters.credentials import Passwords
from ..adapters.repository import email_taken
from ..domain import invitations, members
from ..unit_of_work import ProfilesUnitOfWork
from .profiles import existing_member

NOT_YOUR_PASSWORD = "this is not your current password; type it again"


def register(uow: ProfilesUnitOfWork, passwords: Passwords, *, request: dict,
             idempotency_key: str | None = None) -> dict:
    """{"member": ..., "replayed": bool}: a retried sign-up with the same key and password
    finds the account its first attempt created."""
    derive = (lambda email: derived_id(f"member:{email}", idempotency_key)) \
        if idempotency_key else None
    member, password = members.new_member(request, uow.now(), derive)
    if idempotency_key and (earlier := replay(
            uow.members.find(member["_id"]),
            lambda earlier: passwords.verify(uow.members.password_hash_of(earlier["_id"]),
                                             password))):
        return {"member": members.member_view(earlier), "replayed": True}
    # Refusals come before the transaction, which they would otherwise abort for nothing.
    if uow.members.email_in_use(member["email"]):
        raise email_taken(member["email"])
    invitation = _usable_invitation(uow, request.get("invitation"), member["registered_at"])
    uow.members.add(member, passwords.hash(password))
    if invitation:
        uow.invitations.use(invitation["_id"], member["_id"])
    uow.record(members.registered(member, invitation["inviter_id"] if invitation else None))
    uow.commit()
    return {"member": members.member_view(member), "replayed": False}


def _usable_invitation(uow: ProfilesUnitOfWork, code: str | None, now) -> dict | None:
    if not code:
        return None
    invitation = uow.invitations.get(normalise_invitation(code))
    if not invitations.usable(invitation, now):
        raise NotFound(invitations.GONE, "invitation")
    return invitation


def authenticate(uow: ProfilesUnitOfWork, passwords: Passwords, *, request: dict) -> dict:
    """The member whose email and password these are; the same refusal for both mistakes."""
    data = load_or_refuse(LogIn(), request)
    member = uow.members.find_by_email(members.normalise_email(data["email"]))
    stored = uow.members.password_hash_of(member["_id"]) if member else None
    if not passwords.verify(stored, data["password"]):
        raise Unauthorized("the email or the password is wrong; check both and try again")
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
