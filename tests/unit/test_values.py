"""The kinds of values members send are checked exactly as the API's document states them."""

import pytest
from marshmallow import Schema, ValidationError

from workbuddy_contracts.commands import LogMoment, ReportMember, SendMessage, SignUp
from workbuddy_contracts.profile import ProfileChange
from workbuddy_contracts.values import Flag, WholeNumber

CONTROLS = ["\x00", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9f", "\r"]


@pytest.mark.parametrize("control", CONTROLS)
@pytest.mark.parametrize("schema, body, field", [
    (LogMoment, lambda t: {"kind": "client_won", "note": t}, "note"),
    (ReportMember, lambda t: {"reason": "spam", "details": t}, "details"),
    (SendMessage, lambda t: {"text": t}, "text"),
    (ProfileChange, lambda t: {"display_name": t}, "display_name"),
    (ProfileChange, lambda t: {"city": t}, "city"),
])
def test_free_text_refuses_control_characters(schema, body, field, control):
    with pytest.raises(ValidationError) as refused:
        schema().load(body(f"Acme{control}deal"))
    assert field in refused.value.messages


@pytest.mark.parametrize("text", ["two\nlines", "a\ttab", "windows\r\nline", "émoji 🍾"])
def test_line_breaks_and_tabs_are_writing(text):
    assert LogMoment().load({"kind": "client_won", "note": text})["note"] == text


def test_a_one_line_field_refuses_line_breaks_even_around_it():
    for name in ("Alice\n", "\tAlice", "Al\nice"):
        with pytest.raises(ValidationError):
            ProfileChange().load({"display_name": name})
    assert ProfileChange().load({"display_name": "  Alice "})["display_name"] == "Alice"


def test_a_trimmed_text_is_held_to_its_bounds_as_sent_and_once_trimmed():
    with pytest.raises(ValidationError):  # 82 characters sent, 80 at most
        ProfileChange().load({"display_name": " " + "a" * 80 + " "})
    with pytest.raises(ValidationError):  # nothing once trimmed
        ProfileChange().load({"display_name": "   "})


class Numbers(Schema):
    count = WholeNumber()
    on = Flag()


@pytest.mark.parametrize("given, kept", [(4, 4), (4.0, 4), (-2.0, -2)])
def test_a_whole_number_may_be_written_with_a_point(given, kept):
    loaded = Numbers().load({"count": given})["count"]
    assert loaded == kept and type(loaded) is int


@pytest.mark.parametrize("given", [4.5, "4", True, float("inf"), None])
def test_a_whole_number_is_a_json_integer(given):
    with pytest.raises(ValidationError):
        Numbers().load({"count": given})


@pytest.mark.parametrize("given", [0, 1, "true", "yes", None])
def test_a_flag_is_true_or_false(given):
    with pytest.raises(ValidationError):
        Numbers().load({"on": given})
    assert Numbers().load({"on": False})["on"] is False


def test_lists_that_name_each_value_once():
    with pytest.raises(ValidationError) as refused:
        ProfileChange().load({"support": ["joint_projects", "joint_projects"]})
    assert refused.value.messages == {"support": ["must not repeat a value"]}


@pytest.mark.parametrize("typed", ["K3Q7Z-X9MPA", "k3q7z x9mpa", " K3Q7ZX9MPA "])
def test_an_invitation_is_checked_as_typed_and_kept_as_the_code(typed):
    body = {"email": "a@example.org", "password": "x" * 12, "display_name": "A",
            "language": "en", "invitation": typed}
    assert SignUp().load(body)["invitation"] == "K3Q7ZX9MPA"


@pytest.mark.parametrize("typed", ["ABCDEFGHß", "K3Q7Z_X9MPA", "K3Q7Z-X9MP"])
def test_an_invitation_not_typed_as_a_code_is_refused(typed):
    body = {"email": "a@example.org", "password": "x" * 12, "display_name": "A",
            "language": "en", "invitation": typed}
    with pytest.raises(ValidationError):
        SignUp().load(body)
