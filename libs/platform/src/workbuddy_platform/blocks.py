"""Blocks between members: once one member blocks another, nothing goes between the two, in
either direction. matching decides blocks; other services keep this copy from member.blocked
and check it where they show or send something."""

from datetime import datetime

from pymongo.database import Database

from .store import merge


def pair_key(a: str, b: str) -> str:
    """One key per unordered pair: Alice-Bob and Bob-Alice are the same pair."""
    return ":".join(sorted((a, b)))


def record(db: Database, blocker_id: str, blocked_id: str, at: datetime) -> None:
    merge(db.blocks, pair_key(blocker_id, blocked_id),
          {"blocker_id": blocker_id, "blocked_id": blocked_id, "blocked_at": at},
          only_if=lambda current: False)  # the first block of a pair is the one that counts


def between(db: Database, a: str, b: str) -> dict | None:
    return db.blocks.find_one({"_id": pair_key(a, b)})


def others_of(db: Database, member_id: str) -> set[str]:
    """Every member this one blocked or was blocked by."""
    return {b["blocked_id"] if b["blocker_id"] == member_id else b["blocker_id"]
            for b in db.blocks.find({"$or": [{"blocker_id": member_id}, {"blocked_id": member_id}]})}


def forget(db: Database, member_id: str) -> None:
    db.blocks.delete_many({"$or": [{"blocker_id": member_id}, {"blocked_id": member_id}]})
