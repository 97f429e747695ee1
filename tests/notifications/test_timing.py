"""When a notification may go, across time zones, with an injected clock: quiet hours hold it
(never drop it), a setback breaks them only if allowed, focus and digests gather, a channel
turned off for a kind stays silent."""

from datetime import UTC, datetime

import pytest

from workbuddy_contracts.availability import in_quiet_hours, next_local
from workbuddy_notifications.domain.timing import DIGEST, LATER, NEVER, NOW, digest_leaves, when

QUIET = {"start": "22:00", "end": "07:30"}
# 2026-01-14 13:00 UTC: 22:00 in Tokyo (quiet), 08:00 in Montreal (awake), 14:00 in Paris.
NOON_UTC = datetime(2026, 1, 14, 13, 0, tzinfo=UTC)


def member(zone: str, **availability) -> dict:
    return {"time_zone": zone, "availability": {"focus_until": None, "quiet_hours": QUIET,
                                                "delivery": "instant", **availability}}


def test_tokyo_is_in_its_quiet_hours_and_hears_at_half_past_seven_local():
    decided = when(kind="moment", channel="email", urgent=False, recipient=member("Asia/Tokyo"),
                   now=NOON_UTC)
    # 07:30 the next morning in Tokyo (UTC+9) is 22:30 UTC the same day.
    assert decided.how == LATER and decided.at == datetime(2026, 1, 14, 22, 30, tzinfo=UTC)


def test_montreal_is_awake_at_the_same_instant():
    assert when(kind="moment", channel="email", urgent=False, recipient=member("America/Montreal"),
                now=NOON_UTC).how == NOW


def test_a_setback_breaks_quiet_hours_only_when_the_member_allowed_it():
    tokyo = member("Asia/Tokyo")
    assert when(kind="moment", channel="push", urgent=True, recipient=tokyo, now=NOON_UTC).how == LATER
    allowed = tokyo | {"preferences": {"setbacks_break_quiet_hours": True}}
    assert when(kind="moment", channel="push", urgent=True, recipient=allowed, now=NOON_UTC).how == NOW
    # A win is not urgent: it still waits.
    assert when(kind="moment", channel="push", urgent=False, recipient=allowed, now=NOON_UTC).how == LATER


def test_focus_gathers_into_the_digest_sent_when_focus_ends():
    until = datetime(2026, 1, 14, 16, 0, tzinfo=UTC)
    decided = when(kind="moment", channel="email", urgent=True,
                   recipient=member("Europe/Paris", focus_until=until.isoformat()), now=NOON_UTC)
    assert (decided.how, decided.at) == (DIGEST, until)
    over = when(kind="moment", channel="email", urgent=False,
                recipient=member("Europe/Paris", focus_until=datetime(2026, 1, 14, 12, tzinfo=UTC)),
                now=NOON_UTC)
    assert over.how == NOW


def test_a_member_who_asked_for_a_digest_gets_it_at_six_in_the_evening_local():
    decided = when(kind="reaction", channel="email", urgent=False,
                   recipient=member("America/Montreal", delivery="digest"), now=NOON_UTC)
    assert (decided.how, decided.at) == (DIGEST, datetime(2026, 1, 14, 23, 0, tzinfo=UTC))


def test_a_digest_due_in_quiet_hours_leaves_when_they_end_on_the_members_clock():
    # 22:00 in Tokyo: its quiet hours end at 07:30 local, 22:30 UTC.
    assert digest_leaves(recipient=member("Asia/Tokyo", delivery="digest"), now=NOON_UTC) == \
        datetime(2026, 1, 14, 22, 30, tzinfo=UTC)


def test_a_digest_due_in_focus_leaves_when_focus_ends_or_later_if_quiet_hours_follow():
    until = datetime(2026, 1, 14, 16, 0, tzinfo=UTC)
    paris = member("Europe/Paris", focus_until=until.isoformat())
    assert digest_leaves(recipient=paris, now=NOON_UTC) == until
    # Focus until 22:00 in Paris runs into its quiet hours (22:00-07:30): 06:30 UTC next day.
    late = member("Europe/Paris", focus_until=datetime(2026, 1, 14, 21, 0, tzinfo=UTC))
    assert digest_leaves(recipient=late, now=NOON_UTC) == datetime(2026, 1, 15, 6, 30, tzinfo=UTC)


def test_a_digest_due_outside_quiet_hours_and_focus_leaves_at_once():
    assert digest_leaves(recipient=member("America/Montreal", delivery="digest"),
                         now=NOON_UTC) == NOON_UTC
    ended = member("Europe/Paris", focus_until=datetime(2026, 1, 14, 12, tzinfo=UTC))
    assert digest_leaves(recipient=ended, now=NOON_UTC) == NOON_UTC


def test_a_channel_turned_off_for_a_kind_stays_silent():
    off = member("Europe/Paris") | {"preferences": {"reaction": {"email": False}}}
    assert when(kind="reaction", channel="email", urgent=False, recipient=off, now=NOON_UTC).how == NEVER
    assert when(kind="reaction", channel="push", urgent=False, recipient=off, now=NOON_UTC).how == NOW


@pytest.mark.parametrize(("now", "expected"), [
    # Paris springs forward on 2026-03-29 at 02:00 -> 03:00: 02:30 does not exist that night.
    (datetime(2026, 3, 28, 23, 0, tzinfo=UTC), datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
    # It falls back on 2026-10-25: 07:30 local is then UTC+1.
    (datetime(2026, 10, 25, 3, 0, tzinfo=UTC), datetime(2026, 10, 25, 6, 30, tzinfo=UTC)),
])
def test_local_times_across_daylight_saving_changes(now, expected):
    wanted = "02:30" if now.month == 3 else "07:30"
    assert next_local(wanted, "Europe/Paris", now) == expected


def test_quiet_hours_wrap_past_midnight_and_an_empty_window_is_empty():
    assert in_quiet_hours("22:00", "07:30", "Europe/Paris", datetime(2026, 1, 14, 23, tzinfo=UTC))
    assert in_quiet_hours("22:00", "07:30", "Europe/Paris", datetime(2026, 1, 14, 5, tzinfo=UTC))
    assert not in_quiet_hours("22:00", "07:30", "Europe/Paris", datetime(2026, 1, 14, 7, tzinfo=UTC))
    assert not in_quiet_hours("10:00", "10:00", "Europe/Paris", NOON_UTC)
