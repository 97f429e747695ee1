"""A project idea looking for a partner, from the web app: the member names the skills it
needs; a member open to projects who has them sees the proposal, with why."""

import uuid

import pytest
from playwright.sync_api import expect

from ..support.api import Gateway
from ..support.waiting import eventually
from .conftest import running_system
from .test_asks import EN, signed_in


@pytest.fixture
def quiet_matching(artifacts, fresh_vhost, mongo_uri, db_prefix, redis_url):
    """Matching proposes only on members' requests: no rematch pairs the two first."""
    with running_system(artifacts / f"browser-{uuid.uuid4().hex[:6]}", fresh_vhost()[1],
                        mongo_uri, db_prefix, redis_url, MATCHING_AUTOMATIC="off") as running:
        yield running


def test_a_member_looks_for_a_project_partner_from_the_home_page(new_context, quiet_matching):
    stack, _ = quiet_matching
    gateway = Gateway(stack.gateway_url)
    yan, zoe = gateway.sign_up("Yan", "en"), gateway.sign_up("Zoe", "en")
    gateway.request("PATCH", "/v1/me", zoe, json={"open_to_projects": True,
                                                 "skills": ["flutter", "firebase"]})
    gateway.request("PATCH", "/v1/me", yan, json={"city": "Lyon"})
    for member in (yan, zoe):
        eventually(lambda m=member: gateway.request("GET", "/v1/me/matching", m).json()["answered"])

    page = signed_in(new_context(locale="en-GB"), stack.gateway_url, yan, EN)
    page.get_by_text("Another moment…").click()
    page.get_by_label("What happened?").select_option("project_idea")
    page.get_by_label("Look for a partner beyond my buddies").check()
    page.get_by_label("Skills the project needs (separated by commas)").fill("Flutter, firebase")
    page.get_by_role("button", name="Tell my buddies").click()
    expect(page.get_by_role("status")).to_contain_text("looks for a partner")

    proposals = eventually(lambda: [b for b in gateway.request("GET", "/v1/me/buddyships", zoe)
                                    .json()["items"] if b["origin"] == "project"], timeout=20)
    assert proposals[0]["reasons"][0] == ("Yan is looking for a project partner with your "
                                          "skills: Flutter, firebase")
