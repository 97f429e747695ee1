"""The storage contract: exactly the query and update shapes the product uses, through the
product's own functions, against the store the services run on.

By default the store is the embedded nx-27017 (tests/conftest.py starts it); with
TEST_MONGO_URI the same tests prove the code on a real MongoDB (a replica set, for
transactions). Where nx-27017 differs from MongoDB, a test says so and documents the gap:
it is marked xfail(strict) on nx-27017 only, so it passes on both and fails loudly the day
the gap closes (or the day a real MongoDB stops behaving as documented).

Known gaps of nx-27017 0.8.1 that shape these tests (each has a test of its own below):
- datetime comparisons in queries ($lt, $lte, $gt, $gte, $eq, $ne) work at whole-second
  resolution, so a document written a few milliseconds ago does not match ``$lt now``. Tests
  that depend on such a query write timestamps minutes in the past instead of sleeping.
- a datetime written by ``$set`` on an existing document (update_one, update_many,
  find_one_and_update) reads back as a naive string such as '2025-06-01 12:00:00.123000';
  inserts, upserts that create the document, and replace_one keep a datetime. Contract tests
  check what such fields say only where the product reads them back; the type is checked in
  test_a_datetime_written_by_an_update_reads_back_as_a_datetime.
- count_documents fails ("no such table") on a collection whose creation was rolled back with
  an aborted transaction, so tests count with find().
- transactions are not isolated from other sessions: the platform's clients take turns at a
  database while a transaction is open (workbuddy_platform.turns); test_isolation.py proves
  it, and documents the store's own gap with a plain client.
"""

import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from kombu.exceptions import OperationalError
from nameko.amqp.publish import UndeliverableMessage
from pymongo.errors import DuplicateKeyError, OperationFailure

from workbuddy_contracts.errors import Conflict, NotFound, Unauthorized
from workbuddy_contracts.events import make_event
from workbuddy_contracts.profile import default_profile
from workbuddy_contracts.vocabulary import BuddyshipState
from workbuddy_gateway.sessions import Sessions
from workbuddy_matching.adapters.repository import create_indexes as matching_indexes
from workbuddy_matching.domain import buddyship as buddyships
from workbuddy_matching.domain import check_ins as check_in_rules
from workbuddy_matching.unit_of_work import MatchingUnitOfWork
from workbuddy_matching.use_cases import proposals, slots
from workbuddy_notifications.adapters.links import LinkSettings, MailLinks
from workbuddy_notifications.adapters.push import VapidSettings, WebPush
from workbuddy_notifications.adapters.repository import create_indexes as notifications_indexes
from workbuddy_notifications.adapters.senders import Senders
from workbuddy_notifications.domain import audience
from workbuddy_notifications.domain import deliveries as ledger
from workbuddy_notifications.unit_of_work import NotificationsUnitOfWork
from workbuddy_notifications.use_cases import deliveries
from workbuddy_platform import consumers, lease, outbox
from workbuddy_platform.store import in_transaction
from workbuddy_platform.unit_of_work import OutboxWriter
from workbuddy_profiles.adapters.repository import create_indexes as profiles_indexes
from workbuddy_profiles.domain import members, moments
from workbuddy_profiles.unit_of_work import ProfilesUnitOfWork
from workbuddy_profiles.use_cases.profiles import existing_member


class KeptMails:
    """No SMTP here: this suite is about the store."""

    def __init__(self):
        self.sent = []

    def send(self, message, headers) -> str:
        self.sent.append((message, headers))
        return f"<{len(self.sent)}@test>"


class NoOpenApp:
    def announce(self, member_id: str, item: dict) -> None:
        pass


SENDERS = Senders(mail=KeptMails(), push=WebPush(VapidSettings()),
                  links=MailLinks(LinkSettings(secret="k" * 40)), announcer=NoOpenApp())


def profiles(db) -> ProfilesUnitOfWork:
    """profiles' repositories over the test's database, its events staged in the outbox."""
    return ProfilesUnitOfWork(db, outbox=OutboxWriter(db, "profiles", None))


def matching(db) -> MatchingUnitOfWork:
    """matching's repositories over the test's database, its events staged in the outbox."""
    return MatchingUnitOfWork(db, outbox=OutboxWriter(db, "matching", None))


def notifications(db) -> NotificationsUnitOfWork:
    """notifications' repositories over the test's database, on the real clock."""
    return NotificationsUnitOfWork(db)


def link_times(db, buddyship_id: str, member_ids: list[str], **times) -> list[dict]:
    """A buddyship.started or .ended payload, as notifications keeps it."""
    return notifications(db).buddy_links.record(
        {"buddyship_id": buddyship_id, "member_ids": member_ids, **times})

LONG_AGO = timedelta(minutes=10)  # comfortably past any cutoff, at any query resolution


def ms(dt: datetime) -> datetime:
    """The store keeps milliseconds: what a datetime reads back as."""
    return dt.replace(microsecond=dt.microsecond // 1000 * 1000)


def ago(delta: timedelta) -> datetime:
    return datetime.now(UTC) - delta


def count(collection) -> int:
    return len(list(collection.find({}, {"_id": 1})))  # not count_documents: see the docstring


def restamp(collection, _id, **fields) -> None:
    """Set fields the way an insert writes them (a whole document), so that a datetime stays a
    datetime on every server; for fields the product writes by insert."""
    doc = collection.find_one({"_id": _id})
    collection.replace_one({"_id": _id}, doc | fields)


class Boom(Exception):
    pass


# --- helpers building product data -----------------------------------------------------

def new_member(email: str) -> dict:
    member, _ = members.new_member({"email": email, "display_name": "Alice", "language": "en",
                                   "password": "a long enough passphrase"}, datetime.now(UTC))
    return member


def moment_event(note: str = "n", **kwargs):
    return make_event("moment.logged", {
        "moment_id": uuid.uuid4().hex, "member_id": "m-1", "kind": "client_won", "note": note,
        "logged_at": datetime.now(UTC)}, producer="profiles", correlation_id="c-1", **kwargs)


def register(db, member: dict) -> None:
    """What accounts.register writes, in the same order, in one transaction."""
    uow = profiles(db)
    uow.members.add(member, "a password hash")
    uow.record(members.registered(member, invited_by=None))
    uow.commit()


# --- transactions ----------------------------------------------------------------------

def test_a_transaction_commits_two_collections_together(db):
    profiles_indexes(db)
    member = new_member("alice@example.org")
    register(db, member)
    assert db.members.find_one({"_id": member["_id"]})["email"] == "alice@example.org"
    [entry] = db.outbox.find()
    assert entry["type"] == "member.registered" and entry["state"] == outbox.PENDING
    assert entry["message"]["payload"]["member_id"] == member["_id"]


def test_a_duplicate_key_in_the_second_write_aborts_the_first(db):
    staged = moment_event()
    in_transaction(db, lambda s: outbox.stage(db, staged, s))
    uow = profiles(db)
    uow.members.add(new_member("bob@example.org"), "a password hash")
    uow.later(lambda session: outbox.stage(db, staged, session))  # same event id: duplicate _id
    with pytest.raises(DuplicateKeyError):
        uow.commit()
    assert count(db.members) == 0
    assert count(db.outbox) == 1


def test_a_taken_email_leaves_neither_member_nor_event(db):
    profiles_indexes(db)
    register(db, new_member("carol@example.org"))
    uow = profiles(db)
    # The event first, so that the refusal must undo a write.
    uow.later(lambda session: outbox.stage(db, moment_event(), session))
    uow.members.add(new_member("carol@example.org"), "a password hash")
    with pytest.raises(Conflict) as caught:
        uow.commit()
    assert caught.value.field == "email"
    assert count(db.members) == 1
    assert count(db.outbox) == 1  # only carol's member.registered


def test_any_exception_in_the_work_aborts_its_writes(db):
    def save(session):
        db.members.insert_one({"_id": "m-1", "email": "x@example.org"}, session=session)
        outbox.stage(db, moment_event(), session)
        raise Boom("a programming error after the writes")

    with pytest.raises(Boom):
        in_transaction(db, save)
    assert count(db.members) == 0
    assert count(db.outbox) == 0


def test_in_transaction_returns_what_the_work_returns(db):
    def work(session):
        db.things.insert_one({"_id": 1}, session=session)
        return {"answer": 42}

    assert in_transaction(db, work) == {"answer": 42}
    assert db.things.find_one({"_id": 1}) is not None


def test_transactions_of_several_threads_at_once_all_commit(db):
    """Workers of one process write in transactions at the same time (an RPC and a timer, say):
    none of them may fail because another is open (on nx-27017 they take turns)."""
    import threading

    failures = []

    def worker(n: int):
        for i in range(15):
            def save(session, i=i):
                db.first.insert_one({"_id": f"{n}-{i}"}, session=session)
                time.sleep(0.001)  # let the other threads' transactions interleave
                db.second.insert_one({"_id": f"{n}-{i}"}, session=session)
            try:
                in_transaction(db, save)
            except Exception as exc:  # noqa: BLE001 - counted, then asserted on
                failures.append(repr(exc))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
    assert db.first.count_documents({}) == db.second.count_documents({}) == 45


# --- profiles --------------------------------------------------------------------------

def test_members_emails_are_unique(db):
    profiles_indexes(db)
    profiles_indexes(db)  # every start creates them again: must be harmless
    unique = [spec for spec in db.members.index_information().values()
              if spec["key"] == [("email", 1)]]
    assert unique and unique[0].get("unique") is True

    register(db, new_member("dan@example.org"))
    with pytest.raises(Conflict) as caught:
        register(db, new_member("dan@example.org"))
    assert caught.value.field == "email"
    register(db, new_member("eve@example.org"))
    assert count(db.members) == 2


def test_members_are_found_by_id_and_by_ids(db):
    member = new_member("fay@example.org")
    register(db, member)
    assert profiles(db).members.find(member["_id"])["registered_at"] == ms(member["registered_at"])
    assert profiles(db).members.find(member["_id"])["registered_at"].tzinfo is not None
    assert [m["_id"] for m in profiles(db).members.find_many([member["_id"], "nobody"])] == [
        member["_id"]]
    with pytest.raises(NotFound) as caught:
        existing_member(profiles(db), "nobody")
    assert caught.value.field == "member_id"


def test_a_members_moments_come_newest_first_a_page_at_a_time(db):
    profiles_indexes(db)
    base = datetime(2025, 6, 1, tzinfo=UTC)
    member = {"_id": "m-1"}
    for i in (3, 0, 4, 1, 2):  # inserted out of order, a millisecond apart
        db.moments.insert_one(moments.new_moment(member, {"kind": "milestone"},
                                                base + timedelta(milliseconds=i), f"m1-{i}"))
    db.moments.insert_one(moments.new_moment({"_id": "m-2"}, {"kind": "milestone"},
                                            base + timedelta(hours=1), "other"))
    first = profiles(db).moments.of_member("m-1", 3, None)
    assert [m["_id"] for m in first["items"]] == ["m1-4", "m1-3", "m1-2"]
    second = profiles(db).moments.of_member("m-1", 3, first["next"])
    assert [m["_id"] for m in second["items"]] == ["m1-1", "m1-0"]
    assert second["next"] is None


# --- matching --------------------------------------------------------------------------

def propose(db, proposer: str, invitee: str, at: datetime | None = None) -> dict:
    change = buddyships.propose(proposer, invitee, at or datetime.now(UTC))
    proposals.save(matching(db), change)
    return change.buddyship


def step(db, was: dict, change: buddyships.Change) -> dict:
    """Store one step of a buddyship's life as the use cases do: conditional on ``was``."""
    uow = matching(db)
    uow.buddyships.save(change.buddyship, was=was)
    uow.record(*change.events)
    uow.commit()
    return change.buddyship


def answer(db, buddyship: dict, state: BuddyshipState, at: datetime) -> dict:
    answering = buddyships.accept if state is BuddyshipState.ACTIVE else buddyships.decline
    return step(db, buddyship, answering(buddyship, buddyship["_id"], buddyship["invitee_id"], at))


def test_a_pair_has_at_most_one_open_buddyship(db):
    matching_indexes(db)
    propose(db, "alice", "bob")
    with pytest.raises(Conflict) as caught:
        propose(db, "bob", "alice")  # the other way round is the same pair
    assert caught.value.field == "buddy_id"
    assert count(db.buddyships) == 1
    propose(db, "alice", "carol")  # another pair is free
    assert count(db.buddyships) == 2


def test_declining_moves_the_state_and_frees_the_pair(db):
    first = propose(db, "alice", "bob")
    at = datetime(2025, 6, 1, 12, 0, 0, 123000, tzinfo=UTC)
    declined = answer(db, first, BuddyshipState.DECLINED, at)
    assert declined["state"] == "declined"
    stored = matching(db).buddyships.get(first["_id"])
    assert stored["state"] == "declined" and "declined_at" in stored
    assert "started_at" not in stored
    assert count(db.open_pairs) == 0
    again = propose(db, "bob", "alice")  # the pair may try again
    assert matching(db).buddyships.get(again["_id"])["state"] == "proposed"


def test_accepting_starts_the_buddyship_and_keeps_the_pair_taken(db):
    first = propose(db, "alice", "bob")
    at = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
    answer(db, first, BuddyshipState.ACTIVE, at)
    stored = matching(db).buddyships.get(first["_id"])
    assert stored["state"] == "active" and "started_at" in stored
    with pytest.raises(Conflict):
        propose(db, "alice", "bob")


def test_a_proposal_is_answered_only_once(db):
    first = propose(db, "alice", "bob")
    answer(db, first, BuddyshipState.ACTIVE, datetime.now(UTC))
    with pytest.raises(Conflict) as caught:
        answer(db, first, BuddyshipState.DECLINED, datetime.now(UTC))
    assert caught.value.field == "buddyship_id"
    stored = matching(db).buddyships.get(first["_id"])
    assert stored["state"] == "active" and "declined_at" not in stored
    assert count(db.open_pairs) == 1  # the failed decline freed nothing


def test_a_members_buddyships_both_ways_oldest_first(db):
    matching_indexes(db)
    base = datetime(2025, 6, 1, tzinfo=UTC)
    for i, (p, inv) in enumerate([("carol", "alice"), ("alice", "bob"), ("bob", "carol")]):
        propose(db, p, inv, base + timedelta(milliseconds=10 - i))
    first = matching(db).buddyships.of_member("alice", 1, None)
    second = matching(db).buddyships.of_member("alice", 1, first["next"])
    assert [(b["proposer_id"], b["invitee_id"]) for b in first["items"] + second["items"]] == [
        ("alice", "bob"), ("carol", "alice")]
    assert second["next"] is None


def test_a_members_check_ins_open_first_then_the_latest(db):
    matching_indexes(db)
    uow, base = matching(db), datetime(2025, 6, 1, tzinfo=UTC)
    for number, (pair, state) in enumerate([(("alice", "bob"), "closed"),
                                            (("carol", "alice"), "open"),
                                            (("bob", "carol"), "open")]):
        buddyship = {"_id": f"b-{number}", "proposer_id": pair[0], "invitee_id": pair[1]}
        check_in, _, _ = check_in_rules.open_for(buddyship, base + timedelta(days=number))
        uow.check_ins.add(check_in | {"state": state})
        uow.commit()
    assert [c["_id"] for c in uow.check_ins.of_member("alice")] == ["b-1-1", "b-0-1"]
    assert [c["_id"] for c in uow.check_ins.open_of_buddyship("b-2")] == ["b-2-1"]
    uow.check_ins.forget("bob")
    uow.commit()
    assert [c["_id"] for c in uow.check_ins.all_of("carol")] == ["b-1-1"]


def test_an_element_of_an_indexed_array_is_found_by_equality(db, gap_on_nx):
    """Why check-ins name their two members in plain fields too ($in and $or still work)."""
    gap_on_nx("a query {field: value} on an indexed array field finds nothing")
    db.arrays.create_index("member_ids")
    db.arrays.insert_one({"_id": 1, "member_ids": ["a", "b"]})
    assert len(list(db.arrays.find({"member_ids": {"$in": ["a"]}}))) == 1
    assert len(list(db.arrays.find({"member_ids": "a"}))) == 1


def test_the_pool_remembers_a_member_once(db):
    registered = datetime(2025, 6, 1, tzinfo=UTC)
    for language in ("en", "fr"):  # a redelivered or corrected event updates in place
        matching(db).pool.remember_member({"member_id": "m-1", "language": language,
                                           "display_name": "A", "registered_at": registered,
                                           "email": "secret@x.org"})
    [member] = db.pool.find()
    # _rev and changed are bookkeeping: the revision merges compare, the stamp shortlists read.
    assert set(member) - {"_rev", "changed"} == {"_id", "language", "registered_at",
                                                 "display_name", "email_verified", "invited_by"}
    assert "secret@x.org" not in str(member)  # never the email
    assert (member["_id"], member["language"]) == ("m-1", "fr")


def test_pool_documents_changed_since_a_moment_are_found_by_their_stamp(db):
    matching_indexes(db)
    pool = matching(db).pool
    for member_id in ("m-1", "m-2"):
        pool.remember_member({"member_id": member_id, "language": "en", "display_name": "A",
                              "registered_at": datetime(2025, 6, 1, tzinfo=UTC)})
    since = time.time()
    time.sleep(0.01)  # a number, compared exactly (a datetime would be to the second on nx)
    pool.seen_active("m-2", datetime(2025, 6, 2, tzinfo=UTC))
    assert [d["_id"] for d in db.pool.find({"changed": {"$gte": since}})] == ["m-2"]


# --- notifications: read models ---------------------------------------------------------

def test_link_times_upserted_twice_keep_both_times(db):
    started = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
    ended = datetime(2025, 7, 1, 12, 0, tzinfo=UTC)
    first = link_times(db, "b-1", ["alice", "bob"], started_at=started)
    assert [(lk["member_id"], lk["buddy_id"]) for lk in first] == [("alice", "bob"),
                                                                    ("bob", "alice")]
    assert all(lk["started_at"] == started and "ended_at" not in lk for lk in first)

    second = link_times(db, "b-1", ["alice", "bob"], ended_at=ended)
    assert all(lk["started_at"] == started and "ended_at" in lk for lk in second)
    assert count(db.buddy_links) == 2
    [alice] = notifications(db).buddy_links.of("alice")
    assert (alice["buddy_id"], alice["started_at"]) == ("bob", started)
    assert "ended_at" in alice  # its type: see test_a_datetime_written_by_an_update_...


def test_link_times_in_either_order_end_the_same(db):
    started = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
    ended = datetime(2025, 7, 1, 12, 0, tzinfo=UTC)
    link_times(db, "b-1", ["alice", "bob"], ended_at=ended)  # arrived first
    links = link_times(db, "b-1", ["alice", "bob"], started_at=started)
    assert all(lk["ended_at"] == ended and "started_at" in lk for lk in links)


def test_recent_moments_newest_first_limited_to_the_catch_up_window(db):
    notifications_indexes(db)
    base = datetime(2025, 6, 1, tzinfo=UTC)
    total = audience.CATCH_UP_WINDOW + 5
    for i in reversed(range(total)):  # inserted oldest last
        notifications(db).moments.save({"_id": f"mo-{i:03}", "event_id": f"e-{i}",
                                       "author_id": "alice", "kind": "milestone", "note": None,
                                       "logged_at": base + timedelta(seconds=i)})
    notifications(db).moments.save({"_id": "bob-1", "event_id": "e-b", "author_id": "bob",
                                   "kind": "milestone", "note": None,
                                   "logged_at": base + timedelta(days=1)})
    recent = notifications(db).moments.recent_of("alice", audience.CATCH_UP_WINDOW)
    assert [m["_id"] for m in recent] == [f"mo-{i:03}" for i in
                                          reversed(range(5, total))]
    assert recent[0]["logged_at"] == base + timedelta(seconds=total - 1)


def test_a_moment_saved_twice_is_kept_once(db):
    moment = {"_id": "mo-1", "event_id": "e-1", "author_id": "alice", "kind": "milestone",
              "note": "first", "logged_at": datetime(2025, 6, 1, tzinfo=UTC)}
    notifications(db).moments.save(moment)
    notifications(db).moments.save(moment | {"note": "second"})
    assert notifications(db).moments.get("mo-1")["note"] == "first"


def test_a_recipient_is_saved_once_and_updated(db):
    member = {"member_id": "m-1", "email": "a@example.org", "display_name": "A",
              "language": "en", "registered_at": datetime.now(UTC)}
    notifications(db).recipients.save(member)
    notifications(db).recipients.save(member | {"language": "fr"})
    found = notifications(db).recipients.get("m-1")
    assert {k: found[k] for k in ("_id", "email", "display_name", "language")} == {
        "_id": "m-1", "email": "a@example.org", "display_name": "A", "language": "fr"}
    assert notifications(db).recipients.get("m-2") is None


def profile_update(revision: int, **changes) -> dict:
    profile = default_profile("en") | changes
    return {"member_id": "m-1", "revision": revision, "display_name": f"A{revision}",
            "language": "en", "profile": profile, "updated_at": datetime.now(UTC)}


def test_a_recipient_takes_the_newest_profile_whatever_the_order(db):
    notifications(db).recipients.save_profile(profile_update(3, time_zone="Asia/Tokyo"))
    assert notifications(db).recipients.get("m-1") is None  # no address yet: cannot be written to
    notifications(db).recipients.save({"member_id": "m-1", "email": "a@example.org",
                                      "display_name": "A1", "language": "fr",
                                      "registered_at": datetime.now(UTC)})
    notifications(db).recipients.save_profile(profile_update(2, time_zone="Europe/Paris"))
    found = notifications(db).recipients.get("m-1")
    assert (found["email"], found["display_name"], found["language"]) == (
        "a@example.org", "A3", "en")
    assert (found["revision"], found["time_zone"]) == (3, "Asia/Tokyo")


def test_the_pool_takes_the_newest_profile_and_never_an_email(db):
    pool = matching(db).pool
    pool.remember_profile(profile_update(2, sector="ux_design"))
    pool.remember_profile(profile_update(1, sector="legal"))  # late and older
    pool.remember_member({"member_id": "m-1", "language": "en", "email": "a@x.org",
                          "display_name": "A0", "registered_at": datetime(2025, 6, 1, tzinfo=UTC)})
    [member] = db.pool.find()
    assert member["profile"]["sector"] == "ux_design" and member["revision"] == 2
    assert member["display_name"] == "A2"  # the newer name from member.updated stays
    assert "email" not in member and "email" not in member["profile"]


# --- notifications: deliveries ledger ----------------------------------------------------

def open_delivery(db, event_id="e-1", recipient_id="bob") -> str:
    return notifications(db).deliveries.open(
        event_id=event_id, recipient_id=recipient_id, channel="email",
        notification_id=f"{event_id}:{recipient_id}", subject_id="alice", kind="moment")


def age(db, key: str, delta: timedelta = LONG_AGO) -> None:
    """Pretend the delivery was last touched ``delta`` ago (see the module docstring)."""
    restamp(db.deliveries, key, updated_at=ago(delta))


def test_opening_a_delivery_twice_keeps_one(db):
    notifications_indexes(db)
    key = open_delivery(db)
    assert open_delivery(db) == key
    [delivery] = notifications(db).deliveries.of_event("e-1")
    assert (delivery["_id"], delivery["state"], delivery["attempts"],
            delivery["waiting_for"]) == (key, "pending", 0, None)
    assert open_delivery(db, recipient_id="carol") != key
    assert len(notifications(db).deliveries.of_event("e-1")) == 2


def test_a_delivery_is_claimed_only_once(db):
    key = open_delivery(db)
    claimed = notifications(db).deliveries.claim(key)
    assert claimed["state"] == "sending"  # the document after the update
    assert notifications(db).deliveries.claim(key) is None
    notifications(db).deliveries.settle(key, ledger.SENT, message_id="<1@x>")
    assert notifications(db).deliveries.claim(key) is None
    assert notifications(db).deliveries.claim("no-such-key") is None


def test_settle_only_applies_to_a_delivery_being_sent(db):
    key = open_delivery(db)
    notifications(db).deliveries.settle(key, ledger.SENT)  # not claimed: nothing happens
    assert db.deliveries.find_one({"_id": key})["state"] == "pending"
    notifications(db).deliveries.claim(key)
    notifications(db).deliveries.settle(key, ledger.FAILED, reason="550 no such user")
    stored = db.deliveries.find_one({"_id": key})
    assert (stored["state"], stored["reason"]) == ("failed", "550 no such user")


def test_a_delivery_waiting_for_a_member_is_found_by_that_member_only(db):
    notifications_indexes(db)
    key = open_delivery(db)
    notifications(db).deliveries.claim(key)
    notifications(db).deliveries.release(key, waiting_for="carol")
    stored = db.deliveries.find_one({"_id": key})
    assert (stored["state"], stored["waiting_for"], stored["attempts"]) == ("pending", "carol",
                                                                            0)
    assert [d["_id"] for d in notifications(db).deliveries.waiting_on("carol")] == [key]
    assert notifications(db).deliveries.waiting_on("dave") == []
    age(db, key)
    # waiting for data is not a failure: the retry timer leaves it alone however old it is
    assert notifications(db).deliveries.due_for_retry(timedelta(seconds=5), ledger.MAX_ATTEMPTS) == []


def test_waiting_for_none_matches_only_deliveries_not_waiting(db):
    """due_for_retry filters on ``waiting_for: None``: equality with null must work."""
    waiting, failed = open_delivery(db, "e-1"), open_delivery(db, "e-2")
    for key in (waiting, failed):
        notifications(db).deliveries.claim(key)
    notifications(db).deliveries.release(waiting, waiting_for="carol")
    notifications(db).deliveries.release(failed, error="451 try later")
    assert [d["_id"] for d in db.deliveries.find({"waiting_for": None})] == [failed]


def test_a_failed_delivery_is_due_for_retry_once_older_than_the_cutoff(db):
    key = open_delivery(db)
    notifications(db).deliveries.claim(key)
    notifications(db).deliveries.release(key, error="451 try later")
    stored = db.deliveries.find_one({"_id": key})
    assert (stored["state"], stored["attempts"], stored["last_error"],
            stored["waiting_for"]) == ("pending", 1, "451 try later", None)

    # just released: not yet due (on any server, it is far younger than 5 s)
    assert notifications(db).deliveries.due_for_retry(timedelta(seconds=5), ledger.MAX_ATTEMPTS) == []
    age(db, key)
    assert [d["_id"] for d in notifications(db).deliveries.due_for_retry(
        timedelta(seconds=5), ledger.MAX_ATTEMPTS)] == [key]
    # ... unless it has used up its attempts
    db.deliveries.update_one({"_id": key}, {"$set": {"attempts": ledger.MAX_ATTEMPTS}})
    assert notifications(db).deliveries.due_for_retry(timedelta(seconds=5), ledger.MAX_ATTEMPTS) == []


def test_a_delivery_stuck_in_sending_is_reclaimed_only_when_old(db):
    stuck, busy = open_delivery(db, "e-1"), open_delivery(db, "e-2")
    for key in (stuck, busy):
        notifications(db).deliveries.claim(key)
    age(db, stuck)
    assert notifications(db).deliveries.reclaim_stuck(timedelta(minutes=5), ledger.MAX_ATTEMPTS) == 1
    assert db.deliveries.find_one({"_id": stuck})["state"] == "pending"
    assert db.deliveries.find_one({"_id": busy})["state"] == "sending"


def test_a_delivery_whose_worker_died_on_its_last_attempt_is_recorded_failed(db):
    key = open_delivery(db)
    notifications(db).deliveries.claim(key)
    db.deliveries.update_one({"_id": key}, {"$set": {"attempts": ledger.MAX_ATTEMPTS - 1}})
    age(db, key)
    assert notifications(db).deliveries.reclaim_stuck(timedelta(minutes=5), ledger.MAX_ATTEMPTS) == 1
    delivery = db.deliveries.find_one({"_id": key})
    assert delivery["state"] == "failed" and delivery["attempts"] == ledger.MAX_ATTEMPTS
    assert "interrupted while sending" in delivery["reason"]  # recorded, not left pending


@pytest.fixture
def sent_mails():
    SENDERS.mail.sent.clear()
    return SENDERS.mail.sent


def a_moment_to_deliver(db) -> str:
    for member_id, name in (("alice", "Alice"), ("bob", "Bob")):
        notifications(db).recipients.save({"member_id": member_id, "display_name": name,
                                          "email": f"{member_id}@example.org",
                                          "language": "en"})
    logged_at = datetime(2025, 6, 1, tzinfo=UTC)
    notifications(db).moments.save({"_id": "mo-1", "event_id": "e-1", "author_id": "alice",
                                   "kind": "client_won", "note": None, "logged_at": logged_at})
    db.inbox.insert_one({"_id": "e-1:bob", "event_id": "e-1", "recipient_id": "bob",
                         "kind": "moment", "subject_id": "alice", "at": logged_at, "read_at": None,
                         "data": {"moment_id": "mo-1", "kind": "client_won"}})
    return open_delivery(db)


def test_the_retry_timer_sends_a_delivery_that_failed_earlier(db, sent_mails, gap_on_nx):
    key = a_moment_to_deliver(db)
    notifications(db).deliveries.claim(key)
    notifications(db).deliveries.release(key, error="451 try later")
    age(db, key)
    deliveries.retry_due(notifications(db), SENDERS)
    assert [headers for _, headers in sent_mails] == [{"X-WorkBuddy-Delivery": key,
                                                       "X-WorkBuddy-Kind": "moment"}]
    assert db.deliveries.find_one({"_id": key})["state"] == "sent"


def test_a_held_delivery_waits_for_its_hold_to_end_then_goes(db, sent_mails):
    key = a_moment_to_deliver(db)
    notifications(db).deliveries.claim(key)
    notifications(db).deliveries.hold(key, until=datetime.now(UTC) + timedelta(hours=1), reason="quiet hours")
    age(db, key)
    deliveries.retry_due(notifications(db), SENDERS)
    assert sent_mails == [] and db.deliveries.find_one({"_id": key})["state"] == "pending"
    restamp(db.deliveries, key, not_before=datetime.now(UTC) - LONG_AGO)  # the quiet hours ended
    deliveries.retry_due(notifications(db), SENDERS)
    assert db.deliveries.find_one({"_id": key})["state"] == "sent" and len(sent_mails) == 1


def test_the_retry_timer_sends_a_delivery_whose_first_attempt_was_interrupted(db, sent_mails):
    key = a_moment_to_deliver(db)
    notifications(db).deliveries.claim(key)  # ... and the worker died before settling
    age(db, key)
    deliveries.retry_due(notifications(db), SENDERS)
    assert db.deliveries.find_one({"_id": key})["state"] == "sent"


# --- idempotent consumers ----------------------------------------------------------------

def test_an_event_is_recorded_as_processed_once_per_consumer(db):
    event = moment_event()
    assert not consumers.already_processed(db, "notifications.on_moment_logged", event.event_id)
    consumers.record_processed(db, "notifications.on_moment_logged", event)
    consumers.record_processed(db, "notifications.on_moment_logged", event)  # a replica's race
    assert consumers.already_processed(db, "notifications.on_moment_logged", event.event_id)
    assert not consumers.already_processed(db, "matching.on_moment_logged", event.event_id)
    [entry] = db[consumers.LEDGER].find()
    assert (entry["event_id"], entry["type"]) == (event.event_id, "moment.logged")


# --- outbox relay ------------------------------------------------------------------------

class RecordingPublisher:
    """Stands in for EventPublisher: records what it is asked to publish, or raises."""

    def __init__(self):
        self.messages: list[dict] = []  # published
        self.attempted: list[str] = []  # event ids, each time publishing was tried
        self.failures: dict[str, Exception] = {}  # event id -> what publishing it raises
        self.trace_contexts: list[dict | None] = []  # what the relay passed with each message

    def publish(self, message: dict, trace_context: dict[str, str] | None = None) -> None:
        self.attempted.append(message["event_id"])
        if len(self.attempted) > 100:  # a relay retrying in a loop: fail, don't hang
            raise AssertionError(f"publish tried {len(self.attempted)} times")
        failure = self.failures.get(message["event_id"])
        if failure is not None:
            raise failure
        self.messages.append(message)
        self.trace_contexts.append(trace_context)


def stage_out_of_order(db, count: int) -> list:
    """Stage events whose created_at runs opposite to insertion order, so that only a sort on
    created_at (not natural or _id order) gives the oldest first. Returns them oldest first."""
    outbox.create_outbox_indexes(db)
    events = [moment_event(f"n{i}") for i in range(count)]
    in_transaction(db, lambda s: [outbox.stage(db, e, s) for e in events])
    base = ago(LONG_AGO)
    for i, event in enumerate(events):  # stage() inserts created_at: restamp keeps its type
        restamp(db.outbox, event.event_id, created_at=base - timedelta(milliseconds=i))
    return events[::-1]


def test_drain_publishes_oldest_first_and_marks_published(db):
    events = stage_out_of_order(db, 4)
    publisher = RecordingPublisher()
    relay = outbox.Relay(db, publisher, timedelta(seconds=30))

    assert relay.drain() == 4
    assert [m["event_id"] for m in publisher.messages] == [e.event_id for e in events]
    assert publisher.messages[0] == events[0].to_message()  # the envelope, as staged
    for entry in db.outbox.find():
        assert entry["state"] == outbox.PUBLISHED
        assert entry["published_at"] >= entry["claimed_at"]
    assert relay.drain() == 0  # nothing is published twice


def test_drain_publishes_each_event_with_the_trace_context_staged_with_it(db):
    outbox.create_outbox_indexes(db)
    traced, untraced = moment_event("traced"), moment_event("untraced")
    parent = {"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}
    in_transaction(db, lambda s: outbox.stage(db, traced, s, trace_context=parent))
    in_transaction(db, lambda s: outbox.stage(db, untraced, s))
    publisher = RecordingPublisher()

    assert outbox.Relay(db, publisher, timedelta(seconds=30)).drain() == 2
    sent = dict(zip((m["event_id"] for m in publisher.messages), publisher.trace_contexts, strict=True))
    assert sent == {traced.event_id: parent, untraced.event_id: {}}


def test_drain_respects_its_limit(db):
    events = stage_out_of_order(db, 3)
    publisher = RecordingPublisher()
    relay = outbox.Relay(db, publisher, timedelta(seconds=30))
    assert relay.drain(limit=2) == 2
    assert relay.drain(limit=2) == 1
    assert [m["event_id"] for m in publisher.messages] == [e.event_id for e in events]


@pytest.mark.parametrize("failure, reason", [
    (ConnectionResetError(104, "Connection reset by peer"), "ConnectionResetError: "),
    (OSError("broker gone"), "OSError: broker gone"),
    (OperationalError("no route"), "OperationalError: no route"),
    (UndeliverableMessage(), "no queue is bound for this event"),
])
def test_drain_stops_at_a_failure_and_releases_the_event(db, failure, reason):
    first, second, third = stage_out_of_order(db, 3)
    publisher = RecordingPublisher()
    publisher.failures[second.event_id] = failure
    relay = outbox.Relay(db, publisher, timedelta(seconds=30))

    assert relay.drain() == 1
    assert [m["event_id"] for m in publisher.messages] == [first.event_id]
    assert publisher.attempted == [first.event_id, second.event_id]  # stopped at the failure
    failed = db.outbox.find_one({"_id": second.event_id})
    assert (failed["state"], failed["attempts"]) == (outbox.PENDING, 1)
    assert failed["last_error"].startswith(reason)
    untouched = db.outbox.find_one({"_id": third.event_id})
    assert (untouched["state"], untouched["attempts"]) == (outbox.PENDING, 0)
    assert "claimed_at" not in untouched

    assert relay.drain() == 0  # still failing: attempts counts each try
    assert db.outbox.find_one({"_id": second.event_id})["attempts"] == 2

    del publisher.failures[second.event_id]  # the broker is back: order is kept
    assert relay.drain() == 2
    assert [m["event_id"] for m in publisher.messages] == [first.event_id, second.event_id,
                                                           third.event_id]


def test_an_unexpected_publisher_error_leaves_the_claim_for_reclaim(db):
    [event] = stage_out_of_order(db, 1)
    publisher = RecordingPublisher()
    publisher.failures[event.event_id] = ValueError("a bug in the publisher")
    with pytest.raises(ValueError):
        outbox.Relay(db, publisher, timedelta(seconds=30)).drain()
    assert db.outbox.find_one({"_id": event.event_id})["state"] == outbox.PUBLISHING


def test_reclaim_stale_returns_only_stale_claims_to_pending(db):
    stale, fresh, published = stage_out_of_order(db, 3)
    db.outbox.update_one({"_id": stale.event_id},
                         {"$set": {"state": outbox.PUBLISHING, "claimed_at": ago(LONG_AGO)}})
    db.outbox.update_one({"_id": fresh.event_id},
                         {"$set": {"state": outbox.PUBLISHING, "claimed_at": datetime.now(UTC)}})
    db.outbox.update_one({"_id": published.event_id},
                         {"$set": {"state": outbox.PUBLISHED, "claimed_at": ago(LONG_AGO)}})
    publisher = RecordingPublisher()
    relay = outbox.Relay(db, publisher, timedelta(seconds=30))

    assert relay.reclaim_stale() == 1
    states = {e["_id"]: e["state"] for e in db.outbox.find()}
    assert states == {stale.event_id: outbox.PENDING, fresh.event_id: outbox.PUBLISHING,
                      published.event_id: outbox.PUBLISHED}
    assert relay.reclaim_stale() == 0
    assert relay.drain() == 1
    assert [m["event_id"] for m in publisher.messages] == [stale.event_id]


# --- datetimes: what the product may rely on, and the nx-27017 gap ----------------------

def test_datetimes_read_back_aware_at_millisecond_precision(db):
    at = datetime(2025, 6, 1, 12, 0, 0, 123456, tzinfo=UTC)
    db.t.insert_one({"_id": 1, "at": at})
    stored = db.t.find_one({"_id": 1})["at"]
    assert stored == ms(at) and stored.utcoffset() == timedelta(0)


def test_a_document_two_seconds_old_matches_lt_now(db):
    """The granularity every server honours: holds on nx-27017 (whole seconds) and MongoDB."""
    now = datetime.now(UTC)
    db.t.insert_many([{"_id": "past", "at": now - timedelta(seconds=2)},
                      {"_id": "future", "at": now + timedelta(seconds=2)}])
    assert [d["_id"] for d in db.t.find({"at": {"$lt": now}})] == ["past"]
    assert [d["_id"] for d in db.t.find({"at": {"$gt": now}})] == ["future"]


def test_sorting_on_datetimes_is_exact_to_the_millisecond(db):
    """The relay (oldest first) and the moment lists (newest first) rely on this."""
    base = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
    db.t.insert_many([{"_id": i, "at": base + timedelta(milliseconds=m)}
                      for i, m in enumerate([400, 1, 999, 0])])
    assert [d["_id"] for d in db.t.find().sort("at", 1)] == [3, 1, 0, 2]


DT = datetime(2025, 6, 1, 12, 0, 0, tzinfo=UTC)
WITHIN_A_SECOND = {"x000": DT, "x400": DT + timedelta(milliseconds=400),
                   "x999": DT + timedelta(milliseconds=999)}


@pytest.mark.parametrize("query, expected", [
    ({"$lt": DT + timedelta(milliseconds=500)}, ["x000", "x400"]),
    ({"$gt": DT + timedelta(milliseconds=500)}, ["x999"]),
    ({"$lte": DT + timedelta(milliseconds=400)}, ["x000", "x400"]),
    ({"$gte": DT + timedelta(milliseconds=400)}, ["x400", "x999"]),
    ({"$eq": DT + timedelta(milliseconds=400)}, ["x400"]),
    ({"$ne": DT}, ["x400", "x999"]),
])
def test_datetime_comparisons_in_queries_are_exact_to_the_millisecond(db, gap_on_nx, query,
                                                                     expected):
    gap_on_nx("datetime comparisons in queries truncate both sides to whole seconds (sort and "
              "$in stay exact): 'updated_at < cutoff' ignores up to 1 s of difference")
    db.t.insert_many([{"_id": k, "at": v} for k, v in WITHIN_A_SECOND.items()])
    assert sorted(d["_id"] for d in db.t.find({"at": query})) == expected


def test_datetime_membership_is_exact_to_the_millisecond(db):
    db.t.insert_many([{"_id": k, "at": v} for k, v in WITHIN_A_SECOND.items()])
    assert [d["_id"] for d in db.t.find({"at": {"$in": [WITHIN_A_SECOND["x400"]]}})] == ["x400"]


# --- datetimes written by updates: the product reads them back ---------------------------

AT = datetime(2025, 6, 1, 12, 0, 0, 123000, tzinfo=UTC)


def accepted_started_at(db):
    """An answer replaces the buddyship with started_at; buddyship.view calls .isoformat() on it."""
    buddyship = propose(db, "alice", "bob")
    answer(db, buddyship, BuddyshipState.ACTIVE, AT)
    return matching(db).buddyships.get(buddyship["_id"])["started_at"], AT


def declined_declined_at(db):
    buddyship = propose(db, "alice", "bob")
    answer(db, buddyship, BuddyshipState.DECLINED, AT)
    return matching(db).buddyships.get(buddyship["_id"])["declined_at"], AT


def remembered_again_registered_at(db):
    for _ in range(2):  # the second time updates an existing document
        matching(db).pool.remember_member({"member_id": "m-1", "language": "en",
                                           "display_name": "A", "registered_at": AT})
    return db.pool.find_one({"_id": "m-1"})["registered_at"], AT


def link_ended_at(db):
    """audience.was_active compares it with the moment's logged_at."""
    link_times(db, "b-1", ["alice", "bob"], started_at=AT - timedelta(days=1))
    link_times(db, "b-1", ["alice", "bob"], ended_at=AT)
    return notifications(db).buddy_links.of("alice")[0]["ended_at"], AT


def link_started_at_after_ended(db):
    link_times(db, "b-1", ["alice", "bob"], ended_at=AT + timedelta(days=1))
    link_times(db, "b-1", ["alice", "bob"], started_at=AT)
    return notifications(db).buddy_links.of("alice")[0]["started_at"], AT


def claimed_delivery_updated_at(db):
    """deliveries.retry_due subtracts it from now."""
    key = open_delivery(db)
    notifications(db).deliveries.claim(key)
    return db.deliveries.find_one({"_id": key})["updated_at"], None


def published_outbox_entry_published_at(db):
    stage_out_of_order(db, 1)
    outbox.Relay(db, RecordingPublisher(), timedelta(seconds=30)).drain()
    return db.outbox.find_one()["published_at"], None


@pytest.mark.parametrize("write", [accepted_started_at, declined_declined_at,
                                   remembered_again_registered_at, link_ended_at,
                                   link_started_at_after_ended, claimed_delivery_updated_at,
                                   published_outbox_entry_published_at])
def test_a_datetime_written_by_an_update_reads_back_as_a_datetime(db, write):
    """The product never writes a datetime with $set (see workbuddy_platform.store.transition):
    on nx-27017 such a datetime reads back as a naive string."""
    value, expected = write(db)
    assert isinstance(value, datetime), f"{type(value).__name__}: {value!r}"
    assert value.utcoffset() == timedelta(0)
    if expected is not None:
        assert value == expected


def test_a_datetime_set_on_an_existing_document_stays_a_datetime(db, gap_on_nx):
    """Why the product replaces documents instead of using $set (store.transition/merge)."""
    gap_on_nx("a datetime written by $set into an existing document reads back as a naive "
              "string such as '2025-06-01 12:00:00.123000'")
    db.things.insert_one({"_id": 1})
    db.things.update_one({"_id": 1}, {"$set": {"at": datetime(2025, 6, 1, 12, tzinfo=UTC)}})
    assert isinstance(db.things.find_one({"_id": 1})["at"], datetime)


def test_a_datetime_written_by_insert_or_creating_upsert_stays_a_datetime(db):
    """The writes nx-27017 gets right, and all the product's sorts depend on."""
    db.t.insert_one({"_id": "insert", "at": AT})
    db.t.update_one({"_id": "upsert"}, {"$set": {"at": AT}}, upsert=True)
    db.t.insert_one({"_id": "replace"})
    db.t.replace_one({"_id": "replace"}, {"at": AT})
    for doc in db.t.find():
        assert doc["at"] == AT, doc["_id"]


# --- counting ------------------------------------------------------------------------------

def test_counting_a_collection_whose_creation_was_rolled_back(db, gap_on_nx):
    gap_on_nx("count_documents raises OperationFailure 'no such table' on a collection first "
              "created inside a transaction that aborted (find and insert still work)",
              raises=OperationFailure)

    def save(session):
        db.created_in_txn.insert_one({"_id": 1}, session=session)
        raise Boom()

    with pytest.raises(Boom):
        in_transaction(db, save)
    assert list(db.created_in_txn.find()) == []
    assert db.created_in_txn.count_documents({}) == 0


# --- gateway: sessions ---------------------------------------------------------------------

def test_a_session_rotates_its_refresh_token_and_closes_on_replay(db):
    sessions = Sessions(db)
    sid, first = sessions.open("m-1")
    assert sessions.is_open(sid)
    same_sid, member_id, second = sessions.rotate(first)
    assert (same_sid, member_id) == (sid, "m-1") and second != first
    with pytest.raises(Unauthorized):
        sessions.rotate(first)  # a replayed token closes the session...
    assert not sessions.is_open(sid)
    with pytest.raises(Unauthorized):
        sessions.rotate(second)  # ...for the newest token too


def test_revoking_the_other_sessions_keeps_this_one_and_other_members(db):
    sessions = Sessions(db)
    mine, _ = sessions.open("m-1")
    other, _ = sessions.open("m-1")
    someone_else, _ = sessions.open("m-2")
    sessions.revoke_others("m-1", keep=mine)
    assert [sessions.is_open(s) for s in (mine, other, someone_else)] == [True, False, True]


def test_an_expired_session_is_closed(db):
    sessions = Sessions(db)
    sid, token = sessions.open("m-1")
    restamp(db.sessions, sid, expires_at=ago(timedelta(seconds=1)))
    assert not sessions.is_open(sid)
    with pytest.raises(Unauthorized):
        sessions.rotate(token)


@pytest.mark.parametrize("token", ["", "no-dot", ".", "unknown.secret", "x" * 300])
def test_a_malformed_refresh_token_is_refused(db, token):
    with pytest.raises(Unauthorized):
        Sessions(db).rotate(token)


# --- profiles: what a buddy may see ------------------------------------------------------

def test_a_feed_pages_through_several_members_each_since_its_own_time(db):
    profiles_indexes(db)
    base = datetime(2025, 6, 1, tzinfo=UTC)
    for who in ("ana", "ben", "cal"):
        for minute in range(4):
            db.moments.insert_one(moments.new_moment(
                {"_id": who}, {"kind": "milestone"}, base + timedelta(minutes=minute),
                f"{who}-{minute}"))
    since = {"ana": base + timedelta(minutes=2), "ben": base}  # cal is nobody's buddy here
    first = profiles(db).moments.of_members(since, 3, None)
    second = profiles(db).moments.of_members(since, 3, first["next"])
    seen = [m["_id"] for m in first["items"] + second["items"]]
    assert seen == ["ben-3", "ana-3", "ben-2", "ana-2", "ben-1", "ben-0"]  # ties: by id
    assert second["next"] is None
    assert profiles(db).moments.of_members({}, 3, None) == {"items": [], "next": None}


def test_one_members_moments_since_a_time_page_by_page(db):
    profiles_indexes(db)
    base = datetime(2025, 6, 1, tzinfo=UTC)
    for minute in range(5):
        db.moments.insert_one(moments.new_moment({"_id": "ana"}, {"kind": "milestone"},
                                                base + timedelta(minutes=minute), f"m{minute}"))
    first = profiles(db).moments.of_member("ana", 2, None, since=base + timedelta(minutes=2))
    second = profiles(db).moments.of_member("ana", 2, first["next"],
                                            since=base + timedelta(minutes=2))
    assert [m["_id"] for m in first["items"] + second["items"]] == ["m4", "m3", "m2"]


def test_a_block_that_arrives_while_a_delivery_waits_cancels_it(db, sent_mails):
    key = a_moment_to_deliver(db)  # alice's moment, for bob
    notifications(db).blocks.remember("bob", "alice", datetime(2025, 6, 2, tzinfo=UTC))
    deliveries.attempt(notifications(db), SENDERS, key=key)
    assert sent_mails == []
    delivery = db.deliveries.find_one({"_id": key})
    assert delivery["state"] == "cancelled" and "blocked" in delivery["reason"]
    deliveries.attempt(notifications(db), SENDERS, key=key)  # and it stays so
    assert sent_mails == []


def test_the_first_block_of_a_pair_is_the_one_kept(db):
    notifications(db).blocks.remember("bob", "alice", datetime(2025, 6, 2, tzinfo=UTC))
    notifications(db).blocks.remember("alice", "bob", datetime(2025, 6, 3, tzinfo=UTC))
    found = notifications(db).blocks.between("alice", "bob")
    assert (found["blocker_id"], found["blocked_id"]) == ("bob", "alice")
    assert notifications(db).blocks.between("alice", "carol") is None


# --- matching: what suggestions read ------------------------------------------------------

def test_open_slots_count_proposed_and_active_buddyships(db):
    matching_indexes(db)
    propose(db, "alice", "bob")
    propose(db, "alice", "carol")
    members = [{"_id": "alice", "profile": {"buddy_capacity": 3}}, {"_id": "bob"},
               {"_id": "dan", "profile": {"buddy_capacity": 1}}]
    assert slots.open_slots(matching(db), members) == {"alice": 1, "bob": 1, "dan": 1}
    assert {b["invitee_id"] for b in matching(db).buddyships.open_of("alice")} == {"bob", "carol"}


def test_open_buddyships_from_before_slots_get_theirs_once(db):
    matching_indexes(db)
    propose(db, "alice", "bob")
    proposals.save(matching(db), buddyships.propose("erin", "dan", datetime.now(UTC), "s-1",
                                                    origin="support"))
    db.slots.delete_many({})
    db.supporting.delete_many({})
    db.upgrades.delete_many({})
    matching_indexes(db)
    matching_indexes(db)
    assert matching(db).buddyships.slots_taken(["alice", "bob"]) == {"alice": 1, "bob": 1}
    assert matching(db).buddyships.supporting_now(["dan", "erin"]) == {"dan", "erin"}
    assert len(list(db.slots.find())) == 2


def test_slots_taken_and_support_of_some_members_are_read_by_id(db):
    matching_indexes(db)
    propose(db, "alice", "bob")
    propose(db, "carol", "alice")
    answer(db, propose(db, "dan", "bob"), BuddyshipState.DECLINED, datetime.now(UTC))
    proposals.save(matching(db), buddyships.propose("erin", "dan", datetime.now(UTC), "s-1",
                                                    origin="support"))
    assert matching(db).buddyships.slots_taken(["alice", "bob", "dan", "erin"]) == \
        {"alice": 2, "bob": 1}
    assert matching(db).buddyships.slots_taken() == {"alice": 2, "bob": 1, "carol": 1}
    assert matching(db).buddyships.supporting_now(["alice", "dan", "erin"]) == {"dan", "erin"}


def test_a_closed_pair_cools_off_and_a_block_is_seen_from_both_sides(db):
    matching_indexes(db)
    now = datetime.now(UTC)
    answer(db, propose(db, "alice", "bob"), BuddyshipState.DECLINED, now)
    answer(db, propose(db, "alice", "carol"), BuddyshipState.DECLINED, now - timedelta(days=40))
    uow = matching(db)
    uow.now = lambda: now
    assert slots.pairs_not_to_propose(uow, "alice", now)["cooling_off"] == {"bob"}
    assert uow.buddyships.open_of("alice") == []
    uow.blocks.add("dan", "alice", now)
    uow.commit()
    assert uow.blocks.others_of("alice") == {"dan"}
    assert uow.blocks.others_of("dan") == {"alice"}


def test_a_proposal_left_unanswered_expires_and_frees_the_pair(db):
    matching_indexes(db)
    now = datetime.now(UTC)
    old = propose(db, "alice", "bob", now - buddyships.PROPOSAL_VALID_FOR - timedelta(hours=1))
    fresh = propose(db, "alice", "carol")
    assert [b["_id"] for b in matching(db).buddyships.due_to_expire(now)] == [old["_id"]]
    expired = step(db, old, buddyships.expire(old, now))
    assert expired["state"] == "expired"
    with pytest.raises(Conflict):  # once
        step(db, old, buddyships.expire(old, now))
    assert matching(db).buddyships.due_to_expire(now) == []
    assert db.open_pairs.find_one({"_id": old["pair"]}) is None
    assert db.open_pairs.find_one({"_id": fresh["pair"]}) is not None


def test_a_rating_is_kept_once_per_member_and_buddyship(db):
    now = datetime.now(UTC)
    for rating in (2, 4):
        uow = matching(db)
        uow.buddyships.rate("b-1", "alice", rating, now)
        uow.commit()
    [rating] = db.ratings.find()
    assert (rating["rater_id"], rating["rating"]) == ("alice", 4)


def test_an_upsert_by_replacement_takes_the_id_of_its_filter(db, gap_on_nx):
    """Why Buddyships.rate repeats the _id in the replacement."""
    gap_on_nx("replace_one(upsert=True) without an _id in the replacement inserts a document "
              "with a new id instead of the filter's, so the next upsert inserts another one")
    for value in (1, 2):
        db.things.replace_one({"_id": "k"}, {"value": value}, upsert=True)
    assert [(d["_id"], d["value"]) for d in db.things.find()] == [("k", 2)]


# --- leases: periodic jobs once per cluster ------------------------------------------------

def test_a_lease_has_one_holder_until_it_expires(db):
    ttl = timedelta(seconds=30)
    assert lease.hold(db, "job", ttl, holder="a")
    assert not lease.hold(db, "job", ttl, holder="b")
    assert lease.hold(db, "job", ttl, holder="a")  # the holder renews
    assert lease.hold(db, "other-job", ttl, holder="b")  # leases are per job
    restamp(db.leases, "job", expires_at=ago(timedelta(minutes=1)))  # a dies, time passes
    assert lease.hold(db, "job", ttl, holder="b")
    assert not lease.hold(db, "job", ttl, holder="a")


def test_published_events_are_kept_for_a_while_then_purged(db):
    outbox.create_outbox_indexes(db)
    events = [moment_event(f"n{i}") for i in range(3)]
    in_transaction(db, lambda s: [outbox.stage(db, e, s) for e in events])
    relay = outbox.Relay(db, RecordingPublisher(), timedelta(seconds=30))
    relay.drain(limit=2)  # two published, one still pending
    [old, recent] = [e.event_id for e in events[:2]]
    restamp(db.outbox, old, published_at=ago(timedelta(days=8)))
    assert relay.purge_published(timedelta(days=7)) == 1
    assert {d["_id"] for d in db.outbox.find()} == {recent, events[2].event_id}
