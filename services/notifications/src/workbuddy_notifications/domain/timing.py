"""When a notification may reach a member on a channel: now, later, in the digest, or not at all.

The article: needs change over the day and the year, sometimes deep focus, sometimes sharing.
So a member chooses, per kind of notification and per channel, whether to be told at all; their
quiet hours (in their own time zone) hold notifications until they end, never dropping them; a
setback may break quiet hours only if the member allowed it; focus mode, or a member who asked
for a digest, gathers everything into one mail (sent when focus ends, or daily). The digest
mail keeps the same rules: one that falls due inside quiet hours or focus leaves when they end.

Pure: the caller passes the recipient's settings and the time (an injectable clock in tests).
"""

from dataclasses import dataclass
from datetime import datetime

from workbuddy_contracts.availability import as_datetime, free_from, next_digest, quiet_hours_end

NOW, LATER, DIGEST, NEVER = "now", "later", "digest", "never"


@dataclass(frozen=True)
class When:
    how: str  # NOW, LATER, DIGEST or NEVER
    at: datetime | None = None  # for LATER and DIGEST: when it goes


def when(*, kind: str, channel: str, urgent: bool, recipient: dict, now: datetime) -> When:
    """``recipient``: its ``time_zone``, ``availability`` (focus_until, quiet_hours, delivery)
    and ``preferences`` ({kind: {channel: bool}}, with ``setbacks_break_quiet_hours``).
    ``urgent``: a setback (or an urgent ask) that may break quiet hours if allowed."""
    preferences = recipient.get("preferences") or {}
    if not (preferences.get(kind) or {}).get(channel, True):
        return When(NEVER)
    availability = recipient.get("availability") or {}
    zone = recipient.get("time_zone")
    focus_until = as_datetime(availability.get("focus_until"))
    if focus_until is not None and focus_until > now:
        return When(DIGEST, focus_until)  # the digest leaves when focus ends
    if availability.get("delivery") == "digest":
        return When(DIGEST, next_digest(zone, now))
    quiet = availability.get("quiet_hours")
    if quiet:
        ends = quiet_hours_end(quiet["start"], quiet["end"], zone, now)
        if ends is not None and not (urgent and preferences.get("setbacks_break_quiet_hours")):
            return When(LATER, ends)
    return When(NOW)


def digest_leaves(*, recipient: dict, now: datetime) -> datetime:
    """When a digest due at ``now`` may leave: ``now``, or the end of the focus or quiet hours
    it falls in (on the member's own clock). A digest gathers what focus or digest delivery set
    aside, urgent or not: it never breaks quiet hours."""
    availability = recipient.get("availability") or {}
    return free_from(now, focus_until=as_datetime(availability.get("focus_until")),
                     quiet_hours=availability.get("quiet_hours"),
                     zone_name=recipient.get("time_zone"))


def rules_of(settings: dict) -> dict:
    """Stored settings ({"kinds": {kind: {channel: bool}}, ...}) as ``when`` reads them."""
    return (settings.get("kinds") or {}) | {
        "setbacks_break_quiet_hours": settings.get("setbacks_break_quiet_hours", False)}
