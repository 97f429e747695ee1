"""A delivery: one notification told to one member on one channel, keyed (event, recipient,
channel) so that a redelivered event never sends it twice. Its life, and how long a failed
one waits before it is tried again."""

from datetime import datetime, timedelta

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
CANCELLED = "cancelled"  # never to be sent: blocked, channel turned off, browser gone
FOR_DIGEST = "for_digest"  # waits for the member's digest (focus, or digest delivery)
GATHERED = "gathered"  # told in a digest mail (its digest_id names the digest's delivery)
SETTLED = (SENT, FAILED, CANCELLED)

MAX_ATTEMPTS = 8
# A delivery released this recently is left alone by the retry timer (it was just tried).
RETRY_NOT_BEFORE = timedelta(seconds=5)

EMAIL = "email"
PUSH = "push"  # a push delivery's channel is "push:<subscription id>": one per browser
DIGEST = "digest"  # the kind of a delivery that gathers a member's digest into one mail


def key(event_id: str, recipient_id: str, channel: str) -> str:
    return f"{event_id}:{recipient_id}:{channel}"


def push_channel(subscription_id: str) -> str:
    return f"{PUSH}:{subscription_id}"


def subscription_of(channel: str) -> str | None:
    """The browser a push channel goes to; None for mail."""
    return channel.split(":", 1)[1] if channel.startswith(f"{PUSH}:") else None


def medium_of(channel: str) -> str:
    """"email" or "push": what a member's settings and the metrics name a channel by."""
    return EMAIL if subscription_of(channel) is None else PUSH


def digest_id(recipient_id: str, at: datetime) -> str:
    return f"digest-{at:%Y%m%dT%H%M%S%f}-{recipient_id}"


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(5 * 2 ** attempts, 600))


def due(delivery: dict, now: datetime) -> bool:
    """Whether the retry timer tries a pending delivery now: a hold (quiet hours) once it is
    over, a failed one once its back-off has passed."""
    held_until = delivery.get("not_before")
    if held_until is not None:
        return held_until <= now
    return bool(delivery["attempts"]) and now - delivery["updated_at"] >= backoff(delivery["attempts"])
