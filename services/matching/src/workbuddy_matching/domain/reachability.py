"""Whether a member can be reached right now, from what matching knows of them.

A setback calls for someone *now*: a buddy in deep focus, asleep in their quiet hours in their
own time zone, or long gone quiet is not there for it, however good a buddy they are.

Pure: the caller passes the pool document and the time.
"""

from datetime import datetime, timedelta

from workbuddy_contracts.availability import as_datetime, in_quiet_hours, quiet_hours_end
from workbuddy_contracts.profile import default_profile

# Nothing logged, no reaction, no profile change for this long: not someone to count on today.
INACTIVE_AFTER = timedelta(days=30)

FOCUS, QUIET_HOURS, INACTIVE = "focus", "quiet_hours", "inactive"


def unreachable_because(doc: dict, now: datetime) -> str | None:
    """None when the member can be reached at ``now``; else why not: focus, quiet_hours or
    inactive."""
    profile = default_profile(doc.get("language", "en")) | (doc.get("profile") or {})
    availability = profile.get("availability") or {}
    focus_until = as_datetime(availability.get("focus_until"))
    if focus_until is not None and focus_until > now:
        return FOCUS
    quiet = availability.get("quiet_hours")
    if quiet and in_quiet_hours(quiet["start"], quiet["end"], profile["time_zone"], now):
        return QUIET_HOURS
    seen = [as_datetime(doc.get(f)) for f in ("last_active_at", "profile_updated_at", "registered_at")]
    seen = [s for s in seen if s is not None]
    if seen and now - max(seen) > INACTIVE_AFTER:
        return INACTIVE
    return None


def paused_until(doc: dict | None, now: datetime) -> datetime | None:
    """Until when the member asked matching for no new buddy (None: not paused now)."""
    profile = (doc or {}).get("profile") or {}
    until = as_datetime(profile.get("matching_paused_until"))
    return until if until is not None and until > now else None


def not_paused(docs: list[dict], now: datetime) -> list[dict]:
    """The members of ``docs`` matching may propose to, or for, now."""
    return [doc for doc in docs if paused_until(doc, now) is None]


def reachable_from(doc: dict, now: datetime) -> datetime | None:
    """When the member can next be reached: ``now`` if they can, the end of their focus or
    quiet hours (whichever comes last, when one runs into the other), None when they have been
    inactive too long to count on."""
    at = now
    for _ in range(4):  # focus ending inside quiet hours, quiet hours ending inside focus...
        why = unreachable_because(doc, at)
        if why is None:
            return at
        if why == INACTIVE:
            return None
        profile = default_profile(doc.get("language", "en")) | (doc.get("profile") or {})
        availability = profile.get("availability") or {}
        if why == FOCUS:
            at = as_datetime(availability["focus_until"])
        else:
            quiet = availability["quiet_hours"]
            at = quiet_hours_end(quiet["start"], quiet["end"], profile["time_zone"], at) or at
    return at
