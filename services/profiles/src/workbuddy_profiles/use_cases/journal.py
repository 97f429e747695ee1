"""The moments journal: a member logs wins, setbacks and asks; their buddies see them (since
each buddyship began) and react with a cheer or a word of support."""

from pymongo.errors import DuplicateKeyError

from workbuddy_contracts.errors import Forbidden
from workbuddy_platform.idempotency import derived_id, replay

from ..domain import moments, visibility
from ..unit_of_work import ProfilesUnitOfWork
from .profiles import blocked, existing_member


def log_moment(uow: ProfilesUnitOfWork, *, member_id: str, request: dict,
               idempotency_key: str | None = None) -> dict:
    """{"moment": ..., "replayed": bool}: a retry with the same key logs nothing twice.

    The moment is written at once, not looked for first: its id derives from the key, so a
    retry's write clashes with the earlier one's and is undone, and only then is the earlier
    one read (every POST carries a key, the gateway's own when the client gave none, and few
    are retries: a read before each write cost every moment a round trip in profiles' turn)."""
    # Only its existence and id are used: read without waiting behind the other moments'
    # transactions. A member's document is in an open transaction only while signing up (no
    # session yet), changing their profile or leaving, and a leave races a moment just the
    # same whether this read waits for the turn or not.
    member = existing_member(uow, member_id, may_be_uncommitted=True)
    moment_id = derived_id(f"moment:{member_id}", idempotency_key) if idempotency_key else None
    moment = moments.new_moment(member, request, uow.now(), moment_id)
    uow.moments.add(moment)
    uow.record(moments.logged(moment))
    try:
        uow.commit()
    except DuplicateKeyError:  # a retry, or two attempts with the same key raced: one won
        earlier = uow.moments.get(moment["_id"])
        if earlier is None:
            raise  # a clash on something else than the moment's id
        replayed = replay(earlier, lambda stored: moments.same_moment(stored, moment))
        return {"moment": moments.moment_view(replayed), "replayed": True}
    return {"moment": moments.moment_view(moment), "replayed": False}


def moments_of(uow: ProfilesUnitOfWork, *, viewer_id: str, member_id: str, limit: int = 20,
               cursor: str | None = None) -> dict:
    """A page of ``member_id``'s moments that ``viewer_id`` may see, newest first:
    all of one's own, a buddy's since the buddyship began, nobody else's (404)."""
    if blocked(uow, viewer_id, member_id):
        raise visibility.unseen_buddy(member_id)
    since = visibility.since(viewer_id, member_id, uow.buddy_links.of(viewer_id))
    existing_member(uow, member_id)
    return _page(uow.moments.of_member(member_id, limit, cursor, since))


def feed_of(uow: ProfilesUnitOfWork, *, member_id: str, limit: int = 20,
            cursor: str | None = None) -> dict:
    """The moments of the member's buddies, newest first, since each buddyship began."""
    buddies = visibility.current(uow.buddy_links.of(member_id))
    since = {buddy_id: link["started_at"] for buddy_id, link in buddies.items()}
    return _page(uow.moments.of_members(since, limit, cursor))


def react(uow: ProfilesUnitOfWork, *, reactor_id: str, moment_id: str, request: dict,
          idempotency_key: str | None = None) -> dict:
    """{"reaction": ..., "replayed": bool}: a buddy cheers or supports a moment."""
    moment = visible_moment(uow, reactor_id, moment_id)
    if moment["member_id"] == reactor_id:
        raise Forbidden("a moment is cheered by buddies, not by its author", "moment_id")
    reaction_id = derived_id(f"reaction:{reactor_id}", idempotency_key) \
        if idempotency_key else None
    reaction = moments.new_reaction(moment, reactor_id, request, uow.now(), reaction_id)
    if idempotency_key and (earlier := replay(
            uow.moments.reaction(reaction["_id"]),
            lambda earlier: moments.same_reaction(earlier, reaction))):
        return {"reaction": moments.reaction_view(earlier), "replayed": True}
    uow.moments.add_reaction(reaction)
    uow.record(moments.reacted(reaction))
    uow.commit()
    return {"reaction": moments.reaction_view(reaction), "replayed": False}


def reactions_to(uow: ProfilesUnitOfWork, *, viewer_id: str, moment_id: str, limit: int = 20,
                 cursor: str | None = None) -> dict:
    """Reactions to a moment the viewer may see, oldest first."""
    visible_moment(uow, viewer_id, moment_id)
    found = uow.moments.reactions_to(moment_id, limit, cursor)
    return {"items": [moments.reaction_view(r) for r in found["items"]], "next": found["next"]}


def visible_moment(uow: ProfilesUnitOfWork, viewer_id: str, moment_id: str) -> dict:
    moment = uow.moments.get(moment_id)
    if moment is None or blocked(uow, viewer_id, moment["member_id"]) or \
            not visibility.may_see(viewer_id, moment, uow.buddy_links.of(viewer_id)):
        raise visibility.unseen_moment(moment_id)
    return moment


def _page(found: dict) -> dict:
    return {"items": [moments.moment_view(m) for m in found["items"]], "next": found["next"]}
