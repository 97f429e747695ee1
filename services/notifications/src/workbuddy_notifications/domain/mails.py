"""Mails as a member reads them: rendered from Jinja2 templates (text and HTML, French and
English, one tone per kind); adapters/smtp.py sends them as one multipart/alternative message.

A kind's template (``<language>/<name>.jinja``) says what the mail says in blocks; the two
layouts (layout.txt, layout.html) say how it looks. The same blocks render twice, escaped for
HTML and as they are for text, so the two parts never tell different stories.
"""

from dataclasses import dataclass, field
from datetime import datetime

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
    # The account's own mails (a link to verify, to reset) carry no unsubscribe link.
    names = {"language": language, "colour": COLOURS[tone], "note": None, "items": None,
             "unsubscribe": None, "unsubscribe_url": None,
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
