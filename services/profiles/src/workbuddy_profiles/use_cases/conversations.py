"""Buddies talk: each buddyship has its conversation. Listing mine with what is unread, reading
a page of messages, writing one (an answer to a moment, a "call me?"), and saying how far I
have read. The recipient is told through message.sent (notifications rings their open apps,
and mails them if it stays unread)."""

from pymongo.errors import DuplicateKeyError

from workbuddy_contracts.commands import ReadUpTo, load_or_refuse
from workbuddy_contracts.errors import NotFound
from workbuddy_platform.idempotency import derived_id, replay

from ..domain import conversations, members, visibility
from ..unit_of_work import ProfilesUnitOfWork
from .journal import visible_moment
from .profiles import blocked, existing_member

BEFORE_ANY = ""  # an order key before every message: nothing read yet


def conversations_of(uow: ProfilesUnitOfWork, *, member_id: str) -> dict:
    """My conversations, most recent activity first, each with its last message and how many
    of my buddy's messages I have not read: {"items": [...], "next": None}."""
    zone = _time_zone(uow, member_id)
    found = []
    for link in uow.buddy_links.of(member_id):
        if link.get("started_at") is None or blocked(uow, member_id, link["buddy_id"]):
            continue
        buddy = uow.members.find(link["buddy_id"])
        found.append(conversations.conversation_view(
            link, buddy["display_name"] if buddy else None,
            uow.conversations.last(link["buddyship_id"]),
            _unread(uow, link["buddyship_id"], member_id,
                    uow.conversations.read_mark(link["buddyship_id"], member_id)), zone))
    found.sort(key=lambda c: (c["last_activity_at"], c["buddyship_id"]), reverse=True)
    return {"items": found, "next": None}


def messages_of(uow: ProfilesUnitOfWork, *, member_id: str, buddyship_id: str, limit: int = 20,
                cursor: str | None = None) -> dict:
    """A page of the conversation, newest first."""
    _readable(uow, member_id, buddyship_id)
    zone = _time_zone(uow, member_id)
    found = uow.conversations.page(buddyship_id, limit, cursor)
    return {"items": [conversations.message_view(m, zone) for m in found["items"]],
            "next": found["next"]}


def send(uow: ProfilesUnitOfWork, *, member_id: str, buddyship_id: str, request: dict,
         idempotency_key: str | None = None) -> dict:
    """{"message": ..., "replayed": bool}: a retry with the same key sends nothing twice."""
    link = _readable(uow, member_id, buddyship_id)
    message_id = derived_id(f"message:{member_id}", idempotency_key) if idempotency_key else None
    message = conversations.new_message(link, request, uow.now(), message_id)
    zone = _time_zone(uow, member_id)
    same = lambda earlier: conversations.same_message(earlier, message)  # noqa: E731
    if idempotency_key and (earlier := replay(uow.conversations.message(message["_id"]), same)):
        return {"message": conversations.message_view(earlier, zone), "replayed": True}
    conversations.check_writable(link)
    if message["moment_id"]:
        moment = visible_moment(uow, member_id, message["moment_id"])
        if moment["member_id"] not in (link["member_id"], link["buddy_id"]):
            raise visibility.unseen_moment(message["moment_id"])
    uow.conversations.add(message)
    uow.record(conversations.sent(message))
    try:
        uow.commit()
    except DuplicateKeyError:  # two attempts with the same key raced: the other one won
        earlier = replay(uow.conversations.message(message["_id"]), same)
        return {"message": conversations.message_view(earlier, zone), "replayed": True}
    return {"message": conversations.message_view(message, zone), "replayed": False}


def mark_read(uow: ProfilesUnitOfWork, *, member_id: str, buddyship_id: str,
              request: dict) -> dict:
    """I have read up to a message (and every earlier one); reading back changes nothing."""
    up_to = load_or_refuse(ReadUpTo(), request)["up_to"]
    link = _readable(uow, member_id, buddyship_id)
    message = uow.conversations.message(up_to)
    if message is None or message["buddyship_id"] != buddyship_id:
        raise NotFound("no message {message_id!r} in this conversation", "up_to",
                       message_id=up_to)
    mark = was = uow.conversations.read_mark(buddyship_id, member_id)
    if was is None or was["up_to_order"] < message["order"]:
        mark = conversations.read_mark(link, message, uow.now())
        uow.conversations.mark_read(mark, was)
        uow.record(conversations.read(mark))
        uow.commit()
    return {"buddyship_id": buddyship_id, "read_up_to": mark["up_to"],
            "unread": _unread(uow, buddyship_id, member_id, mark)}


def _readable(uow: ProfilesUnitOfWork, member_id: str, buddyship_id: str) -> dict:
    """The member's link of that buddyship, when they may read its conversation."""
    link = conversations.link_of(uow.buddy_links.of(member_id), buddyship_id)
    if link is None or blocked(uow, member_id, link["buddy_id"]):
        raise conversations.unseen(buddyship_id)
    return link


def _unread(uow: ProfilesUnitOfWork, buddyship_id: str, member_id: str, mark: dict | None) -> int:
    """The buddy's messages after the member's read ``mark`` (all of them without one)."""
    return uow.conversations.unread(buddyship_id, member_id,
                                    mark["up_to_order"] if mark else BEFORE_ANY)


def _time_zone(uow: ProfilesUnitOfWork, member_id: str) -> str:
    return members.profile_of(existing_member(uow, member_id))["time_zone"]
