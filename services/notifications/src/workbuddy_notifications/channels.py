"""Where notifications leave from: the mail server, the Web Push signer and the signer of
links in mails, configured once per process from the environment."""

from dataclasses import dataclass, field

from .links import LinkSettings
from .mail import SmtpSettings
from .push import VapidSettings

EMAIL = "email"
PUSH = "push"  # a push delivery's channel is "push:<subscription id>": one per browser


@dataclass(frozen=True)
class Senders:
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    vapid: VapidSettings = field(default_factory=VapidSettings)
    links: LinkSettings = field(default_factory=LinkSettings)


def push_channel(subscription_id: str) -> str:
    return f"{PUSH}:{subscription_id}"


def subscription_of(channel: str) -> str | None:
    return channel.split(":", 1)[1] if channel.startswith(f"{PUSH}:") else None
