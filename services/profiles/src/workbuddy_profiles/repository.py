"""How profiles keeps members and moments in its own database."""

from datetime import datetime

from pymongo import ASCENDING, DESCENDING
from pymongo.client_session import ClientSession
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from workbuddy_contracts.errors import Conflict, Invalid
from workbuddy_contracts.vocabulary import FORMER_MEMBER
from workbuddy_platform import buddy_links
from workbuddy_platform.pages import order_key, page
from workbuddy_platform.store import transition

from .visibility import unseen_member

INVITATION_GONE = ("this invitation is unknown, used or expired; ask the member who invited you "
                   "for a new one")


def create_indexes(db: Database) -> None:
    db.members.create_index([("email", ASCENDING)], unique=True)
    db.moments.create_index([("member_id", ASCENDING), ("order", DESCENDING)])
    db.reactions.create_index([("moment_id", ASCENDING), ("order", ASCENDING)])
    db.invitations.create_index([("inviter_id", ASCENDING), ("order", DESCENDING)])
    buddy_links.create_indexes(db)


def _email_taken(email: str) -> Conflict:
    return Conflict("a member with the email {email} is already registered; use another address",
                    "email", email=email)


def refuse_taken_email(db: Database, email: str) -> None:
    """Checked before the transaction: refusing is then the common case that aborts nothing."""
    if db.members.find_one({"email": email}, {"_id": 1}) is not None:
        raise _email_taken(email)


def add_member(db: Database, member: dict, session: ClientSession) -> None:
    try:
        db.members.insert_one(member, session=session)
    except DuplicateKeyError as exc:  # two registrations raced past refuse_taken_email
        raise _email_taken(member["email"]) from exc


def add_credentials(db: Database, member_id: str, password_hash: str, session: ClientSession) -> None:
    db.credentials.insert_one({"_id": member_id, "hash": password_hash}, session=session)


def password_hash_of(db: Database, member_id: str) -> str | None:
    found = db.credentials.find_one({"_id": member_id})
    return found["hash"] if found else None


def replace_password_hash(db: Database, member_id: str, password_hash: str) -> None:
    db.credentials.replace_one({"_id": member_id}, {"_id": member_id, "hash": password_hash})


def replace_member(db: Database, member: dict, previous: dict, session: ClientSession) -> None:
    """Write the member only if nobody changed it since ``previous`` was read."""
    where = {"_id": previous["_id"]} | (
        {"revision": previous["revision"]} if "revision" in previous else {})
    if db.members.replace_one(where, member, session=session).matched_count != 1:
        raise Conflict("the profile changed meanwhile; reload it and apply your change again")


def find_by_email(db: Database, email: str) -> dict | None:
    return db.members.find_one({"email": email})


def find_member(db: Database, member_id: str) -> dict | None:
    return db.members.find_one({"_id": member_id})


def get_member(db: Database, member_id: str) -> dict:
    member = db.members.find_one({"_id": member_id})
    if member is None:
        raise unseen_member(member_id)
    return member


def find_members(db: Database, member_ids: list[str]) -> list[dict]:
    return list(db.members.find({"_id": {"$in": member_ids}}))


def add_moment(db: Database, moment: dict, session: ClientSession) -> None:
    db.moments.insert_one(moment, session=session)


def get_moment(db: Database, moment_id: str) -> dict | None:
    return db.moments.find_one({"_id": moment_id})


def moments_of(db: Database, member_id: str, limit: int, cursor: str | None,
               since: datetime | None = None) -> dict:
    where = {"member_id": member_id}
    if since is not None:
        where["order"] = {"$gte": order_key(since, "")}
    return _newest_first(db, where, limit, cursor)


def moments_of_many(db: Database, since_by_member: dict[str, datetime], limit: int,
                    cursor: str | None) -> dict:
    """The moments of several members, each since its own time (a feed), newest first."""
    if not since_by_member:
        return {"items": [], "next": None}
    return _newest_first(db, {"$or": [
        {"member_id": member_id, "order": {"$gte": order_key(since, "")}}
        for member_id, since in since_by_member.items()]}, limit, cursor)


def _newest_first(db: Database, where: dict, limit: int, cursor: str | None) -> dict:
    return page(db.moments, where, limit=limit, cursor=cursor, newest_first=True)


def add_invitation(db: Database, invitation: dict) -> None:
    db.invitations.insert_one(invitation)


def get_invitation(db: Database, code: str) -> dict | None:
    return db.invitations.find_one({"_id": code})


def use_invitation(db: Database, code: str, member_id: str, session: ClientSession) -> None:
    if transition(db.invitations, {"_id": code, "used_by": None}, {"used_by": member_id},
                  session=session) is None:
        raise Invalid(INVITATION_GONE, "invitation")


def invitations_of(db: Database, member_id: str, limit: int, cursor: str | None) -> dict:
    return page(db.invitations, {"inviter_id": member_id}, limit=limit, cursor=cursor,
                newest_first=True)


def erase_member(db: Database, member_id: str, session: ClientSession) -> None:
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
                                                  {"blocked_id": member_id}]})):
        db[collection].delete_many(where, session=session)
    db.invitations.update_many({"used_by": member_id}, {"$set": {"used_by": FORMER_MEMBER}},
                               session=session)


def export_of(db: Database, member_id: str) -> dict:
    """Every document profiles holds about the member, as stored (credentials excepted)."""
    return {
        "moments": list(db.moments.find({"member_id": member_id})),
        "reactions_received": list(db.reactions.find({"author_id": member_id})),
        "reactions_given": list(db.reactions.find({"reactor_id": member_id})),
        "invitations": list(db.invitations.find({"inviter_id": member_id})),
    }


def add_reaction(db: Database, reaction: dict, session: ClientSession) -> None:
    db.reactions.insert_one(reaction, session=session)


def get_reaction(db: Database, reaction_id: str) -> dict | None:
    return db.reactions.find_one({"_id": reaction_id})


def reactions_to(db: Database, moment_id: str, limit: int, cursor: str | None) -> dict:
    return page(db.reactions, {"moment_id": moment_id}, limit=limit, cursor=cursor,
                newest_first=False)
