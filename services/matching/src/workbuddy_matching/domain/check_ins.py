"""Check-ins: how two buddies say, each privately, how their buddyship goes.

A buddyship starts with a trial. At its end, and then every so often, a check-in opens and asks
each buddy: keep going, change our mode, or end it kindly.

    open ──both keep going (a mode proposed is accepted or declined)──▶ closed: confirmed
      ├──either ends it kindly──▶ closed: ended (the buddyship ends; who ended it is not told)
      ├──the buddyship ended another way──▶ closed: ended
      └──nobody finished answering in time──▶ closed: lapsed (it goes on as it was)

A buddy's answer is never shown to the other; a mode they propose is (the other must answer
it). Each step bumps the check-in's version and is stored only over the version it was
decided from, so two answers at once cannot both win.

Pure: no I/O here.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from workbuddy_contracts.errors import Conflict, NotFound

# A check-in left unanswered this long closes by itself; the buddyship goes on as it was.
OPEN_FOR = timedelta(days=7)

OPEN, CLOSED = "open", "closed"
KEEP_GOING, CHANGE_MODE, END_KINDLY = "keep_going", "change_mode", "end_kindly"
ACCEPT_MODE, KEEP_MODE = "accept_mode", "keep_mode"
CONFIRMED, ENDED, LAPSED = "confirmed", "ended", "lapsed"

CLOSED_ALREADY = "this check-in is closed ({outcome}); there is nothing left to answer"
NO_MODE_TO_ANSWER = ("your buddy has not proposed another mode; answer keep_going, change_mode "
                     "or end_kindly")
SAME_MODE = "this is already your mode; answer keep_going to keep it"
OWN_PROPOSAL = "you proposed this mode; your buddy answers it"


@dataclass(frozen=True)
class Step:
    """A check-in after one step, what becomes of the buddyship, and the events to tell."""

    check_in: dict
    outcome: str | None = None  # set when the step closes the check-in
    mode: dict | None = None  # the mode the buddyship now has, when it changed
    events: tuple[tuple[str, dict], ...] = ()


def schedule(buddyship: dict, now: datetime, trial: timedelta, mode: dict | None) -> dict:
    """A buddyship that starts: its trial's end, which is also its first check-in, and the mode
    it starts with (the commitment both asked for, when they asked for the same)."""
    return buddyship | {"trial_ends_at": now + trial, "next_check_in_at": now + trial,
                        "mode": mode, "check_ins": 0}


def catch_up(buddyship: dict, now: datetime, trial: timedelta, mode: dict | None) -> dict:
    """A buddyship that started before trials existed: scheduled as if it had one from its
    start; its first check-in comes now if that trial is over."""
    scheduled = schedule(buddyship, buddyship["started_at"], trial, mode)
    return scheduled | {"next_check_in_at": max(scheduled["next_check_in_at"], now)}


def starting_mode(commitment_a: str | None, commitment_b: str | None) -> dict | None:
    if commitment_a is not None and commitment_a == commitment_b:
        return {"commitment": commitment_a, "rhythm": None}
    return None


def open_for(buddyship: dict, now: datetime) -> tuple[dict, dict, tuple[str, dict]]:
    """The check-in due for ``buddyship``: (the check-in, the buddyship marked as having it
    open, check_in.opened). Its id counts the buddyship's check-ins, so that two workers opening
    the same one collide on it."""
    number = buddyship.get("check_ins", 0) + 1
    members = [buddyship["proposer_id"], buddyship["invitee_id"]]
    kind = "trial" if buddyship.get("confirmed_at") is None and number == 1 else "regular"
    check_in = {"_id": f"{buddyship['_id']}-{number}", "buddyship_id": buddyship["_id"],
                "member_ids": members, "first_id": members[0], "second_id": members[1],
                "kind": kind, "state": OPEN, "opened_at": now,
                "closes_at": now + OPEN_FOR, "answers": [], "mode_proposal": None,
                "outcome": None, "closed_at": None, "version": 0}
    marked = buddyship | {"check_ins": number, "check_in_id": check_in["_id"],
                          "next_check_in_at": None}
    return check_in, marked, ("check_in.opened", {
        "check_in_id": check_in["_id"], "buddyship_id": buddyship["_id"], "member_ids": members,
        "kind": kind, "opened_at": now, "closes_at": check_in["closes_at"]})


def answer(check_in: dict | None, check_in_id: str, member_id: str, request: dict,
           current_mode: dict | None, now: datetime) -> Step:
    """One buddy's answer (``request``: ``answer``, and ``mode`` with change_mode)."""
    check_member(check_in, check_in_id, member_id)
    if check_in["state"] != OPEN:
        raise Conflict(CLOSED_ALREADY, "check_in_id", outcome=check_in["outcome"])
    said = request["answer"]
    proposal = check_in.get("mode_proposal")
    pending = proposal if proposal and proposal.get("answer") is None else None
    if said in (ACCEPT_MODE, KEEP_MODE):
        if pending is None:
            raise Conflict(NO_MODE_TO_ANSWER, "answer")
        if pending["by"] == member_id:
            raise Conflict(OWN_PROPOSAL, "answer")
    if said == CHANGE_MODE and _same(request["mode"], current_mode):
        raise Conflict(SAME_MODE, "mode")
    after = check_in | {"answers": [a for a in check_in["answers"] if a["member_id"] != member_id]
                        + [{"member_id": member_id, "answer": said, "at": now}]}
    if said == END_KINDLY:
        return close(after, ENDED, now, current_mode)
    events: tuple = ()
    if said == CHANGE_MODE:
        mode = {"commitment": request["mode"]["commitment"], "rhythm": request["mode"]["rhythm"]}
        after["mode_proposal"] = {"by": member_id, **mode, "at": now, "answer": None}
        events = (("check_in.mode_proposed", {
            "check_in_id": after["_id"], "buddyship_id": after["buddyship_id"],
            "member_ids": after["member_ids"], "proposer_id": member_id, "mode": mode, "at": now}),)
    elif said in (ACCEPT_MODE, KEEP_MODE):
        after["mode_proposal"] = pending | {"answer": said, "answered_at": now}
    elif pending is not None and pending["by"] == member_id:  # keep going after all: withdrawn
        after["mode_proposal"] = None
    if _settled(after):
        done = close(after, CONFIRMED, now, current_mode)
        return Step(done.check_in, done.outcome, done.mode, events + done.events)
    return Step(after, events=events)


def close(check_in: dict, outcome: str, now: datetime, current_mode: dict | None) -> Step:
    """Close the check-in: an accepted mode becomes the buddyship's; a pending one lapses."""
    proposal = check_in.get("mode_proposal") or {}
    accepted = proposal.get("answer") == ACCEPT_MODE and outcome == CONFIRMED
    mode = {"commitment": proposal["commitment"], "rhythm": proposal["rhythm"]} if accepted \
        else current_mode
    closed = check_in | {"state": CLOSED, "outcome": outcome, "closed_at": now}
    return Step(closed, outcome, mode if accepted else None, (("check_in.closed", {
        "check_in_id": check_in["_id"], "buddyship_id": check_in["buddyship_id"],
        "member_ids": check_in["member_ids"], "outcome": outcome, "mode": _shared(mode),
        "mode_changed": accepted, "at": now}),))


def lapse(check_in: dict, now: datetime, current_mode: dict | None) -> Step | None:
    """A check-in nobody finished answering in time closes; None if it is not due."""
    if check_in["state"] != OPEN or check_in["closes_at"] > now:
        return None
    return close(check_in, LAPSED, now, current_mode)


def after_closing(buddyship: dict, step: Step, now: datetime, every: timedelta) -> dict:
    """The buddyship once its check-in closed (not ended): confirmed when both kept going, its
    mode as agreed, and its next check-in."""
    after = buddyship | {"check_in_id": None, "next_check_in_at": now + every}
    if step.outcome == CONFIRMED and buddyship.get("confirmed_at") is None:
        after["confirmed_at"] = now
    if step.mode is not None:
        after["mode"] = step.mode
    return after


def allowed_answers(check_in: dict, member_id: str) -> list[str]:
    """What ``member_id`` may answer now: the three questions, and the mode the other
    proposed, if one waits for them."""
    if check_in["state"] != OPEN:
        return []
    proposal = check_in.get("mode_proposal") or {}
    answers = [KEEP_GOING, CHANGE_MODE, END_KINDLY]
    if proposal and proposal.get("answer") is None and proposal["by"] != member_id:
        answers += [ACCEPT_MODE, KEEP_MODE]
    return answers


def responses(check_ins: list[dict], now: datetime) -> dict[str, tuple[int, int, list[float]]]:
    """Per member: check-ins asked (closed, or open past a day), answered, and the minutes each
    answer took: how they show up for the buddyship, next to their reactions."""
    seen: dict[str, tuple[int, int, list[float]]] = {}
    for check_in in check_ins:
        due = check_in["state"] == CLOSED or now - check_in["opened_at"] >= timedelta(days=1)
        for member in check_in["member_ids"]:
            asked, answered, minutes = seen.get(member, (0, 0, []))
            first = min((a["at"] for a in check_in["answers"] if a["member_id"] == member),
                        default=None)
            if first is not None:
                minutes = minutes + [(first - check_in["opened_at"]).total_seconds() / 60]
                seen[member] = (asked + 1, answered + 1, minutes)
            elif due and check_in["outcome"] != ENDED:
                seen[member] = (asked + 1, answered, minutes)
    return seen


def check_member(check_in: dict | None, check_in_id: str, member_id: str) -> dict:
    if check_in is None or member_id not in check_in["member_ids"]:
        raise NotFound("member {member_id} has no check-in {check_in_id!r}", "check_in_id",
                       member_id=member_id, check_in_id=check_in_id)
    return check_in


def view(check_in: dict, member_id: str, buddyship: dict | None) -> dict:
    """What ``member_id`` sees: their own answer, never the other's; a mode the other proposed."""
    iso = lambda at: at.isoformat() if at else None  # noqa: E731
    mine = next((a for a in check_in["answers"] if a["member_id"] == member_id), None)
    proposal = check_in.get("mode_proposal")
    return {
        "id": check_in["_id"], "buddyship_id": check_in["buddyship_id"],
        "buddy_id": next(m for m in check_in["member_ids"] if m != member_id),
        "kind": check_in["kind"], "state": check_in["state"], "outcome": check_in["outcome"],
        "opened_at": iso(check_in["opened_at"]), "closes_at": iso(check_in["closes_at"]),
        "closed_at": iso(check_in["closed_at"]),
        "my_answer": mine["answer"] if mine else None,
        "answers_allowed": allowed_answers(check_in, member_id),
        "mode": _shared((buddyship or {}).get("mode")),
        "mode_proposed": None if not proposal else {
            "by_me": proposal["by"] == member_id, "commitment": proposal["commitment"],
            "rhythm": proposal["rhythm"], "answer": proposal.get("answer")},
    }


def _settled(check_in: dict) -> bool:
    """Both answered, and no mode waits for an answer."""
    answered = {a["member_id"] for a in check_in["answers"]}
    proposal = check_in.get("mode_proposal")
    return answered >= set(check_in["member_ids"]) and not (proposal and proposal["answer"] is None)


def _same(mode: dict, current: dict | None) -> bool:
    return current is not None and mode["commitment"] == current.get("commitment") \
        and mode["rhythm"] == current.get("rhythm")


def _shared(mode: dict | None) -> dict | None:
    return {"commitment": mode.get("commitment"), "rhythm": mode.get("rhythm")} if mode else None
