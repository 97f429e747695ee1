"""Refusals in the caller's language: French and English, for every message the code uses."""

import ast
import re
import string
from pathlib import Path

import pytest

from workbuddy_contracts import i18n
from workbuddy_contracts.commands import LogMoment, SignUp, load_or_refuse
from workbuddy_contracts.errors import REFUSALS, Invalid, NotFound

ROOT = Path(__file__).resolve().parents[2]
REFUSAL_NAMES = {cls.__name__ for cls in REFUSALS}


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    i18n.use_language("en")


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("english", sorted(i18n.FRENCH))
def test_every_french_message_has_the_same_placeholders(english):
    assert placeholders(i18n.FRENCH[english]) == placeholders(english)


def _literal(node, constants: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


def refusal_templates() -> list[tuple[str, str]]:
    """Every message given to a refusal, or to problem(), in the product's source."""
    found = []
    for path in [*ROOT.glob("services/*/src/**/*.py"), *ROOT.glob("libs/*/src/**/*.py")]:
        tree = ast.parse(path.read_text())
        constants = {t.id: n.value.value for n in ast.walk(tree) if isinstance(n, ast.Assign)
                     for t in n.targets if isinstance(t, ast.Name)
                     and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in REFUSAL_NAMES:
                message = node.args[0]
            elif name == "problem" and len(node.args) >= 2:
                message = node.args[1]
            else:
                continue
            if isinstance(message, ast.JoinedStr):
                found.append((f"{path.name}:{node.lineno}", "<an f-string: use a template>"))
            elif (text := _literal(message, constants)) is not None:
                found.append((f"{path.name}:{node.lineno}", text))
    return found


def test_the_source_gives_refusals_templates_we_can_translate():
    found = refusal_templates()
    assert len(found) > 25  # the scan sees the code
    missing = [(where, text) for where, text in found if text not in i18n.FRENCH]
    assert missing == [], "add these to workbuddy_contracts.i18n.FRENCH"


def test_a_refusal_is_said_in_the_language_of_the_request():
    i18n.use_language("fr")
    refusal = NotFound("no member {member_id!r} among your buddies", "member_id", member_id="m-9")
    assert refusal.message == "aucun membre 'm-9' parmi vos buddies"
    # What nameko does to it on the way to the gateway: the same words come out.
    again = type(refusal)(*refusal.args)
    assert (again.message, again.field) == (refusal.message, "member_id")
    i18n.use_language("en")
    assert NotFound("no member {member_id!r} among your buddies", "member_id",
                    member_id="m-9").message == "no member 'm-9' among your buddies"


def test_an_unknown_language_falls_back_to_english():
    i18n.use_language("de")
    assert i18n.current_language() == "en"


@pytest.mark.parametrize("english, french", [
    ("Missing data for required field.", "Champ obligatoire manquant."),
    ("Must be one of: fr, en.", "Doit valoir l'une de ces valeurs : fr, en."),
    ("Longer than maximum length 500.", "Plus long que 500 caractères."),
    ("must have between 1 and 80 characters", "doit avoir entre 1 et 80 caractères"),
    ("Must be greater than or equal to 1 and less than or equal to 5.",
     "Doit être compris entre 1 et 5."),
    ("something nobody translated", "something nobody translated"),
])
def test_library_messages_are_translated_by_their_shape(english, french):
    i18n.use_language("fr")
    assert i18n.translate(english) == french


def test_validation_refusals_name_the_field_in_french():
    i18n.use_language("fr")
    with pytest.raises(Invalid) as caught:
        load_or_refuse(LogMoment(), {"kind": "promotion"})
    assert caught.value.field == "kind"
    assert re.match(r"^kind : Doit valoir l'une de ces valeurs : client_won, ", caught.value.message)
    with pytest.raises(Invalid) as caught:
        load_or_refuse(SignUp(), {"email": "a@example.org", "display_name": " ", "language": "fr",
                                  "password": "a long enough passphrase"})
    assert caught.value.message == "display_name : doit avoir entre 1 et 80 caractères"


PUSH_REFUSALS_FR = [  # (what is wrong in the browser's subscription, field, French words)
    ({"endpoint": "ftp://push.example.org/x"}, "endpoint", "doit être une URL https absolue"),
    ({"endpoint": "http://push.example.org/x"}, "endpoint", "doit utiliser https"),
    ({"endpoint": "https://push.example.org/" + "x" * 2100}, "endpoint", "au plus 2048 caractères"),
    ({"keys": {"p256dh": "AAAA", "auth": "A" * 22}}, "keys.p256dh", "reçu 3 octets"),
    ({"keys": {"p256dh": "BA" + "A" * 85, "auth": "A" * 22}}, "keys.p256dh", "courbe P-256"),
    ({"keys": {"auth": "AAAA"}}, "keys.auth", "doit faire 16 octets une fois décodé (le secret auth)"),
    ({"keys": {"p256dh": "+/+/", "auth": "A" * 22}}, "keys.p256dh", "doit être en base64url"),
]


@pytest.mark.parametrize("wrong, field, french", PUSH_REFUSALS_FR)
def test_a_refused_push_subscription_is_explained_in_french(wrong, field, french):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from workbuddy_notifications.adapters import push

    key = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    browser = {"endpoint": "https://push.example.org/x",
               "keys": {"p256dh": push.b64url_encode(key), "auth": "A" * 22}}
    load_or_refuse(push.Subscription(), browser)  # as a browser gives it: accepted
    wrong = wrong | ({"keys": browser["keys"] | wrong["keys"]} if "keys" in wrong else {})
    i18n.use_language("fr")
    with pytest.raises(Invalid) as refused:
        load_or_refuse(push.Subscription(), browser | wrong)
    assert refused.value.field.startswith(field)
    assert french in refused.value.message, refused.value.message
    assert "must" not in refused.value.message
