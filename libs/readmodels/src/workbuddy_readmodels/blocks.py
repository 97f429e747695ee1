"""Blocks between members: once one member blocks another, nothing goes between the two, in
either direction. matching decides blocks (``add``, in its unit of work); profiles and
notifications keep a copy from member.blocked (``remember``) and check it where they show or
send something."""

from collections.abc import Collection
from datetime import datetime

from pymongo import ASCENDING
from pymongo.client_session import ClientSession
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from workbuddy_contracts.errors import Conflict
from workbuddy_platform.store import merge
from workbuddy_platform.unit_of_work import Repository, write


def pair_key(a: str, b: str) -> str:
    """One key per unordered pair: Alice-Bob and Bob-Alice are the same pair."""
    return ":".join(sorted((a, b)))


def create_indexes(db: Database) -> None:
    """``others_of`` reads each side of a member's blocks by its index."""
    db.blocks.create_index([("blocker_id", ASCENDING)])
    db.blocks.create_index([("blocked_id", ASCENDING)])


class Blocks(Repository):
    def between(self, a: str, b: str) -> dict | None:
        return self.db.blocks.find_one({"_id": pair_key(a, b)})

    def with_any(self, member_id: str, others: list[str]) -> set[str]:
        """Those of ``others`` the member blocked or was blocked by, in one query."""
        keys = {pair_key(member_id, other): other for other in others}
        return {keys[b["_id"]] for b in self.db.blocks.find({"_id": {"$in": sorted(keys)}})}

    def blocked_among(self, pairs: Collection[str]) -> set[str]:
        """Those of ``pairs`` (``pair_key``s) that are blocked, in one read by ``_id``."""
        keys = sorted(set(pairs))
        return {b["_id"] for b in self.db.blocks.find({"_id": {"$in": keys}}, {"_id": 1})} \
            if keys else set()

    def others_of(self, member_id: str) -> set[str]:
        """Every member this one blocked or was blocked by: one query per side, each on its
        index where ``create_indexes`` made them (the embedded store reads the whole collection
        for an ``$or``)."""
        return {b["blocked_id"] for b in self.db.blocks.find({"blocker_id": member_id})} | \
            {b["blocker_id"] for b in self.db.blocks.find({"blocked_id": member_id})}

    def all_pairs(self) -> set[frozenset[str]]:
        return {frozenset((b["blocker_id"], b["blocked_id"])) for b in self.db.blocks.find()}

    @write
    def add(self, blocker_id: str, blocked_id: str, at: datetime,
            session: ClientSession | None = None) -> None:
        """The decision (matching). A pair blocked meanwhile, by either, is a Conflict: the
        transaction is undone and the caller reads the block that won."""
        try:
            self.db.blocks.insert_one({"_id": pair_key(blocker_id, blocked_id),
                                       "blocker_id": blocker_id, "blocked_id": blocked_id,
                                       "blocked_at": at}, session=session)
        except DuplicateKeyError as exc:
            raise Conflict("these two members were blocked meanwhile", "member_id") from exc

    def remember(self, blocker_id: str, blocked_id: str, at: datetime) -> None:
        """A copy, from member.blocked: the first block of a pair is the one that counts."""
        merge(self.db.blocks, pair_key(blocker_id, blocked_id),
              {"blocker_id": blocker_id, "blocked_id": blocked_id, "blocked_at": at},
              only_if=lambda current: False)

    def forget(self, member_id: str) -> None:
        self.db.blocks.delete_many({"blocker_id": member_id})
        self.db.blocks.delete_many({"blocked_id": member_id})
