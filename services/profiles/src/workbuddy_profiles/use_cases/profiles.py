"""A member's profile: their answers to the onboarding questions, changed at will, and what
other members may see of them."""

from workbuddy_contracts.errors import PreconditionFailed

from ..domain import members, visibility
from ..unit_of_work import ProfilesUnitOfWork


def existing_member(uow: ProfilesUnitOfWork, member_id: str, *,
                    may_be_uncommitted: bool = False) -> dict:
    member = uow.members.find(member_id, may_be_uncommitted=may_be_uncommitted)
    if member is None:
        raise visibility.unseen_member(member_id)
    return member


def get_member(uow: ProfilesUnitOfWork, *, member_id: str) -> dict:
    return members.member_view(existing_member(uow, member_id))


def get_members(uow: ProfilesUnitOfWork, *, member_ids: list[str]) -> list[dict]:
    """The members among ``member_ids`` that exist; unknown ids are simply absent."""
    return [members.member_view(m) for m in uow.members.find_many(member_ids)]


def public_profile(uow: ProfilesUnitOfWork, *, viewer_id: str, member_id: str) -> dict:
    """Another member as the viewer may see them: 404 when either blocked the other."""
    if blocked(uow, viewer_id, member_id):
        raise visibility.unseen_member(member_id)
    return members.public_view(existing_member(uow, member_id))


def update_profile(uow: ProfilesUnitOfWork, *, member_id: str, request: dict,
                   if_revision: int | None = None) -> dict:
    """Change the member's answers; ``if_revision`` refuses to overwrite a newer profile."""
    member = existing_member(uow, member_id)
    current = members.revision_of(member)
    if if_revision is not None and if_revision != current:
        raise PreconditionFailed(
            "the profile is at revision {current}, not {given}: reload it and apply your "
            "change again", "If-Match", current=current, given=if_revision)
    updated = members.change_profile(member, request, uow.now())
    if updated is None:
        return members.member_view(member)
    uow.members.replace(updated, member)
    uow.record(members.updated(updated))
    uow.commit()
    return members.member_view(updated)


def blocked(uow: ProfilesUnitOfWork, viewer_id: str, member_id: str) -> bool:
    """Whether either blocked the other (one's own profile is never blocked)."""
    return viewer_id != member_id and uow.blocks.between(viewer_id, member_id) is not None
