"""A real SMTP server for tests (aiosmtpd) that keeps what it receives, parsed."""

import email
import email.policy
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Received:
    rcpt_tos: tuple[str, ...]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def kind(self) -> str:
        """What the mail tells: a notification kind (moment, reaction, buddyship_started...)
        or digest."""
        return str(self.message["X-WorkBuddy-Kind"])

    @property
    def body(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content()

    @property
    def html(self) -> str:
        return self.message.get_body(preferencelist=("html",)).get_content()


class Mailbox:
    def __init__(self):
        self._mails: list[Received] = []
        self._lock = threading.Condition()
        self.refusal: str | None = None  # e.g. "451 try later" makes the server refuse

    async def handle_DATA(self, server, session, envelope):
        if self.refusal:
            return self.refusal
        message = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=email.policy.default)
        with self._lock:
            self._mails.append(Received(tuple(envelope.rcpt_tos), message))
            self._lock.notify_all()
        return "250 OK"

    def all(self) -> list[Received]:
        """Every mail received, in the order it arrived."""
        with self._lock:
            return list(self._mails)

    def to(self, address: str, kind: str | None = None) -> list[Received]:
        """Mails received for ``address`` (of one ``kind`` only, if given)."""
        with self._lock:
            return self.to_unlocked(address, kind)

    def wait_for(self, address: str, count: int = 1, timeout: float = 15,
                 kind: str | None = None) -> list[Received]:
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.to_unlocked(address, kind)) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    got = [m.subject for m in self.to_unlocked(address, kind)]
                    raise AssertionError(f"expected {count} {kind or ''} mail(s) to {address} "
                                         f"within {timeout}s, got {len(got)}: {got}")
                self._lock.wait(left)
            return self.to_unlocked(address, kind)

    def to_unlocked(self, address: str, kind: str | None = None) -> list[Received]:
        return [m for m in self._mails if address in m.rcpt_tos and kind in (None, m.kind)]


class SmtpServer:
    def __init__(self, port: int):
        self.mailbox = Mailbox()
        self.port = port
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    def go_away(self) -> None:
        """The mail server is down: connections to its port are refused."""
        self.controller.stop()

    def come_back(self) -> None:
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
