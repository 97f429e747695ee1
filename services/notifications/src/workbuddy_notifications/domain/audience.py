"""Who is told about a moment: the author's buddies whose buddyship was active when it was
logged. Defined by time, not by the order events arrive in, so a moment that arrives before
the news of a new buddyship still reaches that buddy (see catch_up)."""

from datetime import datetime

from workbuddy_readmodels.buddy_links import was_active

CATCH_UP_WINDOW = 50  # a new buddy hears of at most this many recent moments


def buddies_at(links: list[dict], at: datetime) -> list[str]:
    """``links`` are one member's buddy links; returns the buddies to tell about a moment at ``at``."""
    return sorted({link["buddy_id"] for link in links if was_active(link, at)})


def catch_up(link: dict, moments_by_member: list[dict]) -> list[dict]:
    """Moments of ``link['member_id']`` that its buddy should have heard of once active."""
    return [m for m in moments_by_member if was_active(link, m["logged_at"])]
