"""Matching and safety in the web app. A member answers their traits and skills, sees where
matching stands for them and the members they could propose to, proposes to one (who sees the
proposal) and later changes an answer; a buddy's page says how the buddyship goes in plain
words, and blocks or reports the buddy, each after a confirmation. A round that found nobody
says why, and when the next one is, on the member's own clock."""

import re
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import expect

from workbuddy_matching import operator

from .conftest import running_system
from .members import QUESTIONS, Member, reload_until_visible
from .test_usable_by_everyone import check_page
from .test_web_app import two_buddies

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1024, "height": 800}


def api(member: Member, path: str) -> dict:
    """GET ``path`` as the member signed in in their browser, with the app's own token."""
    token = member.page.evaluate("JSON.parse(localStorage.getItem('workbuddy.session')).access")
    response = requests.get(f"{member.base}{path}", headers={"Authorization": f"Bearer {token}"},
                            timeout=10)
    assert response.ok, response.text
    return response.json()


def test_a_member_answers_traits_and_skills_proposes_to_a_suggestion_and_changes_an_answer(
        new_context, system, screenshots):
    stack, _ = system
    # Ben has not answered the questions: matching suggests him, but proposes nobody on its own.
    ben = Member(new_context(locale="en-GB", viewport=LAPTOP).new_page(), stack.gateway_url, "Ben", "en")
    ben.sign_up()
    amelie = Member(new_context(locale="fr-FR", viewport=PHONE).new_page(), stack.gateway_url, "Amélie", "fr")
    amelie.sign_up()
    page = amelie.page
    following = page.get_by_role("button", name="Suivant")
    skills = page.get_by_label("Vos compétences (facultatif)")
    organised = page.get_by_label("Organisation : plans, ordre, suivi")

    page.get_by_label(amelie.words["celebrate"]).check()
    following.click()
    following.click()  # her trade, and her skills
    skills.fill("Figma, recherche utilisateur, Figma")
    following.click()
    following.click()  # traits
    expect(page.locator("legend")).to_have_text("Comment vous décririez-vous au travail ?")
    expect(page.locator("legend")).to_be_focused()
    organised.select_option("4")
    page.get_by_label("Créativité : idées, nouvelles façons de faire").select_option("5")
    screenshots(page, "onboarding-traits")
    following.click()
    following.click()
    page.get_by_role("checkbox", name="English").check()
    page.get_by_role("button", name="Trouver mes buddies").click()
    expect(page).to_have_url(re.compile(r"#/buddies$"))
    profile = api(amelie, "/v1/me")["profile"]
    assert profile["traits"] == {"organised": 4, "creative": 5}
    assert profile["skills"] == ["Figma", "recherche utilisateur"]  # the same skill once

    # Once matching has her answers: where she stands, and Ben among the members to propose to.
    suggestion = page.locator("[data-suggestion]", has_text="Ben")
    matching = page.locator("#matching")
    reload_until_visible(page, suggestion, matching.get_by_text(
        "La mise en relation vous cherche encore 2 buddies."))
    expect(page.locator("#next-round")).to_have_text(re.compile(r"^Aucun tour n'est prévu"))  # none here
    [told] = [s for s in api(amelie, "/v1/me/suggestions")["items"] if s["display_name"] == "Ben"]
    expect(suggestion.locator("li")).to_have_text(told["reasons"])
    expect(suggestion).to_contain_text(f"Compatibles à {round(told['score'] * 100)} %")
    screenshots(page, "suggestions")
    check_page(page)

    suggestion.get_by_role("button", name="Proposer à Ben").click()
    expect(page.get_by_role("status")).to_have_text(
        "Proposition envoyée à Ben. Tout commence quand l'autre accepte.")
    proposal = page.locator("[data-buddyship]", has_text="Ben")
    expect(proposal).to_contain_text("En attente de la réponse de Ben.")
    expect(proposal).to_be_focused()  # where the button she pressed was is gone
    expect(suggestion).to_have_count(0)
    expect(matching).to_contain_text("La mise en relation vous cherche encore 1 buddy.")

    # Ben, who has still not answered, is told so, and finds her proposal.
    ben.go("buddies")
    expect(ben.page.locator("#matching")).to_contain_text(
        "Matching proposes buddies once you have answered the questions.")
    from_amelie = ben.page.locator("[data-buddyship]", has_text="Amélie")
    expect(from_amelie).to_be_visible()
    from_amelie.get_by_role("button", name="Accept").click()
    expect(ben.page.get_by_role("link", name="How it's going with Amélie")).to_be_visible()

    # Amélie changes one answer: the same questions, on her current profile.
    amelie.go("answers")
    expect(page.get_by_role("heading", level=1)).to_have_text("Changer mes réponses")
    expect(page.get_by_label(amelie.words["celebrate"])).to_be_checked()
    following.click()
    following.click()
    expect(skills).to_have_value("Figma, recherche utilisateur")
    following.click()
    following.click()
    expect(organised).to_have_value("4")
    organised.select_option("2")
    following.click()
    following.click()
    expect(page.get_by_role("checkbox", name="English")).to_be_checked()
    page.get_by_role("button", name="Enregistrer mes réponses").click()
    expect(page.get_by_role("status")).to_have_text(
        "Vos réponses sont enregistrées. La mise en relation en tient compte dès maintenant.")
    expect(page).to_have_url(re.compile(r"#/buddies$"))
    profile = api(amelie, "/v1/me")["profile"]
    assert profile["traits"] == {"organised": 2, "creative": 5}
    assert profile["skills"] == ["Figma", "recherche utilisateur"]
    assert profile["languages"] == ["fr", "en"]

    # Ben reports Amélie from her page: a reason, a few words, then a confirmation.
    ben_id, amelie_id = api(ben, "/v1/me")["id"], api(amelie, "/v1/me")["id"]
    ben.page.get_by_role("link", name="How it's going with Amélie").click()
    expect(ben.page.get_by_role("heading", level=1)).to_have_text("You and Amélie")
    ben.page.get_by_label("Harassment").check()
    ben.page.get_by_label("Anything the team should know (optional)").fill("  Insulting messages.  ")
    ben.page.get_by_role("button", name="Report Amélie").click()
    expect(ben.page.get_by_text("Report Amélie? They will be blocked too")).to_be_focused()
    assert api(ben, "/v1/me/buddyships")["items"][0]["state"] == "active"  # not before the yes
    ben.page.get_by_role("button", name="Yes, report Amélie").click()
    expect(ben.page.get_by_role("status")).to_have_text(
        "Thank you. Amélie is blocked and the team will read your report.")
    expect(ben.page).to_have_url(re.compile(r"#/buddies$"))
    expect(ben.page.get_by_text("No buddy yet. Matching is looking for you.")).to_be_visible()
    [ended] = api(ben, "/v1/me/buddyships")["items"]
    assert ended["state"] == "ended"
    reports = operator.call("reports", stack.amqp_uri, timeout=30)
    assert [(r["reported_id"], r["reason"], r["details"]) for r in reports
            if r["reporter_id"] == ben_id] == [(amelie_id, "harassment", "Insulting messages.")]


def test_a_buddys_page_says_how_it_goes_and_blocks_after_a_confirmation(new_context, system,
                                                                        screenshots):
    stack, _ = system
    amelie, ben = two_buddies(new_context, stack)
    page = amelie.page
    # Her buddies page was drawn before Ben accepted; the buddyship reaches it a moment later.
    reload_until_visible(page, page.get_by_role("link", name="Où vous en êtes avec Ben"))
    page.get_by_role("link", name="Où vous en êtes avec Ben").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ben et vous")
    health = page.locator("#health")
    # A new buddyship: no moment is old enough to count yet (two days).
    expect(health).to_contain_text("C'est le début : aucun de vos moments")
    screenshots(page, "buddy-page")
    check_page(page)

    # What matching says after weeks of moments, which a test cannot wait for: Ben's page is
    # given such an answer, and says it in words.
    amelie_id, ben_id = api(amelie, "/v1/me")["id"], api(ben, "/v1/me")["id"]
    answer = {"reciprocity": 0.5, "ratings": [], "quiet_member_id": None, "sides": [
        {"member_id": ben_id, "moments_seen": 4, "reacted": 2, "median_reaction_minutes": 42},
        {"member_id": amelie_id, "moments_seen": 3, "reacted": 3, "median_reaction_minutes": 2880}]}
    ben.page.route("**/v1/me/buddyships/*/health", lambda route: route.fulfill(json=answer))
    ben.page.get_by_role("link", name="How it's going with Amélie").click()
    said = ben.page.locator("#health p")
    expect(said).to_have_text([
        "You answered 2 of Amélie's 4 recent moments.", "Usually within 42 minutes.",
        "Amélie answered 3 of your 3 recent moments.", "Usually within 2 days.",
        "For now, one of you carries more of it than the other.", "Write to Amélie"])
    answer = answer | {"quiet_member_id": amelie_id, "reciprocity": 0.0}  # gone quiet: what matters
    ben.page.reload()
    expect(said.first).to_have_text(
        "Amélie has gone quiet: none of your recent moments had an answer. You may end this "
        "buddyship, no fault on anyone's side, and matching will propose someone new.")

    # Ending is there too; declined at its confirmation, nothing ends and it can be pressed again.
    end = page.get_by_role("button", name="Mettre fin à ce lien")
    page.once("dialog", lambda dialog: dialog.dismiss())
    end.click()
    expect(end).to_be_enabled()
    assert api(amelie, "/v1/me/buddyships")["items"][0]["state"] == "active"

    # Block: first cancelled (nothing happens, the focus comes back), then confirmed.
    block = page.get_by_role("button", name="Bloquer Ben")
    block.click()
    question = page.get_by_text("Bloquer Ben ? Votre lien prend fin maintenant")
    expect(question).to_be_focused()
    check_page(page)
    page.get_by_role("button", name="Annuler").click()
    expect(question).to_have_count(0)
    expect(block).to_be_focused()
    expect(page.get_by_role("status")).to_have_text("Rien n'a été fait.")
    [buddyship] = api(amelie, "/v1/me/buddyships")["items"]
    assert buddyship["state"] == "active"

    block.click()
    page.get_by_role("button", name="Oui, bloquer Ben").click()
    expect(page.get_by_role("status")).to_have_text("Vous avez bloqué Ben. Votre lien a pris fin.")
    expect(page).to_have_url(re.compile(r"#/buddies$"))
    expect(page.get_by_role("link", name="Où vous en êtes avec Ben")).to_have_count(0)
    [buddyship] = api(amelie, "/v1/me/buddyships")["items"]
    assert buddyship["state"] == "ended"
    ben.page.unroute("**/v1/me/buddyships/*/health")
    ben.go("buddies")
    expect(ben.page.get_by_role("heading", name="Your buddies")).to_be_visible()
    expect(ben.page.get_by_role("link", name="How it's going with Amélie")).to_have_count(0)


@pytest.fixture
def daily_rounds(artifacts, fresh_vhost, mongo_uri, db_prefix, redis_url):
    """A system whose matching runs a round a day (the others run one only when asked)."""
    with running_system(artifacts / f"browser-{uuid.uuid4().hex[:6]}", fresh_vhost()[1],
                        mongo_uri, db_prefix, redis_url, MATCHING_ROUND_EVERY_HOURS="24") as running:
        yield running


def test_a_member_left_out_by_a_round_reads_why_and_the_next_round_on_their_own_clock(
        new_context, daily_rounds):
    stack, _ = daily_rounds
    # Nadia is away in Toronto; her profile, and her days, are in Paris.
    page = new_context(locale="fr-FR", timezone_id="America/Toronto", viewport=PHONE).new_page()
    nadia = Member(page, stack.gateway_url, "Nadia", "fr")
    nadia.sign_up()
    page.get_by_label(nadia.words["celebrate"]).check()
    for _ in range(QUESTIONS - 1):
        page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_label("Fuseau horaire")).to_have_value("America/Toronto")  # the browser's
    page.get_by_label("Fuseau horaire").select_option("Europe/Paris")
    page.get_by_role("button", name="Trouver mes buddies").click()
    reload_until_visible(page, page.get_by_text("La mise en relation vous cherche encore 2 buddies."))

    # Alone on this system, she is left out of the round an operator runs now.
    operator.call("round", stack.amqp_uri, timeout=60)
    status = api(nadia, "/v1/me/matching")
    assert status["left_out"] is not None and status["next_round_at"] is not None
    page.reload()
    expect(page.locator("#left-out")).to_have_text(re.compile(
        r"^Le dernier tour, le .+, n'a trouvé personne pour vous : "
        + re.escape(status["left_out"]["explanation"]) + "$"))
    at_home = datetime.fromisoformat(status["next_round_at"]).astimezone(ZoneInfo("Europe/Paris"))
    expect(page.locator("#next-round")).to_have_text(re.compile(
        rf"^Prochain tour : .*{at_home.day} .* à {at_home:%H:%M} \(Europe/Paris\)\.$"))
