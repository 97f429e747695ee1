"""When a member is really there, which the system only partly knows.

A member is unavailable while asleep (inside their quiet hours when they set some, else a
night of their own that no setting tells), in focus (as they told the app), or away for days
(told to the app as focus, or not told at all). Times are aware datetimes in UTC; each
member's nights are read on their own clock, so a change of daylight saving time moves them
as it moves the member.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

Span = tuple[datetime, datetime]


@dataclass
class Truth:
    zone: ZoneInfo
    sleep: tuple[time, time]  # local start and end; wraps past midnight when start > end
    away: list[Span] = field(default_factory=list)
    focus: list[Span] = field(default_factory=list)  # sorted, as finally told (extensions in)

    def asleep(self, at: datetime) -> bool:
        local = at.astimezone(self.zone).time()
        start, end = self.sleep
        return start <= local < end if start < end else local >= start or local < end

    def in_focus(self, at: datetime) -> bool:
        return _inside(self.focus, at) is not None

    def is_away(self, at: datetime) -> bool:
        return _inside(self.away, at) is not None

    def available(self, at: datetime) -> bool:
        return not (self.is_away(at) or self.in_focus(at) or self.asleep(at))

    def next_available(self, at: datetime) -> datetime:
        """The first instant from ``at`` on when the member is there."""
        for _ in range(64):  # each step leaves one span; a week has far fewer
            if (end := _inside(self.away, at)) or (end := _inside(self.focus, at)):
                at = end
            elif self.asleep(at):
                at = self._local_next(at, self.sleep[1])
            else:
                return at
        raise AssertionError("no available time found")  # pragma: no cover

    def after(self, at: datetime, seconds: float) -> datetime:
        """When ``seconds`` of the member's available time have passed from ``at``: a delay
        counted only while they are there (a reply takes ten minutes of their day, not ten
        minutes of their night)."""
        left = timedelta(seconds=seconds)
        for _ in range(256):
            at = self.next_available(at)
            stretch_ends = min(self._local_next(at, self.sleep[0]),
                               _next_start(self.focus, at), _next_start(self.away, at))
            if at + left <= stretch_ends:
                return at + left
            left -= stretch_ends - at
            at = stretch_ends
        raise AssertionError("delay too long for the simulated time")  # pragma: no cover

    def _local_next(self, at: datetime, clock: time) -> datetime:
        """The next instant after ``at`` when the member's clock reads ``clock``."""
        local = at.astimezone(self.zone)
        when = datetime.combine(local.date(), clock, self.zone)
        if when <= local:
            when = datetime.combine(local.date() + timedelta(days=1), clock, self.zone)
        return when.astimezone(UTC)


def local_time(text: str) -> time:
    """ "22:30" as a time of day."""
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def _inside(spans: list[Span], at: datetime) -> datetime | None:
    """The end of the span holding ``at``, if one does."""
    for start, end in spans:
        if start <= at < end:
            return end
    return None


_NEVER = datetime.max.replace(tzinfo=UTC)


def _next_start(spans: list[Span], at: datetime) -> datetime:
    return min((start for start, _ in spans if start > at), default=_NEVER)
