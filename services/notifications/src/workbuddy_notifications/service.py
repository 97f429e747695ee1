"""notifications: tells buddies what happens to each other, from its own read models. A table of
entrypoints: each hands its arguments to a use case (use_cases/) with a unit of work and the
senders, and returns what it answers."""

from datetime import timedelta

from nameko.timer import timer

from workbuddy_platform import lease
from workbuddy_platform.consumers import consumes
from workbuddy_platform.dependencies import BrokerTraces, Configured, RequestContext
from workbuddy_platform.exports import exported
from workbuddy_platform.metrics import Observed
from workbuddy_platform.ops import health_answer
from workbuddy_platform.retries import event_handler
from workbuddy_platform.rpc import rpc
from workbuddy_platform.tracing import Traced
from workbuddy_platform.unit_of_work import UnitsOfWork

from .adapters.repository import create_indexes
from .adapters.senders import SendersProvider
from .domain import account_mails
from .unit_of_work import NotificationsUnitOfWork
from .use_cases import (
    accounts,
    asks,
    deliveries,
    feed,
    members,
    messages,
    preferences,
    telling,
)


class NotificationsService:
    name = "notifications"
    observed = Observed()  # entrypoint times and errors, for /metrics
    traced = Traced()  # a span per RPC call and event handled, when tracing is on
    context = RequestContext()
    # Every write at once, none in a transaction: its commands need no turn at the store.
    uow = UnitsOfWork(NotificationsUnitOfWork, indexes=create_indexes, emits=False,
                      transactions=False)
    senders = SendersProvider()
    settings = Configured()  # NotificationsSettings
    forget_queued = BrokerTraces()  # events naming a member who left, parked or retrying

    @rpc
    def health(self) -> dict:
        return health_answer(self.name, self.uow.db)

    @rpc
    def deliveries_of_event(self, event_id: str) -> list[dict]:
        """For operators: what became of one event, per recipient and channel."""
        return [exported(d) for d in deliveries.of_event(self.uow, event_id=event_id)]

    # --- members, from profiles and matching --------------------------------------------------

    @event_handler("profiles", "member.registered")
    @consumes
    def on_member_registered(self, event):
        members.member_registered(self.uow, self.senders, payload=event.payload)

    @event_handler("profiles", "member.address_verified")
    @consumes
    def on_member_address_verified(self, event):
        accounts.address_verified(self.uow, payload=event.payload)

    # --- the account's own mails, from profiles -------------------------------------------------

    @event_handler("profiles", "address.verification_requested")
    @consumes
    def on_verification_requested(self, event):
        accounts.mail(self.uow, self.senders, kind=account_mails.VERIFY, event_id=event.event_id,
                      payload=event.payload)

    @event_handler("profiles", "address.claim_attempted")
    @consumes
    def on_claim_attempted(self, event):
        accounts.mail(self.uow, self.senders, kind=account_mails.CLAIMED, event_id=event.event_id,
                      payload=event.payload)

    @event_handler("profiles", "password.reset_requested")
    @consumes
    def on_password_reset_requested(self, event):
        accounts.mail(self.uow, self.senders, kind=account_mails.RESET, event_id=event.event_id,
                      payload=event.payload)

    @event_handler("profiles", "member.updated")
    @consumes
    def on_member_updated(self, event):
        members.member_updated(self.uow, payload=event.payload)

    @event_handler("matching", "member.blocked")
    @consumes
    def on_member_blocked(self, event):
        members.member_blocked(self.uow, payload=event.payload)

    @event_handler("profiles", "member.left")
    @consumes
    def on_member_left(self, event):
        members.member_left(self.uow, member_id=event.payload["member_id"])
        self.forget_queued(event.payload["member_id"])

    @rpc
    def export(self, member_id: str) -> dict:
        """All that notifications holds about the member, JSON-ready."""
        return {name: [exported(doc) for doc in docs]
                for name, docs in members.export(self.uow, member_id=member_id).items()}

    # --- telling: buddyships, moments, reactions ----------------------------------------------

    @event_handler("matching", "buddyship.started")
    @consumes
    def on_buddyship_started(self, event):
        telling.buddyship_started(self.uow, self.senders, event_id=event.event_id,
                                  payload=event.payload)

    @event_handler("matching", "buddyship.ended")
    @consumes
    def on_buddyship_ended(self, event):
        telling.buddyship_ended(self.uow, self.senders, event_id=event.event_id,
                                payload=event.payload)

    @event_handler("matching", "buddyship.proposed")
    @consumes
    def on_buddyship_proposed(self, event):
        telling.buddyship_proposed(self.uow, self.senders, event_id=event.event_id,
                                   payload=event.payload)

    @event_handler("matching", "member.unmatched")
    @consumes
    def on_member_unmatched(self, event):
        telling.member_unmatched(self.uow, self.senders, event_id=event.event_id,
                                 payload=event.payload)

    @event_handler("matching", "buddyship.quiet")
    @consumes
    def on_buddyship_quiet(self, event):
        telling.buddyship_quiet(self.uow, self.senders, event_id=event.event_id,
                                payload=event.payload)

    @event_handler("matching", "support.unavailable")
    @consumes
    def on_support_unavailable(self, event):
        telling.support_unavailable(self.uow, self.senders, event_id=event.event_id,
                                    payload=event.payload)

    @event_handler("matching", "check_in.opened")
    @consumes
    def on_check_in_opened(self, event):
        telling.check_in_opened(self.uow, self.senders, event_id=event.event_id,
                                payload=event.payload)

    @event_handler("matching", "check_in.mode_proposed")
    @consumes
    def on_check_in_mode_proposed(self, event):
        telling.check_in_mode_proposed(self.uow, self.senders, event_id=event.event_id,
                                       payload=event.payload)

    @event_handler("matching", "check_in.closed")
    @consumes
    def on_check_in_closed(self, event):
        telling.check_in_closed(self.uow, self.senders, event_id=event.event_id,
                                payload=event.payload)

    @event_handler("profiles", "moment.reacted")
    @consumes
    def on_moment_reacted(self, event):
        telling.moment_reacted(self.uow, self.senders, event_id=event.event_id,
                               payload=event.payload)

    @event_handler("profiles", "moment.logged")
    @consumes(keyed=True)  # items, rings and deliveries keyed by the event: no ledger read first
    def on_moment_logged(self, event):
        telling.moment_logged(self.uow, self.senders, event_id=event.event_id,
                              payload=event.payload)

    # --- urgent asks gone wider ----------------------------------------------------------------

    @event_handler("matching", "ask.widened")
    @consumes
    def on_ask_widened(self, event):
        asks.ask_widened(self.uow, self.senders, event_id=event.event_id, payload=event.payload)

    @event_handler("matching", "ask.taken")
    @consumes
    def on_ask_taken(self, event):
        asks.ask_taken(self.uow, self.senders, event_id=event.event_id, payload=event.payload)

    @event_handler("matching", "ask.closed")
    @consumes
    def on_ask_closed(self, event):
        asks.ask_closed(self.uow, self.senders, event_id=event.event_id, payload=event.payload)

    # --- the member's choices -----------------------------------------------------------------

    @rpc
    def notification_settings(self, member_id: str) -> dict:
        """Which channels tell the member of what, and whether a setback breaks quiet hours."""
        return preferences.notification_settings(self.uow, member_id=member_id)

    @rpc
    def change_notification_settings(self, member_id: str, settings: dict) -> dict:
        return preferences.change_notification_settings(self.uow, member_id=member_id,
                                                        settings=settings)

    @rpc
    def read_link(self, token: str) -> dict:
        """What a link from a mail may do (unsubscribe, react), for the gateway to act on."""
        return preferences.read_link(self.uow, self.senders, token=token)

    @rpc
    def unsubscribe(self, member_id: str, kind: str) -> dict:
        """No more mail of ``kind`` (a preference kind, or "all"); the app keeps telling."""
        return preferences.unsubscribe(self.uow, member_id=member_id, kind=kind)

    @rpc
    def push_key(self) -> str | None:
        """The applicationServerKey browsers subscribe with; None when push is not configured."""
        return preferences.push_key(self.senders)

    @rpc
    def subscribe_push(self, member_id: str, subscription: dict) -> dict:
        """Turn push on in one browser (subscribing again from it replaces the old one)."""
        return preferences.subscribe_push(self.uow, self.senders, member_id=member_id,
                                          subscription=subscription)

    @rpc
    def unsubscribe_push(self, member_id: str, subscription_id: str) -> None:
        preferences.unsubscribe_push(self.uow, member_id=member_id, subscription_id=subscription_id)

    # --- the in-app notifications -------------------------------------------------------------

    @rpc
    def notifications_of(self, member_id: str, limit: int = 20, cursor: str | None = None,
                         unread_only: bool = False) -> dict:
        """The member's notifications, newest first: {"items": [...], "next": cursor}."""
        return feed.notifications_of(self.uow, member_id=member_id, limit=limit, cursor=cursor,
                                     unread_only=unread_only)

    @rpc
    def mark_notification(self, member_id: str, notification_id: str, read: bool) -> dict:
        return feed.mark_notification(self.uow, member_id=member_id,
                                      notification_id=notification_id, read=read)

    # --- buddies' messages ---------------------------------------------------------------------

    @event_handler("profiles", "message.sent")
    @consumes
    def on_message_sent(self, event):
        messages.message_sent(self.uow, self.senders, payload=event.payload,
                              notify_after=self.settings.message_notify_after)

    @event_handler("profiles", "conversation.read")
    @consumes
    def on_conversation_read(self, event):
        messages.conversation_read(self.uow, payload=event.payload)

    @timer(interval=5)
    def tell_unread_messages(self):
        """Bursts of messages still unread once their delay is over: one replica at a time."""
        if lease.hold(self.uow.db, "notifications.unread_messages", timedelta(seconds=30),
                      now=self.uow.now()):
            messages.tell_unread(self.uow, self.senders)

    # --- timers, one replica at a time ----------------------------------------------------------

    @timer(interval=5)
    def retry_deliveries(self):
        # Claims already keep two replicas from sending one mail; the lease saves the work.
        if lease.hold(self.uow.db, "notifications.retry_deliveries", timedelta(seconds=30),
                      now=self.uow.now()):
            deliveries.retry_due(self.uow, self.senders)

    @timer(interval=10)
    def send_digests(self):
        """Digests leave when focus ends or at the daily digest time: checked every few
        seconds, by one replica of the cluster at a time."""
        if lease.hold(self.uow.db, "notifications.digests", timedelta(seconds=60),
                      now=self.uow.now()):
            deliveries.send_digests(self.uow, self.senders)
