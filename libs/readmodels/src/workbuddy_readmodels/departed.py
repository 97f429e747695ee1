"""Members who left, kept by a one-way name (a hash of their id, never the id), in each service
that must outlive member.left: notifications, where an event about one of them may still
arrive afterwards (events travel on queues of their own, and a retried one comes minutes
later) and must then leave nothing behind; matching, where a proposal written from a read made
just before member.left was handled must not outlive it."""

import hashlib
from collections.abc import Collection
from datetime import datetime

from workbuddy_platform.unit_of_work import Repository


class Departed(Repository):
    @staticmethod
    def _name(member_id: str) -> str:
        return hashlib.sha256(f"departed:{member_id}".encode()).hexdigest()

    def mark(self, member_id: str, at: datetime) -> None:
        """At once, not with the unit of work: what is committed after the erase sees it."""
        name = self._name(member_id)
        self.db.departed.replace_one({"_id": name}, {"_id": name, "at": at}, upsert=True)

    def among(self, member_ids: Collection[str]) -> set[str]:
        """Those of ``member_ids`` who left."""
        names = {self._name(m): m for m in member_ids if m}
        if not names:
            return set()
        return {names[doc["_id"]] for doc in self.db.departed.find({"_id": {"$in": list(names)}})}

    def any_of(self, *member_ids: str) -> bool:
        names = [self._name(m) for m in member_ids if m]
        return bool(names) and self.db.departed.find_one({"_id": {"$in": names}}) is not None
