"""Inviting someone the member already knows: a code to sign up with (accounts.register uses
it), after which matching proposes the two to each other first."""

from ..domain import invitations
from ..unit_of_work import ProfilesUnitOfWork
from .profiles import existing_member


def invite(uow: ProfilesUnitOfWork, *, member_id: str) -> dict:
    """A new invitation code for someone the member knows."""
    existing_member(uow, member_id)
    now = uow.now()
    invitation = invitations.new_invitation(member_id, now)
    uow.invitations.add(invitation)
    uow.commit()
    return invitations.view(invitation, now)


def invitations_of(uow: ProfilesUnitOfWork, *, member_id: str, limit: int = 20,
                   cursor: str | None = None) -> dict:
    found = uow.invitations.of_inviter(member_id, limit, cursor)
    now = uow.now()
    return {"items": [invitations.view(i, now) for i in found["items"]], "next": found["next"]}
