"""Refusals a service raises over RPC and the gateway turns into HTTP answers.

Each carries a message a person can act on and, when one input is to blame, the field. The
message is an English template from workbuddy_contracts.i18n, written at once in the
language of the request being served. The constructor keeps message and field in ``args`` so
that they survive nameko's RPC serialisation.
"""

from .i18n import say


class Refusal(Exception):
    status = 400

    def __init__(self, message: str, field: str | None = None, **params):
        rendered = say(message, **params)
        # nameko sends args as strings: a None field would come back as "None".
        super().__init__(*((rendered,) if field is None else (rendered, field)))
        self.message = rendered
        self.field = field

    def __str__(self) -> str:
        return self.message


class Unauthorized(Refusal):
    status = 401


class NotFound(Refusal):
    status = 404


class Conflict(Refusal):
    status = 409


class Invalid(Refusal):
    status = 422


class Forbidden(Refusal):
    status = 403


class PreconditionFailed(Refusal):
    status = 412


class Gone(Refusal):
    """A one-time link already used, or too old: the message says how to get a new one."""

    status = 410


def unknown_member(member_id: str, field: str) -> NotFound:
    """What a member id that names nobody (or nobody the caller may see) gets."""
    return NotFound("no member has the id {member_id!r}; check the id you were given", field,
                    member_id=member_id)


def unproven_proposer() -> Conflict:
    """A member whose address is not proven yet proposes to nobody: an account made with
    someone else's address (a decoy, docs/security.md) must not reach members in that
    person's name."""
    return Conflict("confirm your email address first (the link is in the mail we sent you, "
                    "and Resend sends another); then propose again")


def unproven_invitee(field: str) -> Conflict:
    """Nobody proposes to a member whose address is not proven: no mail could ask them."""
    return Conflict("this member has not confirmed their email address yet; propose again once "
                    "they have", field)


REFUSALS = (Refusal, Unauthorized, NotFound, Conflict, Invalid, Forbidden, PreconditionFailed,
            Gone)
