"""What notifications keeps of members, from others' events, so that it never asks another
service while telling: where to write and in which language (profiles), who blocked whom
(matching); and what it gives back or forgets when a member asks or leaves."""

from ..adapters.senders import Senders
from ..unit_of_work import NotificationsUnitOfWork
from .deliveries import resume_waiting


def member_registered(uow: NotificationsUnitOfWork, senders: Senders, *, payload: dict) -> None:
    """Now we know where to write: what waited for this member goes."""
    uow.recipients.save(payload)
    resume_waiting(uow, senders, member_id=payload["member_id"])


def member_updated(uow: NotificationsUnitOfWork, *, payload: dict) -> None:
    uow.recipients.save_profile(payload)


def member_blocked(uow: NotificationsUnitOfWork, *, payload: dict) -> None:
    """From then on nothing goes between the two (checked when each delivery is attempted)."""
    uow.blocks.remember(payload["blocker_id"], payload["blocked_id"], payload["blocked_at"])


def member_left(uow: NotificationsUnitOfWork, *, member_id: str) -> None:
    """Everything notifications holds of a member who left, and what others were told of them.
    Marked as gone first: a late event about them that writes meanwhile, and then looks (as
    ``keep`` and ``message_sent`` do), takes back what it wrote; one that wrote earlier is
    forgotten here."""
    uow.departed.mark(member_id, uow.now())
    uow.recipients.forget(member_id)
    uow.buddy_links.forget(member_id)
    uow.moments.forget(member_id)
    uow.deliveries.forget(member_id)
    uow.inbox.forget(member_id)
    uow.push_subscriptions.forget(member_id)
    uow.unread_messages.forget(member_id)
    uow.blocks.forget(member_id)


def export(uow: NotificationsUnitOfWork, *, member_id: str) -> dict:
    """All that notifications holds about the member (the service makes it JSON-ready)."""
    return {"recipient": uow.recipients.export(member_id),
            "deliveries": uow.deliveries.export(member_id),
            "notifications": uow.inbox.export(member_id),
            # Never the browser's keys: they are the browser's secret.
            "push_subscriptions": [{"id": s["_id"], "endpoint": s["subscription"]["endpoint"],
                                    "created_at": s["created_at"]}
                                   for s in uow.push_subscriptions.of_member(member_id)]}
