"""Whether a member can be reached right now, from what matching knows of them.

A setback calls for someone *now*: a buddy in deep focus, asleep in their quiet hours in their
own time zone, or long gone quiet is not there for it, however good a buddy they are. Nor is a
buddy who asked for their news in a daily digest: they read it hours later, at the digest time
on their clock (notifications sends it then, or when their focus or quiet hours end).

Pure: the caller passes the pool document and the time.
"""

from datetime import datetime, timedelta

from workbuddy_contracts.availability import as_datetime, free_from, in_quiet_hours, next_digest
from workbuddy_contracts.profile import default_profile

# Nothing logged, no reaction, no profile change for this long: not someone to count on today.
INACTIVE_AFTER = timedelta(days=30)

FOCUS, QUIET_HOURS, INACTIVE, DIGEST = "focus", "quiet_hours", "inactive", "digest"


def unreachable_because(doc: dict, now: datetime) -> str | None:
    """None when the member can be reached at ``now``; else why not: focus, digest (they read
    their news once a day), quiet_hours or inactive."""
    profile = _profile(doc)
    availability = profile.get("availability") or {}
    focus_until = as_datetime(availability.get("focus_until"))
    if focus_until is not None and focus_until > now:
        return FOCUS
    seen = [as_datetime(doc.get(f)) for f in ("last_active_at", "profile_updated_at", "registered_at")]
    seen = [s for s in seen if s is not None]
    inactive = bool(seen) and now - max(seen) > INACTIVE_AFTER
    if availability.get("delivery") == "digest" and not inactive:
        return DIGEST  # asleep or not, what they are told waits for their digest
    quiet = availability.get("quiet_hours")
    if quiet and in_quiet_hours(quiet["start"], quiet["end"], profile["time_zone"], now):
        return QUIET_HOURS
    return INACTIVE if inactive else None


def paused_until(doc: dict | None, now: datetime) -> datetime | None:
    """Until when the member asked matching for no new buddy (None: not paused now)."""
    profile = (doc or {}).get("profile") or {}
    until = as_datetime(profile.get("matching_paused_until"))
    return until if until is not None and until > now else None


def proven(doc: dict | None) -> bool:
    """Whether the member proved their address (members from before verification did): until
    then matching proposes them to nobody, and nobody to them."""
    return (doc or {}).get("email_verified") is not False


def not_paused(docs: list[dict], now: datetime) -> list[dict]:
    """The members of ``docs`` matching may propose to, or for, now."""
    return [doc for doc in docs if paused_until(doc, now) is None]


def reachable_from(doc: dict, now: datetime) -> datetime | None:
    """When the member can next be reached: ``now`` if they can, the end of their focus or
    quiet hours (whichever comes last, when one runs into the other), None when they have been
    inactive too long to count on. A member on a daily digest reads what they are told when it
    leaves: when their focus ends, else at the next digest time (past their quiet hours)."""
    why = unreachable_because(doc, now)
    if why is None:
        return now
    if why == INACTIVE:
        return None
    profile = _profile(doc)
    availability = profile.get("availability") or {}
    zone = profile["time_zone"]
    start = next_digest(zone, now) if why == DIGEST else now
    return free_from(start, focus_until=as_datetime(availability.get("focus_until")),
                     quiet_hours=availability.get("quiet_hours"), zone_name=zone)


def digest_member(doc: dict | None) -> bool:
    """Whether the member reads their news in a daily digest."""
    return bool(doc) and (_profile(doc).get("availability") or {}).get("delivery") == "digest"


def _profile(doc: dict) -> dict:
    return default_profile(doc.get("language", "en")) | (doc.get("profile") or {})
