"""Mails: rendered from Jinja2 templates (text and HTML, French and English, one tone per kind)
and sent over SMTP as one multipart/alternative message.

A kind's template (``<language>/<name>.jinja``) says what the mail says in blocks; the two
layouts (layout.txt, layout.html) say how it looks. The same blocks render twice, escaped for
HTML and as they are for text, so the two parts never tell different stories.
"""

import os
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from babel import Locale
from babel.dates import format_date, format_time
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from workbuddy_contracts.availability import zone as zone_of


def _environment(autoescape: bool) -> Environment:
    env = Environment(loader=PackageLoader("workbuddy_notifications", "templates"),
                      undefined=StrictUndefined, autoescape=autoescape,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["paragraphs"] = lambda block: _paragraphs(block)
    return env


_TEXT, _HTML = _environment(autoescape=False), _environment(autoescape=True)
# Colours of the HTML mail's top border and button, by tone: each at least 4.5:1 against the
# button's white text (WCAG AA), whatever the warmth of the tone.
COLOURS = {"celebration": "#8a6200", "support": "#2f5f8f", "advice": "#b0441c", "warmth": "#2f7a53",
           "news": "#5d547e"}


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str
    headers: dict[str, str] = field(default_factory=dict)


def render(template: str, *, language: str, time_zone: str | None, to: str, context: dict,
           tone: str, headers: dict[str, str] | None = None) -> Mail:
    """One mail from ``<language>/<template>.jinja``; ``context`` may hold datetimes under any
    name: the templates call ``when(at)`` to show them in the recipient's zone and language."""
    names = {"language": language, "colour": COLOURS[tone], "note": None, "items": None,
             "action_url": None, "when": lambda at: local_time(at, language, time_zone),
             "plural": lambda n, one, other: plural(n, one, other, language)} | context
    text = _TEXT.get_template(f"{language}/{template}.jinja")
    text_context = text.new_context(names | {"layout": "layout.txt"})
    subject = "".join(text.blocks["subject"](text_context)).strip()
    return Mail(to=to, subject=subject,
                text=_tidy(text.render(names | {"layout": "layout.txt"})),
                html=_HTML.get_template(f"{language}/{template}.jinja").render(
                    names | {"layout": "layout.html"}),
                headers=headers or {})


def local_time(at: datetime, language: str, time_zone: str | None) -> str:
    """'jeudi 26 novembre 2026, 15:41' / 'Thursday, November 26, 2026, 3:41 PM': the day in
    full and the time as the member's language writes them, in the member's zone."""
    local = at.astimezone(zone_of(time_zone))
    time, day = format_time(local, "short", locale=language), format_date(local, "full", locale=language)
    return str(Locale.parse(language).datetime_formats["full"]).format(time, day)


def plural(n: int, one: str, other: str, language: str) -> str:
    """Babel's plural rule for the language: French says '0 notification', English '0 notifications'."""
    return one if Locale.parse(language).plural_form(n) == "one" else other


def _paragraphs(block: str) -> list[str]:
    """A block's paragraphs (separated by a blank line), each kept as safe as the block was."""
    wrap = Markup if isinstance(block, Markup) else str
    return [wrap(p.strip()) for p in str(block).split("\n\n") if p.strip()]


def _tidy(text: str) -> str:
    lines = [line.rstrip() if line != "-- " else line for line in text.splitlines()]
    out: list[str] = []
    for line in lines:  # at most one blank line in a row
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip() + "\n"


class TransientMailError(Exception):
    """The mail server may accept later (4xx, timeout, connection refused): retry."""


AUTHENTICATION_REQUIRED = 530  # RFC 4954: our configuration is missing, not the mail wrong


class PermanentMailError(Exception):
    """The mail server refused for good (5xx): record the answer, do not retry."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str = field(default_factory=lambda: os.environ.get("SMTP_HOST", "127.0.0.1"))
    port: int = field(default_factory=lambda: int(os.environ.get("SMTP_PORT", "1025")))
    sender: str = field(default_factory=lambda: os.environ.get(
        "MAIL_FROM", "Work Buddy <buddies@workbuddy.local>"))
    timeout: float = field(default_factory=lambda: float(os.environ.get("SMTP_TIMEOUT", "10")))
    # A provider's relay: STARTTLS, then AUTH. Both off for a local catcher such as Mailpit.
    starttls: bool = field(default_factory=lambda: os.environ.get(
        "SMTP_STARTTLS", "").lower() in ("1", "true", "yes"))
    username: str = field(default_factory=lambda: os.environ.get("SMTP_USERNAME", ""))
    password: str = field(default_factory=lambda: os.environ.get("SMTP_PASSWORD", ""), repr=False)


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

