"""The digest: what focus mode or digest delivery set aside, told in one mail when it is due
(focus ends, or 18:00 in the member's zone), and never inside their quiet hours or focus: a
digest that falls due then waits, all of it, until they end (domain/timing.py).

The digest timer opens one delivery of kind ``digest`` per member whose digest is due, before
it gathers their items into it: a crash in between leaves a digest the retry sweep still
sends. Items move by compare-and-set, so each is in one digest only, even if two replicas
ever ran the job at once. deliveries.py sends them.
"""

from datetime import datetime, timedelta

from ..adapters.links import MailLinks
from ..domain import deliveries as d
from ..domain import mails, messages, timing
from ..unit_of_work import NotificationsUnitOfWork


def open_due(uow: NotificationsUnitOfWork, *, now: datetime) -> list[str]:
    """Open and fill the digests due at ``now``; their delivery keys, to be attempted."""
    keys = []
    for recipient_id in uow.deliveries.digests_due(now):
        recipient = uow.recipients.get(recipient_id)
        leaves = timing.digest_leaves(recipient=recipient, now=now) if recipient else now
        if leaves > now:
            # Due in their quiet hours or focus: what is due waits for one mail when they end.
            uow.deliveries.postpone_digest(recipient_id, due=now, until=leaves)
            continue
        digest_id = d.digest_id(recipient_id, uow.now())
        # Not before a minute: this run attempts it first; the retry sweep only after a crash.
        keys.append(uow.deliveries.open(event_id=digest_id, recipient_id=recipient_id,
                                        channel=d.EMAIL, notification_id=None, subject_id=None,
                                        kind=d.DIGEST, digest_id=digest_id,
                                        not_before=now + timedelta(minutes=1)))
        uow.deliveries.gather(recipient_id, digest_id, now)
    return keys


def mail_of(uow: NotificationsUnitOfWork, *, delivery: dict, links: MailLinks) -> mails.Mail | None:
    """The digest's mail, or None when nothing is left to tell: its items' authors were
    blocked since, or the member stopped mail of their kinds (an unsubscribe link, say)."""
    recipient = uow.recipients.get(delivery["recipient_id"])
    if recipient is None:
        return None
    barred = uow.blocks.others_of(delivery["recipient_id"])
    mailed = timing.rules_of(recipient.get("preferences") or {})
    items = {g["notification_id"]: uow.inbox.get(g["notification_id"])
             for g in uow.deliveries.gathered_in(delivery["digest_id"]) if g["subject_id"] not in barred}
    told = [(item, uow.recipients.get(item["subject_id"]) if item["subject_id"] else None)
            for item in items.values() if item is not None
            and (mailed.get(messages.preference_kind(item)) or {}).get(d.EMAIL, True)]
    return messages.digest_mail(told, recipient=recipient, links=links) if told else None
