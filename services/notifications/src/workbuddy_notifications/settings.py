"""notifications' settings, read once at start: the platform's, where mails go (SMTP), who signs
push messages (VAPID), how links in mails are signed, and when a send counts as lost.

Names and defaults are README.md's Configuration table. A value the service cannot use (a port
that is not a number, a VAPID key that is not one, a link secret too short to be safe) stops it
at start with a message naming the variable.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from workbuddy_platform.settings import EXAMPLE_SECRET_MARK, Environment, PlatformSettings, read

from .adapters import push
from .adapters.links import SECRET_MIN_LENGTH, LinkSettings
from .adapters.push import VapidSettings
from .adapters.smtp import SmtpSettings

# Deliveries in flight per process unless WB_MAX_WORKERS says otherwise. A moment's worker spends
# most of its time waiting on the store and the SMTP server, not on the CPU: with 10 of them, a
# moment waited in the queue for a free worker more than it took to be told (docs/performance.md,
# "The fan-out on a quiet machine").
MAX_WORKERS = 40


@dataclass(frozen=True)
class NotificationsSettings:
    platform: PlatformSettings = field(default_factory=PlatformSettings)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    vapid: VapidSettings = field(default_factory=VapidSettings)
    links: LinkSettings = field(default_factory=LinkSettings)
    # A delivery claimed this long ago and still "sending" lost its worker (killed, crashed):
    # it is tried again. Longer than any send can take (SMTP_TIMEOUT, the push timeout).
    reclaim_after: timedelta = timedelta(seconds=300)
    # A buddy's message still unread this long after it came is told by mail and push (one
    # notice for a burst); a message read meanwhile is never mailed.
    message_notify_after: timedelta = timedelta(seconds=600)

    @classmethod
    def read(cls, env: Environment) -> "NotificationsSettings":
        return cls(platform=PlatformSettings.read(env, max_workers=MAX_WORKERS),
                   smtp=read_smtp(env), vapid=read_vapid(env), links=read_links(env),
                   reclaim_after=timedelta(seconds=env.number(
                       "DELIVERY_RECLAIM_SECONDS", 300, above=0, unit="seconds")),
                   message_notify_after=timedelta(seconds=env.number(
                       "MESSAGE_NOTIFY_AFTER_SECONDS", 600, minimum=0, unit="seconds")))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "NotificationsSettings":
        return read(cls.read, environ)


def read_smtp(env: Environment) -> SmtpSettings:
    d = SmtpSettings()
    return SmtpSettings(
        host=env.text("SMTP_HOST", d.host),
        port=env.port("SMTP_PORT", d.port),
        sender=env.text("MAIL_FROM", d.sender),
        timeout=env.number("SMTP_TIMEOUT", d.timeout, above=0, unit="seconds"),
        starttls=env.flag("SMTP_STARTTLS", d.starttls),
        username=env.text("SMTP_USERNAME", d.username),
        # As written: a password may begin or end with a space.
        password=env.environ.get("SMTP_PASSWORD", d.password),
        keep_connections=env.integer("SMTP_KEEP_CONNECTIONS", d.keep_connections, minimum=0),
        keep_idle_seconds=env.number("SMTP_KEEP_IDLE_SECONDS", d.keep_idle_seconds, minimum=0,
                                     unit="seconds"),
    )


def read_vapid(env: Environment) -> VapidSettings:
    """Without VAPID_PRIVATE_KEY, push is disabled; a key or subject set wrong is refused."""
    subject = env.text("VAPID_SUBJECT", push.DEFAULT_SUBJECT)
    if problem := push.subject_problem(subject):
        env.refuse("VAPID_SUBJECT", problem)
        subject = push.DEFAULT_SUBJECT
    key = env.optional("VAPID_PRIVATE_KEY")
    if key and (problem := push.key_problem(key)):
        env.refuse("VAPID_PRIVATE_KEY", problem)  # the problem, never the key
        key = None
    return VapidSettings(private_key=key, subject=subject)


def read_links(env: Environment) -> LinkSettings:
    """Links that cannot be trusted are worse than no mail: a missing or short secret stops the
    service rather than mail links that cannot work."""
    secret = env.text("MAIL_LINK_SECRET", "")
    accepted = env.texts("MAIL_LINK_ACCEPTED_SECRETS")
    if EXAMPLE_SECRET_MARK in secret:
        env.refuse("MAIL_LINK_SECRET", "it is still the example's placeholder: set it to a random "
                   "string of your own (e.g. `openssl rand -hex 32`)")
    elif len(secret) < SECRET_MIN_LENGTH:
        env.refuse("MAIL_LINK_SECRET", f"set it to a random string of at least {SECRET_MIN_LENGTH} "
                   "characters, the same for every notifications replica (e.g. `openssl rand "
                   "-hex 32`); it signs the unsubscribe and reaction links in mails")
    if any(len(s) < SECRET_MIN_LENGTH for s in accepted):
        env.refuse("MAIL_LINK_ACCEPTED_SECRETS", f"every secret in it must be at least "
                   f"{SECRET_MIN_LENGTH} characters")
    return LinkSettings(secret=secret, accepted=accepted,
                        public_url=env.text("PUBLIC_URL", LinkSettings.public_url).rstrip("/"))
