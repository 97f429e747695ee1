"""How matching keeps urgent asks: one document per ask (its _id is the ask moment's), stored
only if it is still as it was read, so that two replicas or two helpers cannot both move it."""

from datetime import datetime

from pymongo import ASCENDING
from pymongo.client_session import ClientSession
from pymongo.database import Database

from workbuddy_contracts.errors import Conflict
from workbuddy_platform.unit_of_work import Repository, write

from ..domain import asks as rules


def create_indexes(db: Database) -> None:
    db.asks.create_index([("state", ASCENDING), ("widen_at", ASCENDING)])
    db.asks.create_index([("asker_id", ASCENDING)])
    db.asks.create_index([("helper_ids", ASCENDING)])


class Asks(Repository):
    def get(self, ask_id: str) -> dict | None:
        return self.db.asks.find_one({"_id": ask_id})

    def of_member(self, member_id: str, limit: int = 20) -> list[dict]:
        """Asks the member made or was asked to help with, newest first."""
        return list(self.db.asks.find({"$or": [{"asker_id": member_id}, {"helper_ids": member_id}]})
                    .sort("logged_at", -1).limit(limit))

    def open_of(self, asker_id: str) -> list[dict]:
        return list(self.db.asks.find({"asker_id": asker_id, "state": {"$in": list(rules.OPEN)}}))

    def waiting_for_answer_of(self, asker_id: str) -> list[dict]:
        return list(self.db.asks.find({"asker_id": asker_id, "state": rules.WAITING}))

    def helping_now(self, member_ids: list[str]) -> set[str]:
        """Those of ``member_ids`` who are asked about another ask they have not answered yet:
        a helper is asked one thing at a time."""
        busy = set()
        for ask in self.db.asks.find({"state": rules.WIDENED, "helper_ids": {"$in": member_ids}}):
            busy |= set(ask["helper_ids"]) - set(ask["declined"])
        return busy & set(member_ids)

    def due_to_widen(self, now: datetime, limit: int = 50) -> list[dict]:
        return list(self.db.asks.find({"state": rules.WAITING, "widen_at": {"$lte": now}})
                    .sort("widen_at", 1).limit(limit))

    def due_to_close(self, now: datetime, limit: int = 50) -> list[dict]:
        return list(self.db.asks.find({"state": rules.WIDENED, "closes_at": {"$lte": now}})
                    .limit(limit))

    def all_of(self, member_id: str) -> list[dict]:
        return list(self.db.asks.find({"$or": [{"asker_id": member_id},
                                               {"helper_ids": member_id}]}))

    @write
    def add(self, ask: dict, session: ClientSession | None = None) -> None:
        self.db.asks.insert_one(ask, session=session)

    @write
    def save(self, after: dict, was: dict, session: ClientSession | None = None) -> None:
        # Each step bumps the ask's version: the step is stored only over the version it
        # was decided from (a list in a filter is beyond nx-27017, a number is not).
        where = {"_id": was["_id"], "version": was["version"]}
        after = after | {"version": was["version"] + 1}
        if self.db.asks.replace_one(where, after, session=session).matched_count != 1:
            raise Conflict("this ask changed meanwhile; look at it again", "ask_id")

    @write
    def forget(self, member_id: str, session: ClientSession | None = None) -> None:
        for ask in self.all_of(member_id):
            kept = rules.forget_member(ask, member_id)
            if kept is None:
                self.db.asks.delete_one({"_id": ask["_id"]}, session=session)
            else:
                self.db.asks.replace_one({"_id": ask["_id"]}, kept, session=session)
