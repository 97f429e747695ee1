"""A buddy's message: it rings the recipient's open apps at once (the stream's `message`
event); if it is still unread a while later (MESSAGE_NOTIFY_AFTER_SECONDS), one notice tells
the whole burst in the app, and by mail and push as the member's rules allow. A burst read
before then is never mailed."""

from datetime import timedelta

from workbuddy_contracts.availability import times_on_clock
from workbuddy_contracts.vocabulary import FORMER_MEMBER

from ..adapters.senders import Senders
from ..domain import inbox
from ..unit_of_work import NotificationsUnitOfWork
from .deliveries import tell
from .telling import keep


def message_sent(uow: NotificationsUnitOfWork, senders: Senders, *, payload: dict,
                 notify_after: timedelta) -> None:
    recipient_id, author_id = payload["recipient_id"], payload["author_id"]
    if FORMER_MEMBER in (recipient_id, author_id) or uow.blocks.between(recipient_id, author_id):
        return
    recipient = uow.recipients.get(recipient_id) or {}
    senders.announcer.announce(recipient_id, {"stream_event": "message",
                                              "message": ring(payload, recipient.get("time_zone"))})
    moment = uow.moments.get(payload["moment_id"]) if payload.get("moment_id") else None
    uow.unread_messages.note(payload, about_kind=(moment or {}).get("kind"),
                             due_at=payload["sent_at"] + notify_after)
    # Looked at after writing: either member.left's forgetting came after the note, or the
    # mark is seen here and the note taken back (members.member_left marks first).
    if uow.departed.any_of(recipient_id, author_id):
        for member_id in (recipient_id, author_id):
            uow.unread_messages.forget(member_id)


def conversation_read(uow: NotificationsUnitOfWork, *, payload: dict) -> None:
    uow.unread_messages.read(payload["buddyship_id"], payload["member_id"],
                             payload["up_to_sent_at"])


def tell_unread(uow: NotificationsUnitOfWork, senders: Senders) -> int:
    """Every burst whose time has come: kept in the app, then told by mail and push (each
    delivery keyed by the burst, so a second run sends nothing twice); how many."""
    told = 0
    for notice in uow.unread_messages.due(uow.now()):
        item = keep(uow, senders, event_id=f"messages:{notice['_id']}:{notice['first_message_id']}",
                    recipient_id=notice["recipient_id"], kind=inbox.MESSAGE,
                    at=notice["last_sent_at"], subject_id=notice["author_id"],
                    data={"buddyship_id": notice["buddyship_id"], "count": notice["count"],
                          "last_text": notice["last_text"], "about_kind": notice["about_kind"],
                          "first_sent_at": notice["first_sent_at"].isoformat()})
        tell(uow, senders, item=item)
        uow.unread_messages.told(notice)
        told += 1
    return told


def ring(message: dict, time_zone: str | None) -> dict:
    """The message as the conversation shows it, its times to call on the reader's clock."""
    return {"id": message["message_id"], "buddyship_id": message["buddyship_id"],
            "author_id": message["author_id"], "text": message["text"],
            "moment_id": message.get("moment_id"),
            "call_me": times_on_clock(message.get("call_me_times") or [], time_zone),
            "sent_at": message["sent_at"].isoformat()}
