"""Conversations: the private exchange of two buddies, one per buddyship (support buddyships
too). A message is text, may answer one of the pair's moments, or may be a "call me?" with up
to three times that each buddy reads on their own clock.

Who may read or write is decided from profiles' own buddy links: the two buddies while the
buddyship is active; after it ended, both still read it, nobody writes; after a block, neither
sees anything of it (the same answer as for a conversation that does not exist).

Pure: no I/O here.
"""

import uuid
from datetime import UTC, datetime, timedelta

from workbuddy_contracts.availability import times_on_clock
from workbuddy_contracts.commands import SendMessage, load_or_refuse
from workbuddy_contracts.errors import Conflict, Invalid, NotFound
from workbuddy_platform.pages import order_key

# A "call me?" proposes times to come, not further than this.
CALL_ME_WITHIN = timedelta(days=60)


def unseen(buddyship_id: str) -> NotFound:
    """An unknown conversation, another pair's, or one hidden by a block: the same answer."""
    return NotFound("no conversation {buddyship_id!r} among yours", "buddyship_id",
                    buddyship_id=buddyship_id)


def link_of(links: list[dict], buddyship_id: str) -> dict | None:
    """The reader's buddy link of that buddyship, once it started."""
    return next((link for link in links if link["buddyship_id"] == buddyship_id
                 and link.get("started_at") is not None), None)


def is_open(link: dict) -> bool:
    return link.get("ended_at") is None


def check_writable(link: dict) -> None:
    if not is_open(link):
        raise Conflict("this buddyship has ended: its conversation stays readable but takes no "
                       "new message", "buddyship_id")


def new_message(link: dict, request: dict, now: datetime, message_id: str | None = None) -> dict:
    """The message ``link``'s member writes to their buddy; refuses times past or too far."""
    data = load_or_refuse(SendMessage(), request)
    # In UTC to the millisecond, as the store keeps them: a retry then compares equal.
    times = sorted({t.astimezone(UTC).replace(microsecond=t.microsecond // 1000 * 1000)
                    for t in ((data.get("call_me") or {}).get("times") or [])})
    if any(t <= now or t > now + CALL_ME_WITHIN for t in times):
        raise Invalid("must be times to come, within {days} days", "call_me.times",
                      days=CALL_ME_WITHIN.days)
    message_id = message_id or uuid.uuid4().hex
    return {
        "_id": message_id,
        "order": order_key(now, message_id),
        "buddyship_id": link["buddyship_id"],
        "author_id": link["member_id"],
        "recipient_id": link["buddy_id"],
        "text": data["text"],
        "moment_id": data["moment_id"],
        "call_me_times": times,
        "sent_at": now,
    }


def same_message(stored: dict, retried: dict) -> bool:
    """A retry carries what the message its key created carried."""
    fields = ("buddyship_id", "text", "moment_id", "call_me_times")
    return all(stored[f] == retried[f] for f in fields)


def sent(message: dict) -> tuple[str, dict]:
    return "message.sent", {
        "message_id": message["_id"], "buddyship_id": message["buddyship_id"],
        "author_id": message["author_id"], "recipient_id": message["recipient_id"],
        "text": message["text"], "moment_id": message["moment_id"],
        "call_me_times": message["call_me_times"], "sent_at": message["sent_at"]}


def read(mark: dict) -> tuple[str, dict]:
    return "conversation.read", {
        "buddyship_id": mark["buddyship_id"], "member_id": mark["member_id"],
        "up_to": mark["up_to"], "up_to_sent_at": mark["up_to_sent_at"],
        "read_at": mark["read_at"]}


def read_mark(link: dict, message: dict, now: datetime) -> dict:
    """``link``'s member has read ``message`` and every earlier one."""
    return {"_id": f"{link['buddyship_id']}:{link['member_id']}",
            "buddyship_id": link["buddyship_id"], "member_id": link["member_id"],
            "up_to": message["_id"], "up_to_order": message["order"],
            "up_to_sent_at": message["sent_at"], "read_at": now}


def message_view(doc: dict, time_zone: str) -> dict:
    """A message as a member reads it: the times to call on their own clock (``time_zone``)."""
    return {
        "id": doc["_id"],
        "buddyship_id": doc["buddyship_id"],
        "author_id": doc["author_id"],
        "text": doc["text"],
        "moment_id": doc["moment_id"],
        "call_me": times_on_clock(doc["call_me_times"], time_zone),
        "sent_at": doc["sent_at"].isoformat(),
    }


def conversation_view(link: dict, buddy_name: str | None, last: dict | None, unread: int,
                      time_zone: str) -> dict:
    activity = last["sent_at"] if last else link["started_at"]
    return {
        "buddyship_id": link["buddyship_id"],
        "buddy_id": link["buddy_id"],
        "buddy_name": buddy_name,
        "open": is_open(link),
        "started_at": link["started_at"].isoformat(),
        "ended_at": link["ended_at"].isoformat() if link.get("ended_at") else None,
        "last_message": message_view(last, time_zone) if last else None,
        "unread": unread,
        "last_activity_at": activity.isoformat(),
    }
