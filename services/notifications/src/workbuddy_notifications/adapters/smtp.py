"""Mails leave over SMTP, as one multipart/alternative message (text and HTML), to a local
catcher in development or a provider's relay (STARTTLS, then a login) in production.

``send`` says by its exception what the caller should do next: retry later
(TransientMailError) or record the failure (PermanentMailError).
"""

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from ..domain.mails import Mail


class TransientMailError(Exception):
    """The mail server may accept later (4xx, timeout, connection refused): retry."""


AUTHENTICATION_REQUIRED = 530  # RFC 4954: our configuration is missing, not the mail wrong


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


class MailServer:
    """The mail sender the use cases are given: one SMTP server's settings."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings

    def send(self, mail: Mail, headers: dict[str, str]) -> str:
        return send(mail, self.settings, headers)


def send(mail: Mail, settings: SmtpSettings, headers: dict[str, str]) -> str:
    """Send one mail; returns its Message-ID. Raises Transient/PermanentMailError."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain="workbuddy.local")
    for name, value in (mail.headers | headers).items():
        message[name] = value
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.username:
                smtp.login(settings.username, settings.password)
            smtp.send_message(message)
    except smtplib.SMTPAuthenticationError as exc:
        # Our credentials, not the mail: kept for retry while the operator fixes (or finishes
        # rotating) SMTP_USERNAME / SMTP_PASSWORD, never recorded as failed for good.
        raise TransientMailError(f"the mail server refused our credentials ({exc.smtp_code}); "
                                 "check SMTP_USERNAME and SMTP_PASSWORD") from exc
    except smtplib.SMTPResponseException as exc:
        answer = f"{exc.smtp_code} {exc.smtp_error.decode(errors='replace')}"
        if exc.smtp_code == AUTHENTICATION_REQUIRED:
            raise TransientMailError(f"{answer}: the mail server wants a login; set SMTP_USERNAME "
                                     "and SMTP_PASSWORD") from exc
        if 400 <= exc.smtp_code < 500:
            raise TransientMailError(answer) from exc
        raise PermanentMailError(answer) from exc
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        answer = f"recipient refused: {exc.recipients}"
        if all(400 <= c < 500 for c in codes):
            raise TransientMailError(answer) from exc
        raise PermanentMailError(answer) from exc
    except (TimeoutError, smtplib.SMTPException, OSError) as exc:
        raise TransientMailError(f"{type(exc).__name__}: {exc}") from exc
    return message["Message-ID"]
