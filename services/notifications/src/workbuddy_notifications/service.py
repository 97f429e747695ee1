"""notifications: tells buddies what happens to each other, from its own read models."""

from datetime import timedelta

from nameko.timer import timer

from workbuddy_contracts.commands import NotificationSettings, load_or_refuse
from workbuddy_contracts.errors import Conflict, Invalid, NotFound
from workbuddy_contracts.vocabulary import PREFERENCE_KINDS
from workbuddy_platform import blocks, buddy_links, clock, lease
from workbuddy_platform.consumers import consumes
from workbuddy_platform.dependencies import RequestContext
from workbuddy_platform.exports import exported
from workbuddy_platform.health import health_report
from workbuddy_platform.metrics import Observed
from workbuddy_platform.retries import event_handler
from workbuddy_platform.rpc import rpc
from workbuddy_platform.store import Store
from workbuddy_platform.tracing import Traced

from . import fanout, inbox, links, push, wording
from . import repository as repo
from .channels import Senders


class NotificationsService:
    name = "notifications"
    observed = Observed()  # entrypoint times and errors, for /metrics
    traced = Traced()  # a span per RPC call and event handled, when tracing is on

    store = Store(indexes=lambda db: (repo.create_indexes(db), inbox.create_indexes(db)))
    context = RequestContext()
    senders = Senders()

    @rpc
    def health(self) -> dict:
        return health_report(self.name, self.store)

    @rpc
    def deliveries_of_event(self, event_id: str) -> list[dict]:
        """For operators: what became of one event, per recipient and channel."""
        return [exported(d) for d in repo.deliveries_of_event(self.store, event_id)]

    @event_handler("profiles", "member.registered")
    @consumes
    def on_member_registered(self, event):
        repo.save_recipient(self.store, event.payload)
        fanout.resume_waiting(self.store, self.senders, event.payload["member_id"])

    @event_handler("profiles", "member.updated")
    @consumes
    def on_member_updated(self, event):
        repo.save_recipient_profile(self.store, event.payload)

    @event_handler("matching", "member.blocked")
    @consumes
    def on_member_blocked(self, event):
        p = event.payload
        blocks.record(self.store, p["blocker_id"], p["blocked_id"], p["blocked_at"])

    @event_handler("profiles", "member.left")
    @consumes
    def on_member_left(self, event):
        repo.forget_member(self.store, event.payload["member_id"])

    @rpc
    def export(self, member_id: str) -> dict:
        """All that notifications holds about the member, JSON-ready."""
        return {name: [exported(doc) for doc in docs]
                for name, docs in repo.export_of(self.store, member_id).items()}

    @event_handler("matching", "buddyship.started")
    @consumes
    def on_buddyship_started(self, event):
        fanout.catch_up(self.store, self.senders, buddy_links.record(self.store, event.payload))
        self._tell_pair(event, inbox.STARTED, event.payload["started_at"])

    @event_handler("matching", "buddyship.ended")
    @consumes
    def on_buddyship_ended(self, event):
        buddy_links.record(self.store, event.payload)
        self._tell_pair(event, inbox.ENDED, event.payload["ended_at"])

    @event_handler("matching", "buddyship.proposed")
    @consumes
    def on_buddyship_proposed(self, event):
        p = event.payload
        members = [p["proposer_id"], p["invitee_id"]]
        for member_id in p.get("awaiting") or [p["invitee_id"]]:
            other = next(m for m in members if m != member_id)
            fanout.tell(self.store, self.senders, inbox.add(
                self.store, event_id=event.event_id, recipient_id=member_id, kind=inbox.PROPOSED,
                at=p["proposed_at"], subject_id=other, data={
                    "buddyship_id": p["buddyship_id"], "origin": p.get("origin", "member"),
                    "reasons": (p.get("reasons") or {}).get(member_id, [])}))

    @event_handler("matching", "member.unmatched")
    @consumes
    def on_member_unmatched(self, event):
        p = event.payload
        inbox.add(self.store, event_id=event.event_id, recipient_id=p["member_id"], kind=inbox.UNMATCHED,
                  at=p["at"], data={"reason": p["reason"], "next_round_at":
                                    p["next_round_at"].isoformat() if p["next_round_at"] else None})

    @event_handler("matching", "buddyship.quiet")
    @consumes
    def on_buddyship_quiet(self, event):
        p = event.payload
        [told] = [m for m in p["member_ids"] if m != p["quiet_member_id"]]
        inbox.add(self.store, event_id=event.event_id, recipient_id=told, kind=inbox.QUIET, at=p["at"],
                  subject_id=p["quiet_member_id"],
                  data={"buddyship_id": p["buddyship_id"], "unanswered": p["unanswered"]})

    @event_handler("profiles", "moment.reacted")
    @consumes
    def on_moment_reacted(self, event):
        p = event.payload
        if p["reactor_id"] != p["author_id"]:
            fanout.tell(self.store, self.senders, inbox.add(
                self.store, event_id=event.event_id, recipient_id=p["author_id"], kind=inbox.REACTION,
                at=p["reacted_at"], subject_id=p["reactor_id"],
                data={"moment_id": p["moment_id"], "kind": p["kind"], "message": p["message"]}))

    @rpc
    def notification_settings(self, member_id: str) -> dict:
        """Which channels tell the member of what, and whether a setback breaks quiet hours."""
        stored = repo.settings_of(self.store, member_id) or {}
        return load_or_refuse(NotificationSettings(), stored)

    @rpc
    def change_notification_settings(self, member_id: str, settings: dict) -> dict:
        loaded = load_or_refuse(NotificationSettings(), settings)
        return repo.save_settings(self.store, member_id, loaded)

    @rpc
    def read_link(self, token: str) -> dict:
        """What a link from a mail may do (unsubscribe, react), for the gateway to act on."""
        try:
            link = links.read(self.senders.links, token)
        except links.LinkRefused as exc:
            if exc.expired:
                raise Invalid("this link is too old; open the app to do this instead", "token") from exc
            raise Invalid("this link is not one of ours, or it was cut short; open the app to do "
                          "this instead", "token") from exc
        moment = repo.moment(self.store, link.get("moment_id", "")) if link["action"] == links.REACT else None
        author = repo.recipient(self.store, moment["author_id"]) if moment else None
        return link | {"page": wording.link_page(link, (author or {}).get("display_name"),
                                                 (moment or {}).get("kind"))}

    @rpc
    def unsubscribe(self, member_id: str, kind: str) -> dict:
        """No more mail of ``kind`` (a preference kind, or "all"); the app keeps telling."""
        stored = load_or_refuse(NotificationSettings(), repo.settings_of(self.store, member_id) or {})
        for each in PREFERENCE_KINDS if kind == links.ALL_KINDS else [kind]:
            stored["kinds"][each] = (stored["kinds"].get(each) or {}) | {"email": False}
        return repo.save_settings(self.store, member_id, load_or_refuse(NotificationSettings(), stored))

    @rpc
    def push_key(self) -> str | None:
        """The applicationServerKey browsers subscribe with; None when push is not configured."""
        return self.senders.vapid.public_key_b64url()

    @rpc
    def subscribe_push(self, member_id: str, subscription: dict) -> dict:
        """Turn push on in one browser (subscribing again from it replaces the old one)."""
        if not self.senders.vapid.enabled:
            raise Conflict("push notifications are not available on this server; use email and "
                           "the app's notifications", "subscription")
        loaded = load_or_refuse(push.Subscription(), subscription)
        saved = repo.save_push_subscription(self.store, member_id, loaded, clock.now())
        return {"id": saved["_id"], "endpoint": loaded["endpoint"],
                "created_at": saved["created_at"].isoformat()}

    @rpc
    def unsubscribe_push(self, member_id: str, subscription_id: str) -> None:
        if not repo.forget_push_subscription(self.store, subscription_id, member_id):
            raise NotFound("member {member_id} has no push subscription {subscription_id!r}",
                           "subscription_id", member_id=member_id, subscription_id=subscription_id)

    @rpc
    def notifications_of(self, member_id: str, limit: int = 20, cursor: str | None = None,
                         unread_only: bool = False) -> dict:
        """The member's notifications, newest first: {"items": [...], "next": cursor}."""
        return inbox.page_of(self.store, member_id, limit, cursor, unread_only)

    @rpc
    def mark_notification(self, member_id: str, notification_id: str, read: bool) -> dict:
        return inbox.mark(self.store, member_id, notification_id, clock.now() if read else None)

    def _tell_pair(self, event, kind: str, at) -> None:
        a, b = event.payload["member_ids"]
        for member_id, other in ((a, b), (b, a)):
            fanout.tell(self.store, self.senders, inbox.add(
                self.store, event_id=event.event_id, recipient_id=member_id, kind=kind, at=at,
                subject_id=other, data={"buddyship_id": event.payload["buddyship_id"]}))

    @event_handler("profiles", "moment.logged")
    @consumes
    def on_moment_logged(self, event):
        p = event.payload
        moment = {"_id": p["moment_id"], "event_id": event.event_id, "author_id": p["member_id"],
                  "kind": p["kind"], "note": p["note"], "logged_at": p["logged_at"]}
        repo.save_moment(self.store, moment)
        fanout.tell_buddies(self.store, self.senders, moment)

    @timer(interval=5)
    def retry_deliveries(self):
        # Claims already keep two replicas from sending one mail; the lease saves the work.
        if lease.hold(self.store, "notifications.retry_deliveries", timedelta(seconds=30)):
            fanout.retry_due(self.store, self.senders)

    @timer(interval=10)
    def send_digests(self):
        """Digests leave when focus ends or at the daily digest time: checked every few
        seconds, by one replica of the cluster at a time."""
        if lease.hold(self.store, "notifications.digests", timedelta(seconds=60)):
            fanout.send_digests(self.store, self.senders, clock.now())
