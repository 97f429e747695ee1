"""What a buddy reads: the mail for a moment, in the recipient's language and the moment's tone."""

import pytest

from workbuddy_contracts.vocabulary import LANGUAGES, MOMENT_KINDS
from workbuddy_notifications.mail import moment_mail
from workbuddy_notifications.wording import KIND_LABELS

AUTHOR = {"_id": "m-1", "display_name": "Alice", "email": "alice@example.org", "language": "en"}


def recipient(language: str) -> dict:
    return {"_id": "m-2", "display_name": "Bruno", "email": "bruno@example.org",
            "language": language}


def mail_for(kind: str, language: str, note: str | None = "Signé hier soir"):
    return moment_mail(moment={"_id": "mo-1", "kind": kind, "note": note},
                       author=AUTHOR, recipient=recipient(language))


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

GREETING = {"fr": "Bonjour Bruno,", "en": "Hi Bruno,"}
QUOTED = {"fr": "« Signé hier soir »", "en": "“Signé hier soir”"}


@pytest.mark.parametrize("language, kind", sorted(SUBJECTS))
def test_the_subject_says_who_and_what_in_the_tone_of_the_moment(language, kind):
    assert mail_for(kind, language).subject == SUBJECTS[(language, kind)]


@pytest.mark.parametrize("language, kind", sorted(SUBJECTS))
def test_the_body_greets_the_recipient_and_names_the_author(language, kind):
    mail = mail_for(kind, language)
    assert mail.to == "bruno@example.org"
    assert mail.body.startswith(GREETING[language] + "\n")
    assert f"Alice, {'ton' if language == 'fr' else 'your'} work buddy" in mail.body
    assert TONE_LINES[(language, kind)] in mail.body
    assert mail.body.endswith("— Work Buddy\n") and not mail.body.endswith("\n\n")


@pytest.mark.parametrize("language, kind", sorted(SUBJECTS))
def test_the_note_is_quoted_when_there_is_one(language, kind):
    assert QUOTED[language] in mail_for(kind, language).body


@pytest.mark.parametrize("language, kind", sorted(SUBJECTS))
def test_no_quote_at_all_without_a_note(language, kind):
    body = mail_for(kind, language, note=None).body
    assert "None" not in body
    for mark in ("«", "»", "“", "”"):
        assert mark not in body
    assert "\n\n\n" not in body  # the missing note leaves no hole


def test_a_moment_without_a_note_key_renders_like_a_none_note():
    mail = moment_mail(moment={"_id": "mo-1", "kind": "milestone"}, author=AUTHOR,
                       recipient=recipient("en"))
    assert mail == mail_for("milestone", "en", note=None)


def test_the_language_is_the_recipients_not_the_authors():
    assert AUTHOR["language"] == "en"
    assert mail_for("client_won", "fr").body.startswith("Bonjour Bruno,")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_kind_has_a_label_in_every_language(language):
    assert set(KIND_LABELS[language]) == set(MOMENT_KINDS)
    assert all(label.strip() for label in KIND_LABELS[language].values())


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", MOMENT_KINDS)
def test_every_kind_renders_in_every_language(kind, language):
    mail = mail_for(kind, language, note="a note")
    label = KIND_LABELS[language][kind]
    assert label in mail.subject and label in mail.body
    assert "Alice" in mail.subject
    assert "\n" not in mail.subject  # a subject is one header line


def test_a_note_is_not_interpreted_as_a_template():
    mail = mail_for("milestone", "en", note="{{ recipient }} {% if x %}")
    assert "“{{ recipient }} {% if x %}”" in mail.body
