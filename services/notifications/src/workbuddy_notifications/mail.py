"""Moment emails: what they say (templates per tone and language) and how they leave (SMTP)."""

import os
import smtplib
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from jinja2 import Environment, PackageLoader, StrictUndefined

from workbuddy_contracts.vocabulary import tone_of

from .wording import KIND_LABELS

_templates = Environment(loader=PackageLoader("workbuddy_notifications", "templates"),
                         undefined=StrictUndefined, keep_trailing_newline=True)


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


def moment_mail(*, moment: dict, author: dict, recipient: dict) -> Mail:
    language = recipient["language"]
    template = _templates.get_template(f"{language}/{tone_of(moment['kind']).value}.txt")
    context = template.new_context({
        "recipient": recipient["display_name"],
        "author": author["display_name"],
        "label": KIND_LABELS[language][moment["kind"]],
        "note": moment.get("note"),
    })
    subject = "".join(template.blocks["subject"](context)).strip()
    body = "".join(template.blocks["body"](context)).strip() + "\n"
    return Mail(to=recipient["email"], subject=subject, body=body)


class TransientMailError(Exception):
    """The mail server may accept later (4xx, timeout, connection refused): retry."""


class PermanentMailError(Exception):
    """The mail server refused for good (5xx): record the answer, do not retry."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str = field(default_factory=lambda: os.environ.get("SMTP_HOST", "127.0.0.1"))
    port: int = field(default_factory=lambda: int(os.environ.get("SMTP_PORT", "1025")))
    sender: str = field(default_factory=lambda: os.environ.get(
        "MAIL_FROM", "Work Buddy <buddies@workbuddy.local>"))
    timeout: float = field(default_factory=lambda: float(os.environ.get("SMTP_TIMEOUT", "10")))


def send(mail: Mail, settings: SmtpSettings, headers: dict[str, str]) -> str:
    """Send one mail; returns its Message-ID. Raises Transient/PermanentMailError."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain="workbuddy.local")
    for name, value in headers.items():
        message[name] = value
    message.set_content(mail.body)
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
            smtp.send_message(message)
    except smtplib.SMTPResponseException as exc:
        answer = f"{exc.smtp_code} {exc.smtp_error.decode(errors='replace')}"
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
