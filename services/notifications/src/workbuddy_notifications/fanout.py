"""Telling buddies about a moment, one delivery per (event, recipient, channel).

A delivery is claimed before anything is sent, so two workers (or a redelivered event) never
send the same mail twice; what cannot be sent yet stays pending and is retried, never dropped.
"""

from datetime import UTC, datetime, timedelta

from workbuddy_contracts.vocabulary import SETBACKS, tone_of
from workbuddy_platform import blocks, buddy_links
from workbuddy_platform.logs import get_logger

from . import audience, inbox, mail, push, timing, wording
from . import repository as repo
from .channels import EMAIL, Senders, push_channel, subscription_of

MAX_ATTEMPTS = 8

log = get_logger(__name__)


def tell_buddies(db, senders: Senders, moment: dict) -> None:
    links = buddy_links.links_of(db, moment["author_id"])
    for buddy_id in audience.buddies_at(links, moment["logged_at"]):
        deliver(db, senders, moment, buddy_id)


def catch_up(db, senders: Senders, links: list[dict]) -> None:
    """A buddyship began: each side hears of the other's moments logged since it began."""
    for link in links:
        for moment in audience.catch_up(link, repo.recent_moments_of(db, link["member_id"])):
            deliver(db, senders, moment, link["buddy_id"])


def deliver(db, senders: Senders, moment: dict, recipient_id: str) -> None:
    inbox.add(db, event_id=moment["event_id"], recipient_id=recipient_id, kind=inbox.MOMENT,
              at=moment["logged_at"], subject_id=moment["author_id"],
              data={"moment_id": moment["_id"], "kind": moment["kind"]})
    keys = [repo.open_delivery(db, event_id=moment["event_id"], recipient_id=recipient_id,
                               channel=channel, moment_id=moment["_id"], author_id=moment["author_id"])
            for channel in [EMAIL] + [push_channel(sub["_id"])
                                      for sub in repo.push_subscriptions_of(db, recipient_id)]]
    for key in keys:
        attempt(db, senders, key)


def attempt(db, senders: Senders, key: str) -> None:
    delivery = repo.claim(db, key)
    if delivery is None:
        return  # sent already, or another worker is on it
    moment = repo.moment(db, delivery["moment_id"])
    recipient = repo.recipient(db, delivery["recipient_id"])
    author = repo.recipient(db, delivery["author_id"])
    missing = next((who for who, doc in ((delivery["recipient_id"], recipient),
                                         (delivery["author_id"], author)) if doc is None), None)
    if blocks.between(db, delivery["recipient_id"], delivery["author_id"]):
        # A block may arrive while a delivery waits: from then on, nothing goes between them.
        repo.settle(db, key, repo.CANCELLED, reason="the two members blocked each other")
        log.info("delivery.cancelled", delivery=key, reason="blocked")
        return
    if missing:
        # member.registered has not reached us yet; it will resume this delivery.
        repo.release(db, key, waiting_for=missing)
        log.info("delivery.waiting_for_member", delivery=key, member_id=missing)
        return
    if not _may_go_now(db, delivery, moment, recipient):
        return
    if (subscription_id := subscription_of(delivery["channel"])) is not None:
        _push(db, senders, delivery, subscription_id, moment, author, recipient)
        return
    try:
        message = mail.moment_mail(moment=moment, author=author, recipient=recipient)
        message_id = mail.send(message, senders.smtp, headers={"X-WorkBuddy-Delivery": key})
    except mail.TransientMailError as exc:
        if delivery["attempts"] + 1 >= MAX_ATTEMPTS:
            repo.settle(db, key, repo.FAILED, reason=f"gave up after {MAX_ATTEMPTS} attempts: {exc}")
            log.error("delivery.failed", delivery=key, reason=str(exc))
        else:
            repo.release(db, key, error=str(exc))
            log.warning("delivery.retry_later", delivery=key, reason=str(exc))
        return
    except mail.PermanentMailError as exc:
        repo.settle(db, key, repo.FAILED, reason=str(exc))
        log.error("delivery.failed", delivery=key, reason=str(exc))
        return
    except Exception as exc:  # a mail we cannot even build: record it, never leave it hanging
        repo.settle(db, key, repo.FAILED, reason=f"{type(exc).__name__}: {exc}")
        log.exception("delivery.failed", delivery=key)
        return
    repo.settle(db, key, repo.SENT, sent_at=datetime.now(UTC), message_id=message_id)
    log.info("delivery.sent", delivery=key, channel=EMAIL, recipient_id=delivery["recipient_id"])


_TONE_KIND = {"celebration": "win", "support": "setback", "advice": "ask"}


def _may_go_now(db, delivery: dict, moment: dict, recipient: dict) -> bool:
    """The member's own rules (notifications.timing): a channel turned off cancels, quiet hours
    and focus hold the delivery until they end; True when it may go now."""
    key = delivery["_id"]
    channel = "push" if subscription_of(delivery["channel"]) else EMAIL
    kind = _TONE_KIND[tone_of(moment["kind"]).value]
    rules = recipient | {"preferences": _rules(recipient.get("preferences") or {})}
    decided = timing.when(kind=kind, channel=channel, urgent=kind == "setback" or
                          moment["kind"] == "urgent_advice", recipient=rules, now=datetime.now(UTC))
    if decided.how == timing.NEVER:
        repo.settle(db, key, repo.CANCELLED, reason=f"the member turned {channel} off for {kind}")
        return False
    if decided.how in (timing.LATER, timing.DIGEST):
        why = "quiet hours" if decided.how == timing.LATER else "focus or digest delivery"
        repo.hold(db, key, until=decided.at, reason=why)
        log.info("delivery.held", delivery=key, until=decided.at.isoformat(), reason=why)
        return False
    return True


def _rules(settings: dict) -> dict:
    """Stored settings ({"kinds": {kind: {channel: bool}}, ...}) as timing reads them."""
    return (settings.get("kinds") or {}) | {
        "setbacks_break_quiet_hours": settings.get("setbacks_break_quiet_hours", False)}


def _push(db, senders: Senders, delivery: dict, subscription_id: str, moment: dict, author: dict,
          recipient: dict) -> None:
    """One browser of the recipient: a small payload, nothing the recipient may not see."""
    key = delivery["_id"]
    subscription = repo.push_subscription(db, subscription_id)
    if subscription is None:
        repo.settle(db, key, repo.CANCELLED, reason="the browser unsubscribed")
        return
    try:
        push.send(subscription["subscription"], wording.moment_push(moment, author, recipient["language"]),
                  senders.vapid, urgency="high" if moment["kind"] in SETBACKS else "normal")
    except push.SubscriptionGone as exc:
        repo.forget_push_subscription(db, subscription_id)
        repo.settle(db, key, repo.FAILED, reason=f"the browser is gone: {exc}")
        log.info("delivery.push_gone", delivery=key)
        return
    except push.TransientPushError as exc:
        if delivery["attempts"] + 1 >= MAX_ATTEMPTS:
            repo.settle(db, key, repo.FAILED, reason=f"gave up after {MAX_ATTEMPTS} attempts: {exc}")
        else:
            repo.release(db, key, error=str(exc))
            log.warning("delivery.retry_later", delivery=key, reason=str(exc))
        return
    except push.PushDisabled:
        repo.settle(db, key, repo.CANCELLED, reason="Web Push is not configured (VAPID_PRIVATE_KEY)")
        return
    except Exception as exc:  # refused for good, or a payload we cannot build: recorded
        repo.settle(db, key, repo.FAILED, reason=f"{type(exc).__name__}: {exc}")
        log.error("delivery.failed", delivery=key, reason=str(exc))
        return
    repo.settle(db, key, repo.SENT, sent_at=datetime.now(UTC))
    log.info("delivery.sent", delivery=key, channel="push", recipient_id=delivery["recipient_id"])


def resume_waiting(db, senders: Senders, member_id: str) -> None:
    for delivery in repo.waiting_on(db, member_id):
        attempt(db, senders, delivery["_id"])


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(5 * 2 ** attempts, 600))


def retry_due(db, senders: Senders) -> None:
    repo.reclaim_stuck(db, older_than=timedelta(minutes=5))
    now = datetime.now(UTC)
    for delivery in repo.due_for_retry(db, older_than=timedelta(seconds=5),
                                       max_attempts=MAX_ATTEMPTS):
        held_until = delivery.get("not_before")
        if held_until is not None:
            if held_until <= now:
                attempt(db, senders, delivery["_id"])
        elif delivery["attempts"] and now - delivery["updated_at"] >= backoff(delivery["attempts"]):
            attempt(db, senders, delivery["_id"])
