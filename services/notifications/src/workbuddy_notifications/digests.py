"""The digest: what focus mode or digest delivery set aside, told in one mail when it is due
(focus ends, or 18:00 in the member's zone).

The digest timer opens one delivery of kind ``digest`` per member whose digest is due, before
it gathers their items into it: a crash in between leaves a digest the retry sweep still
sends. Items move by compare-and-set, so each is in one digest only, even if two replicas
ever ran the job at once.
"""

from datetime import datetime, timedelta

from workbuddy_platform import blocks, clock

from . import links, mail, messages, timing
from . import repository as repo
from .channels import EMAIL

DIGEST = "digest"


def open_due(db, now: datetime) -> list[str]:
    """Open and fill the digests due at ``now``; their delivery keys, to be attempted."""
    keys = []
    for recipient_id in repo.digests_due(db, now):
        digest_id = f"digest-{clock.now():%Y%m%dT%H%M%S%f}-{recipient_id}"
        # Not before a minute: this run attempts it first; the retry sweep only after a crash.
        keys.append(repo.open_delivery(db, event_id=digest_id, recipient_id=recipient_id,
                                       channel=EMAIL, notification_id=None, subject_id=None,
                                       kind=DIGEST, digest_id=digest_id,
                                       not_before=now + timedelta(minutes=1)))
        repo.gather(db, recipient_id, digest_id, now)
    return keys


def mail_of(db, delivery: dict, settings: links.LinkSettings) -> mail.Mail | None:
    """The digest's mail, or None when nothing is left to tell: its items' authors were
    blocked since, or the member stopped mail of their kinds (an unsubscribe link, say)."""
    recipient = repo.recipient(db, delivery["recipient_id"])
    if recipient is None:
        return None
    barred = blocks.others_of(db, delivery["recipient_id"])
    mailed = timing.rules_of(recipient.get("preferences") or {})
    items = {d["notification_id"]: db.inbox.find_one({"_id": d["notification_id"]})
             for d in repo.gathered_in(db, delivery["digest_id"]) if d["subject_id"] not in barred}
    told = [(item, repo.recipient(db, item["subject_id"]) if item["subject_id"] else None)
            for item in items.values() if item is not None
            and (mailed.get(messages.preference_kind(item)) or {}).get(EMAIL, True)]
    return messages.digest_mail(told, recipient=recipient, settings=settings) if told else None
