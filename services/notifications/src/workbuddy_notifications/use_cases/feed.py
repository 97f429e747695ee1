"""The member's notifications in the app: listed newest first, marked read or unread, each told
in the member's language with the names as they are now; nothing about a member blocked either
way."""

from workbuddy_contracts.errors import NotFound

from ..domain import inbox
from ..unit_of_work import NotificationsUnitOfWork
from .reads import Reads


def notifications_of(uow: NotificationsUnitOfWork, *, member_id: str, limit: int = 20,
                     cursor: str | None = None, unread_only: bool = False) -> dict:
    """{"items": [...], "next": cursor}."""
    found = uow.inbox.page_of(member_id, limit=limit, cursor=cursor, unread_only=unread_only)
    barred = uow.blocks.others_of(member_id)
    return {"items": shown_to(uow, member_id, [i for i in found["items"]
                                               if i["subject_id"] not in barred]),
            "next": found["next"]}


def mark_notification(uow: NotificationsUnitOfWork, *, member_id: str, notification_id: str,
                      read: bool) -> dict:
    item = uow.inbox.get(notification_id, member_id)
    if item is None:
        raise NotFound("member {member_id} has no notification {item_id!r}", "notification_id",
                       member_id=member_id, item_id=notification_id)
    updated = item | {"read_at": uow.now() if read else None}
    uow.inbox.replace(updated)
    return shown_to(uow, member_id, [updated])[0]


def shown_to(uow: NotificationsUnitOfWork, member_id: str, items: list[dict],
             reads: Reads | None = None) -> list[dict]:
    """The items as the member reads them: in their language, with the names as they are now."""
    reads = reads or Reads(uow)
    me = reads.known(member_id) or {}
    names = reads.names({i["subject_id"] for i in items if i["subject_id"]})
    return [inbox.view(i, me.get("language", "en"), names, me.get("time_zone")) for i in items]
