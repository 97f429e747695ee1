"""The storage contract of verified addresses: the shapes profiles, matching and notifications
use for link tokens, decoys, unproven members and account mails, through the product's own
functions, against the store the services run on (nx-27017, or TEST_MONGO_URI)."""

from datetime import UTC, datetime, timedelta

import pytest

from workbuddy_contracts.errors import Gone
from workbuddy_notifications.domain import deliveries as ledger
from workbuddy_profiles.domain import addresses

from .test_storage_contract import matching, new_member, notifications, profiles, register


def test_a_link_token_is_spent_once_and_the_others_with_it(db):
    uow = profiles(db)
    now = datetime.now(UTC)
    kept = [addresses.new_token(addresses.RESET, "m-1", now, timedelta(minutes=30))
            for _ in range(3)]
    for _, doc in kept:
        uow.tokens.add(doc)
    uow.commit()
    (token, doc), *_ = kept
    assert uow.tokens.find(token)["member_id"] == "m-1"
    uow.tokens.use(doc, now)
    uow.tokens.spend_all("m-1", addresses.RESET)
    uow.commit()
    assert [t["used"] for t in db.tokens.find()] == [True, True, True]
    uow.tokens.use(doc, now)
    with pytest.raises(Gone):
        uow.commit()


def test_expired_tokens_and_decoys_are_found(db):
    uow = profiles(db)
    now = datetime.now(UTC)
    _, old = addresses.new_token(addresses.VERIFY, "m-1", now - timedelta(days=2),
                                 timedelta(hours=24))
    _, fresh = addresses.new_token(addresses.VERIFY, "m-1", now, timedelta(hours=24))
    uow.tokens.add(old)
    uow.tokens.add(fresh)
    uow.commit()
    assert [t["_id"] for t in uow.tokens.expired(now)] == [old["_id"]]
    assert uow.tokens.forget([old["_id"]]) == 1
    owner, decoy = new_member("ada@example.org"), addresses.decoy_of(new_member("ada@example.org"))
    register(db, owner)
    register(db, decoy)
    assert [d["_id"] for d in uow.tokens.decoys()] == [decoy["_id"]]
    assert uow.members.find_by_email("ada@example.org")["_id"] == owner["_id"]


def test_the_pool_draws_only_proven_members_whatever_the_order_of_the_news(db):
    pool = matching(db).pool
    at = datetime(2025, 6, 1, tzinfo=UTC)
    for member_id, verified in (("old", None), ("new", False), ("proven", True)):
        pool.remember_member({"member_id": member_id, "language": "en", "display_name": "A",
                              "registered_at": at} | (
                                  {} if verified is None else {"email_verified": verified}))
    pool.remember_verified("early")  # before its member.registered: a bare document for now
    assert sorted(d["_id"] for d in pool.sample(10)) == ["old", "proven"]
    pool.remember_member({"member_id": "early", "language": "en", "display_name": "E",
                          "registered_at": at, "email_verified": False})
    assert sorted(d["_id"] for d in pool.sample(10)) == ["early", "old", "proven"]


def test_a_kept_mail_is_dropped_once_its_delivery_is_settled(db):
    deliveries = notifications(db).deliveries
    key = deliveries.open(event_id="e-1", recipient_id="m-1", channel=ledger.EMAIL,
                          notification_id=None, subject_id=None, mail={"to": "a@x.org"})
    deliveries.drop_mail(key)  # pending: kept for the retry
    assert db.deliveries.find_one({"_id": key})["mail"] == {"to": "a@x.org"}
    deliveries.claim(key)
    deliveries.settle(key, ledger.SENT)
    deliveries.drop_mail(key)
    assert db.deliveries.find_one({"_id": key})["mail"] is None
