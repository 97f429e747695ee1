"""An urgent ask, answered by a human.

    waiting ──a buddy answers (message or reaction)──▶ answered
       └──nobody in time, widen allowed──▶ widened ──first helper's yes──▶ taken
                                             │  └──everyone said no, or nobody in time──▶ closed
       └──no helper reachable, or another ask of theirs is out──────────────────────▶ closed

The member's buddies hear of the ask first (notifications tells them, as for any moment). If
none of them answers within the delay, and the member allowed it when asking, matching asks a
few members who offered help and can be reached now, chosen as a support buddy is (how well the
two would get on), with a plus for skills the ask's note mentions and a trade close to the
member's. The first helper who says yes gets a conversation with the member (a short buddyship
of origin "ask"); the others are told it is taken. Each step is a ``Change``: the ask after it
and the events that tell it; the repository stores it only if the ask is still as it was read,
so two replicas widening at once, or two helpers saying yes at once, cannot both win.

Pure: no I/O here.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from workbuddy_contracts import sectors
from workbuddy_contracts.errors import Conflict, NotFound
from workbuddy_contracts.vocabulary import FORMER_MEMBER, WIDENED_ASKS

from .compatibility import Candidate, may_meet, score

WAITING, ANSWERED, WIDENED, TAKEN, CLOSED = "waiting", "answered", "widened", "taken", "closed"
OPEN = (WAITING, WIDENED)
# What a skill the note names, and a trade close to the member's, add to how well two would
# get on (0..1) when ranking helpers: the question comes first.
SKILL_WEIGHT = 0.3
SAME_SECTOR, ADJACENT_SECTOR = 0.2, 0.1
TAKEN_BY_ANOTHER = "another member already said yes to this ask; thank you for offering"


@dataclass(frozen=True)
class Change:
    ask: dict
    events: tuple[tuple[str, dict], ...] = ()


@dataclass(frozen=True)
class Helper:
    """A member who offered help and can be reached now, with what they told of their trade."""

    candidate: Candidate
    skills: tuple[str, ...]


def opened(moment: dict, now: datetime, widen_after: timedelta) -> dict | None:
    """The ask a moment opens, or None when it is not an urgent ask allowed to go wider."""
    if not moment.get("widen") or moment["kind"] not in WIDENED_ASKS:
        return None
    return {"_id": moment["moment_id"], "asker_id": moment["member_id"], "kind": moment["kind"],
            "note": moment.get("note"), "logged_at": moment["logged_at"], "state": WAITING,
            "widen_at": moment["logged_at"] + widen_after, "opened_at": now,
            "helper_ids": [], "declined": [], "skills": {}, "version": 0}


def another_open(ask: dict, now: datetime) -> Change:
    """One ask out with helpers at a time: a second one stays with the buddies."""
    return _closed(ask, "another_ask_open", now, helpers=[])


def answered(ask: dict, by: str, at: datetime) -> dict | None:
    """A buddy answered (a message to the member, a reaction to the ask) before it went wider:
    nothing more to do. None when the ask is past waiting, or the answer came before it."""
    if ask["state"] != WAITING or by == ask["asker_id"] or at < ask["logged_at"]:
        return None
    return ask | {"state": ANSWERED, "answered_by": by, "answered_at": at}


def plain(text: str) -> str:
    """A skill or a note as they are compared: lower case, no accents, words apart by one space."""
    return _plain(text)


def phrases_of(note: str | None, longest: int) -> set[str]:
    """Every run of up to ``longest`` words of the note, as ``plain`` writes them: a skill the
    note names is one of them (skills_named's rule, looked up rather than searched)."""
    words = _plain(note or "").split()
    return {" ".join(words[i:j]) for i in range(len(words))
            for j in range(i + 1, min(len(words), i + longest) + 1)}


def skills_named(note: str | None, skills: tuple[str, ...]) -> list[str]:
    """The skills a note mentions, whatever the case and accents ("SEO", "référencement")."""
    said = f" {_plain(note or '')} "
    return [skill for skill in skills if f" {_plain(skill)} " in said]


def choose_helpers(member: Candidate, note: str | None, helpers: list[Helper], *,
                   excluded: set[str], count: int) -> list[tuple[Candidate, list[str]]]:
    """Up to ``count`` helpers, best first, each with the skills of theirs the note names.

    ``helpers`` are already reachable and willing; ``excluded`` holds those the member must not
    meet (blocked either way, cooling off, already buddies or proposed)."""
    ranked = []
    for helper in helpers:
        other = helper.candidate
        if not may_meet(member, other, excluded):
            continue
        named = skills_named(note, helper.skills)
        rank = score(member, other).score + SKILL_WEIGHT * min(len(named), 2) / 2 \
            + _sector_bonus(member.sector, other.sector)
        ranked.append((-rank, other.member_id, other, named))
    # Ties go to the smaller id, so that a second look makes the same choice.
    return [(other, named) for _, _, other, named in sorted(ranked, key=lambda r: r[:2])[:count]]


def widened(ask: dict, chosen: list[tuple[Candidate, list[str]]], now: datetime,
            open_for: timedelta) -> Change:
    """The ask goes to the chosen helpers; with nobody to ask, it closes (the member is told)."""
    if ask["state"] != WAITING:
        raise Conflict("this ask was answered meanwhile", "ask_id")
    if not chosen:
        return _closed(ask, "nobody_reachable", now, helpers=[])
    helper_ids = [c.member_id for c, _ in chosen]
    skills = {c.member_id: named for c, named in chosen if named}
    after = ask | {"state": WIDENED, "helper_ids": helper_ids, "skills": skills,
                   "widened_at": now, "closes_at": now + open_for}
    return Change(after, (("ask.widened", {
        "ask_id": ask["_id"], "asker_id": ask["asker_id"], "helper_ids": helper_ids,
        "kind": ask["kind"], "note": ask.get("note"), "skills": skills, "widened_at": now,
        "closes_at": after["closes_at"]}),))


def say_yes(ask: dict | None, ask_id: str, helper_id: str, buddyship_id: str,
            now: datetime) -> Change:
    """The helper can talk now: the first yes takes the ask. Saying yes again changes nothing."""
    ask = check_helper(ask, ask_id, helper_id)
    if ask["state"] == TAKEN:
        if ask["taker_id"] == helper_id:
            return Change(ask)
        raise Conflict(TAKEN_BY_ANOTHER, "ask_id")
    if ask["state"] != WIDENED:
        raise Conflict("this ask is closed: the member who asked is no longer looking for help "
                       "with it", "ask_id")
    others = [h for h in ask["helper_ids"] if h != helper_id]
    after = ask | {"state": TAKEN, "taker_id": helper_id, "taken_at": now,
                   "buddyship_id": buddyship_id,
                   "declined": [d for d in ask["declined"] if d != helper_id]}
    return Change(after, (("ask.taken", {
        "ask_id": ask["_id"], "asker_id": ask["asker_id"], "helper_id": helper_id,
        "buddyship_id": buddyship_id, "others": others, "taken_at": now}),))


def say_no(ask: dict | None, ask_id: str, helper_id: str, now: datetime) -> Change:
    """Not this time: once every helper said no, the ask closes and the member is told."""
    ask = check_helper(ask, ask_id, helper_id)
    if ask["state"] == TAKEN and ask["taker_id"] == helper_id:
        raise Conflict("you said yes to this ask already: write to the member in your "
                       "conversation, or end it", "answer")
    if ask["state"] != WIDENED or helper_id in ask["declined"]:
        return Change(ask)  # taken by another or closed: nothing to decline any more
    after = ask | {"declined": [*ask["declined"], helper_id]}
    if set(after["declined"]) >= set(ask["helper_ids"]):
        return _closed(after, "nobody_said_yes", now, helpers=[])
    return Change(after)


def close_if_due(ask: dict, now: datetime) -> Change | None:
    """An ask nobody took in time closes; None when it is not due."""
    if ask["state"] != WIDENED or ask["closes_at"] > now:
        return None
    waiting = [h for h in ask["helper_ids"] if h not in ask["declined"]]
    return _closed(ask, "nobody_said_yes", now, helpers=waiting)


def check_helper(ask: dict | None, ask_id: str, member_id: str) -> dict:
    """The ask, when ``member_id`` was asked to help with it; else not found for them."""
    if ask is None or member_id not in ask.get("helper_ids", []):
        raise NotFound("no ask {ask_id!r} was sent to you; see GET /v1/me/asks", "ask_id",
                       ask_id=ask_id)
    return ask


def forget_member(ask: dict, member_id: str) -> dict | None:
    """A member left: their own asks go (None); in others' asks they keep a nameless place."""
    if ask["asker_id"] == member_id:
        return None
    gone = lambda ids: [FORMER_MEMBER if m == member_id else m for m in ids]  # noqa: E731
    return ask | {"helper_ids": gone(ask["helper_ids"]), "declined": gone(ask["declined"]),
                  "skills": {m: s for m, s in ask.get("skills", {}).items() if m != member_id},
                  **({"taker_id": FORMER_MEMBER} if ask.get("taker_id") == member_id else {})}


def view_for(ask: dict, member_id: str, names: dict[str, str]) -> dict:
    """What ``member_id`` sees of an ask: the member who asked sees where it stands; a helper
    sees the question, and whether it is still theirs to take."""
    mine = ask["asker_id"] == member_id
    seen = {"id": ask["_id"], "role": "asker" if mine else "helper", "kind": ask["kind"],
            "note": ask.get("note"), "state": ask["state"],
            "asker": {"id": ask["asker_id"], "display_name": names.get(ask["asker_id"])},
            "logged_at": ask["logged_at"].isoformat(),
            "closes_at": _iso(ask.get("closes_at")), "closed_reason": ask.get("closed_reason")}
    if mine:
        taker = ask.get("taker_id")
        return seen | {"widen_at": ask["widen_at"].isoformat(),
                       "widened_at": _iso(ask.get("widened_at")),
                       "helpers_asked": len(ask["helper_ids"]),
                       "helpers_declined": len(ask["declined"]),
                       "taken_by": {"id": taker, "display_name": names.get(taker)} if taker else None,
                       "buddyship_id": ask.get("buddyship_id")}
    taker = ask.get("taker_id")
    answer = "yes" if taker == member_id else "no" if member_id in ask["declined"] else None
    return seen | {"my_answer": answer, "skills": ask.get("skills", {}).get(member_id, []),
                   "taken": taker is not None and taker != member_id,
                   "buddyship_id": ask.get("buddyship_id") if taker == member_id else None}


def _closed(ask: dict, reason: str, now: datetime, *, helpers: list[str]) -> Change:
    after = ask | {"state": CLOSED, "closed_reason": reason, "closed_at": now}
    return Change(after, (("ask.closed", {"ask_id": ask["_id"], "asker_id": ask["asker_id"],
                                          "reason": reason, "helper_ids": helpers,
                                          "closed_at": now}),))


def _sector_bonus(mine: str | None, theirs: str | None) -> float:
    if not mine or not theirs:
        return 0.0
    relation = sectors.relation(mine, theirs)
    return {sectors.Relation.SAME: SAME_SECTOR,
            sectors.Relation.ADJACENT: ADJACENT_SECTOR}.get(relation, 0.0)


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.split(r"[^\w+#]+", bare)).strip()


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
