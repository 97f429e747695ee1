"""What a member reads in a mail: every kind in both languages, the tone of each kind, the
note quoted (and escaped in HTML), dates in the reader's zone, a one-click unsubscribe per
kind and the signed links behind the buttons."""

from datetime import UTC, datetime, timedelta
from email.headerregistry import Address

import pytest

from workbuddy_contracts.vocabulary import LANGUAGES, MOMENT_KINDS
from workbuddy_notifications.adapters import links
from workbuddy_notifications.domain import mails, messages
from workbuddy_notifications.domain.wording import KIND_LABELS
from workbuddy_notifications.settings import NotificationsSettings
from workbuddy_platform.settings import SettingsError

AT = datetime(2026, 11, 26, 14, 41, tzinfo=UTC)
AUTHOR = {"_id": "m-1", "display_name": "Alice", "email": "alice@example.org", "language": "en"}
LINKS = links.MailLinks(links.LinkSettings(secret="s" * 40, public_url="https://app.example.org"))


def read(signer: links.MailLinks, token: str) -> dict:
    return signer.read(token, datetime.now(UTC))


def recipient(language: str, time_zone: str | None = None) -> dict:
    return {"_id": "m-2", "display_name": "Bruno", "email": "bruno@example.org",
            "language": language, "time_zone": time_zone}


def moment_item(kind: str) -> dict:
    return {"_id": "ev-1:m-2", "event_id": "ev-1", "recipient_id": "m-2", "kind": "moment",
            "subject_id": "m-1", "data": {"moment_id": "mo-1", "kind": kind}, "at": AT}


def mail_for(kind: str, language: str, note: str | None = "Signé hier soir", zone=None) -> mails.Mail:
    return messages.mail_for(moment_item(kind), recipient=recipient(language, zone), subject=AUTHOR,
                             moment={"_id": "mo-1", "kind": kind, "note": note}, links=LINKS)


SUBJECTS = {
    ("fr", "client_won"): "🍾 Alice a une bonne nouvelle : un client gagné !",
    ("fr", "client_lost"): "Alice traverse un moment difficile : un client perdu",
    ("fr", "urgent_advice"): "Alice a besoin de ton avis : besoin d'un avis urgent",
    ("en", "client_won"): "🍾 Alice has good news: a client won!",
    ("en", "client_lost"): "Alice could use your support: a client lost",
    ("en", "urgent_advice"): "Alice would like your advice: urgent advice needed",
}

# a line of each tone's body that only that tone says
TONE_LINES = {
    ("fr", "client_won"): "vient de partager une bonne nouvelle : un client gagné !",
    ("fr", "client_lost"): "vit un coup dur : un client perdu.",
    ("fr", "urgent_advice"): "aimerait ton regard : besoin d'un avis urgent.",
    ("en", "client_won"): "just shared some good news: a client won!",
    ("en", "client_lost"): "is going through a hard moment: a client lost.",
    ("en", "urgent_advice"): "would value your view: urgent advice needed.",
}
# the colour of each tone, on the HTML mail's border and button
COLOURS = {"client_won": "#8a6200", "client_lost": "#2f5f8f", "urgent_advice": "#b0441c"}

GREETING = {"fr": "Bonjour Bruno,", "en": "Hi Bruno,"}
QUOTED = {"fr": "« Signé hier soir »", "en": "“Signé hier soir”"}


@pytest.mark.parametrize("language, kind", sorted(SUBJECTS))
def test_the_subject_says_who_and_what_in_the_tone_of_the_moment(language, kind):
    assert mail_for(kind, language).subject == SUBJECTS[(language, kind)]


@pytest.mark.parametrize("language, kind", sorted(SUBJECTS))
def test_both_parts_greet_the_recipient_and_name_the_author_in_the_tone(language, kind):
    sent = mail_for(kind, language)
    assert sent.to == "bruno@example.org"
    assert sent.text.startswith(GREETING[language] + "\n")
    for part in (sent.text, sent.html):
        assert f"Alice, {'ton' if language == 'fr' else 'your'} work buddy" in part
        assert TONE_LINES[(language, kind)] in part.replace("&#39;", "'")
    assert f"border-top:6px solid {COLOURS[kind]}" in sent.html
    assert "— Work Buddy\n" in sent.text and "\n\n\n" not in sent.text


@pytest.mark.parametrize("language, kind", sorted(SUBJECTS))
def test_the_note_is_quoted_when_there_is_one(language, kind):
    sent = mail_for(kind, language)
    assert QUOTED[language] in sent.text
    assert "<blockquote" in sent.html and "Signé hier soir</blockquote>" in sent.html


@pytest.mark.parametrize("language, kind", sorted(SUBJECTS))
def test_no_quote_at_all_without_a_note(language, kind):
    sent = mail_for(kind, language, note=None)
    assert "None" not in sent.text and "None" not in sent.html
    for mark in ("«", "»", "“", "”"):
        assert mark not in sent.text
    assert "<blockquote" not in sent.html
    assert "\n\n\n" not in sent.text  # the missing note leaves no hole


def test_names_and_notes_are_escaped_in_html_and_plain_in_text():
    sender = AUTHOR | {"display_name": "Al <script>"}
    sent = messages.mail_for(moment_item("milestone"), recipient=recipient("en"), subject=sender,
                             moment={"_id": "mo-1", "kind": "milestone", "note": "<b>{{ x }}</b> & co"},
                             links=LINKS)
    assert "<script>" not in sent.html and "Al &lt;script&gt;" in sent.html
    assert "&lt;b&gt;{{ x }}&lt;/b&gt; &amp; co" in sent.html
    assert "“<b>{{ x }}</b> & co”" in sent.text  # a note is text, never a template


ZONES = [  # the same instant, as each reader's clock shows it
    ("Asia/Tokyo", "en", "Thursday, November 26, 2026, 11:41\u202fPM"),
    ("Asia/Tokyo", "fr", "jeudi 26 novembre 2026, 23:41"),
    ("America/Montreal", "en", "Thursday, November 26, 2026, 9:41\u202fAM"),
    ("America/Montreal", "fr", "jeudi 26 novembre 2026, 09:41"),
    (None, "en", "Thursday, November 26, 2026, 2:41\u202fPM"),
]


@pytest.mark.parametrize("zone, language, shown", ZONES)
def test_dates_are_in_the_readers_zone_and_language(zone, language, shown):
    sent = mail_for("client_won", language, zone=zone)
    assert shown in sent.text and shown in sent.html


def test_across_midnight_the_day_is_the_readers_day():
    late = AT.replace(hour=23)  # already Friday in Tokyo, still Thursday in Montreal
    assert mails.local_time(late, "en", "Asia/Tokyo").startswith("Friday, November 27")
    assert mails.local_time(late, "fr", "America/Montreal").startswith("jeudi 26 novembre")


@pytest.mark.parametrize("language, kind, unsubscribes", [
    ("en", "client_won", "win"), ("fr", "client_lost", "setback"), ("en", "urgent_advice", "ask")])
def test_each_mail_has_a_one_click_unsubscribe_for_its_kind(language, kind, unsubscribes):
    sent = mail_for(kind, language)
    url = sent.headers["List-Unsubscribe"].strip("<>")
    assert sent.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url.startswith("https://app.example.org/links/")
    assert url in sent.text and f'href="{url}"' in sent.html
    token = url.rsplit("/", 1)[1]
    assert read(LINKS, token) == {"action": "unsubscribe", "member_id": "m-2",
                                           "kind": unsubscribes, "language": language}


@pytest.mark.parametrize("kind, reaction", [("client_won", "cheer"), ("client_lost", "support"),
                                            ("urgent_advice", "support")])
def test_the_button_is_a_signed_one_tap_reaction_for_the_recipient(kind, reaction):
    sent = mail_for(kind, "en")
    [url] = {line for line in sent.text.splitlines() if line.startswith("https://app.example.org/links/")
             and line not in sent.headers["List-Unsubscribe"]}
    assert read(LINKS, url.rsplit("/", 1)[1]) == {
        "action": "react", "member_id": "m-2", "moment_id": "mo-1", "reaction": reaction,
        "language": "en"}


def test_setbacks_and_urgent_calls_are_flagged_important_and_wins_are_not():
    assert mail_for("client_lost", "en").headers["Importance"] == "high"
    assert mail_for("urgent_advice", "fr").headers["X-Priority"] == "2"
    assert "Importance" not in mail_for("client_won", "en").headers
    assert "Importance" not in mail_for("client_question", "en").headers


def test_a_link_signed_with_another_secret_or_changed_is_refused():
    url = LINKS.unsubscribe_url("m-2", "win", "en")
    token = url.rsplit("/", 1)[1]
    other = links.MailLinks(links.LinkSettings(secret="t" * 40, public_url=LINKS.public_url))
    with pytest.raises(links.LinkRefused) as refused:
        read(other, token)
    assert not refused.value.expired
    with pytest.raises(links.LinkRefused):
        read(LINKS, token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"))


def test_a_reaction_link_expires_after_thirty_days():
    token = LINKS.react_url("m-2", "mo-1", "cheer", "fr").rsplit("/", 1)[1]
    later = datetime.now(UTC) + timedelta(days=31)
    with pytest.raises(links.LinkRefused) as refused:
        LINKS.read(token, later)
    assert refused.value.expired
    unsubscribe = LINKS.unsubscribe_url("m-2", "win", "fr").rsplit("/", 1)[1]
    assert LINKS.read(unsubscribe, later)["kind"] == "win"  # unsubscribing lasts a year


def test_a_short_link_secret_stops_the_service_from_starting():
    with pytest.raises(SettingsError, match="MAIL_LINK_SECRET"):
        NotificationsSettings.from_env({"MAIL_LINK_SECRET": "short"})


def item(kind: str, data: dict, at: datetime = AT) -> dict:
    return {"_id": f"ev-{kind}:m-2", "event_id": f"ev-{kind}", "recipient_id": "m-2", "kind": kind,
            "subject_id": "m-1", "data": data, "at": at}


OTHER_KINDS = {
    ("reaction", "fr"): (item("reaction", {"moment_id": "mo-1", "kind": "cheer", "message": "Bravo !"}),
                         "Alice a réagi à ton moment : 🍾 bravo", "« Bravo ! »"),
    ("reaction", "en"): (item("reaction", {"moment_id": "mo-1", "kind": "support", "message": None}),
                         "Alice reacted to your moment: 🤝 support", "for a client won"),
    ("buddyship_proposed", "fr"): (
        item("buddyship_proposed", {"buddyship_id": "b-1", "reasons": {
            "fr": ["Vous cherchez tous deux du soutien moral."], "en": ["You both want support."]}}),
        "Un work buddy pour toi ? Voici Alice", "Vous cherchez tous deux du soutien moral."),
    ("buddyship_proposed", "en"): (
        item("buddyship_proposed", {"buddyship_id": "b-1", "reasons": {"en": ["You both design."]}}),
        "A work buddy for you? Meet Alice", "You both design."),
    ("buddyship_started", "fr"): (item("buddyship_started", {"buddyship_id": "b-1"}),
                                  "🤝 Alice et toi êtes work buddies", "jeudi 26 novembre 2026"),
    ("buddyship_started", "en"): (item("buddyship_started", {"buddyship_id": "b-1"}),
                                  "🤝 You and Alice are work buddies", "since Thursday, November 26"),
    ("buddyship_ended", "fr"): (item("buddyship_ended", {"buddyship_id": "b-1"}),
                                "Ton binôme avec Alice a pris fin", "a pris fin le jeudi 26"),
    ("buddyship_ended", "en"): (item("buddyship_ended", {"buddyship_id": "b-1"}),
                                "Your buddyship with Alice has ended", "ended on Thursday"),
}


@pytest.mark.parametrize("kind, language", sorted(OTHER_KINDS))
def test_reactions_and_buddyships_are_mailed_in_both_languages(kind, language):
    told, subject, line = OTHER_KINDS[(kind, language)]
    sent = messages.mail_for(told, recipient=recipient(language), subject=AUTHOR,
                             moment={"_id": "mo-1", "kind": "client_won"}, links=LINKS)
    assert sent.subject == subject
    assert sent.text.startswith(GREETING[language]) and line in sent.text
    assert "List-Unsubscribe" in sent.headers


def contrast_with_white(colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(colour[i:i + 2], 16) / 255) for i in (1, 3, 5))
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


@pytest.mark.parametrize("tone", sorted(mails.COLOURS))
def test_every_tones_button_is_readable_white_on_colour(tone):
    assert contrast_with_white(mails.COLOURS[tone]) >= 4.5  # WCAG AA for normal text


@pytest.mark.parametrize("kind, language, button", [
    ("buddyship_proposed", "en", "Accept or decline"), ("buddyship_proposed", "fr", "Accepter ou refuser"),
    ("buddyship_started", "en", "See your buddies"), ("buddyship_started", "fr", "Voir tes buddies")])
def test_a_proposal_or_a_new_buddy_leads_to_the_apps_buddies_page(kind, language, button):
    sent = messages.mail_for(OTHER_KINDS[(kind, language)][0], recipient=recipient(language),
                             subject=AUTHOR, moment=None, links=LINKS)
    page = f"{LINKS.public_url}/app/#/buddies"
    assert f"{button}\n{page}" in sent.text
    assert f'href="{page}"' in sent.html and f">{button}</a>" in sent.html


def test_an_ended_buddyship_asks_nothing_of_the_member():
    sent = messages.mail_for(OTHER_KINDS[("buddyship_ended", "en")][0], recipient=recipient("en"),
                             subject=AUTHOR, moment=None, links=LINKS)
    assert "/app/#/" not in sent.text and "/app/#/" not in sent.html


def test_a_new_buddy_is_welcomed_warmly_and_an_end_told_plainly():
    started = messages.mail_for(OTHER_KINDS[("buddyship_started", "en")][0], recipient=recipient("en"),
                                subject=AUTHOR, moment=None, links=LINKS)
    ended = messages.mail_for(OTHER_KINDS[("buddyship_ended", "en")][0], recipient=recipient("en"),
                              subject=AUTHOR, moment=None, links=LINKS)
    assert mails.COLOURS["warmth"] in started.html and "Welcome" in started.text
    assert mails.COLOURS["news"] in ended.html


def test_a_member_who_left_is_named_as_a_former_member():
    sent = messages.mail_for(OTHER_KINDS[("buddyship_ended", "fr")][0], recipient=recipient("fr"),
                             subject=None, moment=None, links=LINKS)
    assert sent.subject == "Ton binôme avec un ancien membre a pris fin"


def test_app_only_kinds_have_no_mail():
    assert messages.preference_kind(item("unmatched", {})) is None
    assert messages.preference_kind(item("buddy_quiet", {})) is None
    with pytest.raises(ValueError, match="app only"):
        messages.mail_for(item("unmatched", {}), recipient=recipient("en"), subject=None, moment=None,
                          links=LINKS)


@pytest.mark.parametrize("language, count, subject", [
    ("en", 1, "Work Buddy: 1 notification while you were busy"),
    ("en", 3, "Work Buddy: 3 notifications while you were busy"),
    ("fr", 1, "Work Buddy : 1 notification pendant que tu étais occupé·e"),
    ("fr", 2, "Work Buddy : 2 notifications pendant que tu étais occupé·e"),
])
def test_a_digest_counts_with_the_languages_plural_rule(language, count, subject):
    told = [(item("moment", {"moment_id": f"mo-{i}", "kind": "client_won"}, AT + timedelta(hours=i))
             | {"_id": f"ev-{i}:m-2"}, AUTHOR) for i in range(count)]
    sent = messages.digest_mail(told, recipient=recipient(language, "Asia/Tokyo"), links=LINKS)
    assert sent.subject == subject
    assert sent.text.count(KIND_LABELS[language]["client_won"]) == count
    assert sent.html.count("<li>") == count
    token = sent.headers["List-Unsubscribe"].strip("<>").rsplit("/", 1)[1]
    assert read(LINKS, token)["kind"] == "all"


def test_a_digest_lists_items_oldest_first_in_the_readers_zone():
    told = [(item("moment", {"moment_id": "late", "kind": "client_lost"}, AT + timedelta(hours=2))
             | {"_id": "b"}, AUTHOR),
            (item("moment", {"moment_id": "early", "kind": "client_won"}, AT) | {"_id": "a"}, AUTHOR)]
    sent = messages.digest_mail(told, recipient=recipient("fr", "Asia/Tokyo"), links=LINKS)
    lines = [line for line in sent.text.splitlines() if line.startswith("- ")]
    assert lines == ["- jeudi 26 novembre 2026, 23:41 · Alice : un client gagné",
                     "- vendredi 27 novembre 2026, 01:41 · Alice : un client perdu"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_kind_has_a_label_in_every_language(language):
    assert set(KIND_LABELS[language]) == set(MOMENT_KINDS)
    assert all(label.strip() for label in KIND_LABELS[language].values())


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", MOMENT_KINDS)
def test_every_kind_renders_in_every_language(kind, language):
    sent = mail_for(kind, language, note="a note")
    label = KIND_LABELS[language][kind]
    assert label in sent.subject and label in sent.text
    assert "Alice" in sent.subject
    assert "\n" not in sent.subject  # a subject is one header line
    Address(addr_spec=sent.to)  # a valid address


def test_the_language_is_the_recipients_not_the_authors():
    assert AUTHOR["language"] == "en"
    assert mail_for("client_won", "fr").text.startswith("Bonjour Bruno,")


@pytest.mark.parametrize("kind, place", [
    ("buddyship_proposed", "/buddies"), ("buddyship_started", "/buddies"),
    ("buddyship_ended", "/notifications"), ("reaction", "/notifications")])
def test_a_tapped_push_opens_where_the_member_can_act_on_it(kind, place):
    told = item(kind, {"buddyship_id": "b-1", "moment_id": "mo-1", "kind": "cheer",
                       "message": "a private word"})
    payload = messages.push_for(told, recipient=recipient("en"), subject=AUTHOR)
    assert payload["url"] == place
    assert "a private word" not in str(payload)  # a lock screen is not private
