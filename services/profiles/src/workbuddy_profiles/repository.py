"""How profiles keeps members and moments in its own database."""

from pymongo import ASCENDING, DESCENDING
from pymongo.client_session import ClientSession
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from workbuddy_contracts.errors import Conflict, NotFound
from workbuddy_platform.pages import page


def create_indexes(db: Database) -> None:
    db.members.create_index([("email", ASCENDING)], unique=True)
    db.moments.create_index([("member_id", ASCENDING), ("order", DESCENDING)])


def _email_taken(email: str) -> Conflict:
    return Conflict(f"a member with the email {email} is already registered; "
                    "use another address", "email")


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


def get_member(db: Database, member_id: str, session: ClientSession | None = None) -> dict:
    member = db.members.find_one({"_id": member_id}, session=session)
    if member is None:
        raise NotFound(f"no member has the id {member_id!r}; check the id returned at "
                       "registration", "member_id")
    return member


def find_members(db: Database, member_ids: list[str]) -> list[dict]:
    return list(db.members.find({"_id": {"$in": member_ids}}))


def add_moment(db: Database, moment: dict, session: ClientSession) -> None:
    db.moments.insert_one(moment, session=session)


def get_moment(db: Database, moment_id: str) -> dict | None:
    return db.moments.find_one({"_id": moment_id})


def moments_of(db: Database, member_id: str, limit: int, cursor: str | None) -> dict:
    return page(db.moments, {"member_id": member_id}, limit=limit, cursor=cursor,
                newest_first=True)
