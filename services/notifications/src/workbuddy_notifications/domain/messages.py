"""What one notification says on each channel it goes out on: which of the member's settings
rule it, the mail (template, tone, links, headers) and the push payload.

A notification is an in-app item (domain/inbox.py); mail and push are ways of telling it.
Items that only the app shows (a round without a buddy, a quiet buddy) have no preference kind.
"""

from datetime import datetime
from typing import Protocol

from workbuddy_contracts.vocabulary import ASKS, SETBACKS, tone_of

from . import inbox, mails, wording
from .wording import FORMER, KIND_LABELS, REACTION_LABELS

_TONE_KIND = {"celebration": "win", "support": "setback", "advice": "ask"}
_BUDDYSHIP = (inbox.PROPOSED, inbox.STARTED, inbox.ENDED)
_TONE_OF_BUDDYSHIP = {inbox.PROPOSED: "warmth", inbox.STARTED: "warmth", inbox.ENDED: "news"}
ALL_KINDS = "all"  # a digest's unsubscribe: no more mail of any kind


class Links(Protocol):
    """The links a mail carries, signed by the caller's signer (adapters/links.py)."""

    def app_url(self, view: str) -> str: ...

    def unsubscribe_url(self, member_id: str, kind: str, language: str) -> str: ...

    def react_url(self, member_id: str, moment_id: str, reaction: str, language: str) -> str: ...


def preference_kind(item: dict) -> str | None:
    """The kind a member turns on or off per channel (PREFERENCE_KINDS); None: app only."""
    if item["kind"] == inbox.MOMENT:
        return _TONE_KIND[tone_of(item["data"]["kind"]).value]
    if item["kind"] == inbox.REACTION:
        return "reaction"
    if item["kind"] in _BUDDYSHIP:
        return "buddyship"
    if item["kind"] == inbox.MESSAGE:
        return "message"
    if item["kind"] == inbox.CHECK_IN and item["data"]["step"] in inbox.CHECK_IN_ASKING:
        return "buddyship"
    if item["kind"] == inbox.ASK_HELP or (item["kind"] == inbox.ASK_UPDATE
                                          and item["data"]["step"] in inbox.ASKER_STEPS):
        return "ask"
    return None


def is_urgent(item: dict) -> bool:
    """May break quiet hours, if the member allowed it: a setback, a call for urgent advice, or
    a buddy's message answering a setback or an ask."""
    if item["kind"] == inbox.MESSAGE:
        return item["data"].get("about_kind") in SETBACKS + ASKS
    if item["kind"] == inbox.ASK_HELP:
        return True
    return item["kind"] == inbox.MOMENT and (item["data"]["kind"] in SETBACKS
                                             or item["data"]["kind"] == "urgent_advice")


def mail_for(item: dict, *, recipient: dict, subject: dict | None, moment: dict | None,
             links: Links) -> mails.Mail:
    """The mail telling ``recipient`` of ``item``; ``subject`` is the other member (None when
    they left), ``moment`` the moment the item is about, if any."""
    language = _language(recipient)
    name = (subject or {}).get("display_name") or FORMER[language]
    context = {"recipient": recipient["display_name"]}
    kind, data = item["kind"], item["data"]
    if kind == inbox.MOMENT:
        tone = tone_of(data["kind"]).value
        template = tone
        context |= {"author": name, "label": KIND_LABELS[language][data["kind"]],
                    "note": (moment or {}).get("note"), "logged": _when(item["at"], recipient),
                    "action_url": links.react_url(recipient["_id"], data["moment_id"],
                                                  "cheer" if tone == "celebration" else "support",
                                                  language)}
    elif kind == inbox.REACTION:
        template, tone = "reaction", "celebration" if data["kind"] == "cheer" else "support"
        context |= {"reactor": name, "reaction": REACTION_LABELS[data["kind"]][language],
                    "label": KIND_LABELS[language].get((moment or {}).get("kind", ""), ""),
                    "note": data.get("message"), "reacted": _when(item["at"], recipient)}
    elif kind in _BUDDYSHIP:
        template, tone = kind, _TONE_OF_BUDDYSHIP[kind]
        if kind == inbox.ENDED and data.get("kindly"):
            tone = "warmth"
        reasons = data.get("reasons") or {}  # for proposals: {language: [reason, ...]}
        told = (reasons.get(language) or reasons.get("en") or []) if isinstance(reasons, dict) else []
        context |= {"other": name, "since": _when(item["at"], recipient), "reasons": " ".join(told),
                    "kindly": bool(data.get("kindly")),
                    # Where to answer a proposal or meet a new buddy; an end needs nothing done.
                    "action_url": links.app_url("buddies") if kind != inbox.ENDED else None}
    elif kind == inbox.MESSAGE:
        template, tone = "message", "warmth"
        context |= {"author": name, "count": wording.messages_count(data["count"], language),
                    "since": _when(datetime.fromisoformat(data["first_sent_at"]), recipient),
                    "note": data["last_text"] or None,
                    "action_url": links.app_url(f"conversations/{data['buddyship_id']}")}
    elif kind == inbox.CHECK_IN:
        template, tone = "check_in", "warmth"
        mode = data.get("mode") or {}
        context |= {"other": name, "step": data["step"], "trial": data.get("kind") == "trial",
                    "mode": wording.mode_of(mode, language) if mode else None,
                    "until": _when(datetime.fromisoformat(data["closes_at"]), recipient)
                    if data.get("closes_at") else None,
                    "action_url": links.app_url(f"check-ins/{data['check_in_id']}")}
    elif kind == inbox.ASK_HELP:
        template, tone = "ask_help", "advice"
        context |= {"author": name, "label": KIND_LABELS[language][data["kind"]],
                    "note": data.get("note"), "skills": ", ".join(data.get("skills") or []),
                    "until": _when(datetime.fromisoformat(data["closes_at"]), recipient),
                    "action_url": links.app_url("asks")}
    elif kind == inbox.ASK_UPDATE:
        template, tone = "ask_update", "warmth" if data["step"] == "taken" else "news"
        context |= {"helper": name, "step": data["step"], "reason": data.get("reason"),
                    "helpers": data.get("helpers", 0),
                    "action_url": links.app_url(f"conversations/{data['buddyship_id']}")
                    if data["step"] == "taken" else links.app_url("asks")}
    else:
        raise ValueError(f"{kind!r} notifications are shown in the app only")
    # A setback or a call for urgent advice: mail apps flag it.
    flags = {"Importance": "high", "X-Priority": "2"} if is_urgent(item) else {}
    return _with_unsubscribe(template, tone, recipient, preference_kind(item), context, links, flags)


def digest_mail(items: list[tuple[dict, dict | None]], *, recipient: dict, links: Links) -> mails.Mail:
    """One mail gathering what was held for the digest: ``items`` are (item, other member)."""
    language = _language(recipient)
    lines = [{"when": _when(item["at"], recipient),
              "text": wording.describe(item["kind"], item["data"],
                                       (other or {}).get("display_name"), language)}
             for item, other in sorted(items, key=lambda pair: pair[0]["at"])]
    return _with_unsubscribe("digest", "news", recipient, ALL_KINDS,
                             {"recipient": recipient["display_name"], "items": lines,
                              "count": len(lines)}, links)


def push_for(item: dict, *, recipient: dict, subject: dict | None) -> dict:
    """A small payload: who and what, never a note (a lock screen is not private)."""
    language = _language(recipient)
    if item["kind"] == inbox.MOMENT:
        return wording.moment_push({"_id": item["data"]["moment_id"], "kind": item["data"]["kind"]},
                                   subject or {}, language)
    # Never a note, a reaction's words or a message's text on a lock screen.
    private = ("message", "last_text", "note")
    return wording.push_of(item["kind"], {k: v for k, v in item["data"].items() if k not in private},
                           (subject or {}).get("display_name"), language, item["_id"])


def push_urgency(item: dict) -> str:
    return "high" if item["kind"] == inbox.MOMENT and item["data"]["kind"] in SETBACKS else "normal"


def _with_unsubscribe(template: str, tone: str, recipient: dict, kind: str, context: dict,
                      links: Links, headers: dict | None = None) -> mails.Mail:
    language = _language(recipient)
    url = links.unsubscribe_url(recipient["_id"], kind, language)
    return mails.render(template, language=language, time_zone=recipient.get("time_zone"),
                       to=recipient["email"], tone=tone,
                       context=context | {"unsubscribe_url": url,
                                          "unsubscribe": wording.UNSUBSCRIBE[language][kind]},
                       # RFC 2369 and RFC 8058: mail apps show an unsubscribe button that POSTs.
                       headers={"List-Unsubscribe": f"<{url}>",
                                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                                "Auto-Submitted": "auto-generated"} | (headers or {}))


def _when(at: datetime, recipient: dict) -> str:
    return mails.local_time(at, _language(recipient), recipient.get("time_zone"))


def _language(recipient: dict) -> str:
    return wording.written_in(recipient.get("language"))
