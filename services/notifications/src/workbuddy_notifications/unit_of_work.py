"""notifications' unit of work: its repositories, over its own database. notifications emits
no events, and writes at once (each write idempotent or compare-and-set): nothing waits for a
commit."""

from workbuddy_platform.unit_of_work import UnitOfWork
from workbuddy_readmodels.blocks import Blocks
from workbuddy_readmodels.buddy_links import BuddyLinks
from workbuddy_readmodels.departed import Departed

from .adapters.repository import (
    Deliveries,
    Inbox,
    Moments,
    PushSubscriptions,
    Recipients,
    UnreadMessages,
)


class NotificationsUnitOfWork(UnitOfWork):
    def attach(self) -> None:
        self.recipients = Recipients(self)  # from profiles' member events
        self.moments = Moments(self)  # from moment.logged
        self.buddy_links = BuddyLinks(self)  # from matching's buddyship events
        self.blocks = Blocks(self)  # from matching's member.blocked
        self.inbox = Inbox(self)
        self.deliveries = Deliveries(self)
        self.push_subscriptions = PushSubscriptions(self)
        self.unread_messages = UnreadMessages(self)  # from profiles' message events
        self.departed = Departed(self)  # from member.left: late events about them write nothing
