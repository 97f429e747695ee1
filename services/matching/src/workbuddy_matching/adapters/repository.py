"""How matching keeps buddyships, its pool of members, its rounds and the reports it was sent.

Reads happen at once; methods marked ``@write`` run when the unit of work commits, in its
transaction. The pool is a read model of profiles' events: it is written at once, one
idempotent document at a time.
"""

import uuid
from collections.abc import Collection
from datetime import datetime

from pymongo import ASCENDING
from pymongo.client_session import ClientSession
from pymongo.database import Database
from pymongo.errors import BulkWriteError, DuplicateKeyError

from workbuddy_contracts.errors import Conflict
from workbuddy_contracts.vocabulary import BUDDY_CAPACITY_MAX, FORMER_MEMBER, BuddyshipState
from workbuddy_platform.pages import order_key, page
from workbuddy_platform.store import merge, transition
from workbuddy_platform.unit_of_work import Repository, write
from workbuddy_readmodels import blocks
from workbuddy_readmodels.blocks import pair_key

from ..domain import buddyship as rules
from . import asks, check_ins, support
from .shortlist import stamp


def create_indexes(db: Database) -> None:
    asks.create_indexes(db)
    blocks.create_indexes(db)
    check_ins.create_indexes(db)
    support.create_indexes(db)
    db.buddyships.create_index([("proposer_id", ASCENDING)])
    db.buddyships.create_index([("invitee_id", ASCENDING)])
    db.buddyships.create_index([("closed_at", ASCENDING)])
    db.slots.create_index([("member_id", ASCENDING)])
    db.slots.create_index([("buddyship_id", ASCENDING)])
    db.pool.create_index([("changed", ASCENDING)])  # what each process's shortlist reads anew
    db.supporting.create_index([("buddyship_id", ASCENDING)])
    _hold_places_of_open_buddyships(db)
    db.moments.create_index([("author_id", ASCENDING)])
    db.reactions.create_index([("moment_id", ASCENDING)])
    db.reactions.create_index([("reactor_id", ASCENDING)])


def _hold_support(db: Database, member_id: str, buddyship_id: str,
                  session: ClientSession | None = None) -> None:
    """The member is in this open support buddyship (supporting_now reads it by ``_id``)."""
    # The _id is repeated in the replacement: nx-27017 ignores the filter's on an upsert.
    db.supporting.replace_one({"_id": member_id},
                              {"_id": member_id, "buddyship_id": buddyship_id},
                              upsert=True, session=session)


# Done once per database (a document in ``upgrades`` says so).
PLACES_OF_OPEN_BUDDYSHIPS = "places_of_open_buddyships"


def _hold_places_of_open_buddyships(db: Database) -> None:
    """Open buddyships from before their members' numbered slots (capacity.py) or before
    ``supporting`` were kept get theirs now, once per database: slots_taken and
    supporting_now read only those. Two replicas starting at once may both do it: a slot
    already taken by the same buddyship is skipped, another's number is left alone."""
    if db.upgrades.find_one({"_id": PLACES_OF_OPEN_BUDDYSHIPS}) is not None:
        return
    for found in db.buddyships.find({"state": {"$in": list(rules.OPEN)}}):
        members = (found["proposer_id"], found["invitee_id"])
        if found.get("origin") == "support":
            for member_id in members:
                _hold_support(db, member_id, found["_id"])
        elif found.get("origin") not in rules.OUTSIDE_CAPACITY:
            for member_id in members:
                held = {s["n"]: s["buddyship_id"] for s in db.slots.find({"member_id": member_id})}
                if found["_id"] in held.values():
                    continue
                n = next(n for n in range(len(held) + 1) if n not in held)
                try:
                    db.slots.insert_one({"_id": f"{member_id}:{n}", "member_id": member_id,
                                         "n": n, "buddyship_id": found["_id"]})
                except DuplicateKeyError:
                    continue
    db.upgrades.replace_one({"_id": PLACES_OF_OPEN_BUDDYSHIPS},
                            {"_id": PLACES_OF_OPEN_BUDDYSHIPS}, upsert=True)


# Two proposals raced for a member's last free slot, and the other one won.
SLOT_TAKEN = "another proposal took this member's last free place meanwhile; try again"


def _of(member_id: str) -> dict:
    return {"$or": [{"proposer_id": member_id}, {"invitee_id": member_id}]}


def _closed_after(found: dict, since: datetime) -> bool:
    closed = found.get("closed_at") or found.get("ended_at") or found.get("declined_at")
    return closed is not None and closed > since


class Buddyships(Repository):
    """Buddyships, and ``open_pairs``: one document per pair with a proposed or active
    buddyship, whose _id makes a second open buddyship of a pair impossible, even when two
    requests race."""

    def get(self, buddyship_id: str) -> dict | None:
        return self.db.buddyships.find_one({"_id": buddyship_id})

    def of_member(self, member_id: str, limit: int, cursor: str | None) -> dict:
        return page(self.db.buddyships, _of(member_id), limit=limit, cursor=cursor,
                    newest_first=False)

    def all_of(self, member_id: str) -> list[dict]:
        return self._either(member_id)

    def open_of(self, member_id: str) -> list[dict]:
        return self._either(member_id, {"state": {"$in": list(rules.OPEN)}})

    def _either(self, member_id: str, where: dict | None = None) -> list[dict]:
        """The member's buddyships, proposer or invitee: one query per side, each on its index
        (the embedded store reads the whole collection for an ``$or``)."""
        return [*self.db.buddyships.find({"proposer_id": member_id} | (where or {})),
                *self.db.buddyships.find({"invitee_id": member_id} | (where or {}))]

    def split(self, member_id: str, since: datetime) -> tuple[list[dict], list[dict]]:
        """The member's open buddyships, and those that closed after ``since``, from one read
        of their buddyships (two queries, one per side)."""
        theirs = self.all_of(member_id)
        return ([b for b in theirs if b.get("state") in rules.OPEN],
                [b for b in theirs if _closed_after(b, since)])

    def open_between(self, a: str, b: str) -> dict | None:
        found = self.db.open_pairs.find_one({"_id": pair_key(a, b)})
        return self.get(found["buddyship_id"]) if found else None

    def pair_is_open(self, pair: str) -> bool:
        return self.db.open_pairs.find_one({"_id": pair}) is not None

    def open_among(self, pairs: Collection[str]) -> set[str]:
        """Those of ``pairs`` (pair keys) with a proposed or active buddyship, in one read by
        ``_id``."""
        keys = sorted(set(pairs))
        return {p["_id"] for p in self.db.open_pairs.find({"_id": {"$in": keys}}, {"_id": 1})} \
            if keys else set()

    def all_open_pairs(self) -> set[frozenset[str]]:
        return {frozenset(p["_id"].split(":")) for p in self.db.open_pairs.find()}

    def slots_taken(self, member_ids: Collection[str] | None = None) -> dict[str, int]:
        """Per member, how many proposed or active buddyships hold one of their slots (a
        support buddy is extra: it takes nobody's). With ``member_ids``, only theirs: their
        numbered slots read by ``_id`` (capacity.py), so that an event serving a few members
        reads a few documents, whatever the pool's size (the embedded store plans an ``$in``
        on ``_id`` only: on any other field it reads the whole collection). Without, everyone's,
        from the open pairs (a round reads the whole pool anyway)."""
        taken: dict[str, int] = {}
        if member_ids is None:
            for pair in self.db.open_pairs.find({"support": {"$ne": True}}):
                for member_id in pair["_id"].split(":"):
                    taken[member_id] = taken.get(member_id, 0) + 1
            return taken
        return {member_id: len(numbers) for member_id, numbers in self.slot_numbers(member_ids).items()}

    def slot_numbers(self, member_ids: Collection[str]) -> dict[str, set[int]]:
        """The numbers of the capacity slots each of ``member_ids`` holds (those holding none
        are absent), in one read by ``_id``."""
        ids = [f"{member_id}:{n}" for member_id in sorted(set(member_ids))
               for n in range(BUDDY_CAPACITY_MAX)]
        held: dict[str, set[int]] = {}
        for slot in self.db.slots.find({"_id": {"$in": ids}}, {"member_id": 1, "n": 1}) if ids else ():
            held.setdefault(slot["member_id"], set()).add(slot["n"])
        return held

    def supporting_now(self, member_ids: Collection[str]) -> set[str]:
        """Those of ``member_ids`` in an open support buddyship (either side): a member has one
        support buddy at a time, and a supporter supports one member at a time. Read by
        ``_id`` from ``supporting``, kept with the support buddyships (``add``, ``save``)."""
        ids = sorted(set(member_ids))
        return {doc["_id"] for doc in self.db.supporting.find({"_id": {"$in": ids}})} if ids \
            else set()

    def closed_since(self, member_id: str, since: datetime) -> list[dict]:
        return [b for b in self.all_of(member_id) if _closed_after(b, since)]

    def pairs_closed_since(self, since: datetime) -> set[frozenset[str]]:
        return {frozenset((b["proposer_id"], b["invitee_id"]))
                for b in self.db.buddyships.find({"closed_at": {"$gte": since}})}

    def active(self) -> list[dict]:
        return list(self.db.buddyships.find({"state": BuddyshipState.ACTIVE.value}))

    def due_to_expire(self, now: datetime, limit: int = 200) -> list[dict]:
        return list(self.db.buddyships.find({"state": BuddyshipState.PROPOSED.value,
                                             "expires_at": {"$lt": now}}).limit(limit))

    def support_due_to_end(self, now: datetime, limit: int = 200) -> list[dict]:
        return list(self.db.buddyships.find({"state": BuddyshipState.ACTIVE.value,
                                             "origin": {"$in": list(rules.TEMPORARY)},
                                             "ends_at": {"$lt": now}}).limit(limit))

    def due_for_check_in(self, now: datetime, limit: int = 100) -> list[dict]:
        """Active buddyships whose trial is over or whose next check-in has come."""
        return list(self.db.buddyships.find({"state": BuddyshipState.ACTIVE.value,
                                             "next_check_in_at": {"$lte": now}})
                    .sort("next_check_in_at", 1).limit(limit))

    def unscheduled(self, limit: int = 100) -> list[dict]:
        """Active buddyships for good that started before trials and check-ins existed."""
        return list(self.db.buddyships.find({"state": BuddyshipState.ACTIVE.value,
                                             "origin": {"$nin": list(rules.TEMPORARY)},
                                             "trial_ends_at": None}).limit(limit))

    def ratings_of(self, buddyship_id: str) -> list[int]:
        return [r["rating"] for r in self.db.ratings.find({"buddyship_id": buddyship_id})]

    def slots_of(self, member_id: str) -> frozenset[int]:
        """The numbers of the capacity slots the member's open buddyships hold (capacity.py)."""
        return frozenset(s["n"] for s in self.db.slots.find({"member_id": member_id}))

    def open_held(self, member_id: str) -> list[dict]:
        """The member's proposed and active buddyships that count against their capacity."""
        return [b for b in self.open_of(member_id)
                if b.get("origin") not in rules.OUTSIDE_CAPACITY]

    @write
    def add(self, proposal: dict, slots: tuple[tuple[str, int], ...] = (),
            session: ClientSession | None = None) -> None:
        """A proposal, its pair's one open place, and the capacity slot it takes of each member
        (``slots``: (member id, slot number)); a Conflict if another proposal took either first."""
        try:
            self.db.open_pairs.insert_one({"_id": proposal["pair"], "buddyship_id": proposal["_id"],
                                           "support": proposal.get("origin")
                                           in rules.OUTSIDE_CAPACITY},
                                          session=session)
        except DuplicateKeyError as exc:
            raise Conflict(rules.OPEN_PAIR, "buddy_id") from exc
        if proposal.get("origin") == "support":
            for member_id in (proposal["proposer_id"], proposal["invitee_id"]):
                _hold_support(self.db, member_id, proposal["_id"], session)
        for member_id, n in slots:
            try:
                self.db.slots.insert_one({"_id": f"{member_id}:{n}", "member_id": member_id, "n": n,
                                          "buddyship_id": proposal["_id"]}, session=session)
            except DuplicateKeyError as exc:
                raise Conflict(SLOT_TAKEN, "buddy_id") from exc
        self.db.buddyships.insert_one(proposal, session=session)

    @write
    def add_all(self, proposals: list[tuple[dict, tuple[tuple[str, int], ...]]],
                session: ClientSession | None = None) -> None:
        """Proposals (none of a support buddy: ``add`` keeps who supports whom), each with the
        slots it takes (as ``add``), in three commands for them all: their pairs' open places,
        their slots, the proposals. A Conflict if another proposal took a pair or a slot first
        (the transaction undoes the rest)."""
        if any(p.get("origin") == "support" for p, _ in proposals):
            raise ValueError("a support buddy's proposal is added alone (add)")
        places = [{"_id": p["pair"], "buddyship_id": p["_id"],
                   "support": p.get("origin") in rules.OUTSIDE_CAPACITY} for p, _ in proposals]
        slots = [{"_id": f"{member_id}:{n}", "member_id": member_id, "n": n,
                  "buddyship_id": p["_id"]} for p, taken in proposals for member_id, n in taken]
        for collection, documents, refusal in ((self.db.open_pairs, places, rules.OPEN_PAIR),
                                               (self.db.slots, slots, SLOT_TAKEN)):
            try:
                if documents:
                    collection.insert_many(documents, session=session)
            except (BulkWriteError, DuplicateKeyError) as exc:
                raise Conflict(refusal, "buddy_id") from exc
        self.db.buddyships.insert_many([p for p, _ in proposals], session=session)

    @write
    def save(self, after: dict, was: dict, session: ClientSession | None = None) -> None:
        """Store a step of the buddyship's life, only if it is still as ``was`` (same state,
        same number of answers); a pair whose buddyship closed is free again."""
        where = {"_id": was["_id"], "state": was["state"], "answers": was.get("answers", 1)} \
            if was["state"] == rules.PROPOSED else {"_id": was["_id"], "state": was["state"]}
        if self.db.buddyships.replace_one(where, after, session=session).matched_count != 1:
            raise Conflict("this proposal was answered meanwhile; reload it"
                           if was["state"] == rules.PROPOSED
                           else "this buddyship changed meanwhile; reload it", "buddyship_id")
        if rules.is_open(was) and not rules.is_open(after):
            self.db.open_pairs.delete_one({"_id": was["pair"]}, session=session)
            self.db.slots.delete_many({"buddyship_id": was["_id"]}, session=session)
            self.db.supporting.delete_many({"buddyship_id": was["_id"]}, session=session)

    @write
    def mark_quiet(self, buddyship_id: str, quiet: dict | None,
                   session: ClientSession | None = None) -> None:
        """Flag (or unflag, with None) the buddy who has gone quiet: a Conflict once the
        buddyship is no longer active."""
        if transition(self.db.buddyships, {"_id": buddyship_id, "state": rules.ACTIVE},
                      {"quiet": quiet}, session=session) is None:
            raise Conflict("this buddyship is no longer active", "buddyship_id")

    @write
    def rate(self, buddyship_id: str, rater_id: str, rating: int, at: datetime,
             session: ClientSession | None = None) -> None:
        key = f"{buddyship_id}:{rater_id}"
        # The _id is repeated in the replacement: nx-27017 ignores the filter's on an upsert.
        self.db.ratings.replace_one({"_id": key}, {"_id": key, "buddyship_id": buddyship_id,
                                                   "rater_id": rater_id, "rating": rating,
                                                   "rated_at": at},
                                    upsert=True, session=session)

    @write
    def forget(self, member_id: str, nameless: list[dict],
               session: ClientSession | None = None) -> None:
        """The member's buddyships, each kept as ``nameless`` holds it, and their ratings gone."""
        for buddyship in nameless:
            self.db.open_pairs.delete_many(
                {"buddyship_id": buddyship["_id"]}, session=session)
            self.db.slots.delete_many({"buddyship_id": buddyship["_id"]}, session=session)
            self.db.supporting.delete_many({"buddyship_id": buddyship["_id"]}, session=session)
            self.db.buddyships.replace_one({"_id": buddyship["_id"]}, buddyship, session=session)
        self.db.ratings.delete_many({"rater_id": member_id}, session=session)

    def export_of(self, member_id: str) -> dict:
        return {"buddyships": self.all_of(member_id),
                "ratings": list(self.db.ratings.find({"rater_id": member_id}))}


# Members whose address is not proven yet are proposed to nobody and nobody is proposed to them
# (documents from before addresses were verified have no such field: they count as proven).
PROVEN = {"email_verified": {"$ne": False}}


class Pool(Repository):
    """What matching may know of members (no email, no password): their answers, and what
    their moments and reactions taught it (activity, setbacks lived, responsiveness). Only
    members whose address is proven are drawn from it (``PROVEN``)."""

    def member(self, member_id: str) -> dict | None:
        return self.db.pool.find_one({"_id": member_id})

    def members(self, member_ids: list[str]) -> list[dict]:
        if not member_ids:  # the embedded store reads the whole pool for an empty $in
            return []
        return list(self.db.pool.find({"_id": {"$in": member_ids}}))

    def size(self) -> int:
        """About how many members the pool holds (from the store's own count, not a scan)."""
        return self.db.pool.estimated_document_count()

    def sample(self, limit: int, around: dict | None = None) -> list[dict]:
        """Up to ``limit`` members, always including ``around`` (the member being served)."""
        # A document made by member.address_verified alone (it came first) waits for the rest.
        found = list(self.db.pool.find(PROVEN | {"language": {"$exists": True}}).limit(limit))
        if around is not None and all(doc["_id"] != around["_id"] for doc in found):
            found.append(around)
        return found

    def answered(self) -> list[dict]:
        """Members who have answered the onboarding questions: matching proposes only from them."""
        return list(self.db.pool.find({"revision": {"$gte": 1}} | PROVEN))

    def open_to_projects(self) -> list[dict]:
        return list(self.db.pool.find({"profile.open_to_projects": True} | PROVEN))

    def offering_support(self) -> list[dict]:
        return list(self.db.pool.find({"profile.offers_support": True} | PROVEN))

    def remember_member(self, member: dict) -> None:
        merge(self.db.pool, member["member_id"],
              stamp({"language": member["language"], "registered_at": member["registered_at"]}))
        merge(self.db.pool, member["member_id"], stamp({"display_name": member["display_name"]}),
              only_if=lambda current: "revision" not in current)  # member.updated knows better
        # v3 and later; member.address_verified may have come first, and it has the last word.
        merge(self.db.pool, member["member_id"],
              stamp({"email_verified": member.get("email_verified", True),
                     "invited_by": member.get("invited_by")}),
              only_if=lambda current: current.get("email_verified") is not True)

    def remember_verified(self, member_id: str) -> dict:
        """The member proved their address: theirs as it was, now proven."""
        return merge(self.db.pool, member_id, stamp({"email_verified": True}))

    def remember_profile(self, update: dict) -> None:
        """A newer profile replaces an older one; an older one arriving late changes nothing."""
        merge(self.db.pool, update["member_id"],
              stamp({"revision": update["revision"], "display_name": update["display_name"],
                     "language": update["language"], "profile": update["profile"],
                     "profile_updated_at": update["updated_at"]}),
              only_if=lambda current: current.get("revision", 0) < update["revision"])

    def seen_active(self, member_id: str, at: datetime) -> None:
        """The member did something at ``at``: their last activity, unless a later one is known."""
        merge(self.db.pool, member_id, stamp({"last_active_at": at}), create=False,
              only_if=lambda current: not _later(current.get("last_active_at"), at))

    def lived(self, member_id: str, setbacks: list[str]) -> None:
        merge(self.db.pool, member_id, stamp({"setbacks": setbacks}), create=False)

    def save_responsiveness(self, member_id: str, share: float | None,
                            minutes: float | None) -> None:
        merge(self.db.pool, member_id,
              stamp({"responsiveness": share, "reaction_minutes": minutes}), create=False)

    def mark_left_out(self, member_id: str, left_out: dict | None) -> None:
        """What the last round told the member: why they got nobody (None: they got someone)."""
        merge(self.db.pool, member_id, {"left_out": left_out}, create=False)

    # --- moments and reactions: who lived what, and who shows up for their buddies -------------

    def remember_moment(self, moment: dict) -> None:
        self.db.moments.replace_one({"_id": moment["moment_id"]}, {
            "_id": moment["moment_id"], "author_id": moment["member_id"], "kind": moment["kind"],
            "logged_at": moment["logged_at"]}, upsert=True)

    def remember_reaction(self, reaction: dict) -> None:
        self.db.reactions.replace_one({"_id": reaction["reaction_id"]}, {
            "_id": reaction["reaction_id"], "moment_id": reaction["moment_id"],
            "author_id": reaction["author_id"], "reactor_id": reaction["reactor_id"],
            "reacted_at": reaction["reacted_at"]}, upsert=True)

    def moments_of(self, author_ids: list[str], since: datetime) -> list[dict]:
        return list(self.db.moments.find({"author_id": {"$in": author_ids},
                                          "logged_at": {"$gte": since}}))

    def reactions_to(self, moment_ids: list[str]) -> list[dict]:
        return list(self.db.reactions.find({"moment_id": {"$in": moment_ids}}))

    @write
    def forget(self, member_id: str, session: ClientSession | None = None) -> None:
        """What they logged and how they reacted taught matching about others too; it goes
        with them."""
        self.db.pool.delete_one({"_id": member_id}, session=session)
        self.db.moments.delete_many({"author_id": member_id}, session=session)
        self.db.reactions.delete_many({"$or": [{"reactor_id": member_id},
                                               {"author_id": member_id}]}, session=session)

    def export_of(self, member_id: str) -> dict:
        return {"pool": list(self.db.pool.find({"_id": member_id})),
                "moments": list(self.db.moments.find({"author_id": member_id})),
                "reactions": list(self.db.reactions.find({"reactor_id": member_id}))}


def _later(known: datetime | None, new: datetime) -> bool:
    return known is not None and known >= new


class Rounds(Repository):
    """The rounds over the whole pool, and the members waiting for their slots to be filled
    (served by the replica holding the proposing lease)."""

    def last(self) -> dict | None:
        return next(iter(self.db.rounds.find().sort("order", -1).limit(1)), None)

    def record(self, summary: dict) -> None:
        self.db.rounds.insert_one(summary)

    def want_slots_filled(self, member_id: str, at: datetime) -> None:
        """Asking again before it is served changes only the token, so a burst of profile edits
        is served once."""
        self.db.slot_requests.replace_one(
            {"_id": member_id}, {"_id": member_id, "token": uuid.uuid4().hex, "at": at},
            upsert=True)

    def wanting_slots_filled(self, now: datetime, limit: int = 50) -> list[dict]:
        """Requests due now (a paused member's waits for the end of the pause)."""
        return list(self.db.slot_requests.find({"at": {"$lte": now}}).limit(limit))

    def slots_filled(self, request: dict) -> None:
        """Served: forget the request, unless it was renewed meanwhile (then it is served again)."""
        self.db.slot_requests.delete_one({"_id": request["_id"], "token": request["token"]})

    @write
    def forget(self, member_id: str, session: ClientSession | None = None) -> None:
        self.db.slot_requests.delete_one({"_id": member_id}, session=session)


class Reports(Repository):
    """Reports of members, kept for operators."""

    @write
    def add(self, reporter_id: str, reported_id: str, report: dict, at: datetime,
            session: ClientSession | None = None) -> None:
        report_id = uuid.uuid4().hex
        self.db.reports.insert_one({"_id": report_id, "order": order_key(at, report_id),
                                    "reporter_id": reporter_id, "reported_id": reported_id,
                                    "reason": report["reason"], "details": report["details"],
                                    "at": at}, session=session)

    def latest(self, limit: int) -> list[dict]:
        return list(self.db.reports.find().sort("order", -1).limit(max(1, min(int(limit), 500))))

    @write
    def forget(self, member_id: str, session: ClientSession | None = None) -> None:
        """Reports they made keep what happened, not who told; reports about them go with them."""
        self.db.reports.delete_many({"reported_id": member_id}, session=session)
        self.db.reports.update_many({"reporter_id": member_id},
                                    {"$set": {"reporter_id": FORMER_MEMBER}}, session=session)

    def made_by(self, member_id: str) -> list[dict]:
        return list(self.db.reports.find({"reporter_id": member_id}))
