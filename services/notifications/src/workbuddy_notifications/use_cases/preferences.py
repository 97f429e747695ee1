"""What the member chooses: which channels tell them of what (and whether a setback breaks
quiet hours), the links in mails that stop a kind of mail or react in one tap, and the browsers
they turned push on in."""

from workbuddy_contracts.commands import NotificationSettings, load_or_refuse
from workbuddy_contracts.errors import Conflict, Invalid, NotFound
from workbuddy_contracts.vocabulary import PREFERENCE_KINDS

from ..adapters import links, push
from ..adapters.senders import Senders
from ..domain import wording
from ..domain.deliveries import EMAIL
from ..domain.messages import ALL_KINDS
from ..unit_of_work import NotificationsUnitOfWork


def notification_settings(uow: NotificationsUnitOfWork, *, member_id: str) -> dict:
    """Which channels tell the member of what, and whether a setback breaks quiet hours."""
    return load_or_refuse(NotificationSettings(), uow.recipients.settings_of(member_id) or {})


def change_notification_settings(uow: NotificationsUnitOfWork, *, member_id: str,
                                 settings: dict) -> dict:
    loaded = load_or_refuse(NotificationSettings(), settings)
    return uow.recipients.save_settings(member_id, loaded)


def unsubscribe(uow: NotificationsUnitOfWork, *, member_id: str, kind: str) -> dict:
    """No more mail of ``kind`` (a preference kind, or "all"); the app keeps telling."""
    stored = notification_settings(uow, member_id=member_id)
    for each in PREFERENCE_KINDS if kind == ALL_KINDS else [kind]:
        stored["kinds"][each] = (stored["kinds"].get(each) or {}) | {EMAIL: False}
    return change_notification_settings(uow, member_id=member_id, settings=stored)


def read_link(uow: NotificationsUnitOfWork, senders: Senders, *, token: str) -> dict:
    """What a link from a mail may do (unsubscribe, react), and the words of its page, for the
    gateway to act on."""
    try:
        link = senders.links.read(token, uow.now())
    except links.LinkRefused as exc:
        if exc.expired:
            raise Invalid("this link is too old; open the app to do this instead", "token") from exc
        raise Invalid("this link is not one of ours, or it was cut short; open the app to do "
                      "this instead", "token") from exc
    moment = uow.moments.get(link.get("moment_id", "")) if link["action"] == links.REACT else None
    author = uow.recipients.get(moment["author_id"]) if moment else None
    return link | {"page": wording.link_page(link, (author or {}).get("display_name"),
                                             (moment or {}).get("kind"))}


def push_key(senders: Senders) -> str | None:
    """The applicationServerKey browsers subscribe with; None when push is not configured."""
    return senders.push.public_key()


def subscribe_push(uow: NotificationsUnitOfWork, senders: Senders, *, member_id: str,
                   subscription: dict) -> dict:
    """Turn push on in one browser (subscribing again from it replaces the old one)."""
    if not senders.push.enabled:
        raise Conflict("push notifications are not available on this server; use email and "
                       "the app's notifications", "subscription")
    loaded = load_or_refuse(push.Subscription(), subscription)
    saved = uow.push_subscriptions.save(member_id, loaded, uow.now())
    return {"id": saved["_id"], "endpoint": loaded["endpoint"],
            "created_at": saved["created_at"].isoformat()}


def unsubscribe_push(uow: NotificationsUnitOfWork, *, member_id: str, subscription_id: str) -> None:
    if not uow.push_subscriptions.remove(subscription_id, member_id):
        raise NotFound("member {member_id} has no push subscription {subscription_id!r}",
                       "subscription_id", member_id=member_id, subscription_id=subscription_id)
