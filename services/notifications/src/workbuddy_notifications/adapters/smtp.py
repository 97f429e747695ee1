"""Mails leave over SMTP, as one multipart/alternative message (text and HTML), to a local
catcher in development or a provider's relay (STARTTLS, then a login) in production.

``send`` says by its exception what the caller should do next: retry later
(TransientMailError) or record the failure (PermanentMailError).

A process keeps a few connections open between mails (``MailServer``): opening one costs a TCP
handshake, a greeting, EHLO (and STARTTLS and a login at a provider's relay), several round
trips for each mail otherwise. A kept connection the server closed meanwhile is found out at its
first command, before anything of the mail was accepted: the mail then goes on a new connection,
never twice. Only a connection lost once the message itself was handed over (after DATA) leaves
it unknown whether the server took it; that is a transient error, as it was before connections
were kept.

The message is built with the ``compat32`` MIME classes: the ``email.policy.default`` headers
parse and fold every value they are given, about five times the CPU of the whole send
(docs/performance.md), and the mails here hold nothing that needs it (ASCII addresses, header
values the same, the display names of the sender and subject encoded as RFC 2047 words).
"""

import smtplib
import ssl
import time
from collections import deque
from dataclasses import dataclass, field
from email.charset import BASE64, Charset
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import formataddr, formatdate, make_msgid, parseaddr

from ..domain.mails import Mail


class TransientMailError(Exception):
    """The mail server may accept later (4xx, timeout, connection refused): retry."""


AUTHENTICATION_REQUIRED = 530  # RFC 4954: our configuration is missing, not the mail wrong
CLOSING = 421  # the server is closing the connection (an idle one it timed out, say)


class PermanentMailError(Exception):
    """The mail server refused for good (5xx): record the answer, do not retry."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where mails go (settings.py reads them: SMTP_*, MAIL_FROM)."""

    host: str = "127.0.0.1"
    port: int = 1025
    sender: str = "Work Buddy <buddies@workbuddy.local>"
    timeout: float = 10.0
    # A provider's relay: STARTTLS, then AUTH. Both off for a local catcher such as Mailpit.
    starttls: bool = False
    username: str = ""
    password: str = field(default="", repr=False)
    # Connections kept open between mails (0: one connection per mail), and for how long an
    # idle one is kept: relays close idle connections after a minute or so (RFC 5321 asks for at
    # least five), and a connection older than that costs a failed command before a new one.
    keep_connections: int = 10
    keep_idle_seconds: float = 30.0


class MailServer:
    """The mail sender the use cases are given: one SMTP server's settings, and the connections
    kept open to it. Safe to share between the green threads (or threads) of a process: a
    connection is used by one sender at a time, taken from the idle ones and given back."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self._idle: deque[tuple[smtplib.SMTP, float]] = deque()  # append/pop are atomic

    def send(self, mail: Mail, headers: dict[str, str]) -> str:
        message_id, message = compose(mail, self.settings.sender, headers)
        with _answers():
            kept = self._take()
            if kept is not None:
                try:
                    _transmit(kept, self.settings.sender, mail.to, message)
                    self._give_back(kept)
                    return message_id
                except _NothingSent:  # closed by the server while idle: nothing was accepted
                    _close(kept)
                except BaseException:
                    _close(kept)
                    raise
            smtp = _connect(self.settings)
            try:
                _transmit(smtp, self.settings.sender, mail.to, message)
            except _NothingSent as lost:
                _close(smtp)
                raise lost.cause from lost
            except BaseException:
                _close(smtp)
                raise
            self._give_back(smtp)
            return message_id

    def close(self) -> None:
        """Let go of the connections kept open (the service stops)."""
        while self._idle:
            _quit(self._idle.pop()[0])

    def _take(self) -> smtplib.SMTP | None:
        now = time.monotonic()
        while True:
            try:
                smtp, since = self._idle.pop()  # the most recent: the least likely closed
            except IndexError:
                return None
            if now - since <= self.settings.keep_idle_seconds:
                return smtp
            _quit(smtp)

    def _give_back(self, smtp: smtplib.SMTP) -> None:
        if len(self._idle) < self.settings.keep_connections:
            self._idle.append((smtp, time.monotonic()))
        else:
            _quit(smtp)


def send(mail: Mail, settings: SmtpSettings, headers: dict[str, str]) -> str:
    """Send one mail on a connection of its own; returns its Message-ID. Raises
    Transient/PermanentMailError."""
    message_id, message = compose(mail, settings.sender, headers)
    with _answers():
        smtp = _connect(settings)
        try:
            _transmit(smtp, settings.sender, mail.to, message)
        except _NothingSent as lost:
            raise lost.cause from lost
        finally:
            _quit(smtp)
    return message_id


# Lines end in CRLF on the wire: smtplib's ``data`` sends bytes as they are (only a str has its
# line ends fixed), and a server reads a message of bare LFs as one line too long. Headers are
# folded only past RFC 5322's 998 characters: compat32 would otherwise move a long link (a
# List-Unsubscribe URL) to a line of its own, and readers keep the fold's space in the value.
_WIRE = compat32.clone(linesep="\r\n", max_line_length=998)
_UTF8 = Charset("utf-8")
_UTF8.body_encoding = BASE64  # 7-bit clean, whatever the server's extensions


def compose(mail: Mail, sender: str, headers: dict[str, str]) -> tuple[str, bytes]:
    """The Message-ID and the message as it goes on the wire."""
    message = MIMEMultipart("alternative")
    name, address = parseaddr(sender)
    message["From"] = formataddr((name, address), charset="utf-8")
    message["To"] = mail.to
    message["Subject"] = Header(mail.subject, "utf-8" if not mail.subject.isascii() else None)
    message["Date"] = formatdate(usegmt=True)
    message_id = make_msgid(domain="workbuddy.local")
    message["Message-ID"] = message_id
    for header, value in (mail.headers | headers).items():
        message[header] = value
    message.attach(MIMEText(_line_ended(mail.text), "plain", _UTF8))
    message.attach(MIMEText(_line_ended(mail.html), "html", _UTF8))
    return message_id, message.as_bytes(policy=_WIRE)


def _line_ended(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"  # as EmailMessage.set_content does


class _NothingSent(Exception):
    """The connection failed before the server accepted anything of the mail."""

    def __init__(self, cause: Exception):
        super().__init__(str(cause))
        self.cause = cause


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        smtp.ehlo()
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if settings.username:
            smtp.login(settings.username, settings.password)
    except BaseException:
        _close(smtp)
        raise
    return smtp


def _transmit(smtp: smtplib.SMTP, sender: str, to: str, message: bytes) -> None:
    """MAIL, RCPT and DATA on an open connection, which stays usable for the next mail when
    this one is refused. Raises _NothingSent when the connection is lost (or the server says it
    is closing) before DATA: whatever happened, the mail was not accepted."""
    from_address = parseaddr(sender)[1]
    options = [] if from_address.isascii() and to.isascii() else ["SMTPUTF8"]
    try:
        code, answer = smtp.mail(from_address, options)
        if code == CLOSING:
            raise smtplib.SMTPServerDisconnected(f"{code} {answer.decode(errors='replace')}")
        if code != 250:
            _reset(smtp)
            raise smtplib.SMTPSenderRefused(code, answer, from_address)
        code, answer = smtp.rcpt(to)
        if code == CLOSING:
            raise smtplib.SMTPServerDisconnected(f"{code} {answer.decode(errors='replace')}")
        if code not in (250, 251):
            _reset(smtp)
            raise smtplib.SMTPRecipientsRefused({to: (code, answer)})
    except (smtplib.SMTPServerDisconnected, ConnectionError, TimeoutError) as exc:
        raise _NothingSent(exc) from exc
    code, answer = smtp.data(message)
    if code != 250:
        _reset(smtp)
        raise smtplib.SMTPDataError(code, answer)


class _answers:
    """What the server's answers and the network's failures mean for the caller: Transient or
    PermanentMailError."""

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if exc is None or isinstance(exc, (TransientMailError, PermanentMailError)):
            return False
        if isinstance(exc, _NothingSent):
            exc = exc.cause
        if isinstance(exc, smtplib.SMTPAuthenticationError):
            # Our credentials, not the mail: kept for retry while the operator fixes (or
            # finishes rotating) SMTP_USERNAME / SMTP_PASSWORD, never recorded as failed for good.
            raise TransientMailError(f"the mail server refused our credentials ({exc.smtp_code}); "
                                     "check SMTP_USERNAME and SMTP_PASSWORD") from exc
        if isinstance(exc, smtplib.SMTPResponseException):
            answer = f"{exc.smtp_code} {_text(exc.smtp_error)}"
            if exc.smtp_code == AUTHENTICATION_REQUIRED:
                raise TransientMailError(f"{answer}: the mail server wants a login; set "
                                         "SMTP_USERNAME and SMTP_PASSWORD") from exc
            if 400 <= exc.smtp_code < 500:
                raise TransientMailError(answer) from exc
            raise PermanentMailError(answer) from exc
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            codes = [code for code, _ in exc.recipients.values()]
            answer = f"recipient refused: {exc.recipients}"
            if all(400 <= c < 500 for c in codes):
                raise TransientMailError(answer) from exc
            raise PermanentMailError(answer) from exc
        if isinstance(exc, (TimeoutError, smtplib.SMTPException, OSError)):
            raise TransientMailError(f"{type(exc).__name__}: {exc}") from exc
        return False


def _text(answer) -> str:
    return answer.decode(errors="replace") if isinstance(answer, bytes) else str(answer)


def _reset(smtp: smtplib.SMTP) -> None:
    """After a refusal, RSET makes the connection ready for the next mail; if even that fails,
    the connection is dropped by the caller's error path."""
    try:
        smtp.rset()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def _quit(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def _close(smtp: smtplib.SMTP) -> None:
    smtp.close()
