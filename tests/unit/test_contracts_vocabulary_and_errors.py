"""Tones of moment kinds, input validation that names the field, refusals that survive RPC."""

import json

import pytest
from nameko.exceptions import RemoteError, deserialize, serialize

import workbuddy_gateway.rpc  # noqa: F401  registers the refusals with nameko, as the gateway does
from workbuddy_contracts.commands import (
    LogMoment,
    ProposeBuddyship,
    SignUp,
    load_or_refuse,
)
from workbuddy_contracts.errors import REFUSALS, Conflict, Invalid
from workbuddy_contracts.vocabulary import (
    ASKS,
    MOMENT_KINDS,
    MOMENT_NOTE_MAX,
    SETBACKS,
    WINS,
    Tone,
    tone_of,
)

# --- tones ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", WINS)
def test_every_win_is_celebrated(kind):
    assert tone_of(kind) is Tone.CELEBRATION


@pytest.mark.parametrize("kind", SETBACKS)
def test_every_setback_calls_for_support(kind):
    assert tone_of(kind) is Tone.SUPPORT


@pytest.mark.parametrize("kind", ASKS)
def test_every_ask_calls_for_advice(kind):
    assert tone_of(kind) is Tone.ADVICE


def test_each_kind_has_exactly_one_tone():
    # a kind listed twice would silently take the tone of the first group that lists it
    groups = [set(WINS), set(SETBACKS), set(ASKS)]
    assert sum(len(g) for g in groups) == len(set().union(*groups)) == len(MOMENT_KINDS)


@pytest.mark.parametrize("kind", ["promotion", "", "CLIENT_WON", "client_won "])
def test_an_unknown_kind_has_no_tone(kind):
    with pytest.raises(ValueError, match="unknown moment kind") as caught:
        tone_of(kind)
    assert "client_won" in str(caught.value)  # lists what is expected


# --- load_or_refuse ------------------------------------------------------------------------

def test_load_or_refuse_returns_the_loaded_data_with_defaults():
    assert load_or_refuse(LogMoment(), {"kind": "milestone"}) == {"kind": "milestone",
                                                                  "note": None, "widen": False,
                                                                  "seeking_partner": False,
                                                                  "skills_wanted": []}


PW = "a long enough passphrase"


@pytest.mark.parametrize("schema, data, field", [
    (LogMoment(), {"kind": "promotion"}, "kind"),
    (LogMoment(), {"kind": "milestone", "note": "x" * (MOMENT_NOTE_MAX + 1)}, "note"),
    (LogMoment(), {"note": "hello"}, "kind"),
    (SignUp(), {"email": "not-an-email", "display_name": "A", "language": "en", "password": PW},
     "email"),
    (SignUp(), {"email": "a@example.org", "display_name": "A", "language": "de", "password": PW},
     "language"),
    (SignUp(), {"email": "a@example.org", "display_name": "", "language": "en", "password": PW},
     "display_name"),
    (SignUp(), {"email": "a@example.org", "display_name": "A", "language": "en", "password": "x"},
     "password"),
    (ProposeBuddyship(), {"buddy_id": "x" * 65}, "buddy_id"),
])
def test_load_or_refuse_names_the_field_at_fault(schema, data, field):
    with pytest.raises(Invalid) as caught:
        load_or_refuse(schema, data)
    assert caught.value.field == field
    assert caught.value.message.startswith(f"{field}: ")
    assert caught.value.status == 422


def test_load_or_refuse_keeps_the_schema_message():
    with pytest.raises(Invalid) as caught:
        load_or_refuse(LogMoment(), {"kind": "milestone", "note": "x" * (MOMENT_NOTE_MAX + 1)})
    assert str(MOMENT_NOTE_MAX) in caught.value.message


def test_load_or_refuse_blames_the_whole_input_when_it_is_not_an_object():
    with pytest.raises(Invalid) as caught:
        load_or_refuse(LogMoment(), ["client_won"])
    assert caught.value.field == "_schema"


# --- refusals over RPC ---------------------------------------------------------------------

@pytest.mark.parametrize("cls", REFUSALS)
@pytest.mark.parametrize("field", ["email", None])
def test_a_refusal_rebuilt_from_its_args_keeps_message_and_field(cls, field):
    original = cls("that address is taken; use another", field)
    rebuilt = type(original)(*original.args)
    assert type(rebuilt) is cls
    assert rebuilt.message == original.message
    assert rebuilt.field == field
    assert str(rebuilt) == "that address is taken; use another"


@pytest.mark.parametrize("cls", REFUSALS)
def test_a_refusal_crosses_nameko_rpc_as_the_same_class(cls):
    """What a service raises is serialised to JSON by nameko and rebuilt at the gateway."""
    wire = json.loads(json.dumps(serialize(cls("no member has the id 'x'", "member_id"))))
    rebuilt = deserialize(wire)
    assert type(rebuilt) is cls
    assert (rebuilt.message, rebuilt.field) == ("no member has the id 'x'", "member_id")


def test_an_unregistered_exception_crosses_rpc_as_a_remote_error():
    rebuilt = deserialize(json.loads(json.dumps(serialize(KeyError("boom")))))
    assert isinstance(rebuilt, RemoteError)
    assert rebuilt.exc_type == "KeyError"


def test_a_refusal_without_a_field_survives_nameko_serialisation():
    from nameko.exceptions import deserialize, deserialize_to_instance, serialize

    deserialize_to_instance(Conflict)
    again = deserialize(json.loads(json.dumps(serialize(Conflict("try again later")))))
    assert type(again) is Conflict and again.field is None and again.message == "try again later"
