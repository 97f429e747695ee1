"""Where notifications leave from: the mail server, the Web Push signer, the signer of links in
mails and the live doorbell of open apps, built once per process from the settings. A test
hands the use cases its own (a mail server that keeps what it was given, say) in one place."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from nameko.extensions import DependencyProvider

from workbuddy_platform import live
from workbuddy_platform.settings import of_container

from ..domain.mails import Mail
from .links import MailLinks
from .push import WebPush
from .smtp import MailServer


class Mailer(Protocol):
    def send(self, mail: Mail, headers: dict[str, str]) -> str:
        """The Message-ID; raises smtp.TransientMailError or smtp.PermanentMailError."""


class Pusher(Protocol):
    enabled: bool

    def public_key(self) -> str | None: ...

    def send(self, subscription: dict, payload: dict, *, urgency: str = "normal") -> str | None:
        """Raises one of push.PushError's kinds, which says what to do next."""


class Announcer(Protocol):
    def announce(self, member_id: str, item: dict) -> None:
        """Rings the member's open apps; never raises (the item is kept already)."""


class LiveAnnouncer:
    """The doorbell through the broker (workbuddy_platform.live)."""

    def __init__(self, amqp_uri: str):
        self.amqp_uri = amqp_uri

    def announce(self, member_id: str, item: dict) -> None:
        live.announce(self.amqp_uri, member_id, item)


@dataclass(frozen=True)
class Senders:
    mail: Mailer
    push: Pusher
    links: MailLinks
    announcer: Announcer
    # How long a send may take at most, with margin: a delivery "sending" for longer lost its
    # worker (DELIVERY_RECLAIM_SECONDS).
    reclaim_after: timedelta = timedelta(seconds=300)


def senders_from(settings) -> Senders:
    """The real senders, from NotificationsSettings."""
    return Senders(mail=MailServer(settings.smtp), push=WebPush(settings.vapid),
                   links=MailLinks(settings.links),
                   announcer=LiveAnnouncer(settings.platform.amqp_uri),
                   reclaim_after=settings.reclaim_after)


class SendersProvider(DependencyProvider):
    """Gives every worker the same Senders, built at start-up from the service's settings."""

    def __init__(self, build=senders_from):
        self.build = build

    def setup(self):
        self.senders = self.build(of_container(self.container))

    def get_dependency(self, worker_ctx) -> Senders:
        return self.senders

    def stop(self):
        senders = getattr(self, "senders", None)  # None: setup failed
        close = getattr(senders and senders.mail, "close", None)  # the connections kept open
        if close is not None:
            close()
