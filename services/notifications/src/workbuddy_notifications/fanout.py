"""Telling members of their notifications by mail and push, one delivery per (event,
recipient, channel).

Every notification is first an in-app item (notifications.inbox); ``tell`` opens a delivery
for each channel its kind goes out on and tries it. A delivery is claimed before anything is
sent, so two workers (or a redelivered event) never send the same mail twice; what cannot be
sent yet stays pending (or waits for the digest) and is retried, never dropped.
"""

import os
from datetime import timedelta

from workbuddy_contracts.vocabulary import FORMER_MEMBER
from workbuddy_platform import blocks, buddy_links, clock
from workbuddy_platform.logs import get_logger

from . import audience, digests, inbox, mail, messages, push, timing
from . import repository as repo
from .channels import EMAIL, Senders, push_channel, subscription_of

MAX_ATTEMPTS = 8
# A delivery claimed this long ago and still "sending" lost its worker (killed, crashed): it is
# tried again. Longer than any send can take (SMTP_TIMEOUT, the push timeout).
RECLAIM_AFTER = timedelta(seconds=float(os.environ.get("DELIVERY_RECLAIM_SECONDS", "300")))

log = get_logger(__name__)


def tell_buddies(db, senders: Senders, moment: dict) -> None:
    links = buddy_links.links_of(db, moment["author_id"])
    for buddy_id in _available_first(db, audience.buddies_at(links, moment["logged_at"])):
        tell_moment(db, senders, moment, buddy_id)


def catch_up(db, senders: Senders, links: list[dict]) -> None:
    """A buddyship began: each side hears of the other's moments logged since it began."""
    for link in links:
        for moment in audience.catch_up(link, repo.recent_moments_of(db, link["member_id"])):
            tell_moment(db, senders, moment, link["buddy_id"])


def tell_moment(db, senders: Senders, moment: dict, recipient_id: str) -> None:
    tell(db, senders, inbox.add(db, event_id=moment["event_id"], recipient_id=recipient_id,
                                kind=inbox.MOMENT, at=moment["logged_at"],
                                subject_id=moment["author_id"],
                                data={"moment_id": moment["_id"], "kind": moment["kind"]}))


def tell(db, senders: Senders, item: dict | None) -> None:
    """Send ``item`` (kept in the app already) by mail and to each browser with push on,
    unless its kind is for the app only."""
    if item is None or messages.preference_kind(item) is None:
        return
    channels = [EMAIL] + [push_channel(sub["_id"])
                          for sub in repo.push_subscriptions_of(db, item["recipient_id"])]
    keys = [repo.open_delivery(db, event_id=item["event_id"], recipient_id=item["recipient_id"],
                               channel=channel, notification_id=item["_id"],
                               subject_id=item["subject_id"], kind=item["kind"])
            for channel in channels]
    for key in keys:
        attempt(db, senders, key)


def _available_first(db, member_ids: list[str]) -> list[str]:
    """Buddies free to hear it now are told first (an urgent call for advice reaches them
    sooner); the others still hear of it, when their own rules allow."""
    now = clock.now()

    def busy(member_id: str) -> bool:
        recipient = repo.recipient(db, member_id) or {}
        return timing.when(kind="ask", channel=EMAIL, urgent=False, recipient=recipient,
                           now=now).how != timing.NOW

    return sorted(member_ids, key=busy)


def attempt(db, senders: Senders, key: str) -> None:
    delivery = repo.claim(db, key)
    if delivery is None:
        return  # sent already, or another worker is on it
    if delivery.get("kind") == digests.DIGEST:
        _send_digest(db, senders, delivery)
        return
    # (A delivery opened by an older version names no notification: it is cancelled below.)
    item = db.inbox.find_one({"_id": delivery.get("notification_id")})
    recipient = repo.recipient(db, delivery["recipient_id"])
    subject_id = delivery.get("subject_id")
    subject = repo.recipient(db, subject_id) if subject_id and subject_id != FORMER_MEMBER else None
    if item is None:
        repo.settle(db, key, repo.CANCELLED, reason="the notification is gone")
        return
    if subject_id and blocks.between(db, delivery["recipient_id"], subject_id):
        # A block may arrive while a delivery waits: from then on, nothing goes between them.
        repo.settle(db, key, repo.CANCELLED, reason="the two members blocked each other")
        log.info("delivery.cancelled", delivery=key, reason="blocked")
        return
    missing = next((who for who, doc in ((delivery["recipient_id"], recipient), (subject_id, subject))
                    if who and who != FORMER_MEMBER and doc is None), None)
    if missing:
        # member.registered has not reached us yet; it will resume this delivery.
        repo.release(db, key, waiting_for=missing)
        log.info("delivery.waiting_for_member", delivery=key, member_id=missing)
        return
    if not _may_go_now(db, delivery, item, recipient):
        return
    if (subscription_id := subscription_of(delivery["channel"])) is not None:
        _push(db, senders, delivery, subscription_id, item, recipient, subject)
        return
    moment = repo.moment(db, item["data"]["moment_id"]) if "moment_id" in item["data"] else None
    _mail(db, senders, delivery, lambda: messages.mail_for(item, recipient=recipient, subject=subject,
                                                         moment=moment, settings=senders.links))


def _mail(db, senders: Senders, delivery: dict, build) -> None:
    key = delivery["_id"]
    try:
        message_id = mail.send(build(), senders.smtp, headers={
            "X-WorkBuddy-Delivery": key, "X-WorkBuddy-Kind": delivery.get("kind") or inbox.MOMENT})
    except mail.TransientMailError as exc:
        _retry_or_give_up(db, delivery, exc)
        return
    except mail.PermanentMailError as exc:
        repo.settle(db, key, repo.FAILED, reason=str(exc))
        log.error("delivery.failed", delivery=key, reason=str(exc))
        return
    except Exception as exc:  # a mail we cannot even build: record it, never leave it hanging
        repo.settle(db, key, repo.FAILED, reason=f"{type(exc).__name__}: {exc}")
        log.exception("delivery.failed", delivery=key)
        return
    repo.settle(db, key, repo.SENT, sent_at=clock.now(), message_id=message_id)
    log.info("delivery.sent", delivery=key, channel=EMAIL, recipient_id=delivery["recipient_id"])


def _retry_or_give_up(db, delivery: dict, exc: Exception) -> None:
    key = delivery["_id"]
    if delivery["attempts"] + 1 >= MAX_ATTEMPTS:
        repo.settle(db, key, repo.FAILED, reason=f"gave up after {MAX_ATTEMPTS} attempts: {exc}")
        log.error("delivery.failed", delivery=key, reason=str(exc))
    else:
        repo.release(db, key, error=str(exc))
        log.warning("delivery.retry_later", delivery=key, reason=str(exc))


def _may_go_now(db, delivery: dict, item: dict, recipient: dict) -> bool:
    """The member's own rules (notifications.timing): a channel turned off cancels, quiet hours
    hold the delivery until they end, focus and digest delivery set it aside for the digest;
    True when it may go now."""
    key = delivery["_id"]
    channel = "push" if subscription_of(delivery["channel"]) else EMAIL
    kind = messages.preference_kind(item)
    rules = recipient | {"preferences": timing.rules_of(recipient.get("preferences") or {})}
    decided = timing.when(kind=kind, channel=channel, urgent=messages.is_urgent(item),
                          recipient=rules, now=clock.now())
    if decided.how == timing.NEVER:
        repo.settle(db, key, repo.CANCELLED, reason=f"the member turned {channel} off for {kind}")
        return False
    if decided.how == timing.LATER:
        repo.hold(db, key, until=decided.at, reason="quiet hours")
        log.info("delivery.held", delivery=key, until=decided.at.isoformat(), reason="quiet hours")
        return False
    if decided.how == timing.DIGEST:
        repo.hold_for_digest(db, key, due=decided.at, reason="focus or digest delivery")
        log.info("delivery.for_digest", delivery=key, due=decided.at.isoformat())
        return False
    return True


def _push(db, senders: Senders, delivery: dict, subscription_id: str, item: dict, recipient: dict,
          subject: dict | None) -> None:
    """One browser of the recipient: a small payload, nothing the recipient may not see."""
    key = delivery["_id"]
    subscription = repo.push_subscription(db, subscription_id)
    if subscription is None:
        repo.settle(db, key, repo.CANCELLED, reason="the browser unsubscribed")
        return
    try:
        push.send(subscription["subscription"], messages.push_for(item, recipient=recipient, subject=subject),
                  senders.vapid, urgency=messages.push_urgency(item))
    except push.SubscriptionGone as exc:
        repo.forget_push_subscription(db, subscription_id)
        repo.settle(db, key, repo.FAILED, reason=f"the browser is gone: {exc}")
        log.info("delivery.push_gone", delivery=key)
        return
    except push.TransientPushError as exc:
        _retry_or_give_up(db, delivery, exc)
        return
    except push.PushDisabled:
        repo.settle(db, key, repo.CANCELLED, reason="Web Push is not configured (VAPID_PRIVATE_KEY)")
        return
    except Exception as exc:  # refused for good, or a payload we cannot build: recorded
        repo.settle(db, key, repo.FAILED, reason=f"{type(exc).__name__}: {exc}")
        log.error("delivery.failed", delivery=key, reason=str(exc))
        return
    repo.settle(db, key, repo.SENT, sent_at=clock.now())
    log.info("delivery.sent", delivery=key, channel="push", recipient_id=delivery["recipient_id"])


# --- the digest: what was set aside, in one mail --------------------------------------------


def send_digests(db, senders: Senders, now) -> int:
    """Every member whose digest is due gets one mail gathering what was set aside for it;
    returns how many digests were opened. Run by one replica at a time (a lease)."""
    keys = digests.open_due(db, now)
    for key in keys:
        attempt(db, senders, key)
    return len(keys)


def _send_digest(db, senders: Senders, delivery: dict) -> None:
    try:
        told = digests.mail_of(db, delivery, senders.links)
    except Exception as exc:  # a digest we cannot even build: recorded, never left hanging
        repo.settle(db, delivery["_id"], repo.FAILED, reason=f"{type(exc).__name__}: {exc}")
        log.exception("delivery.failed", delivery=delivery["_id"])
        return
    if told is None:
        repo.settle(db, delivery["_id"], repo.CANCELLED, reason="nothing left to tell in this digest")
        return
    _mail(db, senders, delivery, lambda: told)


# --- the retry timer ----------------------------------------------------------------------


def resume_waiting(db, senders: Senders, member_id: str) -> None:
    for delivery in repo.waiting_on(db, member_id):
        attempt(db, senders, delivery["_id"])


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(5 * 2 ** attempts, 600))


def retry_due(db, senders: Senders) -> None:
    repo.reclaim_stuck(db, older_than=RECLAIM_AFTER, max_attempts=MAX_ATTEMPTS)
    now = clock.now()
    for delivery in repo.due_for_retry(db, older_than=timedelta(seconds=5),
                                       max_attempts=MAX_ATTEMPTS):
        held_until = delivery.get("not_before")
        if held_until is not None:
            if held_until <= now:
                attempt(db, senders, delivery["_id"])
        elif delivery["attempts"] and now - delivery["updated_at"] >= backoff(delivery["attempts"]):
            attempt(db, senders, delivery["_id"])
