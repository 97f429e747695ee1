"""A service's own copy of who is buddy with whom, built from buddyship.* events.

Stored both ways (member → buddy), with the times the buddyship started and ended, so that a
question such as "was Bob Alice's buddy when she logged this?" is answered by time, whatever
order the events arrived in. Used by every service that must not ask matching at run time.
"""

from datetime import datetime

from pymongo import ASCENDING
from pymongo.database import Database

from .store import merge


def create_indexes(db: Database) -> None:
    db.buddy_links.create_index([("member_id", ASCENDING)])


def save_link_times(db: Database, buddyship_id: str, member_ids: list[str], **times) -> list[dict]:
    """Record a buddyship both ways; returns the two links as stored."""
    return [
        merge(db.buddy_links, f"{buddyship_id}:{member_id}",
              {"buddyship_id": buddyship_id, "member_id": member_id, "buddy_id": buddy_id,
               **times})
        for member_id, buddy_id in (member_ids, member_ids[::-1])
    ]


def record(db: Database, buddyship_event: dict) -> list[dict]:
    """A buddyship.started or buddyship.ended payload, recorded both ways."""
    times = {k: buddyship_event[k] for k in ("started_at", "ended_at") if k in buddyship_event}
    return save_link_times(db, buddyship_event["buddyship_id"], buddyship_event["member_ids"],
                           **times)


def links_of(db: Database, member_id: str) -> list[dict]:
    return list(db.buddy_links.find({"member_id": member_id}))


def was_active(link: dict, at: datetime) -> bool:
    started, ended = link.get("started_at"), link.get("ended_at")
    return started is not None and started <= at and (ended is None or at < ended)


def active_links(db: Database, member_id: str, at: datetime) -> list[dict]:
    return [link for link in links_of(db, member_id) if was_active(link, at)]
