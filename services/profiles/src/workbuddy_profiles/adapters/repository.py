"""How profiles keeps members, credentials, moments, reactions and invitations in its own
database. Reads happen at once; methods marked ``@write`` run when the unit of work commits."""

from datetime import datetime

from pymongo import ASCENDING, DESCENDING
from pymongo.client_session import ClientSession
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from workbuddy_contracts.errors import Conflict, NotFound
from workbuddy_contracts.vocabulary import FORMER_MEMBER
from workbuddy_platform.pages import order_key, page
from workbuddy_platform.store import transition
from workbuddy_platform.turns import reading_uncommitted
from workbuddy_platform.unit_of_work import Repository, write
from workbuddy_readmodels import blocks, buddy_links

from ..domain import invitations
from . import tokens


def create_indexes(db: Database) -> None:
    db.members.create_index([("email", ASCENDING)], unique=True)
    tokens.create_indexes(db)
    db.moments.create_index([("member_id", ASCENDING), ("order", DESCENDING)])
    db.reactions.create_index([("moment_id", ASCENDING), ("order", ASCENDING)])
    db.invitations.create_index([("inviter_id", ASCENDING), ("order", DESCENDING)])
    db.messages.create_index([("buddyship_id", ASCENDING), ("order", DESCENDING)])
    db.messages.create_index([("author_id", ASCENDING)])
    db.messages.create_index([("recipient_id", ASCENDING)])
    buddy_links.create_indexes(db)
    blocks.create_indexes(db)  # others_of reads each side by its index


def email_taken(email: str) -> Conflict:
    return Conflict("a member with the email {email} is already registered; use another address",
                    "email", email=email)


class Members(Repository):
    """Members and their password hashes (credentials, apart: never in a member's view)."""

    def find(self, member_id: str, *, may_be_uncommitted: bool = False) -> dict | None:
        """``may_be_uncommitted``: read at once, without waiting for the database's turn on a
        store that does not isolate (platform.turns.reading_uncommitted), for a caller to whom a
        member being written is as good as one written."""
        if may_be_uncommitted:
            with reading_uncommitted():
                return self.db.members.find_one({"_id": member_id})
        return self.db.members.find_one({"_id": member_id})

    def find_by_email(self, email: str) -> dict | None:
        return self.db.members.find_one({"email": email})

    def find_many(self, member_ids: list[str]) -> list[dict]:
        return list(self.db.members.find({"_id": {"$in": member_ids}}))

    def email_in_use(self, email: str) -> bool:
        return self.db.members.find_one({"email": email}, {"_id": 1}) is not None

    def password_hash_of(self, member_id: str) -> str | None:
        found = self.db.credentials.find_one({"_id": member_id})
        return found["hash"] if found else None

    @write
    def add(self, member: dict, password_hash: str, session: ClientSession | None = None) -> None:
        try:
            self.db.members.insert_one(member, session=session)
        except DuplicateKeyError as exc:  # two registrations raced past the check
            raise email_taken(member["email"]) from exc
        self.db.credentials.insert_one({"_id": member["_id"], "hash": password_hash},
                                       session=session)

    @write
    def replace(self, member: dict, previous: dict, session: ClientSession | None = None) -> None:
        """Write the member only if nobody changed it since ``previous`` was read."""
        where = {"_id": previous["_id"]} | (
            {"revision": previous["revision"]} if "revision" in previous else {})
        if self.db.members.replace_one(where, member, session=session).matched_count != 1:
            raise Conflict("the profile changed meanwhile; reload it and apply your change again")

    @write
    def replace_password_hash(self, member_id: str, password_hash: str,
                              session: ClientSession | None = None) -> None:
        self.db.credentials.replace_one({"_id": member_id}, {"_id": member_id, "hash": password_hash},
                                        session=session)

    @write
    def erase(self, member_id: str, session: ClientSession | None = None) -> None:
        """Everything profiles holds of the member; others' records keep a nameless place."""
        mine = {"$or": [{"author_id": member_id}, {"reactor_id": member_id}]}
        for collection, where in (("members", {"_id": member_id}),
                                  ("credentials", {"_id": member_id}),
                                  ("moments", {"member_id": member_id}),
                                  ("reactions", mine),
                                  ("invitations", {"inviter_id": member_id}),
                                  ("buddy_links", {"$or": [{"member_id": member_id},
                                                           {"buddy_id": member_id}]}),
                                  ("blocks", {"$or": [{"blocker_id": member_id},
                                                      {"blocked_id": member_id}]}),
                                  # A conversation needs both: it goes with either of them.
                                  ("messages", {"$or": [{"author_id": member_id},
                                                        {"recipient_id": member_id}]}),
                                  ("read_marks", {"member_id": member_id}),
                                  ("tokens", {"member_id": member_id})):
            self.db[collection].delete_many(where, session=session)
        self.db.invitations.update_many({"used_by": member_id}, {"$set": {"used_by": FORMER_MEMBER}},
                                        session=session)

    def export_of(self, member_id: str) -> dict:
        """Every document profiles holds about the member, as stored (credentials excepted)."""
        return {
            "moments": list(self.db.moments.find({"member_id": member_id})),
            "reactions_received": list(self.db.reactions.find({"author_id": member_id})),
            "reactions_given": list(self.db.reactions.find({"reactor_id": member_id})),
            "invitations": list(self.db.invitations.find({"inviter_id": member_id})),
            "messages_sent": list(self.db.messages.find({"author_id": member_id})),
            "messages_received": list(self.db.messages.find({"recipient_id": member_id})),
        }


class Moments(Repository):
    """The members' journals, and their buddies' reactions to what is in them."""

    def get(self, moment_id: str) -> dict | None:
        return self.db.moments.find_one({"_id": moment_id})

    def of_member(self, member_id: str, limit: int, cursor: str | None,
                  since: datetime | None = None) -> dict:
        where = {"member_id": member_id}
        if since is not None:
            where["order"] = {"$gte": order_key(since, "")}
        return self._newest_first(where, limit, cursor)

    def of_members(self, since_by_member: dict[str, datetime], limit: int,
                   cursor: str | None) -> dict:
        """The moments of several members, each since its own time (a feed), newest first."""
        if not since_by_member:
            return {"items": [], "next": None}
        return self._newest_first({"$or": [
            {"member_id": member_id, "order": {"$gte": order_key(since, "")}}
            for member_id, since in since_by_member.items()]}, limit, cursor)

    def _newest_first(self, where: dict, limit: int, cursor: str | None) -> dict:
        return page(self.db.moments, where, limit=limit, cursor=cursor, newest_first=True)

    @write
    def add(self, moment: dict, session: ClientSession | None = None) -> None:
        self.db.moments.insert_one(moment, session=session)

    def reaction(self, reaction_id: str) -> dict | None:
        return self.db.reactions.find_one({"_id": reaction_id})

    def reactions_to(self, moment_id: str, limit: int, cursor: str | None) -> dict:
        return page(self.db.reactions, {"moment_id": moment_id}, limit=limit, cursor=cursor,
                    newest_first=False)

    @write
    def add_reaction(self, reaction: dict, session: ClientSession | None = None) -> None:
        self.db.reactions.insert_one(reaction, session=session)


class Invitations(Repository):
    def get(self, code: str) -> dict | None:
        return self.db.invitations.find_one({"_id": code})

    def of_inviter(self, member_id: str, limit: int, cursor: str | None) -> dict:
        return page(self.db.invitations, {"inviter_id": member_id}, limit=limit, cursor=cursor,
                    newest_first=True)

    @write
    def add(self, invitation: dict, session: ClientSession | None = None) -> None:
        self.db.invitations.insert_one(invitation, session=session)

    @write
    def use(self, code: str, member_id: str, session: ClientSession | None = None) -> None:
        """Conditional on the invitation being unused still: two sign-ups cannot share one."""
        if transition(self.db.invitations, {"_id": code, "used_by": None}, {"used_by": member_id},
                      session=session) is None:
            raise NotFound(invitations.GONE, "invitation")


class Conversations(Repository):
    """The messages of each buddyship's conversation, and how far each buddy has read."""

    def page(self, buddyship_id: str, limit: int, cursor: str | None) -> dict:
        return page(self.db.messages, {"buddyship_id": buddyship_id}, limit=limit, cursor=cursor,
                    newest_first=True)

    def message(self, message_id: str) -> dict | None:
        return self.db.messages.find_one({"_id": message_id})

    def last(self, buddyship_id: str) -> dict | None:
        return next(iter(self.db.messages.find({"buddyship_id": buddyship_id})
                         .sort("order", DESCENDING).limit(1)), None)

    def unread(self, buddyship_id: str, reader_id: str, after_order: str) -> int:
        """The buddy's messages after ``after_order`` (not count_documents: nx-27017 gap)."""
        return len(list(self.db.messages.find(
            {"buddyship_id": buddyship_id, "author_id": {"$ne": reader_id},
             "order": {"$gt": after_order}}, {"_id": 1})))

    def read_mark(self, buddyship_id: str, member_id: str) -> dict | None:
        return self.db.read_marks.find_one({"_id": f"{buddyship_id}:{member_id}"})

    @write
    def add(self, message: dict, session: ClientSession | None = None) -> None:
        self.db.messages.insert_one(message, session=session)

    @write
    def mark_read(self, mark: dict, was: dict | None, session: ClientSession | None = None) -> None:
        """Only forward: conditional on the mark read before (``was``), or on there being none."""
        if was is None:
            try:
                self.db.read_marks.insert_one(mark, session=session)
                return
            except DuplicateKeyError as exc:
                raise Conflict("this conversation was read meanwhile; reload it",
                               "up_to") from exc
        if self.db.read_marks.replace_one({"_id": was["_id"], "up_to": was["up_to"]}, mark,
                                          session=session).matched_count != 1:
            raise Conflict("this conversation was read meanwhile; reload it", "up_to")
