"""A partner for a project idea: when a member's project idea looks for one, matching proposes
members open to projects who have the skills it needs (outside both members' capacity, double
opt-in, each told why)."""

from eventlet import tpool

from workbuddy_platform.logs import get_logger

from ..domain import introductions, partners, reachability
from ..unit_of_work import MatchingUnitOfWork
from . import proposals
from .slots import pairs_not_to_propose

log = get_logger(__name__)


def seek(uow: MatchingUnitOfWork, *, moment: dict) -> list[dict]:
    """The proposals made for a project idea that looks for a partner (none otherwise)."""
    if moment["kind"] != "project_idea" or not moment.get("seeking_partner"):
        return []
    member_id, now = moment["member_id"], uow.now()
    mine = uow.pool.member(member_id)
    if mine is None or not reachability.proven(mine) or reachability.paused_until(mine, now):
        return []
    open_members = [partners.Open(introductions.candidate_of(doc, now),
                                  tuple((doc.get("profile") or {}).get("skills") or ()))
                    for doc in reachability.not_paused(uow.pool.open_to_projects(), now)]
    excluded = set().union(*pairs_not_to_propose(uow, member_id, now).values())
    me = introductions.candidate_of(mine, now)
    chosen = tpool.execute(partners.choose, me, moment.get("skills_wanted") or [], open_members,
                           excluded=excluded)
    made = []
    for partner in chosen:
        change = introductions.proposal(me, partner.candidate, partner.reasons_for_member,
                                        partner.reasons_for_partner, now, "project",
                                        score=partner.rank, for_moment=moment["moment_id"])
        if proposals.save_if_allowed(uow, change):
            made.append(change.buddyship)
    log.info("matching.project_partners", member_id=member_id, open=len(open_members),
             proposed=len(made))
    return made
