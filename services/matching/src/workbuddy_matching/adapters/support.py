"""Setbacks that found nobody reachable: matching looks for a support buddy again when the
first buddy or supporter can be reached (one document per setback, its _id the moment's)."""

from datetime import datetime

from pymongo import ASCENDING
from pymongo.client_session import ClientSession
from pymongo.database import Database

from workbuddy_platform.unit_of_work import Repository, write


def create_indexes(db: Database) -> None:
    db.support_retries.create_index([("at", ASCENDING)])
    db.support_retries.create_index([("member_id", ASCENDING)])


class SupportRetries(Repository):
    def due(self, now: datetime, limit: int = 50) -> list[dict]:
        return list(self.db.support_retries.find({"at": {"$lte": now}}).sort("at", 1).limit(limit))

    @write
    def retry_at(self, moment: dict, at: datetime, session: ClientSession | None = None) -> None:
        # The _id is repeated in the replacement: nx-27017 ignores the filter's on an upsert.
        self.db.support_retries.replace_one(
            {"_id": moment["moment_id"]},
            {"_id": moment["moment_id"], "member_id": moment["member_id"], "moment": moment,
             "at": at}, upsert=True, session=session)

    def done(self, retry: dict) -> bool:
        """Taken by this worker (False: another one took it first)."""
        return self.db.support_retries.delete_one({"_id": retry["_id"], "at": retry["at"]}) \
            .deleted_count == 1

    @write
    def forget(self, member_id: str, session: ClientSession | None = None) -> None:
        self.db.support_retries.delete_many({"member_id": member_id}, session=session)
