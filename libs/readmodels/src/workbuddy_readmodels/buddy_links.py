"""A service's own copy of who is buddy with whom, built from buddyship.* events.

Stored both ways (member → buddy), with the times the buddyship started and ended, so that a
question such as "was Bob Alice's buddy when she logged this?" is answered by time, whatever
order the events arrived in.
"""

from datetime import datetime

from pymongo import ASCENDING
from pymongo.database import Database

from workbuddy_platform.store import merge
from workbuddy_platform.unit_of_work import Repository


def create_indexes(db: Database) -> None:
    db.buddy_links.create_index([("member_id", ASCENDING)])


def was_active(link: dict, at: datetime) -> bool:
    started, ended = link.get("started_at"), link.get("ended_at")
    return started is not None and started <= at and (ended is None or at < ended)


class BuddyLinks(Repository):
    def record(self, buddyship_event: dict) -> list[dict]:
        """A buddyship.started or buddyship.ended payload, recorded both ways; returns the two
        links as stored."""
        times = {k: buddyship_event[k] for k in ("started_at", "ended_at") if k in buddyship_event}
        member_ids = buddyship_event["member_ids"]
        return [
            merge(self.db.buddy_links, f"{buddyship_event['buddyship_id']}:{member_id}",
                  {"buddyship_id": buddyship_event["buddyship_id"], "member_id": member_id,
                   "buddy_id": buddy_id, **times})
            for member_id, buddy_id in (member_ids, member_ids[::-1])
        ]

    def of(self, member_id: str) -> list[dict]:
        return list(self.db.buddy_links.find({"member_id": member_id}))

    def forget(self, member_id: str) -> None:
        self.db.buddy_links.delete_many({"$or": [{"member_id": member_id},
                                                 {"buddy_id": member_id}]})
