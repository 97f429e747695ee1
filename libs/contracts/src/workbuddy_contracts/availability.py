"""A member's time, read in their own time zone: quiet hours and when they end, focus, and
when their daily digest leaves.

Quiet hours are a daily window of local clock time ("21:00" to "08:00", which may wrap past
midnight). Matching asks whether a buddy can be reached now, and when they will read what they
are told; notifications ask until when to hold a notification or a digest. Both read the same
rules here, so that they never disagree.
"""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# A member who asked for a digest gets it once a day, at this time on their own clock.
DIGEST_AT = "18:00"


def as_datetime(value) -> datetime | None:
    """A date as the store gives it (a datetime) or as it arrives inside an event (ISO text)."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def times_on_clock(times: list[datetime], time_zone: str | None) -> dict | None:
    """Times to call ("call me?") as a member reads them: on their own clock, with its name."""
    if not times:
        return None
    clock = zone(time_zone)
    return {"times": [t.astimezone(clock).isoformat() for t in times], "time_zone": clock.key}


def clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def in_quiet_hours(start: str, end: str, zone_name: str | None, now: datetime) -> bool:
    """Whether ``now`` falls in the daily window [start, end) of the member's local time. A
    window whose start equals its end is empty."""
    local = now.astimezone(zone(zone_name)).time()
    begins, ends = clock(start), clock(end)
    if begins == ends:
        return False
    if begins < ends:
        return begins <= local < ends
    return local >= begins or local < ends


def next_local(at: str, zone_name: str | None, now: datetime) -> datetime:
    """The next time the member's clock reads ``at`` after ``now``, in UTC. On a day when that
    time does not exist (clocks jump forward over it), the first moment after the jump."""
    tz = zone(zone_name)
    local_now = now.astimezone(tz)
    wanted = clock(at)
    for days in range(0, 3):
        day = local_now.date() + timedelta(days=days)
        candidate = datetime.combine(day, wanted, tz)
        if candidate.astimezone(UTC).astimezone(tz).time() != wanted:
            candidate = _after_the_jump(candidate, tz)
        if candidate > local_now:
            return candidate.astimezone(UTC)
    raise AssertionError("a local time recurs within three days")  # pragma: no cover


def quiet_hours_end(start: str, end: str, zone_name: str | None, now: datetime) -> datetime | None:
    """When the quiet hours ``now`` is in end (UTC); None when ``now`` is not in them."""
    if not in_quiet_hours(start, end, zone_name, now):
        return None
    return next_local(end, zone_name, now)


def next_digest(zone_name: str | None, now: datetime) -> datetime:
    """When the daily digest of a member in ``zone_name`` falls due next (UTC), before focus or
    quiet hours may push it later (``free_from``)."""
    return next_local(DIGEST_AT, zone_name, now)


def free_from(at: datetime, *, focus_until: datetime | None, quiet_hours: dict | None,
              zone_name: str | None) -> datetime:
    """The first moment from ``at`` on outside the member's focus and quiet hours: ``at`` when
    it is outside both; else the end of the focus or quiet hours it falls in, or of the quiet
    hours that focus ends in (or the focus those quiet hours end in)."""
    for _ in range(4):
        if focus_until is not None and focus_until > at:
            at = focus_until
            continue
        ends = quiet_hours_end(quiet_hours["start"], quiet_hours["end"], zone_name, at) \
            if quiet_hours else None
        if ends is None:
            return at
        at = ends
    return at


def _after_the_jump(wall: datetime, tz: ZoneInfo) -> datetime:
    """A wall time inside a spring-forward gap: the instant the clocks jump (the first moment
    that exists after it). Read with the offset after the jump it is before the gap, with the
    offset before it after; the jump lies between, on a minute."""
    instant = wall.replace(fold=1).astimezone(UTC)
    latest = wall.replace(fold=0).astimezone(UTC)
    after = wall.replace(fold=0).astimezone(UTC).astimezone(tz).utcoffset()
    while instant < latest and instant.astimezone(tz).utcoffset() != after:
        instant += timedelta(minutes=1)
    return instant.astimezone(tz)
