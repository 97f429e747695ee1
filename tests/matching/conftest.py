import pytest

from workbuddy_contracts.profile import default_profile
from workbuddy_matching.adapters.repository import create_indexes
from workbuddy_matching.domain import buddyship
from workbuddy_matching.unit_of_work import MatchingUnitOfWork
from workbuddy_matching.use_cases import members, proposals

from ..support.fakes import unit_of_work


@pytest.fixture
def uow():
    return unit_of_work(MatchingUnitOfWork, "matching", indexes=create_indexes)


@pytest.fixture
def member(uow):
    """member(name, language="en", **answers): what profiles told matching of a member who
    signed up and answered the questions (a revision 1 profile); returns the member id."""

    def make(name: str, language: str = "en", answered: bool = True, verified: bool = True,
             invited_by: str | None = None, **answers) -> str:
        member_id = name.lower()
        members.registered(uow, payload={"member_id": member_id,
                                         "email": f"{member_id}@x.org" if verified else None,
                                         "email_verified": verified,
                                         "display_name": name, "language": language,
                                         "registered_at": uow.now(), "invited_by": invited_by},
                           event_id=f"registered-{member_id}")
        if answered:
            members.updated(uow, automatic=True, payload={
                "member_id": member_id, "revision": 1, "display_name": name, "language": language,
                "profile": default_profile(language) | {"languages": ["en", "fr"]} | answers,
                "updated_at": uow.now()})
        return member_id

    return make


@pytest.fixture
def active(uow):
    """active(a, b): ``a`` proposed to ``b``, who accepted; returns the buddyship's id."""

    def make(a: str, b: str) -> str:
        proposal = proposals.propose(uow, proposer_id=a, invitee_id=b)["buddyship"]
        proposals.accept(uow, buddyship_id=proposal["id"], member_id=b)
        assert uow.buddyships.get(proposal["id"])["state"] == buddyship.ACTIVE
        return proposal["id"]

    return make
