"""How the demo community answers what it reads, with the API replaced by a recorder: hosts
keep their places for newcomers, a newcomer is accepted, greeted, shown a win and answered,
their buddies go into focus once, and the quiet member, after a greeting, never a word."""

import random

import pytest

from workbuddy_devstack.demo import actor as acting
from workbuddy_devstack.demo.actor import Actor, Member
from workbuddy_devstack.demo.community import COMMUNITY
from workbuddy_devstack.demo.timing import DemoSettings


class Recorder:
    """A Session that answers what the actor asks and records what it does."""

    def __init__(self, member_id: str):
        self.member = {"id": member_id}
        self.done: list[tuple[str, str, dict | None]] = []

    @property
    def member_id(self) -> str:
        return self.member["id"]

    def get(self, path: str, **params) -> dict:
        if path.startswith("/v1/members/") and path.endswith("/moments"):
            return {"items": [{"id": "m1", "note": "Signed the bakery chain!"}]}
        if path.startswith("/v1/members/"):
            return {"display_name": "Zoé Newcomer", "id": path.rsplit("/", 1)[1]}
        return {"items": []}

    def post(self, path: str, json: dict | None = None):
        self.done.append(("POST", path, json))
        return None

    def patch(self, path: str, json: dict) -> dict:
        self.done.append(("PATCH", path, json))
        return {}


class Now:
    """An agenda that does each step at once, so that the test reads what followed."""

    def __init__(self):
        self.steps: list[str] = []

    def after(self, seconds, what, step):
        self.steps.append(what)
        step()


def personas():
    host = next(p for p in COMMUNITY if p.host and not p.quiet)
    other_host = next(p for p in COMMUNITY if p.host and not p.quiet and p is not host)
    guests = [p for p in COMMUNITY if not p.host][:2]
    quiet = next(p for p in COMMUNITY if p.quiet)
    return host, other_host, guests, quiet


@pytest.fixture
def play():
    host, other_host, (guest, other_guest), quiet = personas()
    members = [Member(p, Recorder(f"id-{p.key}")) for p in (host, other_host, guest, other_guest, quiet)]
    actor = Actor(members, DemoSettings(pace=1), random.Random(7))
    actor.agenda = Now()
    return actor, {m.persona.key: m for m in members}, (host, other_host, guest, other_guest, quiet)


def notify(actor, member, kind, subject, **data):
    actor.on(member, {"id": f"n-{kind}-{subject}", "kind": kind, "subject_id": subject,
                      "data": data})


def test_hosts_decline_demo_members_and_guests_accept_each_other(play):
    actor, members, (host, other_host, guest, other_guest, _) = play
    notify(actor, members[host.key], "buddyship_proposed", f"id-{guest.key}", buddyship_id="b1",
           origin="rematch")
    notify(actor, members[guest.key], "buddyship_proposed", f"id-{other_guest.key}",
           buddyship_id="b2", origin="rematch")
    notify(actor, members[other_host.key], "buddyship_proposed", f"id-{host.key}",
           buddyship_id="b3", origin="rematch")
    assert members[host.key].session.done == [("POST", "/v1/me/buddyships/b1/decline", None)]
    assert members[guest.key].session.done == [("POST", "/v1/me/buddyships/b2/accept", None)]
    assert members[other_host.key].session.done == [("POST", "/v1/me/buddyships/b3/decline", None)]


def test_a_newcomer_is_accepted_greeted_and_shown_a_win_once(play):
    actor, members, (host, other_host, *_) = play
    for member in (members[host.key], members[other_host.key]):
        notify(actor, member, "buddyship_proposed", "zoe", buddyship_id=f"b-{member.id}",
               origin="rematch")
        notify(actor, member, "buddyship_started", "zoe", buddyship_id=f"b-{member.id}")
    done = [d for m in (members[host.key], members[other_host.key]) for d in m.session.done]
    assert ("POST", f"/v1/me/buddyships/b-id-{host.key}/accept", None) in done
    greetings = [d for d in done if d[1].endswith("/messages")]
    assert len(greetings) == 2 and all("Zoé" in d[2]["text"] for d in greetings)
    wins = [d for d in done if d[1] == "/v1/me/moments"]
    assert len(wins) == 1 and wins[0][2]["kind"] in acting.WINS  # one first win, not two
    assert actor.newcomers["zoe"].buddies == {f"id-{host.key}", f"id-{other_host.key}"}


def test_a_newcomers_moment_is_answered_then_their_buddies_focus_once(play):
    actor, members, (host, *_ , quiet) = play
    for member in (members[host.key], members[quiet.key]):
        notify(actor, member, "buddyship_started", "zoe", buddyship_id=f"b-{member.id}")
    for n in range(2):
        for member in (members[host.key], members[quiet.key]):
            actor.on(member, {"id": f"moment-{n}", "kind": "moment", "subject_id": "zoe",
                              "data": {"kind": "client_won", "moment_id": "m1"}})
    reactions = [d for d in members[host.key].session.done if d[1].endswith("/reactions")]
    assert [r[2]["kind"] for r in reactions] == ["cheer", "cheer"]
    # Both buddies went into focus, once, and only the one who talks said so.
    focus = {key: [d for d in m.session.done if d[0] == "PATCH"] for key, m in members.items()}
    assert len(focus[host.key]) == 1 and len(focus[quiet.key]) == 1
    assert actor.agenda.steps.count("focus") == 1
    # The quiet one greeted, and never reacts nor writes again.
    quiet_said = members[quiet.key].session.done
    assert not [d for d in quiet_said if d[1].endswith("/reactions")]
    assert len([d for d in quiet_said if d[1].endswith("/messages")]) == 1


def test_a_setback_gets_support_and_a_reaction_from_a_newcomer_gets_thanks(play):
    actor, members, (host, *_) = play
    member = members[host.key]
    notify(actor, member, "buddyship_started", "zoe", buddyship_id="b1")
    actor.on(member, {"id": "m", "kind": "moment", "subject_id": "zoe",
                      "data": {"kind": "client_lost", "moment_id": "m1"}})
    [reaction] = [d for d in member.session.done if d[1].endswith("/reactions")]
    assert reaction[2]["kind"] == "support"
    assert actor.newcomers["zoe"].setback == "client_lost"
    before = len(member.session.done)
    actor.on(member, {"id": "r", "kind": "reaction", "subject_id": "zoe",
                      "data": {"moment_id": "x", "kind": "cheer", "message": None}})
    [thanks] = member.session.done[before:]
    assert thanks[1] == "/v1/me/conversations/b1/messages" and thanks[2]["text"]


def test_a_support_buddyship_starts_with_a_word_about_the_setback(play):
    actor, members, (host, *_) = play
    member = members[host.key]
    actor.newcomer(member, "zoe").setback = "tender_lost"
    notify(actor, member, "buddyship_proposed", "zoe", buddyship_id="s1", origin="support")
    notify(actor, member, "buddyship_started", "zoe", buddyship_id="s1")
    said = [d for d in member.session.done if d[1].endswith("/messages")]
    assert len(said) == 1
    assert not [d for d in member.session.done if d[1] == "/v1/me/moments"]  # no show-off win


def test_only_members_with_buddies_log_moments_and_newcomers_buddies_most(play):
    actor, members, (host, other_host, guest, *_) = play
    actor.rng = random.Random(1)
    actor.someone_logs_a_moment()
    assert not any(d[1] == "/v1/me/moments" for m in members.values() for d in m.session.done)
    members[guest.key].buddyships["x"] = "b"
    members[host.key].buddyships["zoe"] = "b2"
    members[host.key].newcomers.add("zoe")
    for _ in range(40):
        actor.someone_logs_a_moment()
        for member in members.values():
            member.logged_at = float("-inf")  # as if they had rested
    logged = {key: sum(d[1] == "/v1/me/moments" for d in m.session.done) for key, m in members.items()}
    assert logged[host.key] > logged[guest.key] > 0 and logged[other_host.key] == 0


def test_a_member_who_just_logged_a_moment_rests_a_while(play):
    actor, members, (host, *_) = play
    members[host.key].buddyships["zoe"] = "b"
    for _ in range(5):
        actor.someone_logs_a_moment()
    assert sum(d[1] == "/v1/me/moments" for d in members[host.key].session.done) == 1


def test_a_demo_member_in_focus_answers_when_the_focus_ends(play):
    actor, members, (host, *_) = play
    member = members[host.key]
    waited = []
    actor.agenda.after = lambda seconds, what, step: (waited.append(seconds), step())
    notify(actor, member, "buddyship_started", "zoe", buddyship_id="b1")
    waited.clear()
    actor.focus(member, minutes=10)
    actor.on(member, {"id": "m", "kind": "moment", "subject_id": "zoe",
                      "data": {"kind": "client_won", "moment_id": "m1"}})
    assert waited[0] > 9 * 60  # first the rest of the focus, then a human delay


def test_a_newcomers_message_is_answered_once_however_often_the_member_looks(play):
    actor, members, (host, *_) = play
    member = members[host.key]
    notify(actor, member, "buddyship_started", "zoe", buddyship_id="b1")
    later = []
    actor.agenda.after = lambda seconds, what, step: later.append(step)
    conversation = {"buddyship_id": "b1", "buddy_id": "zoe", "unread": 1, "open": True,
                    "last_message": {"id": "not the message's own id"}}
    messages = {"items": [{"id": "m1", "author_id": "zoe", "text": "How is your week going?"}]}
    member.session.get = lambda path, **_: messages if path.endswith("/messages") \
        else {"items": [conversation]}
    for _ in range(3):  # it looks again before its answer went
        actor.read_conversations(member)
    assert len(later) == 1
    later[0]()
    later[0]()  # a second step for the same message would answer nothing
    sent = [d for d in member.session.done if d[1] == "/v1/me/conversations/b1/messages"]
    assert len(sent) == 2  # the greeting, then one answer
    assert ("POST", "/v1/me/conversations/b1/read", {"up_to": "m1"}) in member.session.done


def test_a_member_writes_to_a_newcomer_in_a_language_they_speak(play):
    actor, members, personas_played = play
    bilingual = next(p for p in COMMUNITY if p.language == "fr"
                     and "en" in p.profile["languages"] and not p.quiet)
    french_only = next(p for p in COMMUNITY if p.profile["languages"] == ["fr"])
    newcomer = acting.Newcomer("zoe", "Zoé", ("en",))
    assert Actor.to(Member(bilingual, Recorder("b")), newcomer) == "en"
    assert Actor.to(Member(french_only, Recorder("f")), newcomer) == "fr"  # nothing better
    assert Actor.to(Member(bilingual, Recorder("b")), acting.Newcomer("x", "X", ("fr", "en"))) == "fr"


def test_a_demo_member_who_left_is_never_taken_for_a_newcomer(play):
    actor, members, (host, other_host, guest, *_) = play
    actor.members.pop(members[host.key].id)  # left (make demo-remove) while the others live
    notify(actor, members[guest.key], "buddyship_proposed", members[host.key].id,
           buddyship_id="b9", origin="rematch")
    assert members[guest.key].session.done == [("POST", "/v1/me/buddyships/b9/decline", None)]
    assert actor.newcomers == {}
    newcomer = actor.newcomer(members[other_host.key], "zoe")
    newcomer.buddies.update({members[host.key].id, members[other_host.key].id})
    actor.focus_for(newcomer)  # the one who left is skipped, the other goes into focus
    assert members[other_host.key].focus_until is not None
    assert members[host.key].focus_until is None
