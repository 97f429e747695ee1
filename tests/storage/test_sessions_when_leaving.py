"""The gateway's sessions while their member leaves, against the store: closed before the erase,
reopened only when the leave is refused, gone with the erase, and finished by ``settle`` when a
crash or a lost answer interrupted the leave. No session is ever open for an erased member."""

from datetime import UTC, datetime, timedelta

import pytest

from workbuddy_contracts.errors import Conflict, Unauthorized
from workbuddy_gateway.sessions import LEAVE_SETTLES_AFTER, TOMBSTONE_KEPT, Sessions


def open_ones(sessions: Sessions, sids) -> list[bool]:
    return [sessions.is_open(sid) for sid in sids]


def held_by(db, member_id: str) -> list[dict]:
    """Every document of the gateway's database naming the member."""
    return [doc for name in db.list_collection_names() for doc in db[name].find()
            if member_id in str(doc)]


def make_stale(db, member_id: str) -> None:
    """As if the leave had started longer ago than any call to profiles lasts."""
    mark = db.leaving.find_one({"_id": member_id})
    db.leaving.replace_one({"_id": member_id}, mark | {
        "since": datetime.now(UTC) - LEAVE_SETTLES_AFTER - timedelta(seconds=5)})


def test_leaving_closes_every_session_of_the_member_before_the_erase_and_the_erase_deletes_them(db):
    sessions = Sessions(db)
    mine = [sessions.open("m-1")[0] for _ in range(3)]
    someone_else, _ = sessions.open("m-2")
    sessions.close_for_leaving("m-1")
    assert open_ones(sessions, mine) == [False] * 3  # before profiles is even asked
    assert sessions.is_open(someone_else)
    sessions.forget("m-1")
    assert held_by(db, "m-1") == []
    assert sessions.is_open(someone_else)


def test_a_refused_leave_reopens_what_it_closed_but_not_a_session_signed_out_meanwhile(db):
    sessions = Sessions(db)
    (kept, _), (signed_out, token), (already_closed, _) = (sessions.open("m-1") for _ in range(3))
    sessions.revoke(already_closed)
    attempt = sessions.close_for_leaving("m-1")
    sessions.revoke(signed_out)  # the member signs out on another device during the leave
    sessions.stay("m-1", attempt)  # profiles refused: a wrong password
    assert open_ones(sessions, (kept, signed_out, already_closed)) == [True, False, False]
    with pytest.raises(Unauthorized):
        sessions.rotate(token)
    assert db.leaving.count_documents({}) == 0
    sessions.close_for_leaving("m-1")  # and the member may try again


def test_one_leave_at_a_time_and_no_sign_in_while_it_is_under_way(db):
    sessions = Sessions(db)
    sessions.close_for_leaving("m-1")
    with pytest.raises(Conflict):
        sessions.close_for_leaving("m-1")  # a second click, another device
    with pytest.raises(Conflict):
        sessions.open("m-1")  # a sign-in racing the erase: refused, and no session is left
    assert db.sessions.count_documents({"member_id": "m-1"}) == 0
    sessions.open("m-2")


def test_a_sign_in_whose_password_was_checked_before_the_erase_leaves_no_session_after_it(db):
    """Profiles said yes to the password, then erased the member, then the gateway wrote the
    session: the tombstone refuses it, and is itself gone a few minutes later."""
    sessions = Sessions(db)
    sessions.close_for_leaving("m-1")
    sessions.forget("m-1")
    with pytest.raises(Conflict):
        sessions.open("m-1")
    assert held_by(db, "m-1") == []  # the tombstone names a hash, never the id
    assert db.leaving.count_documents({}) == 0
    [tombstone] = db.tombstones.find()
    db.tombstones.replace_one({"_id": tombstone["_id"]}, tombstone | {
        "since": datetime.now(UTC) - TOMBSTONE_KEPT - timedelta(seconds=5)})
    sessions.open("m-2")  # a tombstone refuses only its own member
    sessions.settle(lambda ids: set(ids))
    assert db.tombstones.count_documents({}) == 0


def test_an_interrupted_leave_is_finished_by_settle_whichever_side_of_the_erase_it_stopped(db):
    sessions = Sessions(db)
    erased = [sessions.open("gone")[0] for _ in range(2)]
    still_here, _ = sessions.open("here")
    young, _ = sessions.open("young")
    for member_id in ("gone", "here", "young"):
        sessions.close_for_leaving(member_id)  # then the gateway crashed, or the answer was lost
    # Until it is settled, none of their sessions acts: not the erased member's above all.
    assert open_ones(sessions, [*erased, still_here, young]) == [False] * 4
    make_stale(db, "gone")
    make_stale(db, "here")
    asked = []

    def still_members(ids):
        asked.append(sorted(ids))
        return {"here"}  # profiles erased "gone", and never got to "here"

    assert sessions.settle(still_members) == ["gone"]
    assert asked == [["gone", "here"]]  # a leave still young may yet finish: not asked
    assert held_by(db, "gone") == []
    assert not sessions.is_open(still_here)  # signed out, not erased: signs in again
    sessions.open("here")
    with pytest.raises(Conflict):
        sessions.open("young")
    sessions.settle(still_members)
    assert len(asked) == 1  # nothing stale: profiles is not asked


def test_settle_deletes_the_sessions_past_their_expiry(db):
    sessions = Sessions(db)
    old, _ = sessions.open("m-1")
    current, _ = sessions.open("m-1")
    doc = db.sessions.find_one({"_id": old})
    db.sessions.replace_one({"_id": old}, doc | {"expires_at": datetime.now(UTC) - timedelta(days=1)})
    sessions.settle(lambda ids: set(ids))
    assert [d["_id"] for d in db.sessions.find()] == [current]
