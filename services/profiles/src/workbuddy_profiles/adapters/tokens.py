"""The link tokens profiles mailed (as SHA-256 digests only), and the decoy accounts waiting to
be erased. Reads happen at once; ``@write`` methods when the unit of work commits."""

from datetime import datetime

from pymongo import ASCENDING
from pymongo.client_session import ClientSession
from pymongo.database import Database

from workbuddy_contracts.errors import Gone
from workbuddy_platform.store import transition
from workbuddy_platform.unit_of_work import Repository, write

from ..domain import addresses


def create_indexes(db: Database) -> None:
    db.tokens.create_index([("member_id", ASCENDING)])
    db.members.create_index([("decoy", ASCENDING)])


class Tokens(Repository):
    def find(self, token: str) -> dict | None:
        return self.db.tokens.find_one({"_id": addresses.digest(token)})

    @write
    def add(self, doc: dict, session: ClientSession | None = None) -> None:
        self.db.tokens.insert_one(doc, session=session)

    @write
    def use(self, doc: dict, at: datetime, session: ClientSession | None = None) -> None:
        """Single use, by compare-and-set: of two requests with one token, only one gets here;
        the other's transaction is undone and it is refused as a used link."""
        if transition(self.db.tokens, {"_id": doc["_id"], "used": False},
                      {"used": True, "used_at": at}, session=session) is None:
            raise Gone(addresses.USED_VERIFY if doc["purpose"] == addresses.VERIFY
                                 else addresses.USED_RESET, "token")

    @write
    def spend_all(self, member_id: str, purpose: str,
                  session: ClientSession | None = None) -> None:
        """Every other link of the member for ``purpose`` stops working too. (No date is set
        here: a datetime written by ``$set`` reads back as a string on the embedded store.)"""
        self.db.tokens.update_many({"member_id": member_id, "purpose": purpose, "used": False},
                                   {"$set": {"used": True}}, session=session)

    def expired(self, now: datetime, limit: int = 200) -> list[dict]:
        # Few tokens live at once (a day at most): compared here, to the millisecond.
        return [t for t in self.db.tokens.find({}, {"expires_at": 1}).limit(5000)
                if t["expires_at"] <= now][:limit]

    def forget(self, token_ids: list[str]) -> int:
        return self.db.tokens.delete_many({"_id": {"$in": token_ids}}).deleted_count

    def decoys(self, limit: int = 200) -> list[dict]:
        return list(self.db.members.find({"decoy": True}).limit(limit))
