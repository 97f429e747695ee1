"""The account's own mails, which go whatever the member chose to be told and even to an address
not verified yet: the link that proves it, the warning that someone tried to sign up with it,
the link to choose a new password. None of them carries an unsubscribe link: each answers
something done with the address."""

from datetime import datetime

from . import mails, wording
from .messages import Links

VERIFY, CLAIMED, RESET = "address_verification", "address_claimed", "password_reset"
KINDS = (VERIFY, CLAIMED, RESET)
_TEMPLATES = {VERIFY: "verify_address", CLAIMED: "address_claimed", RESET: "password_reset"}
_UNITS = {"en": (("hour", "hours"), ("minute", "minutes")),
          "fr": (("heure", "heures"), ("minute", "minutes"))}


def mail_for(kind: str, payload: dict, *, links: Links, now: datetime) -> mails.Mail:
    language = wording.written_in(payload["language"])
    context = {"recipient": payload["display_name"], "address": payload["email"]}
    if kind == VERIFY:
        context |= {"action_url": links.app_url(f"verify/{payload['token']}"),
                    "life": life(payload["expires_at"] - now, language)}
    elif kind == RESET:
        context |= {"action_url": links.app_url(f"reset/{payload['token']}"),
                    "life": life(payload["expires_at"] - now, language)}
    else:
        context |= {"action_url": links.app_url("forgot")}
    return mails.render(_TEMPLATES[kind], language=language, time_zone=None, to=payload["email"],
                        tone="news", context=context,
                        headers={"Auto-Submitted": "auto-generated"})


def life(left, language: str) -> str:
    """"24 hours", "30 minutes": how long a link still works, as the mail says it."""
    minutes = max(1, round(left.total_seconds() / 60))
    (hour, hours), (minute, minutes_word) = _UNITS[language]
    if minutes >= 60 and minutes % 60 == 0:
        n = minutes // 60
        return f"{n} {mails.plural(n, hour, hours, language)}"
    return f"{minutes} {mails.plural(minutes, minute, minutes_word, language)}"
