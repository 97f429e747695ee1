"""notifications: tells buddies what happens to each other, from its own read models."""

from datetime import timedelta

from nameko.events import event_handler
from nameko.rpc import rpc
from nameko.timer import timer

from workbuddy_platform import blocks, buddy_links, lease
from workbuddy_platform.consumers import consumes
from workbuddy_platform.dependencies import RequestContext
from workbuddy_platform.exports import exported
from workbuddy_platform.health import health_report
from workbuddy_platform.store import Store

from . import fanout
from . import repository as repo
from .mail import SmtpSettings


class NotificationsService:
    name = "notifications"

    store = Store(indexes=repo.create_indexes)
    context = RequestContext()
    smtp = SmtpSettings()

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
        fanout.resume_waiting(self.store, self.smtp, event.payload["member_id"])

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
        fanout.catch_up(self.store, self.smtp, buddy_links.record(self.store, event.payload))

    @event_handler("matching", "buddyship.ended")
    @consumes
    def on_buddyship_ended(self, event):
        buddy_links.record(self.store, event.payload)

    @event_handler("profiles", "moment.logged")
    @consumes
    def on_moment_logged(self, event):
        p = event.payload
        moment = {"_id": p["moment_id"], "event_id": event.event_id, "author_id": p["member_id"],
                  "kind": p["kind"], "note": p["note"], "logged_at": p["logged_at"]}
        repo.save_moment(self.store, moment)
        fanout.tell_buddies(self.store, self.smtp, moment)

    @timer(interval=5)
    def retry_deliveries(self):
        # Claims already keep two replicas from sending one mail; the lease saves the work.
        if lease.hold(self.store, "notifications.retry_deliveries", timedelta(seconds=30)):
            fanout.retry_due(self.store, self.smtp)
