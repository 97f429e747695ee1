"""Refusals a service raises over RPC and the gateway turns into HTTP answers.

Each carries a message a person can act on and, when one input is to blame, the field.
The constructor keeps both in ``args`` so that they survive nameko's RPC serialisation.
"""


class Refusal(Exception):
    status = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message, field)
        self.message = message
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


REFUSALS = (Refusal, Unauthorized, NotFound, Conflict, Invalid, Forbidden, PreconditionFailed)
