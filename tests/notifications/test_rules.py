"""Who hears of a moment (by time, not by arrival order) and how long a failed mail waits."""

from datetime import UTC, datetime, timedelta

import pytest

from workbuddy_notifications.domain import audience
from workbuddy_notifications.domain.deliveries import backoff

T = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)


def link(buddy_id: str, started_at=None, ended_at=None, member_id="author") -> dict:
    doc = {"_id": f"b-{buddy_id}:{member_id}", "member_id": member_id, "buddy_id": buddy_id}
    if started_at is not None:
        doc["started_at"] = started_at
    if ended_at is not None:
        doc["ended_at"] = ended_at
    return doc


# --- buddies_at ----------------------------------------------------------------------------

def test_a_buddyship_started_exactly_at_the_moment_counts():
    assert audience.buddies_at([link("bob", started_at=T)], T) == ["bob"]


def test_a_buddyship_started_after_the_moment_does_not_count():
    later = T + timedelta(microseconds=1)
    assert audience.buddies_at([link("bob", started_at=later)], T) == []


def test_a_buddyship_ended_exactly_at_the_moment_does_not_count():
    assert audience.buddies_at([link("bob", started_at=T - H, ended_at=T)], T) == []


def test_a_buddyship_ending_just_after_the_moment_counts():
    just_after = T + timedelta(microseconds=1)
    assert audience.buddies_at([link("bob", started_at=T - H, ended_at=just_after)], T) == ["bob"]


def test_a_link_that_never_started_is_ignored():
    # e.g. buddyship.ended arrived before buddyship.started: only ended_at is known
    assert audience.buddies_at([link("bob"), link("eve", ended_at=T + H)], T) == []


def test_a_link_with_started_at_none_is_ignored():
    assert audience.buddies_at([link("bob") | {"started_at": None}], T) == []


def test_buddies_are_sorted_and_duplicates_collapsed():
    links = [link("carol", started_at=T - H), link("bob", started_at=T - 2 * H),
             link("carol", started_at=T - 3 * H, ended_at=T + H),  # same buddy, another link
             link("dave", started_at=T + H)]
    assert audience.buddies_at(links, T) == ["bob", "carol"]


def test_no_links_means_nobody_to_tell():
    assert audience.buddies_at([], T) == []


# --- catch_up ------------------------------------------------------------------------------

def moment(at: datetime, name: str) -> dict:
    return {"_id": name, "author_id": "author", "logged_at": at}


def test_catch_up_keeps_only_the_moments_of_the_active_window():
    moments = [moment(T - H, "before"), moment(T, "at-start"), moment(T + H, "during"),
               moment(T + 2 * H, "at-end"), moment(T + 3 * H, "after")]
    active = link("bob", started_at=T, ended_at=T + 2 * H)
    assert [m["_id"] for m in audience.catch_up(active, moments)] == ["at-start", "during"]


def test_catch_up_of_an_open_buddyship_keeps_everything_since_it_started():
    moments = [moment(T + 2 * H, "newest"), moment(T + H, "newer"), moment(T - H, "older")]
    assert [m["_id"] for m in audience.catch_up(link("bob", started_at=T), moments)] == [
        "newest", "newer"]  # order of the input kept


def test_catch_up_of_a_link_without_start_keeps_nothing():
    assert audience.catch_up(link("bob", ended_at=T + H), [moment(T, "m")]) == []


# --- backoff -------------------------------------------------------------------------------

def test_backoff_doubles_with_each_attempt():
    waits = [backoff(n) for n in range(1, 7)]
    assert all(later == 2 * earlier for earlier, later in zip(waits, waits[1:], strict=False))
    assert backoff(1) == timedelta(seconds=10)


@pytest.mark.parametrize("attempts", [7, 8, 20, 100])
def test_backoff_is_capped_at_ten_minutes(attempts):
    assert backoff(attempts) == timedelta(seconds=600)


def test_backoff_never_shrinks():
    waits = [backoff(n) for n in range(0, 30)]
    assert waits == sorted(waits)
    assert max(waits) == timedelta(seconds=600)
