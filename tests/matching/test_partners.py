"""A partner for a project idea: members open to projects with the skills it needs are
proposed (double opt-in, outside capacity, each told why); nobody without one of the skills,
nobody paused, no buddy already. Against the in-memory unit of work."""

from datetime import timedelta

from workbuddy_matching.domain import partners
from workbuddy_matching.use_cases import members


def idea(uow, author: str, wanted: list[str], seeking: bool = True, moment_id: str = "p-1"):
    members.moment_logged(uow, automatic=False, widen_after=timedelta(minutes=15), moment={
        "moment_id": moment_id, "member_id": author, "kind": "project_idea",
        "note": "An app for a bakery chain", "logged_at": uow.now(), "widen": False,
        "seeking_partner": seeking, "skills_wanted": wanted})
    return uow.outbox.of_type("buddyship.proposed")


def test_members_with_the_skills_wanted_are_proposed_best_first_with_why(uow, member):
    ana = member("Ana", buddy_capacity=1)
    member("Dev", open_to_projects=True, skills=["React", "Node.js"])
    member("Flo", open_to_projects=True, skills=["react"])
    member("Gus", open_to_projects=True, skills=["pottery"])  # none of the skills
    member("Hal", skills=["React", "Node.js"])  # not open to projects
    proposed = idea(uow, ana, ["react", "node.js"])
    assert [p["invitee_id"] for p in proposed] == ["dev", "flo"]
    first = proposed[0]
    assert (first["origin"], first["awaiting"]) == ("project", [ana, "dev"])
    assert first["reasons"][ana][0] == "Dev has the skills your project needs: react, node.js"
    assert first["reasons"]["dev"][0] == ("Ana is looking for a project partner with your "
                                          "skills: react, node.js")
    assert uow.buddyships.slots_taken() == {}  # outside Ana's capacity of one


def test_an_idea_that_does_not_seek_a_partner_proposes_nobody(uow, member):
    ana = member("Ana")
    member("Dev", open_to_projects=True, skills=["React"])
    assert idea(uow, ana, [], seeking=False) == []


def test_a_paused_member_a_buddy_or_someone_blocked_is_not_proposed(uow, member, active):
    from workbuddy_matching.use_cases import safety

    ana = member("Ana")
    member("Dev", open_to_projects=True, skills=["React"],
           matching_paused_until=(uow.now() + timedelta(days=3)).isoformat())
    active(ana, member("Eve", open_to_projects=True, skills=["React"]))
    safety.block(uow, blocker_id=member("Fay", open_to_projects=True, skills=["React"]),
                 blocked_id=ana)
    uow.outbox.events.clear()
    assert idea(uow, ana, ["React"]) == []


def test_skills_match_whatever_the_case_and_accents():
    assert partners.wanted_among(["Référencement", "UX"], ("referencement", "design")) == \
        ["Référencement"]
