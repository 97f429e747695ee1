"""How matching keeps check-ins: one document per check-in (its _id the buddyship's id and its
number), stored only over the version it was decided from, so that two answers, or an answer and
the timer closing it, cannot both win."""

from datetime import datetime

from pymongo import ASCENDING
from pymongo.client_session import ClientSession
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from workbuddy_contracts.errors import Conflict
from workbuddy_platform.unit_of_work import Repository, write

from ..domain import check_ins as rules

CHANGED = "this check-in changed meanwhile; look at it again"


def create_indexes(db: Database) -> None:
    # A member's check-ins are found by two plain fields, not by an element of member_ids:
    # nx-27017 finds nothing by an element of an indexed array.
    db.check_ins.create_index([("first_id", ASCENDING)])
    db.check_ins.create_index([("second_id", ASCENDING)])
    db.check_ins.create_index([("buddyship_id", ASCENDING)])
    db.check_ins.create_index([("state", ASCENDING), ("closes_at", ASCENDING)])
    db.check_ins.create_index([("opened_at", ASCENDING)])
    db.buddyships.create_index([("next_check_in_at", ASCENDING)])


def _of(member_id: str) -> dict:
    return {"$or": [{"first_id": member_id}, {"second_id": member_id}]}


class CheckIns(Repository):
    def get(self, check_in_id: str) -> dict | None:
        return self.db.check_ins.find_one({"_id": check_in_id})

    def of_member(self, member_id: str, limit: int = 20) -> list[dict]:
        """Open ones first, then the latest closed."""
        found = list(self.db.check_ins.find(_of(member_id)).sort("opened_at", -1).limit(limit))
        return sorted(found, key=lambda c: c["state"] != rules.OPEN)

    def open_of_buddyship(self, buddyship_id: str) -> list[dict]:
        return list(self.db.check_ins.find({"buddyship_id": buddyship_id, "state": rules.OPEN}))

    def due_to_lapse(self, now: datetime, limit: int = 100) -> list[dict]:
        return list(self.db.check_ins.find({"state": rules.OPEN, "closes_at": {"$lte": now}})
                    .limit(limit))

    def opened_since(self, since: datetime) -> list[dict]:
        return list(self.db.check_ins.find({"opened_at": {"$gte": since}}))

    def all_of(self, member_id: str) -> list[dict]:
        return list(self.db.check_ins.find(_of(member_id)))

    @write
    def add(self, check_in: dict, session: ClientSession | None = None) -> None:
        try:
            self.db.check_ins.insert_one(check_in, session=session)
        except DuplicateKeyError as exc:  # another worker opened it first
            raise Conflict(CHANGED, "check_in_id") from exc

    @write
    def save(self, after: dict, was: dict, session: ClientSession | None = None) -> None:
        where = {"_id": was["_id"], "version": was["version"]}
        after = after | {"version": was["version"] + 1}
        if self.db.check_ins.replace_one(where, after, session=session).matched_count != 1:
            raise Conflict(CHANGED, "check_in_id")

    @write
    def forget(self, member_id: str, session: ClientSession | None = None) -> None:
        """Check-ins are about one bond: when either member leaves, they go."""
        self.db.check_ins.delete_many(_of(member_id), session=session)
