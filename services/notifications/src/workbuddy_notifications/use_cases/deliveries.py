"""Telling members of their notifications by mail and push, one delivery per (event,
recipient, channel).

Every notification is first an in-app item (telling.py); ``tell`` opens a delivery for each
channel its kind goes out on and tries it. A delivery is claimed before anything is sent, so
two workers (or a redelivered event) never send the same mail twice; what cannot be sent yet
stays pending (or waits for the digest) and is retried, never dropped.
"""

import time

from pymongo.errors import ConnectionFailure

from workbuddy_contracts.vocabulary import FORMER_MEMBER
from workbuddy_platform.logs import get_logger

from ..adapters import push
from ..adapters.senders import Senders
from ..adapters.smtp import PermanentMailError, TransientMailError
from ..domain import deliveries as d
from ..domain import inbox, messages, timing
from ..domain.mails import Mail
from ..metrics import DELIVERIES
from ..unit_of_work import NotificationsUnitOfWork
from . import digests
from .reads import Reads

log = get_logger(__name__)

for _medium in (d.EMAIL, d.PUSH):  # at zero from the start: the first failure shows in increase()
    for _result in d.SETTLED:
        DELIVERIES.labels(_medium, _result)


# Until the member opens the link mailed to the address, nothing else is mailed to it (push and
# the app's list go on).
UNPROVEN = ("the member has not verified the address yet: nothing but the verification link is "
            "mailed to it until then")


def tell(uow: NotificationsUnitOfWork, senders: Senders, *, item: dict | None,
         reads: Reads | None = None) -> None:
    """Send ``item`` (kept in the app already) by mail and to each browser with push on,
    unless its kind is for the app only."""
    if item is None or messages.preference_kind(item) is None:
        return
    tell_all(uow, senders, items=[item], reads=reads)


def tell_all(uow: NotificationsUnitOfWork, senders: Senders, *, items: list[dict | None],
             reads: Reads | None = None) -> None:
    """``tell`` each of ``items`` (one moment's, to its buddies), in their order: their
    deliveries are opened in one command, then tried one by one."""
    reads = reads or Reads(uow)
    told = [i for i in items if i is not None and messages.preference_kind(i) is not None]
    opening = [dict(event_id=item["event_id"], recipient_id=item["recipient_id"], channel=channel,
                    notification_id=item["_id"], subject_id=item["subject_id"], kind=item["kind"])
               for item in told
               for channel in [d.EMAIL] + [d.push_channel(sub["_id"])
                                           for sub in reads.subscriptions(item["recipient_id"])]]
    # Opened claimed by this worker, which tries them at once: the claims cost no round trip.
    # Half the reclaim time: a claim older than that is given up, never trusted (Deliveries).
    for key in uow.deliveries.open_all(opening, claimed_for=senders.reclaim_after / 2):
        attempt(uow, senders, key=key, reads=reads)


def attempt(uow: NotificationsUnitOfWork, senders: Senders, *, key: str,
            reads: Reads | None = None) -> None:
    reads = reads or Reads(uow)
    delivery = uow.deliveries.claim(key)
    if delivery is None:
        return  # sent already, or another worker is on it
    if (kept := delivery.get("mail")) is not None:
        # An account's own mail (accounts.py), written when asked: it goes as it is, even to an
        # address not verified yet (it may be the link that verifies it).
        _mail(uow, senders, delivery, lambda: Mail(**kept))
        uow.deliveries.drop_mail(key)
        return
    if delivery.get("kind") == d.DIGEST:
        if _digest_may_go_now(uow, delivery):
            _send_digest(uow, senders, delivery)
        return
    # (A delivery opened by an older version names no notification: it is cancelled below.)
    item = reads.item(delivery.get("notification_id"))
    recipient = reads.recipient(delivery["recipient_id"])
    subject_id = delivery.get("subject_id")
    subject = reads.recipient(subject_id) if subject_id and subject_id != FORMER_MEMBER else None
    if item is None:
        settle(uow, key, d.CANCELLED, reason="the notification is gone")
        return
    if subject_id and reads.blocked(delivery["recipient_id"], subject_id):
        # A block may arrive while a delivery waits: from then on, nothing goes between them.
        settle(uow, key, d.CANCELLED, reason="the two members blocked each other")
        log.info("delivery.cancelled", delivery=key, reason="blocked")
        return
    subscription_id = d.subscription_of(delivery["channel"])
    missing = next((who for who, doc in ((delivery["recipient_id"], recipient), (subject_id, subject))
                    if who and who != FORMER_MEMBER and doc is None), None)
    if missing:
        # member.registered has not reached us yet; it will resume this delivery.
        uow.deliveries.release(key, waiting_for=missing)
        log.info("delivery.waiting_for_member", delivery=key, member_id=missing)
        return
    if subscription_id is None and recipient.get("email_verified") is False:
        settle(uow, key, d.CANCELLED, reason=UNPROVEN)
        log.info("delivery.cancelled", delivery=key, reason="address not verified")
        return
    if not _may_go_now(uow, delivery, item, recipient):
        return
    if subscription_id is not None:
        _push(uow, senders, delivery, reads.subscription(delivery["recipient_id"], subscription_id),
              item, recipient, subject)
        return
    moment = reads.moment(item["data"]["moment_id"]) if "moment_id" in item["data"] else None
    _mail(uow, senders, delivery, lambda: messages.mail_for(
        item, recipient=recipient, subject=subject, moment=moment, links=senders.links))


def settle(uow: NotificationsUnitOfWork, key: str, state: str, **fields) -> None:
    """The end of an attempt, counted by channel and result for /metrics."""
    settled = uow.deliveries.settle(key, state, **fields)
    if settled is not None:
        DELIVERIES.labels(d.medium_of(settled["channel"]), state).inc()


def _settle_sent(uow: NotificationsUnitOfWork, senders: Senders, key: str, **fields) -> None:
    """Record that the mail or push went out. The store may blink just then (a connection
    reset): the delivery would stay "sending", be taken back as interrupted and sent again.
    The record is tried again for a while instead, well before that takes it back."""
    patience = senders.reclaim_after.total_seconds() / 2
    deadline, pause = time.monotonic() + patience, 0.2
    while True:
        try:
            settle(uow, key, d.SENT, **fields)
            return
        except ConnectionFailure:
            if time.monotonic() + pause > deadline:
                raise
            log.warning("delivery.sent_not_recorded_yet", delivery=key)
            time.sleep(pause)
            pause = min(pause * 2, 2.0)


def _mail(uow: NotificationsUnitOfWork, senders: Senders, delivery: dict, build) -> None:
    key = delivery["_id"]
    try:
        message_id = senders.mail.send(build(), {
            "X-WorkBuddy-Delivery": key, "X-WorkBuddy-Kind": delivery.get("kind") or inbox.MOMENT})
    except TransientMailError as exc:
        _retry_or_give_up(uow, delivery, exc)
        return
    except PermanentMailError as exc:
        settle(uow, key, d.FAILED, reason=str(exc))
        log.error("delivery.failed", delivery=key, reason=str(exc))
        return
    except Exception as exc:  # a mail we cannot even build: record it, never leave it hanging
        settle(uow, key, d.FAILED, reason=f"{type(exc).__name__}: {exc}")
        log.exception("delivery.failed", delivery=key)
        return
    _settle_sent(uow, senders, key, sent_at=uow.now(), message_id=message_id)
    log.info("delivery.sent", delivery=key, channel=d.EMAIL, recipient_id=delivery["recipient_id"])


def _retry_or_give_up(uow: NotificationsUnitOfWork, delivery: dict, exc: Exception) -> None:
    key = delivery["_id"]
    if delivery["attempts"] + 1 >= d.MAX_ATTEMPTS:
        settle(uow, key, d.FAILED, reason=f"gave up after {d.MAX_ATTEMPTS} attempts: {exc}")
        log.error("delivery.failed", delivery=key, reason=str(exc))
    else:
        uow.deliveries.release(key, error=str(exc))
        log.warning("delivery.retry_later", delivery=key, reason=str(exc))


def _may_go_now(uow: NotificationsUnitOfWork, delivery: dict, item: dict, recipient: dict) -> bool:
    """The member's own rules (domain/timing.py): a channel turned off cancels, quiet hours
    hold the delivery until they end, focus and digest delivery set it aside for the digest;
    True when it may go now."""
    key = delivery["_id"]
    channel = d.medium_of(delivery["channel"])
    kind = messages.preference_kind(item)
    rules = recipient | {"preferences": timing.rules_of(recipient.get("preferences") or {})}
    decided = timing.when(kind=kind, channel=channel, urgent=messages.is_urgent(item),
                          recipient=rules, now=uow.now())
    if decided.how == timing.NEVER:
        settle(uow, key, d.CANCELLED, reason=f"the member turned {channel} off for {kind}")
        return False
    if decided.how == timing.LATER:
        uow.deliveries.hold(key, until=decided.at, reason="quiet hours")
        log.info("delivery.held", delivery=key, until=decided.at.isoformat(), reason="quiet hours")
        return False
    if decided.how == timing.DIGEST:
        uow.deliveries.hold_for_digest(key, due=decided.at, reason="focus or digest delivery")
        log.info("delivery.for_digest", delivery=key, due=decided.at.isoformat())
        return False
    return True


def _push(uow: NotificationsUnitOfWork, senders: Senders, delivery: dict,
          subscription: dict | None, item: dict, recipient: dict, subject: dict | None) -> None:
    """One browser of the recipient: a small payload, nothing the recipient may not see."""
    key = delivery["_id"]
    if subscription is None:
        settle(uow, key, d.CANCELLED, reason="the browser unsubscribed")
        return
    try:
        senders.push.send(subscription["subscription"],
                          messages.push_for(item, recipient=recipient, subject=subject),
                          urgency=messages.push_urgency(item))
    except push.SubscriptionGone as exc:
        uow.push_subscriptions.remove(subscription["_id"])
        settle(uow, key, d.FAILED, reason=f"the browser is gone: {exc}")
        log.info("delivery.push_gone", delivery=key)
        return
    except push.TransientPushError as exc:
        _retry_or_give_up(uow, delivery, exc)
        return
    except push.PushDisabled:
        settle(uow, key, d.CANCELLED, reason="Web Push is not configured (VAPID_PRIVATE_KEY)")
        return
    except Exception as exc:  # refused for good, or a payload we cannot build: recorded
        settle(uow, key, d.FAILED, reason=f"{type(exc).__name__}: {exc}")
        log.error("delivery.failed", delivery=key, reason=str(exc))
        return
    _settle_sent(uow, senders, key, sent_at=uow.now())
    log.info("delivery.sent", delivery=key, channel=d.PUSH, recipient_id=delivery["recipient_id"])


# --- the digest: what was set aside, in one mail --------------------------------------------


def send_digests(uow: NotificationsUnitOfWork, senders: Senders) -> int:
    """Every member whose digest is due gets one mail gathering what was set aside for it;
    returns how many digests were opened. Run by one replica at a time (a lease)."""
    keys = digests.open_due(uow, now=uow.now())
    for key in keys:
        attempt(uow, senders, key=key)
    return len(keys)


def _digest_may_go_now(uow: NotificationsUnitOfWork, delivery: dict) -> bool:
    """A digest opened outside quiet hours and focus may be retried (or sent late) inside
    them: then it is held until they end, like any notification."""
    recipient = uow.recipients.get(delivery["recipient_id"])
    if recipient is None:
        return True  # the member left: the digest cancels itself, nothing is sent
    now = uow.now()
    leaves = timing.digest_leaves(recipient=recipient, now=now)
    if leaves <= now:
        return True
    uow.deliveries.hold(delivery["_id"], until=leaves, reason="quiet hours or focus")
    log.info("delivery.held", delivery=delivery["_id"], until=leaves.isoformat(),
             reason="quiet hours or focus")
    return False


def _send_digest(uow: NotificationsUnitOfWork, senders: Senders, delivery: dict) -> None:
    try:
        told = digests.mail_of(uow, delivery=delivery, links=senders.links)
    except Exception as exc:  # a digest we cannot even build: recorded, never left hanging
        settle(uow, delivery["_id"], d.FAILED, reason=f"{type(exc).__name__}: {exc}")
        log.exception("delivery.failed", delivery=delivery["_id"])
        return
    if told is None:
        settle(uow, delivery["_id"], d.CANCELLED, reason="nothing left to tell in this digest")
        return
    _mail(uow, senders, delivery, lambda: told)


# --- what waited, and the retry timer ----------------------------------------------------------


def resume_waiting(uow: NotificationsUnitOfWork, senders: Senders, *, member_id: str) -> None:
    """The member we lacked is known now: what waited for them goes."""
    for delivery in uow.deliveries.waiting_on(member_id):
        attempt(uow, senders, key=delivery["_id"])


def retry_due(uow: NotificationsUnitOfWork, senders: Senders) -> None:
    """Retry what failed once its back-off has passed, and what was held once its hold is over;
    take back what a dead worker left "sending"."""
    uow.deliveries.reclaim_stuck(older_than=senders.reclaim_after, max_attempts=d.MAX_ATTEMPTS)
    now = uow.now()
    for delivery in uow.deliveries.due_for_retry(older_than=d.RETRY_NOT_BEFORE,
                                                 max_attempts=d.MAX_ATTEMPTS):
        if d.due(delivery, now):
            attempt(uow, senders, key=delivery["_id"])


def of_event(uow: NotificationsUnitOfWork, *, event_id: str) -> list[dict]:
    """For operators: what became of one event, per recipient and channel."""
    return uow.deliveries.of_event(event_id)
